//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalStock: in zh-CN and in en, a parts clerk posts a receipt into
// the central warehouse and a transfer to a site's warehouse through the
// documents page, then receives the transfer partly; receiving more than
// is in transit is refused beside the field. The API's stock figures and
// document state follow each step; axe-core finds no serious violation
// on the documents and stock pages.
func TestPortalStock(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, partly string }{
		{"zh-CN", "stock-zh", "部分收货"},
		{"en", "stock-en", "Partly received"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Stock " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": dispatchPassword}})
			admin := c.login(tc.tenant, "admin", dispatchPassword)
			region := c.post(admin, "/v1/regions", map[string]any{"level": "country", "code": "CN", "name": "中国"})
			site := c.post(admin, "/v1/sites", map[string]any{"region_id": region, "code": "S-1", "name": "南山服务站",
				"kind": "service_station", "location": map[string]float64{"lat": 22.54, "lon": 114.05},
				"area": map[string]float64{"radius_km": 30}, "phone": "075586000000"})
			central := c.post(admin, "/v1/warehouses", map[string]any{"code": "WH-C", "name": "中心库", "kind": "central"})
			siteWH := c.post(admin, "/v1/warehouses", map[string]any{"code": "WH-S", "name": "南山网点库", "kind": "site", "site_id": site})
			part := c.post(admin, "/v1/parts/catalog", map[string]any{"number": "P-COMP", "name_zh": "压缩机", "name_en": "Compressor",
				"cost_minor": 32000, "sale_minor": 45000})
			stock := func(wh string) map[string]any {
				items := c.list(t, admin, "/v1/stock?part_id="+part+"&warehouse_id="+wh)
				require.Len(t, items, 1)
				return items[0]
			}

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/parts/documents", tc.tenant, "admin")
			b.waitVisible(`[data-test="new-document"]`)
			b.requireSettledAccessible("the stock documents page")

			// A receipt of 10 into the central warehouse.
			b.click(`[data-test="new-document"]`)
			b.waitVisible(`[data-test="document-form"]`)
			b.pickOption(`[data-test="document-warehouse"]`, "WH-C")
			b.pickOption(`[data-test="line-part-0"]`, "P-COMP")
			b.fill(`[data-test="line-qty-0"] input`, "10")
			b.fill(`[data-test="document-reference"]`, "DN-001")
			b.click(`[data-test="post-document"]`)
			b.waitJS("the receipt posted", `document.querySelector('[data-test="document-form"]') === null || document.querySelector('[data-test="document-form"]').offsetParent === null`)
			b.waitJS("the receipt listed", `document.querySelectorAll('[data-test="documents"] tbody tr').length === 1`)
			require.EqualValues(t, 10, stock(central)["available"])

			// A transfer of 6 to the site's warehouse.
			b.click(`[data-test="new-document"]`)
			b.click(`[data-test="kind-transfer"]`)
			b.pickOption(`[data-test="document-from"]`, "WH-C")
			b.pickOption(`[data-test="document-to"]`, "WH-S")
			b.pickOption(`[data-test="line-part-0"]`, "P-COMP")
			b.fill(`[data-test="line-qty-0"] input`, "6")
			b.click(`[data-test="post-document"]`)
			b.waitJS("the transfer listed", `document.querySelectorAll('[data-test="documents"] tbody tr').length === 2`)
			transfers := c.list(t, admin, "/v1/stock/documents?kind=transfer")
			require.Len(t, transfers, 1)
			tr := transfers[0]["id"].(string)
			require.Equal(t, "in_transit", transfers[0]["state"])
			require.EqualValues(t, 4, stock(central)["available"])
			require.EqualValues(t, 6, stock(siteWH)["in_transit"])

			// Received in part: 4 of 6.
			b.click(fmt.Sprintf(`[data-test="receive-%s"]`, tr))
			b.waitVisible(`[data-test="receive-form"]`)
			b.fill(`[data-test="receive-qty-0"] input`, "4")
			b.click(`[data-test="confirm-receive"]`)
			b.waitJS("partly received", fmt.Sprintf(`document.querySelector('[data-test="state-%s"]').innerText === %q`, tr, tc.partly))
			s := stock(siteWH)
			require.EqualValues(t, 4, s["available"])
			require.EqualValues(t, 2, s["in_transit"])

			// Receiving 3 more than the 2 in transit is refused beside the field; nothing changes.
			b.click(fmt.Sprintf(`[data-test="receive-%s"]`, tr))
			b.fill(`[data-test="receive-qty-0"] input`, "3")
			b.click(`[data-test="confirm-receive"]`)
			require.NotEmpty(t, b.fieldError(`[data-test="receive-qty-0"]`))
			require.EqualValues(t, 2, stock(siteWH)["in_transit"])

			b.open("/parts/stock?part=" + part)
			b.waitVisible(`[data-test="available-WH-S-P-COMP"]`)
			b.waitJS("the site's availability", `document.querySelector('[data-test="available-WH-S-P-COMP"]').innerText === '4'`)
			b.requireSettledAccessible("the stock page")
		})
	}
}

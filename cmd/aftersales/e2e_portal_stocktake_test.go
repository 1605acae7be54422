//go:build linux

package main_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalStocktake: in zh-CN and in en, a parts clerk opens a count
// sheet for a warehouse from the stocktake page, enters a count, sees the
// variance against on hand and posts it; the API's stock follows. A
// count on the phone page reaches the API too; axe-core finds no serious
// violation on the sheet and planning pages.
func TestPortalStocktake(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, posted string }{
		{"zh-CN", "stocktake-zh", "已过账"},
		{"en", "stocktake-en", "Posted"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Stocktake " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": dispatchPassword}})
			admin := c.login(tc.tenant, "admin", dispatchPassword)
			central := c.post(admin, "/v1/warehouses", map[string]any{"code": "WH-C", "name": "中心库", "kind": "central"})
			spare := c.post(admin, "/v1/warehouses", map[string]any{"code": "WH-R", "name": "备用库", "kind": "central"})
			part := c.post(admin, "/v1/parts/catalog", map[string]any{"number": "P-COMP", "name_zh": "压缩机", "name_en": "Compressor",
				"cost_minor": 32000, "sale_minor": 45000})
			for _, wh := range []string{central, spare} {
				c.post(admin, "/v1/stock/documents", map[string]any{"kind": "receipt", "warehouse_id": wh,
					"lines": []map[string]any{{"part_id": part, "quantity": 10}}})
			}

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/parts/stocktakes", tc.tenant, "admin")
			b.waitVisible(`[data-test="stocktake-open"]`)
			b.pickOption(`[data-test="stocktake-warehouse"]`, "WH-C")
			b.click(`[data-test="stocktake-open"]`)
			b.waitVisible(`[data-test="count-P-COMP"]`)
			b.fill(`[data-test="count-P-COMP"] input`, "8")
			b.click(`[data-test="stocktake-save"]`)
			b.waitJS("the variance", `document.querySelector('[data-test="variance-P-COMP"]').innerText === '-2'`)
			b.requireSettledAccessible("the count sheet page")
			b.click(`[data-test="stocktake-post"]`)
			b.waitJS("posted", `document.querySelector('[data-test="stocktake-state"]').innerText.includes(`+strconv.Quote(tc.posted)+`)`)
			items := c.list(t, admin, "/v1/stock?part_id="+part+"&warehouse_id="+central)
			require.Len(t, items, 1)
			require.EqualValues(t, 8, items[0]["on_hand"])

			// The phone page: a blind count of the other warehouse.
			st := c.post(admin, "/v1/stocktakes", map[string]any{"warehouse_id": spare})
			p := newBrowser(t, addr, tc.lang, 390, 844)
			p.openSignedIn("/m/stocktakes/"+st, tc.tenant, "admin")
			p.waitVisible(`[data-test="m-count-P-COMP"]`)
			p.fill(`[data-test="m-count-P-COMP"] input`, "9")
			p.click(`[data-test="m-count-save"]`)
			p.waitVisible(`[data-test="m-count-message"]`)
			var got map[string]any
			c.expect(http.StatusOK, "GET", "/v1/stocktakes/"+st, admin, nil).decode(t, &got)
			require.EqualValues(t, 9, got["lines"].([]any)[0].(map[string]any)["counted"])

			b.open("/parts/planning")
			b.waitVisible(`[data-test="plan-lines"]`)
			b.requireSettledAccessible("the planning page")
		})
	}
}

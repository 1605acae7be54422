//go:build linux

package main_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalDistricts: the tenant admin opens a Shenzhen site's districts,
// finds Guilin's 象山区 in the picker (far outside the site's radius),
// marks it secondary then primary again and saves; then, on the agent
// console, takes in a repair for an address typed as text only in that
// district, which is dispatched to that site with the district reason in
// the console's language. The server holds the coverage and the decision.
// In zh-CN and en; axe-core checks the districts page.
func TestPortalDistricts(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct {
		lang, slug, saved, covers, primary string
	}{
		{"zh-CN", "cov-zh", "已保存：1 个行政区划", "覆盖该地址（服务区县 450304", "主要"},
		{"en", "cov-en", "Saved: 1 divisions", "covers address (district 450304", "Primary"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.slug, tc.lang)
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/admin/sites")
			b.waitPath("/login")
			b.fill("#tenant", n.slug)
			b.fill("#username", "admin")
			b.fill("#password", adminPassword)
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/admin/sites")

			// The picker: find the district by name, toggle its coverage, save.
			b.click(`[data-test="districts-S-LH"]`)
			b.waitPath("/admin/sites/" + n.siteB + "/districts")
			b.waitVisible(`[data-test="district-picker"] .el-cascader`)
			b.fill(`[data-test="district-search"] input`, "象山")
			b.click(`[data-test="district-option-450304"]`)
			b.waitVisible(`[data-test="district-450304"]`)
			require.Contains(t, b.text(), "广西壮族自治区桂林市象山区")
			b.click(`[data-test="secondary-450304"]`)
			b.click(`[data-test="primary-450304"]`)
			b.waitText(tc.primary)
			b.click(`[data-test="districts-save"]`)
			b.waitText(tc.saved)
			b.requireSettledAccessible("the site's districts")
			var cov struct {
				Items []struct{ Code, Coverage string }
			}
			c.expect(http.StatusOK, "GET", "/v1/sites/"+n.siteB+"/districts", n.admin, nil).decode(t, &cov)
			require.Len(t, cov.Items, 1)
			require.Equal(t, "450304", cov.Items[0].Code)
			require.Equal(t, "primary", cov.Items[0].Coverage)

			// The agent console: an address typed as text only, in Guilin.
			b.open("/agent")
			b.waitPath("/agent")
			b.fill("#lookup-phone", "13800138000")
			b.click(`[data-test="lookup-submit"]`)
			b.waitVisible(`[data-test="caller-name"]`)
			b.waitVisible(`#intake-address`)
			b.fill(`#intake-address`, "广西桂林市象山区中山南路1号")
			b.fill(`#intake-description`, "空调不制冷")
			b.click(`[data-test="intake-submit"]`)
			b.run("the order created", chromedp.WaitVisible(`[data-test="intake-created"] [data-test="decision-site"]`))
			require.Equal(t, "罗湖服务站", b.evalString(`document.querySelector('[data-test="decision-site"]').innerText`))
			ranking := b.evalString(`document.querySelector('[data-test="decision-ranking"]').innerText`)
			require.Contains(t, ranking, tc.covers, "the district reason in the console's language")

			var list struct {
				Items []workOrderSeen
			}
			c.expect(http.StatusOK, "GET", "/v1/work-orders?customer_id="+n.customer, n.admin, nil).decode(t, &list)
			require.Len(t, list.Items, 1)
			require.Equal(t, n.siteB, list.Items[0].SiteID, "dispatched to the site covering 象山区")
			require.Equal(t, "dispatched", list.Items[0].State)
		})
	}
}

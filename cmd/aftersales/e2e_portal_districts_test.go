//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalDistricts: the tenant admin opens a Shenzhen site's districts,
// finds Guilin's 象山区 in the picker (far outside the site's radius),
// marks it secondary then primary again, picks 秀峰区 on the cascader
// (广西 › 桂林市 › 秀峰区, clicked level by level) and saves; in the site's
// form makes it a districts-only site (no radius); then, on the agent
// console, takes in a repair for an address typed as text only in that
// district, which is dispatched to that site with the district reason,
// naming the district, in the console's language. The server holds the
// coverage, the area and the decision. In zh-CN and en; axe-core checks
// the districts page.
func TestPortalDistricts(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct {
		lang, slug, saved, covers, primary string
	}{
		{"zh-CN", "cov-zh", "已保存：2 个行政区划", "覆盖该地址（服务区县 广西壮族自治区桂林市象山区（450304）", "主要"},
		{"en", "cov-en", "Saved: 2 divisions", "covers address (district 450304 广西壮族自治区桂林市象山区,", "Primary"},
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
			// The district joins the list (an option click that landed while
			// the dropdown was still opening is made again).
			b.run("the district added", chromedp.Poll[chromedp.Void](`(() => {
				if (document.querySelector('[data-test="district-450304"]')) return true
				const o = document.querySelector('[data-test="district-option-450304"]')
				if (o) o.click()
				return false })()`, chromedp.WithPollingTimeout(browserWait)))
			b.waitVisible(`[data-test="district-450304"]`)
			require.Contains(t, b.text(), "广西壮族自治区桂林市象山区")
			b.click(`[data-test="secondary-450304"]`)
			b.click(`[data-test="primary-450304"]`)
			b.waitText(tc.primary)
			// The cascader, level by level: 广西 › 桂林市 › 秀峰区.
			b.click(`[data-test="district-picker"] .el-cascader`)
			b.cascade("广西壮族自治区", false)
			b.cascade("桂林市", false)
			b.cascade("秀峰区", true)
			b.waitJS("the cascader's panel closed", `[...document.querySelectorAll('.el-cascader__dropdown')]
				.every((e) => getComputedStyle(e).display === 'none')`)
			b.waitVisible(`[data-test="district-450302"]`)
			require.Contains(t, b.text(), "广西壮族自治区桂林市秀峰区")
			b.click(`[data-test="districts-save"]`)
			b.waitText(tc.saved)
			b.requireSettledAccessible("the site's districts")
			var cov struct {
				Items []struct{ Code, Coverage string }
			}
			c.expect(http.StatusOK, "GET", "/v1/sites/"+n.siteB+"/districts", n.admin, nil).decode(t, &cov)
			require.Len(t, cov.Items, 2)
			require.Equal(t, "450302", cov.Items[0].Code, "picked on the cascader")
			require.Equal(t, "450304", cov.Items[1].Code)
			require.Equal(t, "primary", cov.Items[1].Coverage)

			// The site's form: districts only, no radius.
			b.open("/admin/sites")
			b.click(`[data-test="edit-site-S-LH"]`)
			b.waitVisible(`[data-test="site-drawer"] #st-radius`)
			b.click(`[data-test="site-districts-only"]`)
			b.waitJS("the radius hidden", `document.querySelector('[data-test="site-drawer"] #st-radius') === null`)
			b.click(`[data-test="site-save"]`)
			b.waitJS("the drawer closed", `document.querySelector('[data-test="site-drawer"] #st-radius') === null && document.querySelector('[data-test="site-save"]')?.offsetParent == null`)
			var site struct{ Area map[string]any }
			c.expect(http.StatusOK, "GET", "/v1/sites/"+n.siteB, n.admin, nil).decode(t, &site)
			require.Empty(t, site.Area, "a districts-only site has no radius nor polygon")

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

// cascade clicks the shown cascader node labelled name: a parent opens
// its children; the last (pick) checks its radio, as a user picks a level.
func (b *browser) cascade(name string, pick bool) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => {
		const node = [...document.querySelectorAll('.el-cascader-node')]
			.find((e) => e.offsetParent !== null && e.querySelector('.el-cascader-node__label')?.innerText.trim() === %q)
		if (!node) return false
		const target = %t ? node.querySelector('.el-radio') : node
		if (!target) return false
		target.click()
		return true
	})()`, name, pick)
	b.run("cascader "+name, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(browserWait)))
}

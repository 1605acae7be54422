//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPortalReportScope: in zh-CN and in en, a region manager of Shenzhen
// walks the report screens. Of three orders (Nanshan, Luohu, and one sent
// to a Guangzhou site outside their subtree) the overview counts their
// two, as the API answers them (the admin sees three); the service
// quality tab shows the care metrics (service level as the API gives it,
// not 0), a card opening the records behind it; the trend follows the granularity picked, bucket for bucket as
// the API computes it, kept in the URL; on the Luohu scorecard the channel
// filter and the granularity change the table and the trend as the API
// says; the Guangzhou site is not offered and, asked for by its URL, the
// screen says it is outside their scope (the API: 403). axe-core finds no
// serious violation.
func TestPortalReportScope(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, quality, outOfScope string }{
		{"zh-CN", "scope-zh", "服务质量", "不在您的权限范围内"},
		{"en", "scope-en", "Service quality", "outside your scope"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.tenant, tc.lang)
			var siteA struct {
				RegionID string `json:"region_id"`
			}
			c.expect(http.StatusOK, "GET", "/v1/sites/"+n.siteA, n.admin, nil).decode(t, &siteA)
			var sz struct {
				ParentID string `json:"parent_id"`
			}
			c.expect(http.StatusOK, "GET", "/v1/regions/"+siteA.RegionID, n.admin, nil).decode(t, &sz)
			post := func(path string, body map[string]any) string {
				var out struct {
					ID string `json:"id"`
				}
				c.expect(http.StatusCreated, "POST", path, n.admin, body).decode(t, &out)
				require.NotEmpty(t, out.ID)
				return out.ID
			}
			gz := post("/v1/regions", map[string]any{"level": "city", "code": "GZ", "name": "广州市", "parent_id": sz.ParentID})
			siteGZ := post("/v1/sites", map[string]any{"region_id": gz, "code": "S-TH", "name": "天河服务站",
				"kind": "service_station", "location": map[string]float64{"lat": customerLat + 0.02, "lon": customerLon + 0.02},
				"area": map[string]float64{"radius_km": 60}, "product_lines": []string{"AC"}, "auto_assign": false, "phone": "02086000000"})
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "sz.manager", "display_name": "深圳经理",
				"password": dispatchPassword, "roles": []string{"region_manager"}, "scope": map[string]any{"regions": []string{siteA.RegionID}}})
			for i := range 3 {
				w := n.intake(t)
				switch i {
				case 1:
					c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/reassign", n.admin, map[string]any{"site_id": n.siteB, "reason": "罗湖站有空"})
					c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/assign", n.admin, map[string]any{"technician_id": n.techB})
				case 2:
					c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/reassign", n.admin, map[string]any{"site_id": siteGZ, "reason": "天河站支援"})
				}
			}
			mgr := c.login(tc.tenant, "sz.manager", dispatchPassword)

			// The overview's default period: the last 30 days in the tenant's zone.
			now := time.Now().In(shanghai(t))
			from30, today := now.AddDate(0, 0, -29).Format("2006-01-02"), now.Format("2006-01-02")
			type result struct {
				Totals []struct {
					Group  map[string]string   `json:"group"`
					Values map[string]*float64 `json:"values"`
				} `json:"totals"`
				Series []struct {
					Start string `json:"start"`
				} `json:"series"`
			}
			query := func(tok string, q url.Values) result {
				var r result
				c.expect(http.StatusOK, "GET", "/v1/reports/query?"+q.Encode(), tok, nil).decode(t, &r)
				return r
			}
			total := func(r result, m string) string {
				if len(r.Totals) != 1 || r.Totals[0].Values[m] == nil {
					return "—"
				}
				return fmt.Sprint(*r.Totals[0].Values[m])
			}
			period := url.Values{"metrics": {"orders"}, "from": {from30}, "to": {today}}
			require.Eventually(t, func() bool { return total(query(n.admin, period), "orders") == "3" }, 90*time.Second, time.Second,
				"the report job counts the three orders within a minute")
			require.Equal(t, "2", total(query(mgr, period), "orders"), "the region manager's numbers cover their subtree")

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/reports", tc.tenant, "sz.manager")
			b.waitJS("their 2 orders", `document.querySelector('[data-test="card-orders"] .card-value')?.innerText === '2'`)
			b.waitJS("the charts are drawn", `document.querySelectorAll('.report-chart canvas').length === 2`)
			b.requireSettledAccessible("the overview of a region manager")

			// The granularity: weeks as the API counts them, in the URL.
			categories := func(sel string) string {
				return fmt.Sprintf(`document.querySelector('%s')?.dataset.categories`, sel)
			}
			starts := func(r result) string {
				var s []string
				for _, p := range r.Series {
					s = append(s, p.Start)
				}
				return strings.Join(s, ",")
			}
			b.click(`[data-test="report-granularity-week"]`)
			weeks := query(mgr, url.Values{"metrics": {"orders"}, "from": {from30}, "to": {today}, "granularity": {"week"}})
			require.NotEmpty(t, weeks.Series)
			b.waitJS("the trend in weeks", fmt.Sprintf(`%s === %q`, categories(`[data-test="report-trend"]`), starts(weeks)))
			b.waitJS("the granularity in the URL", `location.search.includes('granularity=week')`)
			b.open("/reports?" + url.Values{"from": {from30}, "to": {today}, "granularity": {"month"}, "tab": {"quality"}}.Encode())
			months := query(mgr, url.Values{"metrics": {"orders"}, "from": {from30}, "to": {today}, "granularity": {"month"}})

			// The service quality tab, opened from the URL: the care metrics
			// as the API gives them to this user.
			b.waitText(tc.quality)
			care := query(mgr, url.Values{"metrics": {"complaints_per_1000,callback_coverage"}, "from": {from30}, "to": {today}})
			require.Equal(t, "0", total(care, "complaints_per_1000"))
			b.waitJS("complaints per 1,000 as the API", `document.querySelector('[data-test="quality-complaints_per_1000"] .card-value')?.innerText === '0'`)
			b.waitJS("no completed order to call back", `document.querySelector('[data-test="quality-callback_coverage"] .card-value')?.innerText === '—'`)
			// Service level exists now (a per-call counter): no call was offered
			// in this user's numbers, so the card says "—" as the API's empty
			// total does, neither 0 nor "unavailable".
			sl := query(mgr, url.Values{"metrics": {"calls_service_level,calls_offered"}, "from": {from30}, "to": {today}})
			require.Equal(t, "—", total(sl, "calls_service_level"), "no service level without calls")
			b.waitJS("service level as the API: none", `document.querySelector('[data-test="quality-calls_service_level"] .card-value')?.innerText === '—'`)
			require.Equal(t, "false", b.evalString(`String(!!document.querySelector('[data-test="quality-calls_service_level"] [data-test="quality-unavailable"]'))`))
			// A card opens the records behind it, over the numbers' period and scope.
			b.click(`[data-test="quality-complaints_per_1000"] .card-value`)
			b.waitJS("the complaints behind the number (none)", `document.querySelector('[data-test="report-drill-count"]')?.dataset.counted === '0'`)
			b.waitJS("over the period shown", fmt.Sprintf(`document.querySelector('[data-test="report-drill-scope"]')?.innerText.includes(%q)`, from30))
			b.waitJS("the quality trend in months", fmt.Sprintf(`%s === %q`, categories(`[data-test="quality-rate-trend"]`), starts(months)))
			b.requireSettledAccessible("the service quality tab")

			// Luohu's scorecard: Zhang's one order, by phone; none by SMS.
			b.open("/reports/scorecard/site?site_id=" + n.siteB)
			b.waitJS("Zhang's order", `document.querySelector('[data-test="cell-orders"]')?.innerText === '1'`)
			from90 := now.AddDate(0, 0, -89).Format("2006-01-02")
			luohu := url.Values{"metrics": {"orders"}, "from": {from90}, "to": {today}, "site_id": {n.siteB}, "group_by": {"technician"}}
			luohu.Set("channel", "sms")
			require.Empty(t, query(mgr, luohu).Totals)
			b.pickOption(`[data-test="scorecard-channel"]`, map[string]string{"zh-CN": "短信", "en": "SMS"}[tc.lang])
			b.click(`[data-test="scorecard-apply"]`)
			b.waitJS("no order by SMS", `location.search.includes('channel=sms') && !document.querySelector('[data-test="cell-orders"]')`)
			luohu.Set("channel", "phone")
			require.Equal(t, 1.0, *query(mgr, luohu).Totals[0].Values["orders"])
			b.pickOption(`[data-test="scorecard-channel"]`, map[string]string{"zh-CN": "电话", "en": "Phone"}[tc.lang])
			b.click(`[data-test="scorecard-apply"]`)
			b.waitJS("the order by phone", `location.search.includes('channel=phone') && document.querySelector('[data-test="cell-orders"]')?.innerText === '1'`)
			b.click(`[data-test="scorecard-granularity-month"]`)
			luohu.Del("group_by")
			luohu.Set("granularity", "month")
			b.waitJS("the scorecard's trend in months", fmt.Sprintf(`%s === %q`, categories(`[data-test="scorecard-trend"]`), starts(query(mgr, luohu))))
			b.requireSettledAccessible("a site scorecard of a region manager")

			// Guangzhou is not theirs: not offered, and refused in words.
			for _, s := range c.list(t, mgr, "/v1/sites?limit=500") {
				require.NotEqual(t, siteGZ, s["id"])
			}
			c.expect(http.StatusForbidden, "GET", "/v1/reports/query?"+url.Values{"metrics": {"orders"}, "from": {from90}, "to": {today},
				"site_id": {siteGZ}}.Encode(), mgr, nil)
			b.click(`[data-test="scorecard-site"] .el-select__wrapper`)
			b.waitJS("Luohu is offered", `[...document.querySelectorAll('.el-select-dropdown__item')].some((e) => e.offsetParent !== null && e.innerText.includes('罗湖服务站'))`)
			require.Equal(t, "false", b.evalString(`String([...document.querySelectorAll('.el-select-dropdown__item')].some((e) => e.innerText.includes('天河服务站')))`))
			b.open("/reports/scorecard/site?site_id=" + siteGZ)
			b.waitJS("outside their scope, said", fmt.Sprintf(`document.querySelector('[role="alert"]')?.innerText.includes(%q)`, tc.outOfScope))
			b.waitVisible(`[data-test="scorecard-site"]`) // the screen stays, to pick one of theirs
		})
	}
}

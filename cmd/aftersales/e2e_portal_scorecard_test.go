//go:build linux

package main_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalScorecard: in zh-CN and in en, the reports page leads to the
// region view (a ranking of the sites by reputation, ECharts), the site
// scorecard shows the reputation dispatch uses (here the typed 80 plus a
// manual adjustment of 5 set through the API) with its six components,
// and a site manager reaches their own site's scorecard from the site
// desk and ranks only their site. axe-core finds no serious violation.
func TestPortalScorecard(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, region, site, tech, repeat string }{
		{"zh-CN", "card-zh", "区域视图", "网点计分卡", "技师视图", "30天返修率"},
		{"en", "card-en", "Region view", "Site scorecard", "Technician view", "Repeat repairs (30 d)"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.tenant, tc.lang)
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "analyst", "display_name": "分析师",
				"password": dispatchPassword, "roles": []string{"analyst"}, "scope": map[string]any{"all": true}})
			c.expect(http.StatusOK, "PUT", "/v1/sites/"+n.siteB+"/reputation/adjustment", n.admin, map[string]any{"adjustment": 5, "note": "e2e"})

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/reports", tc.tenant, "analyst")
			b.click(`[data-test="scorecard-region"]`)
			b.waitPath("/reports/scorecard/region")
			b.waitText(tc.region)
			b.waitJS("the trend and the ranking are drawn", `document.querySelectorAll('.report-chart canvas').length === 2`)

			b.click(`[data-test="view-site"]`)
			b.waitPath("/reports/scorecard/site")
			b.waitText(tc.site)
			b.open("/reports/scorecard/site?site_id=" + n.siteB)
			// Luohu: the typed 80 (no score yet) + 5.
			b.waitJS("the reputation dispatch uses", `document.querySelector('[data-test="reputation-effective"]')?.innerText === '85'`)
			b.waitJS("six components", `document.querySelectorAll('[data-test="reputation-components"] tbody tr').length === 6`)
			b.waitJS("trend, distribution and components are drawn", `document.querySelectorAll('.report-chart canvas').length === 3`)
			b.requireSettledAccessible("the site scorecard")

			b.click(`[data-test="view-technician"]`)
			b.waitPath("/reports/scorecard/technician")
			b.waitText(tc.tech)
			b.waitVisible(`[data-test="scorecard-table"]`)
			b.waitText(tc.repeat) // the table's column of repeat repairs
			b.signOut()

			// The site manager: from the desk to their own scorecard; their ranking is their site.
			b.openSignedIn("/site", tc.tenant, "luohu.manager")
			b.click(`[data-test="desk-scorecard"]`)
			b.waitPath("/reports/scorecard/site")
			b.waitJS("their site's reputation", `document.querySelector('[data-test="reputation-effective"]')?.innerText === '85'`)
			mgr := c.login(tc.tenant, "luohu.manager", dispatchPassword)
			var ranking struct {
				Items []struct {
					SiteID    string  `json:"site_id"`
					Effective float64 `json:"effective"`
				} `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/reports/reputation", mgr, nil).decode(t, &ranking)
			require.Len(t, ranking.Items, 1)
			require.Equal(t, n.siteB, ranking.Items[0].SiteID)
			require.Equal(t, 85.0, ranking.Items[0].Effective)
			c.expect(http.StatusNotFound, "GET", "/v1/sites/"+n.siteA+"/reputation", mgr, nil)
			csv := c.expect(http.StatusOK, "GET", "/v1/reports/export?format=csv&what=totals&group_by=technician&metrics=orders&from=2026-01-01&to=2026-12-31", mgr, nil)
			require.True(t, strings.HasPrefix(string(csv.Body), "from,to,technician,orders"), "%s", csv.Body)
		})
	}
}

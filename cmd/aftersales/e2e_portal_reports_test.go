//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPortalReports: in zh-CN and in en, orders taken in through the API
// reach the reports through the report job within a minute; the overview
// shows them on its cards with the previous period, draws the trend and
// the site ranking with ECharts, a card's number opens the orders behind
// it and each links to its page; the cards of claims, parts and repeat
// repairs show theirs; filtered by product model the cards count
// that model's orders only, and a reload keeps the filter (it is in the
// URL); the CSV export has the numbers. axe-core
// finds no serious violation.
func TestPortalReports(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, title, orders, claimCost string }{
		{"zh-CN", "rep-zh", "报表与指标", "工单量", "单均索赔成本"},
		{"en", "rep-en", "Reports and KPIs", "Orders", "Claim cost per order"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.tenant, tc.lang)
			var ids []string
			for range 3 {
				ids = append(ids, n.intake(t).ID)
			}
			today := time.Now().In(shanghai(t)).Format("2006-01-02")
			q := url.Values{"metrics": {"orders"}, "from": {today}, "to": {today}}
			require.Eventually(t, func() bool {
				var res struct {
					Totals []struct {
						Values map[string]*float64 `json:"values"`
					} `json:"totals"`
				}
				c.expect(http.StatusOK, "GET", "/v1/reports/query?"+q.Encode(), n.admin, nil).decode(t, &res)
				return len(res.Totals) == 1 && res.Totals[0].Values["orders"] != nil && *res.Totals[0].Values["orders"] == 3
			}, 90*time.Second, time.Second, "the report job counts the orders within a minute")

			// An analyst (reports:read, tenant-wide) reads them.
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "analyst", "display_name": "分析师",
				"password": dispatchPassword, "roles": []string{"analyst"}, "scope": map[string]any{"all": true}})
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/reports", tc.tenant, "analyst")
			b.waitText(tc.title)
			b.waitText(tc.orders)
			b.waitJS("the orders card shows 3", `document.querySelector('[data-test="card-orders"] .card-value')?.innerText === '3'`)
			b.waitJS("the charts are drawn", `document.querySelectorAll('.report-chart canvas').length === 2`)
			// The metrics of claims, parts and repeat repairs: no claim or part yet
			// (money in yuan from fen), no completed order to rate.
			b.waitText(tc.claimCost)
			b.waitJS("no claim cost yet", `document.querySelector('[data-test="card-claim_cost_per_order"] .card-value')?.innerText === '0.00'`)
			b.waitJS("no parts cost yet", `document.querySelector('[data-test="card-parts_cost"] .card-value')?.innerText === '0.00'`)
			b.waitJS("no repeat repair to rate", `document.querySelector('[data-test="card-repeat_repairs_30d"] .card-value')?.innerText === '—'`)
			b.requireSettledAccessible("the reports overview")

			// Filtered by a model the orders' unit is not of, then by theirs.
			c.expect(http.StatusCreated, "POST", "/v1/product-models", n.admin, map[string]any{"product_line": "AC", "code": "KFR-50",
				"name": "KFR-50LW", "warranty_months": 36})
			b.open("/reports")
			b.waitJS("the orders card shows 3", `document.querySelector('[data-test="card-orders"] .card-value')?.innerText === '3'`)
			b.pickOption(`[data-test="report-model"]`, "KFR-50")
			b.click(`[data-test="report-apply"]`)
			b.waitJS("no order of model KFR-50", `document.querySelector('[data-test="card-orders"] .card-value')?.innerText === '—'`)
			// The filter is in the URL: a reload (or a shared link) keeps it.
			filtered := b.evalString(`location.pathname + location.search`)
			require.Contains(t, filtered, "model_id=")
			b.open(filtered)
			b.waitJS("still no order of model KFR-50", `document.querySelector('[data-test="card-orders"] .card-value')?.innerText === '—'`)
			b.pickOption(`[data-test="report-model"]`, "KFR-35")
			b.click(`[data-test="report-apply"]`)
			b.waitJS("the 3 orders of model KFR-35", `document.querySelector('[data-test="card-orders"] .card-value')?.innerText === '3'`)

			b.click(`[data-test="card-orders"] .card-value`)
			b.waitVisible(`[data-test="report-drill"]`)
			b.waitJS("the drill-down lists the 3 orders", `document.querySelectorAll('[data-test="report-drill"] a[href^="/orders/"]').length === 3`)
			b.click(fmt.Sprintf(`[data-test="report-drill"] a[href="/orders/%s"]`, ids[0]))
			b.waitPath("/orders/" + ids[0])

			csv := c.expect(http.StatusOK, "GET", "/v1/reports/export?format=csv&what=totals&group_by=site&metrics=orders&"+
				url.Values{"from": {today}, "to": {today}}.Encode(), n.admin, nil)
			lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\n")
			require.Equal(t, "from,to,site,orders,orders (previous)", strings.TrimSpace(lines[0]))
			total := 0
			for _, l := range lines[1:] { // one line per site the orders went to
				cells := strings.Split(strings.TrimSpace(l), ",")
				require.Len(t, cells, 5, l)
				k, err := strconv.Atoi(cells[3])
				require.NoError(t, err, l)
				total += k
			}
			require.Equal(t, 3, total, "%s", csv.Body)
		})
	}
}

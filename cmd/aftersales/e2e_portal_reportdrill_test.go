//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalReportDrill: in zh-CN and in en, on the technician view a
// ranking bar (drawn by ECharts on a canvas) and a number of the table
// open the records behind them, as many counted as the number clicked,
// each opening its order; under each number the table shows the API's
// previous-period value. axe-core finds no serious violation with the
// list open.
func TestPortalReportDrill(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, previous string }{
		{"zh-CN", "drill-zh", "上期: "},
		{"en", "drill-en", "Previous period: "},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.tenant, tc.lang)
			var assigned []string
			for i := range 3 {
				w := n.intake(t)
				if i == 2 {
					break // one order left without a technician
				}
				c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/reassign", n.admin, map[string]any{"site_id": n.siteB,
					"reason": "罗湖站有空"})
				c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/assign", n.admin, map[string]any{"technician_id": n.techB})
				assigned = append(assigned, w.ID)
			}
			// The scorecard's default period: the last 90 days in the tenant's zone.
			now := time.Now().In(shanghai(t))
			q := url.Values{"metrics": {"orders,technician_workload,technician_productivity"}, "group_by": {"technician"},
				"from": {now.AddDate(0, 0, -89).Format("2006-01-02")}, "to": {now.Format("2006-01-02")}}
			type row struct {
				Group    map[string]string   `json:"group"`
				Values   map[string]*float64 `json:"values"`
				Previous map[string]*float64 `json:"previous"`
			}
			var techB row
			require.Eventually(t, func() bool {
				var res struct {
					Totals []row `json:"totals"`
				}
				c.expect(http.StatusOK, "GET", "/v1/reports/query?"+q.Encode(), n.admin, nil).decode(t, &res)
				for _, r := range res.Totals {
					if r.Group["technician"] == n.techB && r.Values["technician_workload"] != nil && *r.Values["technician_workload"] == 2 {
						techB = r
						return true
					}
				}
				return false
			}, 90*time.Second, time.Second, "the report job counts the assigned orders within a minute")
			require.Equal(t, 2.0, *techB.Values["orders"])

			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "analyst", "display_name": "分析师",
				"password": dispatchPassword, "roles": []string{"analyst"}, "scope": map[string]any{"all": true}})
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/reports/scorecard/technician", tc.tenant, "analyst")
			b.waitJS("the table's workload", `document.querySelector('[data-test="cell-technician_workload"]')?.innerText === '2'`)
			b.waitJS("the ranking is drawn", `!!document.querySelector('[data-test="scorecard-rank-chart"] canvas')`)
			// Productivity (completed per technician) as the API gives it.
			productivity := "—"
			if p := techB.Values["technician_productivity"]; p != nil {
				productivity = strconv.FormatFloat(*p, 'f', -1, 64)
			}
			b.waitJS("the technician's productivity", fmt.Sprintf(
				`document.querySelector('[data-test="cell-technician_productivity"]')?.innerText === %q`, productivity))

			// The previous period, as the API gives it (nothing then: 0).
			prev := "—"
			if p := techB.Previous["orders"]; p != nil {
				prev = strconv.FormatFloat(*p, 'f', -1, 64)
			}
			b.waitJS("the previous period's orders", fmt.Sprintf(
				`document.querySelector('[data-test="cell-orders"]')?.closest('td')?.querySelector('[data-test="previous-orders"]')?.textContent.trim() === %q`,
				tc.previous+prev))

			// The one bar: Zhang's workload, 2.
			b.clickChart(`[data-test="scorecard-rank-chart"]`, "140 + (w - 164) / 2", "16 + (h - 40) / 2") // the grid's centre
			b.waitVisible(`[data-test="report-drill"]`)
			// An analyst reads the technicians (technicians:read): the list and the ranking name Zhang, not an ID.
			b.waitJS("the list names the technician", `document.querySelector('[data-test="report-drill-scope"]')?.innerText.includes('张师傅')`)
			b.waitJS("the ranking names the technician", `document.querySelector('[data-test="scorecard-rank-chart"]')?.dataset.categories === '张师傅'`)
			b.waitJS("the bar's 2 orders counted", `document.querySelector('[data-test="report-drill-count"]')?.dataset.counted === '2'`)
			b.waitJS("each links its order", `document.querySelectorAll('[data-test="report-drill"] a[href^="/orders/"]').length === 2`)

			// A number of the table, by keyboard as well as by mouse: a real button.
			b.click(`[data-test="cell-orders"]`)
			b.waitJS("the drill lists the orders the cell counts", `(() => {
				const cell = document.querySelector('[data-test="cell-orders"]').innerText
				const n = document.querySelector('[data-test="report-drill-count"]')
				return n && n.dataset.counted === cell && document.querySelectorAll('[data-test="report-drill"] a[href^="/orders/"]').length === Number(cell)
			})()`)
			require.Equal(t, "BUTTON", b.evalString(`document.querySelector('[data-test="cell-orders"]').tagName`))
			require.Contains(t, b.evalString(`document.querySelector('[data-test="cell-orders"]').getAttribute('aria-label')`), "张师傅")
			b.requireSettledAccessible("the technician view with the records behind a number")

			href := b.evalString(`document.querySelector('[data-test="report-drill"] a[href^="/orders/"]').getAttribute('href')`)
			id := strings.TrimPrefix(href, "/orders/")
			require.True(t, slices.Contains(assigned, id), "%s is one of %v", id, assigned)
			b.click(fmt.Sprintf(`[data-test="report-drill"] a[href=%q]`, href))
			b.waitPath(href)
		})
	}
}

// clickChart clicks a chart's canvas at (x, y) pixels from its top left
// corner, where ECharts draws a point or a bar, once nothing covers it (a
// loading mask fading out); x and y are JavaScript of the chart's width w
// and height h.
func (b *browser) clickChart(sel string, x, y string) {
	b.t.Helper()
	b.waitVisible(sel + " canvas")
	where := fmt.Sprintf(`(() => {
		const e = document.querySelector(%q)
		e.scrollIntoView({block: 'center'})
		const r = e.getBoundingClientRect(), w = r.width, h = r.height
		const x = r.left + (%s), y = r.top + (%s)
		return e.contains(document.elementFromPoint(x, y)) ? x + ',' + y : ''
	})()`, sel, x, y)
	b.waitJS("nothing covers "+sel, where+" !== ''")
	xy := strings.Split(b.evalString(where), ",")
	require.Len(b.t, xy, 2)
	px, err := strconv.ParseFloat(xy[0], 64)
	require.NoError(b.t, err)
	py, err := strconv.ParseFloat(xy[1], 64)
	require.NoError(b.t, err)
	b.run("click the chart "+sel, chromedp.MouseClickXY(px, py))
}

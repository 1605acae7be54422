//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalExports: in zh-CN and in en, an admin schedules a weekly
// Excel export grouped by model from the reports page (the API then holds
// it), sets a site's manual reputation adjustment on its scorecard (the
// API then reports it and the effective score moves), and deletes the schedule. axe-core finds
// no serious violation on the reports page with its schedules section.
func TestPortalExports(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, name, model string }{
		{"zh-CN", "exp-zh", "周报导出", "型号"},
		{"en", "exp-en", "Weekly export", "Model"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.tenant, tc.lang)
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "chief", "display_name": "主管",
				"password": dispatchPassword, "roles": []string{"tenant_admin"}, "scope": map[string]any{"all": true}})
			var list struct {
				Items []struct {
					ID      string   `json:"id"`
					Name    string   `json:"name"`
					Cadence string   `json:"cadence"`
					Format  string   `json:"format"`
					Metrics []string `json:"metrics"`
					GroupBy []string `json:"group_by"`
				} `json:"items"`
			}
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/reports", tc.tenant, "chief")
			b.waitVisible(`[data-test="report-schedules"]`)
			b.click(`[data-test="schedule-new"]`)
			b.fill(`[data-test="schedule-name"]`, tc.name)
			b.click(`[data-test="schedule-weekly"]`)
			b.click(`[data-test="schedule-xlsx"]`)
			b.click(`[data-test="schedule-group-by"] .el-select__wrapper`) // grouped by the model
			b.waitJS("the model is picked", fmt.Sprintf(`(() => {
				const o = [...document.querySelectorAll('.el-select-dropdown__item')].find((e) => e.offsetParent !== null && e.innerText.trim() === %q)
				if (o) o.click()
				return !!o
			})()`, tc.model))
			b.click(`[data-test="schedule-save"]`)
			b.waitJS("the schedule is listed", `[...document.querySelectorAll('[data-test="schedule-table"] tbody tr')].some(r => r.innerText.includes(`+"`"+tc.name+"`"+`))`)
			c.expect(http.StatusOK, "GET", "/v1/reports/schedules", n.admin, nil).decode(t, &list)
			require.Len(t, list.Items, 1)
			require.Equal(t, tc.name, list.Items[0].Name)
			require.Equal(t, "weekly", list.Items[0].Cadence)
			require.Equal(t, "xlsx", list.Items[0].Format)
			require.Equal(t, []string{"orders"}, list.Items[0].Metrics)
			require.Equal(t, []string{"model"}, list.Items[0].GroupBy)
			b.waitJS("the dialog has closed", `[...document.querySelectorAll('.el-overlay')].every(e => getComputedStyle(e).display === 'none')`)
			b.requireSettledAccessible("the reports page with its schedules")

			b.open("/reports/scorecard/site?site_id=" + n.siteB)
			b.waitVisible(`[data-test="reputation-adjust"]`)
			b.fill(`[data-test="reputation-adjust-points"] input`, "7")
			b.fill(`[data-test="reputation-adjust-note"]`, "e2e")
			b.click(`[data-test="reputation-adjust-save"]`)
			b.waitVisible(`[data-test="reputation-adjust-saved"]`)
			// Luohu: the typed 80 (no score yet) + 7.
			b.waitJS("the effective reputation follows", `document.querySelector('[data-test="reputation-effective"]')?.innerText === '87'`)
			var rep struct {
				Adjustment     float64 `json:"adjustment"`
				AdjustmentNote string  `json:"adjustment_note"`
			}
			c.expect(http.StatusOK, "GET", "/v1/sites/"+n.siteB+"/reputation", n.admin, nil).decode(t, &rep)
			require.Equal(t, 7.0, rep.Adjustment)
			require.Equal(t, "e2e", rep.AdjustmentNote)

			b.open("/reports")
			b.click(`[data-test="schedule-delete"]`)
			b.click(`.el-popconfirm .el-button--primary`)
			b.waitJS("the schedule is gone", `document.querySelectorAll('[data-test="schedule-table"] tbody tr').length === 0`)
			c.expect(http.StatusOK, "GET", "/v1/reports/schedules", n.admin, nil).decode(t, &list)
			require.Empty(t, list.Items)
		})
	}
}

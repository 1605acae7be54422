//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPortalDispatchQueue: the dispatcher's other journeys on the board.
// An order no site may take (none is authorised for its product line)
// waits in the "waiting" queue with its reason, and the ranking in the
// drawer says why each site was excluded, in the board's language; the
// dispatcher overrides it to a site with a reason. On an order dispatched
// and not yet accepted the dispatcher names the technician, then urges
// the site; the urge is on the order's timeline and in its events, and
// the order's page shows the decision's reasons in the same language.
// In zh-CN and en.
func TestPortalDispatchQueue(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct {
		lang                                     string
		waitReason, excluded, covers, summary    string
		notSaid                                  string // English engine words that must not show in zh-CN (a word of zh-CN in en)
		overridden, assigned, urged, urgedOnPage string
	}{
		{"zh-CN", "有网点覆盖该地址，但都未获产品线 WM 授权", "排除：未获产品线 WM 授权", "覆盖该地址（服务半径 60 公里",
			"检查了地址附近", "excluded", "人工改派网点", "已指派", "已催办", "催办"},
		{"en", "sites cover the address but none is authorised for WM", "excluded: not authorised for WM",
			"covers address (radius 60 km", "sites near the address examined", "覆盖", "Site overridden", "Assigned", "Urged", "Urged"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, "queue-"+map[string]string{"zh-CN": "zh", "en": "en"}[tc.lang], tc.lang)
			c.expect(http.StatusCreated, "POST", "/v1/product-lines", n.admin, map[string]any{"code": "WM", "name_zh": "洗衣机", "name_en": "Washers"})
			var waiting workOrderSeen
			c.expect(http.StatusCreated, "POST", "/v1/work-orders", n.admin, map[string]any{"type": "repair", "channel": "phone",
				"customer_id": n.customer, "product_line": "WM", "description": "洗衣机漏水", "address": "深圳市南山区科技园",
				"lat": customerLat, "lon": customerLon}).decode(t, &waiting)
			require.Equal(t, "created", waiting.State, "no site is authorised for washers")
			unaccepted := n.intake(t)
			require.Equal(t, n.siteA, unaccepted.SiteID)

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/dispatch", n.slug, "dispatcher")

			// The waiting queue says why, in the board's language.
			b.click(`[data-test="queue-waiting"]`)
			open := fmt.Sprintf(`[data-test="open-%s"]`, waiting.Number)
			b.waitVisible(open)
			require.Contains(t, b.evalString(`document.querySelector('[data-test="queue-waiting-rows"]').innerText`), tc.waitReason)
			b.click(open)
			b.waitVisible(`[data-test="ranking"] [data-test="reasons"]`)
			ranking := b.evalString(`document.querySelector('[data-test="ranking"]').innerText`)
			for _, want := range []string{tc.excluded, tc.covers, tc.summary, tc.waitReason} {
				require.Contains(t, ranking, want)
			}
			require.NotContains(t, ranking, tc.notSaid)
			require.Contains(t, b.evalString(`document.querySelector('[data-test="drawer-queue-reason"]').innerText`), tc.waitReason)
			b.requireSettledAccessible("the drawer of a waiting order")
			screenshot(b, "dispatch-board-"+tc.lang)

			// Override to Luohu with a reason.
			b.click(`[data-test="override-site"]`)
			b.choose(fmt.Sprintf(`[data-test="site-option-%s"]`, n.siteB))
			b.fill(`#ov-reason`, "罗湖站有洗衣机技师")
			b.click(`[data-test="override-submit"]`)
			b.waitText(tc.overridden)
			n.requireOverridden(t, waiting.ID, n.siteB, "罗湖站有洗衣机技师")
			b.click(`.el-drawer__close-btn`)

			// The order Nanshan has not accepted: name its technician, then urge.
			b.click(`[data-test="queue-unaccepted"]`)
			open = fmt.Sprintf(`[data-test="open-%s"]`, unaccepted.Number)
			b.waitVisible(open)
			b.click(open)
			b.waitVisible(`[data-test="assign-tech"]`)
			b.click(`[data-test="assign-tech"]`)
			b.choose(fmt.Sprintf(`[data-test="tech-option-%s"]`, n.techA))
			b.click(`[data-test="assign-submit"]`)
			b.waitText(tc.assigned)
			var got workOrderSeen
			require.Eventually(t, func() bool {
				got = n.order(t, unaccepted.ID)
				return got.State == "assigned"
			}, browserWait, 200*time.Millisecond, "the assignment reached the server")
			require.Equal(t, n.techA, got.TechnicianID)
			require.Equal(t, "assign", got.Decision.Outcome.Kind)
			require.Equal(t, "调度小王", got.Decision.Outcome.By.Name)

			b.waitVisible(`#ur-note`)
			b.fill(`#ur-note`, "客户第二次来电催促")
			b.requireSettledAccessible("the drawer of an assigned order")
			b.click(`[data-test="urge-submit"]`)
			b.waitText(tc.urged)
			var events struct {
				Items []struct {
					Type    string         `json:"type"`
					Payload map[string]any `json:"payload"`
				} `json:"items"`
			}
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/work-orders/"+unaccepted.ID+"/events", n.admin, nil).decode(t, &events)
				for _, e := range events.Items {
					if e.Type == "urged" {
						return e.Payload["note"] == "客户第二次来电催促"
					}
				}
				return false
			}, browserWait, 200*time.Millisecond, "the urge reached the server")

			// The order's page: the urge on the timeline, the decision's
			// reasons in the page's language.
			b.open("/orders/" + unaccepted.ID)
			b.waitVisible(`[data-test="timeline"] [data-test="event-urged"]`)
			urged := b.evalString(`document.querySelector('[data-test="event-urged"]').innerText`)
			require.Contains(t, urged, tc.urgedOnPage)
			require.Contains(t, urged, "客户第二次来电催促")
			require.Contains(t, urged, "调度小王")
			decision := b.evalString(`document.querySelector('[data-test="decision"]').innerText`)
			require.Contains(t, decision, tc.covers)
			require.Contains(t, decision, tc.summary)
			require.NotContains(t, decision, tc.notSaid)
		})
	}
}

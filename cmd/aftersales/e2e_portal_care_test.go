//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalCare: in zh-CN and in en, (1) an agent finds the caller at
// the agent desk, takes the call as type complaint in the intake form and
// the case opens; (2) a supervisor edits the complaint settings: a
// deadline that can never be met is refused beside its field with nothing
// stored, then a new sub-category and a shorter deadline are saved; (3)
// the supervisor reassigns the order a complaint is about from the case
// page: the old order is voided, a new one exists, and both timelines
// name each other. axe-core finds no serious violation on the settings
// page.
func TestPortalCare(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct {
		lang, slug, reassigned, neverMet string
	}{
		{"zh-CN", "care-zh", "改派工单：作废", "can never be met"},
		{"en", "care-en", "Order reassigned:", "can never be met"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.slug, tc.lang)
			for _, u := range []struct{ name, role string }{{"agent.li", "agent"}, {"supervisor", "tenant_admin"}} {
				c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": u.name, "display_name": u.name,
					"password": dispatchPassword, "roles": []string{u.role}, "scope": map[string]any{"all": true}})
			}

			// (1) The call, taken as a complaint at the intake form.
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/agent", n.slug, "agent.li")
			b.fill("#lookup-phone", "13800138000")
			b.click(`[data-test="lookup-submit"]`)
			b.waitVisible(`[data-test="intake-type"]`)
			b.run("type complaint", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#intake-type'); s.value = 'complaint';
				s.dispatchEvent(new Event('change', {bubbles: true})) })()`))
			b.waitVisible(`[data-test="intake-complaint-category"]`)
			b.fill("#intake-description", "师傅上门态度差")
			b.click(`[data-test="intake-submit"]`)
			b.waitVisible(`[data-test="intake-open-complaint"]`)
			var list struct {
				Items []struct{ ID, Number, Channel, Category, State, Description string }
			}
			c.expect(http.StatusOK, "GET", "/v1/complaints?customer_id="+n.customer, n.admin, nil).decode(t, &list)
			require.Len(t, list.Items, 1)
			opened := list.Items[0]
			require.Equal(t, "repair_quality", opened.Category, "the first category of the tree")
			require.Equal(t, "师傅上门态度差", opened.Description)
			require.Equal(t, "open", opened.State)
			b.click(`[data-test="intake-open-complaint"]`)
			b.waitPath("/complaints/" + opened.ID)
			b.waitText(opened.Number)

			// (2) The supervisor edits the settings.
			s := newBrowser(t, addr, tc.lang, 1366, 900)
			s.openSignedIn("/complaints/settings", n.slug, "supervisor")
			s.waitVisible(`[data-test="cs-save"]`)
			s.requireSettledAccessible("the complaint settings")
			s.fill("#cs-days-0", "400")
			s.click(`[data-test="cs-save"]`)
			require.Contains(t, s.fieldError("#cs-days-0"), tc.neverMet)
			var set struct {
				Categories []struct{ Code, Parent string }
				Deadlines  []struct{ Days int }
			}
			c.expect(http.StatusOK, "GET", "/v1/complaint-settings", n.admin, nil).decode(t, &set)
			require.Equal(t, 7, set.Deadlines[0].Days, "nothing stored")
			s.fill("#cs-days-0", "5")
			s.click(`[data-test="cs-add-category"]`)
			s.fill("#cs-category-code-7", "rude_call")
			s.run("its parent", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#cs-category-parent-7'); s.value = 'service_attitude';
				s.dispatchEvent(new Event('change', {bubbles: true})) })()`))
			s.fill("#cs-category-zh-7", "电话态度差")
			s.fill("#cs-category-en-7", "Rude call")
			s.click(`[data-test="cs-save"]`)
			s.waitVisible(`[data-test="cs-saved"]`)
			c.expect(http.StatusOK, "GET", "/v1/complaint-settings", n.admin, nil).decode(t, &set)
			require.Equal(t, 5, set.Deadlines[0].Days)
			require.Len(t, set.Categories, 8)
			require.Equal(t, "rude_call", set.Categories[7].Code)
			require.Equal(t, "service_attitude", set.Categories[7].Parent)

			// (3) A complaint about the order; the supervisor reassigns it.
			order := n.intake(t)
			var cc struct{ ID, Number string }
			c.expect(http.StatusCreated, "POST", "/v1/complaints", n.admin, map[string]any{"customer_id": n.customer,
				"work_order_id": order.ID, "category": "repair_quality", "description": "没修好"}).decode(t, &cc)
			s.open("/complaints/" + cc.ID)
			s.waitVisible(`[data-test="act-reassign"]`)
			s.fill("#c-reassign-reason", "客户要求换网点")
			s.click(`[data-test="act-reassign"]`)
			s.waitJS("the reassignment on the timeline", fmt.Sprintf(
				`document.querySelector('[data-test="complaint-timeline"]')?.innerText.includes(%q)`, tc.reassigned))
			s.requireSettledAccessible("the case page after reassigning")

			var after struct {
				WorkOrderID string `json:"work_order_id"`
			}
			c.expect(http.StatusOK, "GET", "/v1/complaints/"+cc.ID, n.admin, nil).decode(t, &after)
			require.NotEqual(t, order.ID, after.WorkOrderID)
			var old, fresh workOrderSeen
			c.expect(http.StatusOK, "GET", "/v1/work-orders/"+order.ID, n.admin, nil).decode(t, &old)
			require.Equal(t, "cancelled", old.State)
			c.expect(http.StatusOK, "GET", "/v1/work-orders/"+after.WorkOrderID, n.admin, nil).decode(t, &fresh)
			require.Contains(t, s.evalString(`document.querySelector('[data-test="complaint-timeline"]').innerText`), fresh.Number)
			var events struct {
				Items []struct {
					Type    string         `json:"type"`
					Payload map[string]any `json:"payload"`
				} `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/work-orders/"+order.ID+"/events", n.admin, nil).decode(t, &events)
			last := events.Items[len(events.Items)-1]
			require.Equal(t, "cancelled", last.Type)
			require.Contains(t, last.Payload["reason"], cc.Number)
			s.click(`[data-test="complaint-order"]`)
			s.waitPath("/orders/" + fresh.ID)
		})
	}
}

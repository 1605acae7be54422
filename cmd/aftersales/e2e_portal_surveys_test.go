//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPortalSurveys: the callbacks of an order and of its customer show on
// their pages (the order's callback answered with a 5: done, its score);
// a quality auditor sets the rule's weekly window in the rules editor and
// deletes the rule. In zh-CN and en, with axe.
func TestPortalSurveys(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, history, done string }{
		{"zh-CN", "回访记录", "已完成"},
		{"en", "Callbacks", "done"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, "sv-"+map[string]string{"zh-CN": "zh", "en": "en"}[tc.lang], tc.lang)
			for _, u := range [][2]string{{"qa", "quality_auditor"}, {"agent", "agent"}} {
				c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": u[0], "password": dispatchPassword,
					"roles": []string{u[1]}, "scope": map[string]any{"all": true}})
			}
			var q struct{ ID string }
			c.expect(http.StatusCreated, "POST", "/v1/questionnaires", n.admin, map[string]any{"name": "Repair survey",
				"questions": []map[string]any{{"key": "attitude", "kind": "rating", "text": "Attitude", "required": true}}}).decode(t, &q)
			c.expect(http.StatusCreated, "POST", "/v1/callback-rules", n.admin, map[string]any{"name": "Every repair",
				"enabled": true, "order_types": []string{"repair"}, "sample": 1, "due_days": 2, "channel": "call",
				"questionnaire_id": q.ID})
			w := n.intake(t)
			c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/reassign", n.admin, map[string]any{"site_id": n.siteB, "reason": "罗湖站有空"})
			c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/assign", n.admin, map[string]any{"technician_id": n.techB})
			n.complete(t, w.ID)
			var tasks struct {
				Items []struct{ ID string } `json:"items"`
			}
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/callback-tasks?work_order="+w.ID, n.admin, nil).decode(t, &tasks)
				return len(tasks.Items) == 1
			}, browserWait, 200*time.Millisecond, "the completion opened a task")
			task := tasks.Items[0].ID
			c.expect(http.StatusOK, "POST", "/v1/callback-tasks/"+task+"/answers", n.admin, map[string]any{
				"answers": []map[string]any{{"question": "attitude", "score": 5}}})

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			status := fmt.Sprintf(`[data-test="callback-status-%s"]`, task)
			b.openSignedIn("/orders/"+w.ID, n.slug, "agent")
			b.waitVisible(status)
			b.waitJS("the order's callback is done with its score", fmt.Sprintf(
				`document.querySelector(%q).innerText.includes(%q) && document.querySelector('[data-test="callback-history"]').innerText.includes('attitude: 5')`,
				status, tc.done))
			b.waitText(tc.history)
			b.open("/admin/customers/" + n.customer)
			b.waitVisible(status)
			b.requireSettledAccessible("the customer page with its callbacks")

			b.signOut()
			b.openSignedIn("/callbacks", n.slug, "qa")
			b.click("#tab-rules")
			b.click(`[data-test="rule-Every repair"]`)
			b.click(`[data-test="rule-weekday-1"]`)
			b.click(`[data-test="rule-weekday-3"]`)
			b.fill(`[data-test="rule-time-from"]`, "08:00")
			b.fill(`[data-test="rule-time-until"]`, "20:00")
			b.click(`[data-test="rule-save"]`)
			var rules struct {
				Items []struct {
					ID        string `json:"id"`
					Weekdays  []int  `json:"weekdays"`
					TimeFrom  string `json:"time_from"`
					TimeUntil string `json:"time_until"`
				} `json:"items"`
			}
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/callback-rules", n.admin, nil).decode(t, &rules)
				return len(rules.Items) == 1 && len(rules.Items[0].Weekdays) == 2 && rules.Items[0].TimeFrom == "08:00"
			}, browserWait, 200*time.Millisecond, "the weekly window is saved")
			require.Equal(t, []int{1, 3}, rules.Items[0].Weekdays)
			require.Equal(t, "20:00", rules.Items[0].TimeUntil)
			b.requireSettledAccessible("the rules editor with the weekly window")
			b.click(`[data-test="rule-delete"]`)
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/callback-rules", n.admin, nil).decode(t, &rules)
				return len(rules.Items) == 0
			}, browserWait, 200*time.Millisecond, "the rule is deleted")
		})
	}
}

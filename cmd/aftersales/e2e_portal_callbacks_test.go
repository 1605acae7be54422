//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalCallbacks: a quality auditor designs a questionnaire and a
// rule for every repair, previews it over last month's completed orders
// (the order completed before is listed), enables it; an order completed
// then gets a callback task through the outbox, which the agent finds in
// the to-do queue, calls and answers in the questionnaire; the answers
// reach the server. In zh-CN and en.
func TestPortalCallbacks(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct {
		lang, question, answered string
	}{
		{"zh-CN", "技师服务态度如何？", "答案已保存"},
		{"en", "How polite was the technician?", "Answers saved"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, "cb-"+map[string]string{"zh-CN": "zh", "en": "en"}[tc.lang], tc.lang)
			for _, u := range [][2]string{{"qa", "quality_auditor"}, {"agent", "agent"}} {
				c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": u[0], "password": dispatchPassword,
					"roles": []string{u[1]}, "scope": map[string]any{"all": true}})
			}
			completed := func() workOrderSeen {
				w := n.intake(t)
				c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/reassign", n.admin, map[string]any{"site_id": n.siteB,
					"reason": "罗湖站有空"})
				c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/assign", n.admin, map[string]any{"technician_id": n.techB})
				n.complete(t, w.ID)
				return w
			}
			before := completed()

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/callbacks", n.slug, "qa")
			b.click("#tab-questionnaires")
			b.fill(`[data-test="q-name"]`, "Repair survey")
			b.fill(`[data-test="q-text-0"]`, tc.question)
			b.click(`[data-test="q-save"]`)
			b.waitJS("the questionnaire is listed", `[...document.querySelectorAll('.list button')].some((e) => e.innerText.includes('Repair survey'))`)

			b.click("#tab-rules")
			b.fill(`[data-test="rule-name"]`, "Every repair")
			b.pickOption(`[data-test="rule-questionnaire"]`, "Repair survey")
			b.click(`[data-test="rule-preview"]`)
			b.waitVisible(`[data-test="rule-preview-result"]`)
			b.waitJS("the preview lists the order completed before",
				fmt.Sprintf(`document.querySelector('[data-test="rule-preview-result"]').innerText.includes(%q)`, before.Number))
			b.requireSettledAccessible("the rules editor with a preview")
			b.click(`[data-test="rule-enabled"]`)
			b.click(`[data-test="rule-save"]`)
			var rules struct {
				Items []struct {
					Enabled bool `json:"enabled"`
				} `json:"items"`
			}
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/callback-rules", n.admin, nil).decode(t, &rules)
				return len(rules.Items) == 1 && rules.Items[0].Enabled
			}, browserWait, 200*time.Millisecond, "the rule is enabled")

			after := completed()
			var tasks struct {
				Items []struct {
					ID          string `json:"id"`
					OrderNumber string `json:"order_number"`
					Status      string `json:"status"`
					Answers     []struct {
						Question string `json:"question"`
						Score    int    `json:"score"`
					} `json:"answers"`
				} `json:"items"`
			}
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/callback-tasks", n.admin, nil).decode(t, &tasks)
				return len(tasks.Items) == 1 && tasks.Items[0].OrderNumber == after.Number
			}, browserWait, 200*time.Millisecond, "the completion opened a task")

			b.signOut()
			b.openSignedIn("/callbacks", n.slug, "agent")
			work := fmt.Sprintf(`[data-test="work-%s"]`, after.Number)
			b.waitVisible(work)
			b.requireSettledAccessible("the callback to-do queue")
			b.click(work)
			b.waitText(tc.question)
			b.click(`[data-test="rate-q1-4"]`)
			// The choice shows as chosen before the answers go (a click that
			// landed while the form was still opening is made again).
			b.run("the rating chosen", chromedp.Poll[chromedp.Void](`(() => {
				const r = document.querySelector('[data-test="rate-q1-4"]')
				if (!r.classList.contains('is-active')) r.click()
				return r.classList.contains('is-active') })()`, chromedp.WithPollingTimeout(browserWait)))
			b.requireSettledAccessible("the questionnaire inside the call")
			b.click(`[data-test="answers-submit"]`)
			b.waitText(tc.answered)
			c.expect(http.StatusOK, "GET", "/v1/callback-tasks", n.admin, nil).decode(t, &tasks)
			require.Equal(t, "done", tasks.Items[0].Status)
			require.Len(t, tasks.Items[0].Answers, 1)
			require.Equal(t, 4, tasks.Items[0].Answers[0].Score)
			screenshot(b, "callbacks-"+tc.lang)
		})
	}
}

//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type claimSeen struct {
	ID            string `json:"id"`
	State         string `json:"state"`
	ClaimedTotal  int64  `json:"claimed_total"`
	ApprovedTotal int64  `json:"approved_total"`
	Lines         []struct {
		Quantity float64 `json:"quantity"`
	} `json:"lines"`
}

// TestPortalClaims: in zh-CN and in en, an in-warranty repair completed by
// Luohu's technician gets its claim draft; Luohu's manager adjusts the
// labour hours with a reason and submits it (flagged: labour above the
// standard), which opens its audit callback in the call centre's queue;
// an agent calls the customer from the queue and records what they
// confirmed, which is the claim's audit; the quality auditor sees the
// callback done on the claim and approves it, sees
// a rule that does not compile refused beside its field, and generates
// the month's statement, whose total is the approved claim. axe-core
// finds no serious violation on the list, the claim page or the audit
// callback.
func TestPortalClaims(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct {
		lang, flagged, approved string
	}{
		{"zh-CN", "待稽核", "已通过"},
		{"en", "Flagged", "Approved"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, "clm-"+map[string]string{"zh-CN": "zh", "en": "en"}[tc.lang], tc.lang)
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "qa", "password": dispatchPassword,
				"roles": []string{"quality_auditor"}, "scope": map[string]any{"all": true}})
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "agent", "password": dispatchPassword,
				"roles": []string{"agent"}, "scope": map[string]any{"all": true}})
			w := n.intake(t)
			c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/reassign", n.admin, map[string]any{"site_id": n.siteB, "reason": "罗湖站有空"})
			c.expect(http.StatusOK, "POST", "/v1/work-orders/"+w.ID+"/assign", n.admin, map[string]any{"technician_id": n.techB})
			n.complete(t, w.ID)
			claim := func(id string) claimSeen {
				var got claimSeen
				c.expect(http.StatusOK, "GET", "/v1/claims/"+id, n.admin, nil).decode(t, &got)
				return got
			}
			// The completion drafts the claim (the outbox job); should the
			// job be slow, the manager drafts it.
			var list struct{ Items []claimSeen }
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/claims", n.admin, nil).decode(t, &list)
				return len(list.Items) == 1
			}, 20*time.Second, 250*time.Millisecond, "the completion drafted the claim")
			id := list.Items[0].ID

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/claims", n.slug, "luohu.manager")
			b.waitVisible(fmt.Sprintf(`a[href="/claims/%s"]`, id))
			b.requireSettledAccessible("the claims list")
			b.click(fmt.Sprintf(`a[href="/claims/%s"]`, id))
			b.waitPath("/claims/" + id)
			b.waitVisible(`[data-test="claim-submit"]`)
			b.requireSettledAccessible("the claim page")
			b.fill(`[data-test="line-qty-1"] input`, "3")
			b.fill(`textarea[data-test="claim-reason"]`, "压缩机更换耗时")
			b.click(`[data-test="claim-adjust"]`)
			require.Eventually(t, func() bool { return claim(id).Lines[0].Quantity == 3 }, browserWait, 200*time.Millisecond, "adjusted")
			b.waitVisible(`[data-test="claim-submit"]`)
			b.click(`[data-test="claim-submit"]`)
			b.waitJS("flagged", fmt.Sprintf(`document.querySelector('[data-test="claim-state"]').innerText === %q`, tc.flagged))
			b.waitVisible(`[data-test="claim-flag"]`)
			b.signOut()

			// The agent calls the customer from the queue: the task says it is
			// a claim audit, linked to the claim.
			b.openSignedIn("/callbacks", n.slug, "agent")
			b.waitVisible(fmt.Sprintf(`a[data-test="claim-of-%s"]`, w.Number))
			b.click(fmt.Sprintf(`[data-test="work-%s"]`, w.Number))
			b.waitVisible(`[data-test="claim-audit-form"]`)
			b.waitVisible(fmt.Sprintf(`a[data-test="claim-audit-claim"][href="/claims/%s"]`, id))
			b.requireSettledAccessible("the claim audit callback")
			b.click(`[data-test="audit-reached"]`)
			b.fill(`textarea[data-test="audit-note"]`, "回访用户：确认更换压缩机，耗时3小时")
			b.click(`[data-test="audit-submit"]`)
			b.waitJS("the task leaves the queue", fmt.Sprintf(`document.querySelector('[data-test="work-%s"]') === null`, w.Number))
			b.signOut()

			b.openSignedIn("/claims/"+id, n.slug, "qa")
			b.waitVisible(`[data-test="claim-audit-callback-link"]`)
			b.waitVisible(`[data-test="claim-approve"]`)
			b.click(`[data-test="claim-approve"]`)
			b.waitJS("approved", fmt.Sprintf(`document.querySelector('[data-test="claim-state"]').innerText === %q`, tc.approved))
			got := claim(id)
			require.Equal(t, "approved", got.State)
			require.Equal(t, got.ClaimedTotal, got.ApprovedTotal)
			var audit struct {
				Audit struct{ Note, Status string } `json:"audit"`
			}
			c.expect(http.StatusOK, "GET", "/v1/claims/"+id, n.admin, nil).decode(t, &audit)
			require.Equal(t, "done", audit.Audit.Status)
			require.Contains(t, audit.Audit.Note, "确认更换压缩机", "the callback's outcome is the audit")

			b.open("/claims/rules")
			b.fill(`input[data-test="rule-condition-0"]`, "mileage > 3")
			b.click(`[data-test="rules-save"]`)
			b.waitJS("the error shows beside the condition",
				`document.querySelector('[data-test="rule-0"] .el-form-item.is-error [data-test="rule-condition-0"]') !== null`)

			b.open("/claims/statements")
			b.click(`[data-test="statements-generate"]`)
			want := fmt.Sprintf("%d.%02d", got.ApprovedTotal/100, got.ApprovedTotal%100)
			b.waitJS("the statement totals the claim",
				fmt.Sprintf(`[...document.querySelectorAll('[data-test="statement-total"]')].some((e) => e.innerText.startsWith(%q))`, want))
		})
	}
}

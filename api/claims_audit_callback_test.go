package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestClaimAuditCallbackJourney: a flagged claim's audit is a callback in
// the agents' queue, opened once with the flagging; the agent's outcome
// is the claim's audit, and the reviewer then approves. A site never sees
// the callback (neither in the queue nor on its claim), a Guangdong agent
// does, another tenant does not; a reviewer's own audit cancels it.
func TestClaimAuditCallbackJourney(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("audit-cb")
	admin, site := n.tenant.admin, n.nearMgrTok
	_, agent := b.createUser(admin, "audit-cb", "agent1", []string{"agent"}, map[string]any{"regions": []string{n.gd.String()}})
	_, siteAgent := b.createUser(admin, "audit-cb", "siteagent", []string{"agent"}, map[string]any{"sites": []string{n.near.String()}})
	flag := func() (string, map[string]any) {
		order := b.completedOrder(n, n.unit, n.near, &n.techNear, 2)
		id := b.must(201, "POST", "/v1/claims", site, map[string]any{"work_order_id": order}).str("id")
		b.must(200, "POST", "/v1/claims/"+id+"/actions", site, map[string]any{"action": "adjust", "reason": "耗时更长",
			"lines": []any{map[string]any{"no": 1, "quantity": 3}}})
		c := b.must(200, "POST", "/v1/claims/"+id+"/actions", site, map[string]any{"action": "submit"})
		require.Equal(t, "flagged", c.str("state"))
		require.Nil(t, c.JSON["audit"].(map[string]any)["callback"], "the site does not see its audit callback")
		return id, b.must(200, "GET", "/v1/claims/"+id, admin, nil).JSON["audit"].(map[string]any)["callback"].(map[string]any)
	}
	id, cb := flag()
	require.Equal(t, "open", cb["status"])
	task := cb["task_id"].(string)

	var mine []map[string]any
	for _, it := range b.must(200, "GET", "/v1/callback-tasks?status=open&group=callback", agent, nil).JSON["items"].([]any) {
		if x := it.(map[string]any); x["claim_id"] == id {
			mine = append(mine, x)
		}
	}
	require.Len(t, mine, 1, "one callback, in the agents' queue")
	require.Equal(t, task, mine[0]["id"])
	require.Equal(t, "claim_audit", mine[0]["source"])
	require.NotEmpty(t, mine[0]["phone"])
	require.NotEmpty(t, mine[0]["due_at"])
	// Isolation: a site-scoped agent and another tenant see nothing.
	for _, it := range b.must(200, "GET", "/v1/callback-tasks", siteAgent, nil).JSON["items"].([]any) {
		require.NotEqual(t, "claim_audit", it.(map[string]any)["source"])
	}
	b.must(404, "GET", "/v1/callback-tasks/"+task, siteAgent, nil)
	b.must(404, "POST", "/v1/callback-tasks/"+task+"/answers", siteAgent, map[string]any{"answers": []any{}, "reached": true, "note": "x"})
	other := b.onboard("audit-cb-other")
	b.must(404, "GET", "/v1/callback-tasks/"+task, other.admin, nil)

	e := b.must(409, "POST", "/v1/claims/"+id+"/actions", admin, map[string]any{"action": "approve"})
	require.Contains(t, string(e.Raw), "audit")
	e = b.must(422, "POST", "/v1/callback-tasks/"+task+"/answers", agent, map[string]any{"answers": []any{}})
	require.Contains(t, string(e.Raw), "reached")
	e = b.must(422, "POST", "/v1/callback-tasks/"+task+"/answers", agent, map[string]any{"answers": []any{}, "reached": true})
	require.Contains(t, string(e.Raw), "note")
	done := b.must(200, "POST", "/v1/callback-tasks/"+task+"/answers", agent,
		map[string]any{"answers": []any{}, "reached": true, "note": "客户确认更换压缩机，耗时3小时"})
	require.Equal(t, "done", done.str("status"))
	require.Equal(t, true, done.JSON["reached"])
	b.must(409, "POST", "/v1/callback-tasks/"+task+"/answers", agent, map[string]any{"answers": []any{}, "reached": false})

	c := b.must(200, "GET", "/v1/claims/"+id, admin, nil)
	audit := c.JSON["audit"].(map[string]any)
	require.Equal(t, "done", audit["status"])
	require.Contains(t, audit["note"], "客户确认更换压缩机")
	require.Equal(t, "done", audit["callback"].(map[string]any)["status"])
	require.Contains(t, c.JSON["actions"], "approve")
	require.Equal(t, "approved", b.must(200, "POST", "/v1/claims/"+id+"/actions", admin, map[string]any{"action": "approve"}).str("state"))
	ev := b.must(200, "GET", "/v1/claims/"+id+"/events", admin, nil).JSON["items"].([]any)
	require.Equal(t, task, ev[len(ev)-2].(map[string]any)["payload"].(map[string]any)["callback_task_id"], "the audit came from the callback")

	// A reviewer's own inspection cancels the callback.
	id2, cb2 := flag()
	b.must(200, "POST", "/v1/claims/"+id2+"/actions", admin, map[string]any{"action": "audit", "note": "旧件已检验"})
	got := b.must(200, "GET", "/v1/callback-tasks/"+cb2["task_id"].(string), agent, nil)
	require.Equal(t, "cancelled", got.str("status"))
	require.Equal(t, "cancelled", b.must(200, "GET", "/v1/claims/"+id2, admin, nil).JSON["audit"].(map[string]any)["callback"].(map[string]any)["status"])
}

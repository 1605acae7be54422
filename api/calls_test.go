package api_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestCallLogWithTheRealCTIPlugin: the reference CTI plugin's events,
// replayed and out of order, log one call; the order the agent creates
// during it is linked; the log is searchable, the agent's own history
// lists it, and each role sees only the calls of the customers in its
// sight (or that it took).
func TestCallLogWithTheRealCTIPlugin(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	a := setupPlugins(t, pool, dbURL, dir, nil)
	n := a.newNetwork("acme")
	other := a.onboard("other")
	_, bind := a.bindReference(t, dir, n.tenant, "cti-generic", "cti", nil)
	binding, tok := bind.str("id"), bind.str("cti_token")
	agentID, agent := a.createUser(n.tenant.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	a.must(200, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", n.tenant.admin, map[string]any{"extension": "801"})
	_, scopedAgent := a.createUser(n.tenant.admin, "acme", "agent.gx", []string{"agent"}, map[string]any{"regions": []string{n.gx.String()}})

	t0 := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	ev := func(typ string, at time.Duration, extra map[string]any) map[string]any {
		e := map[string]any{"event": typ, "call_id": "k-1", "caller": "13800138000", "called": "4008001234",
			"agent_extension": "801", "timestamp": t0.Add(at).Format(time.RFC3339)}
		for k, v := range extra {
			e[k] = v
		}
		return e
	}
	ring, answer := ev("ringing", 0, nil), ev("answered", 5*time.Second, nil)
	end := ev("ended", 65*time.Second, map[string]any{"recording_url": "https://pbx.example/rec/k-1"})
	post := func(body any) {
		a.must(200, "POST", "/v1/cti/"+binding+"/events", "", body, "X-CTI-Token", tok)
	}
	post(answer)
	post(ring)
	order := a.intake(n, agent, nil)
	require.Equal(t, 201, order.Status, "%s", order.Raw)
	orderID := order.str("id")
	post(map[string]any{"events": []any{end, ring, answer, end}})

	list := a.must(200, "GET", "/v1/calls", n.tenant.admin, nil)
	calls := items(list)
	require.Len(t, calls, 1, "%s", list.Raw)
	c := calls[0]
	require.Equal(t, "k-1", c["pbx_call_id"])
	require.Equal(t, "answered", c["outcome"])
	require.Equal(t, float64(60), c["duration_seconds"])
	require.Equal(t, agentID.String(), c["agent_user_id"])
	require.Equal(t, n.customer.String(), c["customer_id"])
	require.Equal(t, "https://pbx.example/rec/k-1", c["recording_url"])
	links := c["links"].([]any)
	require.Len(t, links, 1)
	require.Equal(t, map[string]any{"kind": "work_order", "ref": orderID}, map[string]any{
		"kind": links[0].(map[string]any)["kind"], "ref": links[0].(map[string]any)["ref"]})
	callID := c["id"].(string)

	// Searchable by customer, order, number, agent, outcome and period; the
	// agent's own history has it, the admin's (who took no call) has not.
	for _, q := range []string{"customer=" + n.customer.String(), "work_order=" + orderID, "number=0013-8000",
		"agent=" + agentID.String(), "outcome=answered", "from=" + url.QueryEscape(t0.Format(time.RFC3339))} {
		require.Len(t, items(a.must(200, "GET", "/v1/calls?"+q, n.tenant.admin, nil)), 1, q)
	}
	for _, q := range []string{"outcome=missed", "number=99999", "to=" + url.QueryEscape(t0.Format(time.RFC3339))} {
		require.Empty(t, items(a.must(200, "GET", "/v1/calls?"+q, n.tenant.admin, nil)), q)
	}
	require.Len(t, items(a.must(200, "GET", "/v1/agents/me/calls", agent, nil)), 1)
	require.Empty(t, items(a.must(200, "GET", "/v1/agents/me/calls", n.tenant.admin, nil)))

	// Per role: who sees the call.
	for _, tc := range []struct {
		name  string
		token string
		sees  bool
	}{
		{"tenant admin", n.tenant.admin, true},
		{"the agent who took it", agent, true},
		{"the site manager of the order's site", n.nearMgrTok, true},
		{"an agent scoped to another region", scopedAgent, false},
		{"the region manager of another region", n.gxMgrTok, false},
		{"another tenant's admin", other.admin, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := items(a.must(200, "GET", "/v1/calls", tc.token, nil))
			if tc.sees {
				require.Len(t, got, 1)
				a.must(200, "GET", "/v1/calls/"+callID, tc.token, nil)
			} else {
				require.Empty(t, got)
				a.must(404, "GET", "/v1/calls/"+callID, tc.token, nil)
			}
		})
	}

	// The agent's state followed the call; the agent sets it back; the
	// supervisors' board shows it (agents themselves may not read it).
	require.Equal(t, "after_call_work", a.must(200, "GET", "/v1/agents/me/state", agent, nil).str("state"))
	a.must(422, "PUT", "/v1/agents/me/state", agent, map[string]any{"state": "on_call"})
	require.Equal(t, "available", a.must(200, "PUT", "/v1/agents/me/state", agent, map[string]any{"state": "available"}).str("state"))
	board := a.must(200, "GET", "/v1/agents/board", n.tenant.admin, nil)
	agents := board.JSON["agents"].([]any)
	require.Len(t, agents, 1, "%s", board.Raw)
	require.Equal(t, "available", agents[0].(map[string]any)["state"])
	require.Equal(t, "801", agents[0].(map[string]any)["extension"])
	// A call queued through the real plugin waits on the board.
	post(map[string]any{"event": "queued", "call_id": "k-2", "caller": "13900139000", "queue": "install", "direction": "inbound",
		"timestamp": t0.Format(time.RFC3339)})
	queues := a.must(200, "GET", "/v1/agents/board", n.tenant.admin, nil).JSON["queues"].([]any)
	require.Len(t, queues, 1)
	require.Equal(t, "install", queues[0].(map[string]any)["queue"])
	require.Equal(t, float64(1), queues[0].(map[string]any)["waiting"])
	a.must(403, "GET", "/v1/agents/board", agent, nil)
	require.Empty(t, a.must(200, "GET", "/v1/agents/board", other.admin, nil).JSON["agents"])

	// Bad input names the field.
	for q, field := range map[string]string{"number=12": "number", "cursor=nope": "cursor", "outcome=lost": "outcome",
		"from=" + url.QueryEscape(t0.Format(time.RFC3339)) + "&to=" + url.QueryEscape(t0.Format(time.RFC3339)): "to"} {
		r := a.do("GET", "/v1/calls?"+q, n.tenant.admin, nil)
		require.Equal(t, 422, r.Status, "%s: %s", q, r.Raw)
		require.Contains(t, string(r.Raw), field, q)
	}
}

package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// ringing is a call event in the fake CTI plugin's format.
func ringing(callID, caller, ext string) map[string]any {
	return map[string]any{"event": "ringing", "callid": callID, "caller": caller, "extension": ext}
}

// nextEvent waits for the next event, at most a second.
func nextEvent(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(time.Second):
		t.Fatal("no event within a second")
		return sseEvent{}
	}
}

// noEvent checks that nothing arrives for a while (after a later event
// proves the stream works, see TestCTIScreenPop).
func noEvent(t *testing.T, events <-chan sseEvent) {
	t.Helper()
	select {
	case e := <-events:
		t.Fatalf("unexpected event %+v", e)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestCTIScreenPopAcrossReplicas: the vendor posts to one replica, the
// agent's stream is held by another (same database); the screen pop
// arrives within a second. Malformed payloads and foreign tokens change
// nothing and deliver nothing.
func TestCTIScreenPopAcrossReplicas(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	a := setupPlugins(t, pool, dbURL, dir, &fakeRuntime{})
	bRep := setupPlugins(t, pool, dbURL, dir, &fakeRuntime{})
	n := a.newNetwork("acme")
	other := a.onboard("other")
	binding, tok := a.registerAndBind(dir, n.tenant, "cti", nil)
	otherBinding, otherTok := a.registerAndBind(dir, other, "cti", nil)

	// A call-centre agent answers the whole country: tenant-wide scope, so
	// that every caller is in sight.
	agentID, agent := a.createUser(n.tenant.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	a.must(200, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", n.tenant.admin, map[string]any{"extension": "8001"})
	// Extensions are unique within a tenant, and another tenant cannot set them.
	otherID, _ := a.createUser(n.tenant.admin, "acme", "agent.zhao", []string{"agent"}, nil)
	a.must(409, "PUT", "/v1/users/"+otherID.String()+"/cti-extension", n.tenant.admin, map[string]any{"extension": "8001"})
	a.must(404, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", other.admin, map[string]any{"extension": "9"})
	// The agent's portal learns the extension from /v1/me (click-to-dial is offered with one).
	require.Equal(t, "8001", a.must(200, "GET", "/v1/me", agent, nil).str("cti_extension"))
	require.Equal(t, "", a.must(200, "GET", "/v1/me", n.tenant.admin, nil).str("cti_extension"))

	events := bRep.openEvents(agent)
	post := func(binding, token string, body any, hdr ...string) resp {
		return a.do("POST", "/v1/cti/"+binding+"/events", "", body, append([]string{"X-CTI-Token", token}, hdr...)...)
	}
	for _, c := range []struct {
		name    string
		binding string
		token   string
		body    any
		status  int
		hdr     []string
	}{
		{"no token", binding, "", ringing("c0", "13800138000", "8001"), 401, nil},
		{"A's token on B's binding", otherBinding, tok, ringing("c1", "13800138000", "8001"), 401, nil},
		{"B's token on A's binding", binding, otherTok, ringing("c2", "13800138000", "8001"), 401, nil},
		{"not JSON", binding, tok, "<xml>ring</xml>", 422, nil},
		{"empty", binding, tok, "", 400, nil},
		{"no call ID", binding, tok, map[string]any{"event": "ringing"}, 422, nil},
		{"unknown event type", binding, tok, map[string]any{"event": "exploded", "callid": "c3", "extension": "8001"}, 422, nil},
		{"XML reaches the plugin, which refuses it", binding, tok, "<call/>", 422, []string{"Content-Type", "text/xml"}},
		{"over 64 KiB", binding, tok, strings.Repeat("x", 65<<10), 413, nil},
		{"not UTF-8", binding, tok, "\xff\xfe", 422, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.status, post(c.binding, c.token, c.body, c.hdr...).Status)
		})
	}
	noEvent(t, events)
	// Outlive the server's write timeout (2 s in these tests: shorter
	// would cut ordinary requests on a loaded machine): keep-alives move
	// the deadline on.
	time.Sleep(2500 * time.Millisecond)

	// Ringing: the agent's screen pops with the customer, via the other replica.
	r := a.must(200, "POST", "/v1/cti/"+binding+"/events?token="+tok, "", ringing("call-1", "+86 138 0013 8000", "8001"))
	require.Equal(t, float64(1), r.JSON["delivered"])
	e := nextEvent(t, events)
	require.Equal(t, "screen_pop", e.Name)
	require.Equal(t, "call-1", e.Data["call"].(map[string]any)["call_id"])
	pop := e.Data["screen_pop"].(map[string]any)
	require.Equal(t, "8613800138000", pop["phone"])
	require.Equal(t, n.customer.String(), pop["customers"].([]any)[0].(map[string]any)["id"])

	// Later call states come as call events; other extensions reach nobody.
	post(binding, tok, map[string]any{"event": "answered", "callid": "call-1", "extension": "8001"})
	require.Equal(t, "call", nextEvent(t, events).Name)
	require.Equal(t, float64(0), post(binding, tok, ringing("call-2", "13800138000", "8002")).JSON["delivered"])
	noEvent(t, events)

	// Click-to-dial goes to the tenant's CTI plugin with the agent's extension.
	d := bRep.must(200, "POST", "/v1/agents/me/dial", agent, map[string]any{"number": "13800138000"})
	require.Equal(t, "dial-8001-13800138000", d.str("call_id"))
	_, noExt := a.createUser(n.tenant.admin, "acme", "agent.qian", []string{"agent"}, nil)
	require.Contains(t, string(a.must(409, "POST", "/v1/agents/me/dial", noExt, map[string]any{"number": "138"}).Raw), "no CTI extension")
	a.must(422, "POST", "/v1/agents/me/dial", agent, map[string]any{"number": "rm -rf"})
}

func TestPartsThroughThePlugin(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	b := setupPlugins(t, pool, dbURL, dir, &fakeRuntime{})
	acme := b.onboard("acme")
	_, clerk := b.createUser(acme.admin, "acme", "parts.clerk", []string{"parts_clerk"}, nil)
	_, tech := b.createUser(acme.admin, "acme", "tech.sun", []string{"technician"}, nil)
	_, agent := b.createUser(acme.admin, "acme", "agent.zhou", []string{"agent"}, nil)
	_, dispatcher := b.createUser(acme.admin, "acme", "dispatcher.li", []string{"dispatcher"}, nil)

	// None bound: a clear problem, for every operation.
	for _, c := range []struct {
		method, path string
		body         map[string]any
	}{
		{"GET", "/v1/parts?query=compressor", nil}, {"GET", "/v1/parts/P-100/stock", nil},
		{"POST", "/v1/parts/reservations", map[string]any{"part_code": "P-100", "warehouse_code": "SZ", "quantity": 1}},
		{"POST", "/v1/parts/requisitions", map[string]any{"lines": []map[string]any{{"part_code": "P-100", "quantity": 1}}}},
	} {
		r := b.must(409, c.method, c.path, clerk, c.body)
		require.Contains(t, string(r.Raw), "no parts catalogue bound for this tenant", c.path)
	}
	// Dispatchers look parts and stock up; reserving is the clerk's and the technician's.
	b.must(409, "GET", "/v1/parts/P-100/stock", dispatcher, nil)
	b.must(403, "POST", "/v1/parts/reservations", dispatcher, map[string]any{"part_code": "P-100", "warehouse_code": "SZ", "quantity": 1})

	b.registerAndBind(dir, acme, "parts", map[string]string{"password": "pw"})
	for _, c := range []struct {
		name   string
		token  string
		method string
		path   string
		body   map[string]any
		status int
		want   string
	}{
		{"clerk searches", clerk, "GET", "/v1/parts?query=压缩机&model=KFR-35", nil, 200, `"code":"P-100"`},
		{"technician sees stock", tech, "GET", "/v1/parts/P-100/stock", nil, 200, `"available":3`},
		{"unknown part", tech, "GET", "/v1/parts/NOPE/stock", nil, 404, "no part NOPE"},
		{"clerk reserves", clerk, "POST", "/v1/parts/reservations", map[string]any{"part_code": "P-100", "warehouse_code": "SZ", "quantity": 2}, 201, `"id":"R-1"`},
		{"technician requests parts", tech, "POST", "/v1/parts/requisitions", map[string]any{"lines": []map[string]any{{"part_code": "P-100", "quantity": 1}}}, 201, "REQ-0001"},
		{"bad line", tech, "POST", "/v1/parts/requisitions", map[string]any{"lines": []map[string]any{{"part_code": "", "quantity": 0}}}, 422, "lines[0]"},
		{"not enough stock", clerk, "POST", "/v1/parts/reservations", map[string]any{"part_code": "P-100", "warehouse_code": "SZ", "quantity": 4}, 409, "only 3 of P-100 in SZ"},
		{"zero quantity", clerk, "POST", "/v1/parts/reservations", map[string]any{"part_code": "P-100", "warehouse_code": "SZ", "quantity": 0}, 422, "quantity"},
		{"agents have no parts access", agent, "GET", "/v1/parts", nil, 403, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, string(b.must(c.status, c.method, c.path, c.token, c.body).Raw), c.want)
		})
	}
}

// TestAgentStreamEndsWithTheSession: an open event stream is checked again
// at each keep-alive; disabling the user (which revokes the session) ends
// it with a reason, and the stream cannot be opened again.
func TestAgentStreamEndsWithTheSession(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	b := setupPlugins(t, pool, dbURL, t.TempDir(), &fakeRuntime{})
	n := b.newNetwork("acme")
	agentID, agent := b.createUser(n.tenant.admin, "acme", "agent.li", []string{"agent"}, nil)
	_, other := b.createUser(n.tenant.admin, "acme", "agent.wu", []string{"agent"}, nil)
	events, otherEvents := b.openEvents(agent), b.openEvents(other)
	noEvent(t, events) // keep-alives pass the check

	b.must(200, "PATCH", "/v1/users/"+agentID.String(), n.tenant.admin, map[string]any{"version": 1, "status": "disabled"})
	e := nextEvent(t, events)
	require.Equal(t, "closed", e.Name)
	require.NotEmpty(t, e.Data["reason"])
	select {
	case _, open := <-events:
		require.False(t, open, "the stream ends after closed")
	case <-time.After(time.Second):
		t.Fatal("the stream stayed open")
	}
	noEvent(t, otherEvents) // another agent's stream goes on
	b.must(401, "GET", "/v1/agents/me/events", agent, nil)
}

package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestUrgeWorkOrder: an urge records an "urged" event and a
// work_order.urged message for the responsible site and technician; a
// repeated Idempotency-Key replays it; a second urge within the tenant's
// interval answers 429 with Retry-After; after it, the count goes on.
func TestUrgeWorkOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 600)
	b.must(200, "PUT", "/v1/settings", n.tenant.admin, map[string]any{
		"dispatch_weights": map[string]any{"distance": 1, "load": 1, "reputation": 1, "sla_risk": 1}, "urge_interval_minutes": 15})
	_, dispatcher := b.createUser(n.tenant.admin, "acme", "disp", []string{"dispatcher"}, map[string]any{"all": true})
	_, agent := b.createUser(n.tenant.admin, "acme", "agent", []string{"agent"}, map[string]any{"all": true})
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	path := "/v1/work-orders/" + id + "/urge"

	u := b.must(200, "POST", path, agent, map[string]any{"note": "客户第二次来电催促"}, "Idempotency-Key", "urge-1")
	require.Equal(t, 1.0, u.JSON["count"])
	require.Equal(t, n.near.String(), u.str("site_id"))
	require.Equal(t, n.techNear.String(), u.str("technician_id"))
	require.Equal(t, "客户第二次来电催促", u.str("note"))
	urgedAt := timeOf(t, u, "urged_at")
	require.Equal(t, 15*time.Minute, timeOf(t, u, "next_allowed_at").Sub(urgedAt))

	replay := b.must(200, "POST", path, agent, map[string]any{"note": "客户第二次来电催促"}, "Idempotency-Key", "urge-1")
	require.Equal(t, u.Raw, replay.Raw, "the same key replays the first answer")

	limited := b.do("POST", path, dispatcher, map[string]any{"note": "again"})
	require.Equal(t, 429, limited.Status, "%s", limited.Raw)
	require.NotEmpty(t, limited.Header.Get("Retry-After"))

	ev := b.eventsOf(n, id, "urged")
	require.Len(t, ev, 1)
	p := ev[0]["payload"].(map[string]any)
	require.Equal(t, "客户第二次来电催促", p["note"])
	require.Equal(t, false, p["auto"])
	msgs := b.outboxPayloads(n, id, core.OutboxWorkOrderUrged)
	require.Len(t, msgs, 1)
	require.Equal(t, map[string]any{"site_id": n.near.String(), "technician_id": n.techNear.String(),
		"note": "客户第二次来电催促", "count": 1.0, "auto": false}, msgs[0])

	b.clock.Advance(16 * time.Minute)
	u = b.must(200, "POST", path, dispatcher, map[string]any{})
	require.Equal(t, 2.0, u.JSON["count"])
	require.Len(t, b.outboxPayloads(n, id, core.OutboxWorkOrderUrged), 2)
	b.clock.Advance(16 * time.Minute)
	b.must(200, "POST", path, n.tenant.admin, map[string]any{"note": "admin"})
}

// TestUrgeRefused: who may not urge, which orders cannot be urged, and bad
// input; nothing is written for any of them.
func TestUrgeRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 600)
	_, analyst := b.createUser(n.tenant.admin, "acme", "analyst", []string{"analyst"}, map[string]any{"all": true})
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	path := "/v1/work-orders/" + id + "/urge"
	// Not dispatched: no responsible site.
	queued := b.intake(n, n.tenant.admin, map[string]any{"lat": nil, "lon": nil, "address": "门口的大树旁边"})
	require.Equal(t, 201, queued.Status, "%s", queued.Raw)
	require.Equal(t, "created", queued.str("state"))
	cancelled := b.intake(n, n.tenant.admin, nil).str("id")
	b.must(200, "POST", "/v1/work-orders/"+cancelled+"/cancel", n.tenant.admin, map[string]any{"reason": "customer fixed it"})

	cases := []struct {
		name, token, path string
		body              any
		status            int
	}{
		{"technician", n.techNearTok, path, map[string]any{}, 403},
		{"analyst without update", analyst, path, map[string]any{}, 403},
		{"site manager of another region", n.gxMgrTok, path, map[string]any{}, 404},
		{"no token", "", path, map[string]any{}, 401},
		{"unknown order", n.tenant.admin, "/v1/work-orders/" + uuid.NewString() + "/urge", map[string]any{}, 404},
		{"id not a uuid", n.tenant.admin, "/v1/work-orders/nope/urge", map[string]any{}, 422},
		{"note too long", n.tenant.admin, path, map[string]any{"note": strings.Repeat("催", 501)}, 422},
		{"note with control characters", n.tenant.admin, path, map[string]any{"note": "a\x00b"}, 422},
		{"note not a string", n.tenant.admin, path, map[string]any{"note": 5}, 422},
		{"body not JSON", n.tenant.admin, path, "{", 400},
		{"queued order", n.tenant.admin, "/v1/work-orders/" + queued.str("id") + "/urge", map[string]any{}, 409},
		{"cancelled order", n.tenant.admin, "/v1/work-orders/" + cancelled + "/urge", map[string]any{}, 409},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := b.do("POST", c.path, c.token, c.body)
			require.Equal(t, c.status, got.Status, "%s", got.Raw)
		})
	}
	for _, order := range []string{id, queued.str("id"), cancelled} {
		require.Empty(t, b.eventsOf(n, order, "urged"))
		require.Empty(t, b.outboxPayloads(n, order, core.OutboxWorkOrderUrged))
	}
	// The timer limits are tenant settings: 0 or omitted is the default, out of range is refused.
	weights := map[string]any{"distance": 1, "load": 1, "reputation": 1, "sla_risk": 1}
	got := b.must(200, "PUT", "/v1/settings", n.tenant.admin, map[string]any{"dispatch_weights": weights})
	require.Equal(t, 30.0, got.JSON["acceptance_minutes"])
	require.Equal(t, 10.0, got.JSON["urge_interval_minutes"])
	for name, body := range map[string]map[string]any{
		"acceptance too long":    {"dispatch_weights": weights, "acceptance_minutes": 10081},
		"negative acceptance":    {"dispatch_weights": weights, "acceptance_minutes": -1},
		"urge interval too long": {"dispatch_weights": weights, "urge_interval_minutes": 1441},
	} {
		r := b.do("PUT", "/v1/settings", n.tenant.admin, body)
		require.Equal(t, 422, r.Status, "%s: %s", name, r.Raw)
	}
}

// TestUrgeIsolation: another tenant's admin urging an order gets 404 and
// nothing changes.
func TestUrgeIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 600)
	other := b.onboard("omega")
	id := b.intake(n, n.tenant.admin, nil).str("id")
	before := string(b.must(200, "GET", "/v1/work-orders/"+id+"/events", n.tenant.admin, nil).Raw)
	b.must(404, "POST", "/v1/work-orders/"+id+"/urge", other.admin, map[string]any{"note": "hijack"})
	b.must(404, "POST", "/v1/work-orders/"+id+"/urge", other.admin, map[string]any{"note": "hijack"}, "Idempotency-Key", "k")
	require.Equal(t, before, string(b.must(200, "GET", "/v1/work-orders/"+id+"/events", n.tenant.admin, nil).Raw))
	require.Empty(t, b.outboxPayloads(n, id, core.OutboxWorkOrderUrged))
	// The owner can still urge at once: the refused calls left no rate-limit mark.
	b.must(200, "POST", "/v1/work-orders/"+id+"/urge", n.tenant.admin, map[string]any{})
}

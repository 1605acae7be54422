package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// fireTimers runs the timers once, as the worker's periodic task does.
func (b *testBundle) fireTimers() int {
	b.t.Helper()
	n, err := b.app.WorkOrders.FireDueTimers(context.Background())
	require.NoError(b.t, err)
	return n
}

// timerNetwork is a network whose calendar is open around the clock, so
// business minutes are wall minutes and the test can move the clock by
// exact amounts; set b up with longSessions so that sessions outlive the
// moves.
func (b *testBundle) timerNetwork(slug string, acceptanceMinutes int) *network {
	n := b.newNetwork(slug)
	week := map[string]any{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		week[d] = []string{"00:00-24:00"}
	}
	b.must(200, "PUT", "/v1/settings", n.tenant.admin, map[string]any{
		"dispatch_weights": map[string]any{"distance": 1, "load": 1, "reputation": 1, "sla_risk": 1},
		"calendar":         map[string]any{"week": week}, "acceptance_minutes": acceptanceMinutes})
	return n
}

// eventsOf returns the order's timeline events of a type.
func (b *testBundle) eventsOf(n *network, id, typ string) []map[string]any {
	var out []map[string]any
	for _, e := range b.must(200, "GET", "/v1/work-orders/"+id+"/events", n.tenant.admin, nil).JSON["items"].([]any) {
		if ev := e.(map[string]any); ev["type"] == typ {
			out = append(out, ev)
		}
	}
	return out
}

// outboxPayloads returns the payloads of the order's outbox messages of a type.
func (b *testBundle) outboxPayloads(n *network, id, typ string) []map[string]any {
	var out []map[string]any
	for _, raw := range pgtest.TenantRows[[]byte](b.t, b.pool, n.tenant.id, `SELECT payload FROM outbox WHERE aggregate_id = $1 AND type = $2 ORDER BY id`, id, typ) {
		var p map[string]any
		require.NoError(b.t, json.Unmarshal(raw, &p))
		out = append(out, p)
	}
	return out
}

func timeOf(t *testing.T, r resp, key string) time.Time {
	at, err := time.Parse(time.RFC3339Nano, r.str(key))
	require.NoError(t, err, "%s: %s", key, r.Raw)
	return at
}

// TestSLAResponseOverdueFlaggedOnce: a response deadline passes unmet →
// the timer flags the order once, with one timeline event, one
// work_order.sla_breached message for the dispatcher and one miss against
// the site, visible on the site; two replicas running the timers at once
// flag an order once.
func TestSLAResponseOverdueFlaggedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 600)
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	require.Equal(t, n.near.String(), r.str("site_id"))
	require.Equal(t, []any{}, r.JSON["sla_flags"])
	respondBy := timeOf(t, r, "respond_by")

	b.clock.Advance(respondBy.Sub(b.clock.Now()) - time.Minute)
	require.Equal(t, 1, b.fireTimers(), "a minute before the deadline only the 80% urge is due")
	require.Len(t, b.eventsOf(n, id, "urged"), 1)
	require.Empty(t, b.eventsOf(n, id, "sla_breached"))

	b.clock.Advance(2 * time.Minute)
	require.Equal(t, 1, b.fireTimers())
	w := b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil)
	require.Equal(t, []any{"response"}, w.JSON["sla_flags"])
	require.Equal(t, "breached", w.str("sla_status"))
	ev := b.eventsOf(n, id, "sla_breached")
	require.Len(t, ev, 1)
	require.Equal(t, core.TimerActor, ev[0]["actor"])
	msgs := b.outboxPayloads(n, id, core.OutboxWorkOrderSLABreached)
	require.Len(t, msgs, 1)
	require.Equal(t, "response", msgs[0]["kind"])
	require.Equal(t, n.near.String(), msgs[0]["site_id"])
	due, err := time.Parse(time.RFC3339Nano, msgs[0]["due_at"].(string))
	require.NoError(t, err)
	require.True(t, due.Equal(respondBy), "due_at %s, respond_by %s", due, respondBy)

	misses := b.must(200, "GET", "/v1/sites/"+n.near.String()+"/sla-misses", n.tenant.admin, nil)
	items := misses.JSON["items"].([]any)
	require.Len(t, items, 1)
	miss := items[0].(map[string]any)
	require.Equal(t, id, miss["work_order_id"])
	require.Equal(t, "response", miss["kind"])
	require.Equal(t, w.str("number"), miss["number"])
	require.Equal(t, map[string]any{"response": 1.0, "arrival": 0.0}, misses.JSON["totals"])
	require.Empty(t, b.must(200, "GET", "/v1/sites/"+n.far.String()+"/sla-misses", n.tenant.admin, nil).JSON["items"])

	// Run again, and a late response: nothing more.
	require.Zero(t, b.fireTimers())
	require.Equal(t, 200, b.act(n.techNearTok, id, "accept", nil).Status)
	require.Zero(t, b.fireTimers())
	require.Len(t, b.eventsOf(n, id, "sla_breached"), 1)
	require.Len(t, b.outboxPayloads(n, id, core.OutboxWorkOrderSLABreached), 1)

	// Two replicas, four runs at once, five overdue orders: each flagged once.
	two := setupOn(t, b.pool, b.dbURL)
	var ids []string
	for range 5 {
		r := b.intake(n, n.tenant.admin, nil)
		require.Equal(t, 201, r.Status, "%s", r.Raw)
		ids = append(ids, r.str("id"))
	}
	b.clock.Advance(3 * time.Hour)
	two.clock.Advance(time.Duration(b.clock.offset.Load()))
	var wg sync.WaitGroup
	fired := make([]int, 4)
	for i := range fired {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replica := []*testBundle{b, two}[i%2]
			n, err := replica.app.WorkOrders.FireDueTimers(context.Background())
			require.NoError(t, err)
			fired[i] = n
		}()
	}
	wg.Wait()
	require.Equal(t, 5, fired[0]+fired[1]+fired[2]+fired[3], "each order's breach fired by exactly one run")
	for _, id := range ids {
		require.Len(t, b.eventsOf(n, id, "sla_breached"), 1)
		require.Len(t, b.outboxPayloads(n, id, core.OutboxWorkOrderSLABreached), 1)
	}
	require.Equal(t, map[string]any{"response": 6.0, "arrival": 0.0},
		b.must(200, "GET", "/v1/sites/"+n.near.String()+"/sla-misses?limit=2", n.tenant.admin, nil).JSON["totals"])
}

// TestSLAMissesPageAndScope: the misses list pages by cursor, refuses a
// forged cursor, and a site outside the caller's scope, or another
// tenant's, is not found.
func TestSLAMissesPageAndScope(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 600)
	for range 3 {
		require.Equal(t, 201, b.intake(n, n.tenant.admin, nil).Status)
	}
	// A deadline missed in the dispatcher queue is flagged, but no site's miss.
	queued := b.intake(n, n.tenant.admin, map[string]any{"lat": nil, "lon": nil, "address": "门口的大树旁边"}).str("id")
	b.clock.Advance(3 * time.Hour)
	require.Equal(t, 4, b.fireTimers())
	require.Equal(t, []any{"response"}, b.must(200, "GET", "/v1/work-orders/"+queued, n.tenant.admin, nil).JSON["sla_flags"])
	msgs := b.outboxPayloads(n, queued, core.OutboxWorkOrderSLABreached)
	require.Len(t, msgs, 1)
	require.Nil(t, msgs[0]["site_id"])
	require.Equal(t, []int64{3}, pgtest.TenantRows[int64](b.t, b.pool, n.tenant.id, `SELECT count(*) FROM site_sla_misses`))
	path := "/v1/sites/" + n.near.String() + "/sla-misses"
	first := b.must(200, "GET", path+"?limit=2", n.tenant.admin, nil)
	require.Len(t, first.JSON["items"], 2)
	next := first.JSON["next_cursor"].(string)
	require.NotEmpty(t, next)
	second := b.must(200, "GET", path+"?limit=2&cursor="+next, n.tenant.admin, nil)
	require.Len(t, second.JSON["items"], 1)
	require.Empty(t, second.JSON["next_cursor"])
	b.must(422, "GET", path+"?cursor=abc", n.tenant.admin, nil)
	b.must(404, "GET", path, n.gxMgrTok, nil)
	b.must(200, "GET", path, n.nearMgrTok, nil)
	other := b.onboard("omega")
	b.must(404, "GET", path, other.admin, nil)
	b.must(404, "GET", "/v1/sites/"+uuid.NewString()+"/sla-misses", n.tenant.admin, nil)
}

// TestAcceptanceTimeoutNextCandidateThenQueue: a site that neither assigns
// nor accepts within the tenant's acceptance minutes loses the order to
// the next candidate, as if it had rejected it ("acceptance timeout" on
// the timeline); when the last candidate times out too, the order waits in
// the dispatcher queue with the reason.
func TestAcceptanceTimeoutNextCandidateThenQueue(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 30)
	b.exec(n.tenant.id, `UPDATE sites SET auto_assign = false`)
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	require.Equal(t, "dispatched", r.str("state"))
	require.Equal(t, n.near.String(), r.str("site_id"))

	b.clock.Advance(29 * time.Minute)
	require.Zero(t, b.fireTimers())
	b.clock.Advance(2 * time.Minute)
	require.Equal(t, 1, b.fireTimers())
	w := b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil)
	require.Equal(t, "dispatched", w.str("state"))
	require.Equal(t, n.far.String(), w.str("site_id"), "the next candidate")
	rejected := b.eventsOf(n, id, "rejected")
	require.Len(t, rejected, 1)
	require.Equal(t, core.TimerActor, rejected[0]["actor"])
	require.Equal(t, core.AcceptanceTimeoutReason, rejected[0]["payload"].(map[string]any)["reason"])
	require.Len(t, b.eventsOf(n, id, "dispatched"), 2)

	// The far site's 30 minutes count from its own dispatch.
	b.clock.Advance(29 * time.Minute)
	require.Zero(t, b.fireTimers())
	b.clock.Advance(2 * time.Minute)
	require.Equal(t, 1, b.fireTimers())
	w = b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil)
	require.Equal(t, "created", w.str("state"))
	require.Nil(t, w.JSON["site_id"])
	require.True(t, strings.HasPrefix(w.str("queue_reason"), core.AcceptanceTimeoutReason+": "), w.str("queue_reason"))
	require.Len(t, b.eventsOf(n, id, "rejected"), 2)
	require.Len(t, b.eventsOf(n, id, "queued"), 1)
	b.clock.Advance(time.Hour)
	b.fireTimers()
	require.Len(t, b.eventsOf(n, id, "rejected"), 2, "a queued order has no acceptance timer")

	// A site that assigns in time keeps the order; when the technician
	// declines, the site has a fresh window to assign again.
	r = b.intake(n, n.tenant.admin, nil)
	id = r.str("id")
	require.Equal(t, n.near.String(), r.str("site_id"))
	b.clock.Advance(20 * time.Minute)
	b.must(200, "POST", "/v1/work-orders/"+id+"/assign", n.nearMgrTok, map[string]any{"technician_id": n.techNear.String()})
	b.clock.Advance(time.Hour)
	b.fireTimers()
	require.Empty(t, b.eventsOf(n, id, "rejected"))
	b.must(200, "POST", "/v1/work-orders/"+id+"/decline", n.techNearTok, map[string]any{"reason": "sick"})
	b.clock.Advance(29 * time.Minute)
	b.fireTimers()
	w = b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil)
	require.Equal(t, "dispatched", w.str("state"))
	require.Equal(t, n.near.String(), w.str("site_id"))
	b.clock.Advance(2 * time.Minute)
	b.fireTimers()
	require.Len(t, b.eventsOf(n, id, "rejected"), 1)
	require.Equal(t, n.far.String(), b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil).str("site_id"))
}

// TestAcceptanceMinutesAreBusinessMinutes: a site closed for the night
// does not lose an order dispatched just before closing.
func TestAcceptanceMinutesAreBusinessMinutes(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 30)
	b.exec(n.tenant.id, `UPDATE sites SET auto_assign = false`)
	// Open one hour a day, the hour that began 45 minutes ago (Shanghai
	// time), so the order is dispatched 15 business minutes before closing.
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	start := b.clock.Now().In(loc).Add(-45 * time.Minute).Truncate(time.Minute)
	if start.Day() != b.clock.Now().In(loc).Day() { // keep the hour within the day
		b.clock.Advance(2 * time.Hour)
		start = b.clock.Now().In(loc).Add(-45 * time.Minute).Truncate(time.Minute)
	}
	hours := start.Format("15:04") + "-" + start.Add(time.Hour).Format("15:04")
	if start.Add(time.Hour).Day() != start.Day() {
		hours = start.Format("15:04") + "-24:00"
	}
	week := map[string]any{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		week[d] = []string{hours}
	}
	b.must(200, "PUT", "/v1/settings", n.tenant.admin, map[string]any{
		"dispatch_weights": map[string]any{"distance": 1, "load": 1, "reputation": 1, "sla_risk": 1},
		"calendar":         map[string]any{"week": week}, "acceptance_minutes": 30})
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, "dispatched", r.str("state"), "%s", r.Raw)
	id := r.str("id")
	b.clock.Advance(40 * time.Minute) // wall minutes past the limit, but the site closed after at most 15
	require.Zero(t, b.fireTimers())
	require.Equal(t, n.near.String(), b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil).str("site_id"))
	b.clock.Advance(24 * time.Hour) // the next day's hour has passed
	require.GreaterOrEqual(t, b.fireTimers(), 1)
	require.Len(t, b.eventsOf(n, id, "rejected"), 1)
}

// TestAutoUrgeAtEightyPercent: at 80 % of the response window the timer
// urges the responsible site once (event and work_order.urged message).
func TestAutoUrgeAtEightyPercent(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 600)
	r := b.intake(n, n.tenant.admin, nil)
	id := r.str("id")
	window := timeOf(t, r, "respond_by").Sub(timeOf(t, r, "created_at"))
	b.clock.Advance(window*79/100 - (b.clock.Now().Sub(timeOf(t, r, "created_at"))))
	require.Zero(t, b.fireTimers())
	b.clock.Advance(window * 2 / 100)
	require.Equal(t, 1, b.fireTimers())
	require.Zero(t, b.fireTimers())
	urged := b.eventsOf(n, id, "urged")
	require.Len(t, urged, 1)
	p := urged[0]["payload"].(map[string]any)
	require.Equal(t, true, p["auto"])
	require.Equal(t, "response", p["kind"])
	msgs := b.outboxPayloads(n, id, core.OutboxWorkOrderUrged)
	require.Len(t, msgs, 1)
	require.Equal(t, n.near.String(), msgs[0]["site_id"])
	require.Equal(t, n.techNear.String(), msgs[0]["technician_id"])
	require.Equal(t, 1.0, msgs[0]["count"])
	// A manual urge counts on.
	u := b.must(200, "POST", "/v1/work-orders/"+id+"/urge", n.tenant.admin, map[string]any{"note": "客户再次来电"})
	require.Equal(t, 2.0, u.JSON["count"])
}

// TestSLAArrivalOverdue: an order responded to in time whose technician
// does not arrive by arrive_by is flagged for arrival, once, and the miss
// is the site's; arriving late adds nothing.
func TestSLAArrivalOverdue(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions)
	n := b.timerNetwork("acme", 600)
	r := b.intake(n, n.tenant.admin, nil)
	id := r.str("id")
	require.Equal(t, 200, b.act(n.techNearTok, id, "accept", nil).Status)
	b.clock.Advance(timeOf(t, r, "arrive_by").Sub(b.clock.Now()) + time.Minute)
	require.Equal(t, 1, b.fireTimers())
	require.Equal(t, []any{"arrival"}, b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil).JSON["sla_flags"])
	msgs := b.outboxPayloads(n, id, core.OutboxWorkOrderSLABreached)
	require.Len(t, msgs, 1)
	require.Equal(t, "arrival", msgs[0]["kind"])
	require.Equal(t, map[string]any{"response": 0.0, "arrival": 1.0},
		b.must(200, "GET", "/v1/sites/"+n.near.String()+"/sla-misses", n.tenant.admin, nil).JSON["totals"])
	require.Equal(t, 200, b.act(n.techNearTok, id, "arrive", map[string]any{"lat": szLat, "lon": szLon}).Status)
	require.Zero(t, b.fireTimers())
	require.Len(t, b.eventsOf(n, id, "sla_breached"), 1)

	// The miss moves the site's late-arrival rate, which dispatch ranks by,
	// at once: its one order in 30 days arrived late. The hourly
	// housekeeping recomputes it as orders come and go.
	lateRate := func() float64 {
		return b.must(200, "GET", "/v1/sites/"+n.near.String(), n.tenant.admin, nil).JSON["late_rate"].(float64)
	}
	require.Equal(t, 1.0, lateRate())
	second := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, n.near.String(), second.str("site_id"))
	_, err := b.app.Store.PurgeExpired(context.Background(), b.clock.Now())
	require.NoError(t, err)
	require.Equal(t, 0.5, lateRate(), "one late arrival in two orders")
}

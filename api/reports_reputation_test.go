package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/jobs"
)

// insertSiteOrders inserts n orders of site created an hour ago: inTarget of
// them responded within 2 h (the others after 3 h), onTime arrived by their
// deadline (the others after it), each scored score, and complaints
// complaints about the site.
func (b *testBundle) insertSiteOrders(n *network, site uuid.UUID, count, inTarget, onTime, score, complaints int) {
	b.t.Helper()
	b.insertSiteOrdersAt(n, site, time.Now().UTC().Add(-time.Hour), count, inTarget, onTime, score, complaints)
}

// insertSiteOrdersAt is insertSiteOrders with the orders created at now.
func (b *testBundle) insertSiteOrdersAt(n *network, site uuid.UUID, now time.Time, count, inTarget, onTime, score, complaints int) {
	b.t.Helper()
	tid := n.tenant.id
	now = now.UTC()
	var rows, cs []string
	ts := func(t time.Time) string { return "'" + t.Format(time.RFC3339Nano) + "'" }
	for i := range count {
		respond := now.Add(10 * time.Minute)
		if i >= inTarget {
			respond = now.Add(3 * time.Hour)
		}
		arriveBy, arrived := now.Add(24*time.Hour), now.Add(20*time.Hour)
		if i >= onTime {
			arrived = now.Add(30 * time.Hour)
		}
		rows = append(rows, fmt.Sprintf("('%s', '%s', 'REP-%s-%d', 'repair', 'phone', 'completed', '%s', 'AC', 'repair', '%s', %s, %s, %s, %s, %d, 'gen', %s, %s)",
			tid, uuid.New(), site.String()[:8], i, n.customer, site, ts(respond), ts(arriveBy), ts(arrived), ts(arrived.Add(time.Hour)), score, ts(now), ts(now)))
	}
	b.exec(tid, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, product_line, service_type, site_id,
		responded_at, arrive_by, arrived_at, completed_at, satisfaction_score, created_by, created_at, updated_at) VALUES `+strings.Join(rows, ",\n"))
	for i := range complaints {
		cs = append(cs, fmt.Sprintf("('%s', '%s', 'REPC-%s-%d', '%s', '%s', 'service', 'normal', 'phone', 'open', 'department', 5, %s, 'gen', %s, %s)",
			tid, uuid.New(), site.String()[:8], i, n.customer, site, ts(now.Add(5*24*time.Hour)), ts(now), ts(now)))
	}
	if len(cs) > 0 {
		b.exec(tid, `INSERT INTO complaints (tenant_id, id, number, customer_id, site_id, category, severity, channel, state, owner_kind,
			deadline_days, due_at, created_by, created_at, updated_at) VALUES `+strings.Join(cs, ",\n"))
	}
}

// rankingOf returns the site names of a decision's ranking in order and each one's reputation component.
func rankingOf(t *testing.T, r resp) ([]string, map[string]float64) {
	t.Helper()
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	var names []string
	rep := map[string]float64{}
	for _, x := range r.JSON["dispatch_decision"].(map[string]any)["ranking"].([]any) {
		c := x.(map[string]any)
		name := c["site_name"].(string)
		names = append(names, name)
		rep[name] = c["components"].(map[string]any)["reputation"].(float64)
	}
	return names, rep
}

// TestSiteReputation: the reputation job computes each site's score from
// the aggregates with the tenant's weights; the ranking and the site's
// components show it, scoped; dispatch ranks by it (plus the manual
// adjustment) instead of the typed number; the settings are validated.
func TestSiteReputation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("repu")
	admin := n.tenant.admin
	const near, far = "深圳南山服务站", "东莞服务站"
	// Dispatch by reputation alone.
	b.must(200, "PATCH", "/v1/settings", admin, map[string]any{
		"dispatch_weights": map[string]any{"distance": 0, "load": 0, "reputation": 1, "sla_risk": 0}})
	names, rep := rankingOf(t, b.intake(n, admin, nil))
	require.Equal(t, 0.8, rep[near], "the typed 80 while no score exists")
	require.Equal(t, 0.8, rep[far])
	require.Equal(t, near, names[0])

	// Near: half responded in target, a quarter on time, scored 3, one
	// complaint in 20 orders; far: perfect. (Plus the order taken in above.)
	b.insertSiteOrders(n, n.near, 20, 10, 5, 3, 1)
	b.insertSiteOrders(n, n.far, 10, 10, 10, 5, 0)
	b.drainReports()
	task := jobs.ReputationTask(b.app.Reputation, slog.Default())
	require.Equal(t, jobs.TypeReputation, task.Type)
	require.NoError(t, task.Run(context.Background(), time.Now()))

	farRep := b.must(200, "GET", "/v1/sites/"+n.far.String()+"/reputation", admin, nil)
	require.Equal(t, 100.0, farRep.JSON["score"])
	require.Equal(t, 100.0, farRep.JSON["effective"])
	nearRep := b.must(200, "GET", "/v1/sites/"+n.near.String()+"/reputation", admin, nil)
	// The intake's order (not responded yet, no arrival) adds one order:
	// response 10/21, arrival 5/20, satisfaction (3−1)/4, complaints 1 in 21 orders (47.6‰ ≥ 20‰: 0).
	// (20×10/21 + 20×0.25 + 25×0.5 + 15×0) ÷ 80 = 0.3378…
	require.Equal(t, 33.8, nearRep.JSON["score"])
	require.EqualValues(t, 21, nearRep.JSON["orders"])
	comps := map[string]map[string]any{}
	for _, c := range nearRep.JSON["components"].([]any) {
		comps[c.(map[string]any)["id"].(string)] = c.(map[string]any)
	}
	require.Len(t, comps, 6)
	require.Equal(t, 0.25, comps["arrival"]["value"])
	require.Equal(t, 0.5, comps["satisfaction"]["value"])
	require.Equal(t, 3.0, comps["satisfaction"]["raw"])
	require.Nil(t, comps["claim_anomalies"]["value"], "no claims yet")
	require.NotEmpty(t, comps["claim_anomalies"]["reason"])
	require.Nil(t, comps["first_time_fix"]["value"])

	ranking := b.must(200, "GET", "/v1/reports/reputation", admin, nil).JSON["items"].([]any)
	require.Len(t, ranking, 3)
	order := []string{}
	for _, x := range ranking {
		order = append(order, x.(map[string]any)["site_name"].(string))
	}
	require.Equal(t, []string{far, "南宁服务站", near}, order, "far 100, Nanning the typed 80 (no data), near 33.8")

	// Dispatch now ranks far first, by the computed score.
	names, rep = rankingOf(t, b.intake(n, admin, nil))
	require.Equal(t, far, names[0])
	require.Equal(t, 1.0, rep[far])
	require.InDelta(t, 0.338, rep[near], 1e-9)

	// The manual adjustment moves it: far −70 (30) falls below near.
	adj := b.must(200, "PUT", "/v1/sites/"+n.far.String()+"/reputation/adjustment", admin,
		map[string]any{"adjustment": -70, "note": "audit findings"})
	require.Equal(t, 30.0, adj.JSON["effective"])
	require.Equal(t, 100.0, adj.JSON["score"], "the computed score stays")
	names, _ = rankingOf(t, b.intake(n, admin, nil))
	require.Equal(t, near, names[0])
	r := b.must(422, "PUT", "/v1/sites/"+n.far.String()+"/reputation/adjustment", admin, map[string]any{"adjustment": 101})
	require.Contains(t, string(r.Raw), "adjustment")
	b.must(404, "PUT", "/v1/sites/"+uuid.NewString()+"/reputation/adjustment", admin, map[string]any{"adjustment": 1})

	// Scope: a site manager sees their site only; a region manager their subtree.
	mine := b.must(200, "GET", "/v1/reports/reputation", n.nearMgrTok, nil).JSON["items"].([]any)
	require.Len(t, mine, 1)
	require.Equal(t, n.near.String(), mine[0].(map[string]any)["site_id"])
	b.must(404, "GET", "/v1/sites/"+n.far.String()+"/reputation", n.nearMgrTok, nil)
	gx := b.must(200, "GET", "/v1/reports/reputation", n.gxMgrTok, nil).JSON["items"].([]any)
	require.Len(t, gx, 1)
	require.Equal(t, n.other.String(), gx[0].(map[string]any)["site_id"])
	b.must(403, "GET", "/v1/reports/reputation?region_id="+n.gd.String(), n.gxMgrTok, nil)
	inGD := b.must(200, "GET", "/v1/reports/reputation?region_id="+n.gd.String(), admin, nil).JSON["items"].([]any)
	require.Len(t, inGD, 2)
	b.must(403, "PUT", "/v1/settings/reports", n.gxMgrTok, map[string]any{})
	b.must(403, "GET", "/v1/reports/reputation", n.techNearTok, nil)

	// Settings: validated, naming the field; nothing changes on a refusal.
	set := b.must(200, "GET", "/v1/settings/reports", admin, nil).JSON
	require.EqualValues(t, 120, set["response_minutes"])
	require.EqualValues(t, 25, set["reputation"].(map[string]any)["weights"].(map[string]any)["satisfaction"])
	weights := func(w map[string]any) map[string]any {
		return map[string]any{"response_minutes": 120, "reputation": map[string]any{"weights": w, "window_days": 90,
			"min_sample": 5, "complaints_ceiling_per_1000": 20}}
	}
	zero := map[string]any{"response": 0, "arrival": 0, "first_time_fix": 0, "satisfaction": 0, "complaints": 0, "claim_anomalies": 0}
	r = b.must(422, "PUT", "/v1/settings/reports", admin, weights(zero))
	require.Contains(t, string(r.Raw), "reputation.weights")
	neg := map[string]any{"response": -1, "arrival": 0, "first_time_fix": 0, "satisfaction": 1, "complaints": 0, "claim_anomalies": 0}
	r = b.must(422, "PUT", "/v1/settings/reports", admin, weights(neg))
	require.Contains(t, string(r.Raw), "weights.response")
	bad := weights(map[string]any{"response": 0, "arrival": 0, "first_time_fix": 0, "satisfaction": 1, "complaints": 0, "claim_anomalies": 0})
	bad["reputation"].(map[string]any)["window_days"] = 3
	r = b.must(422, "PUT", "/v1/settings/reports", admin, bad)
	require.Contains(t, string(r.Raw), "window_days")
	require.EqualValues(t, 25, b.must(200, "GET", "/v1/settings/reports", admin, nil).JSON["reputation"].(map[string]any)["weights"].(map[string]any)["satisfaction"])

	// Satisfaction alone: near scores (3−1)/4 = 50 at the job's next run.
	b.must(200, "PUT", "/v1/settings/reports", admin,
		weights(map[string]any{"response": 0, "arrival": 0, "first_time_fix": 0, "satisfaction": 1, "complaints": 0, "claim_anomalies": 0}))
	require.NoError(t, task.Run(context.Background(), time.Now()))
	require.Equal(t, 50.0, b.must(200, "GET", "/v1/sites/"+n.near.String()+"/reputation", admin, nil).JSON["score"])

	// A new response target or time zone marks the aggregates for rebuild.
	b.drainReports()
	dirty := func() int64 {
		return pgtest.TenantRows[int64](t, b.pool, n.tenant.id, `SELECT count(*) FROM report_dirty WHERE tenant_id = $1`, n.tenant.id)[0]
	}
	require.Zero(t, dirty())
	target := weights(map[string]any{"response": 1, "arrival": 0, "first_time_fix": 0, "satisfaction": 0, "complaints": 0, "claim_anomalies": 0})
	target["response_minutes"] = 240
	b.must(200, "PUT", "/v1/settings/reports", admin, target)
	require.GreaterOrEqual(t, dirty(), int64(3), "yesterday, today and tomorrow at least")
	b.drainReports()
	require.NoError(t, task.Run(context.Background(), time.Now()))
	// Every near order responded within 3 h 10 min, inside 240 minutes, except the intakes.
	nearRep = b.must(200, "GET", "/v1/sites/"+n.near.String()+"/reputation", admin, nil)
	require.Less(t, nearRep.JSON["score"].(float64), 100.0)
	require.Greater(t, nearRep.JSON["score"].(float64), 85.0, "20 of 23 orders responded within 4 h")
	b.exec(n.tenant.id, `UPDATE tenants SET timezone = 'Europe/Berlin' WHERE id = $1`, n.tenant.id)
	require.GreaterOrEqual(t, dirty(), int64(3))
}

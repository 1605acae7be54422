package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/aftersales/aftersales/core/report"
)

// drainReports runs the report job until no day is dirty.
func (b *testBundle) drainReports() {
	b.t.Helper()
	for {
		n, err := b.app.Store.RefreshReports(context.Background(), 50)
		require.NoError(b.t, err)
		if n == 0 {
			return
		}
	}
}

var (
	reportFrom = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC) // six weeks around Berlin's DST end (25 Oct)
	reportTo   = time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
)

func availableMetrics(withCalls bool) []report.Metric {
	var ms []report.Metric
	for _, m := range report.Catalogue() {
		if m.Available && (withCalls || len(m.Dimensions) > 0) {
			ms = append(ms, m)
		}
	}
	return ms
}

// expectReport is the oracle's answer to a query: values per (bucket start, group).
type expectReport struct {
	totals, previous, series map[string]map[string]*float64
}

// siteWithin reports whether the site is one of the roots or lies in one
// of the roots' subtrees (a site manager's scope names sites, a region
// manager's regions).
func siteWithin(site *uuid.UUID, roots []uuid.UUID, regionOf, parent map[uuid.UUID]uuid.UUID) bool {
	if site == nil {
		return false
	}
	if slices.Contains(roots, *site) {
		return true
	}
	for r, ok := regionOf[*site], true; ok; r, ok = parent[r] {
		if slices.Contains(roots, r) {
			return true
		}
	}
	return false
}

func weekStart(d time.Time) time.Time { return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) }

// oracleData is the oracle's facts of a tenant with its region tree.
type oracleData struct {
	facts            []oracleFact
	regionOf, parent map[uuid.UUID]uuid.UUID
}

func (b *testBundle) oracleOf(tenant uuid.UUID) oracleData {
	facts, regionOf, parent := b.oracle(tenant)
	return oracleData{facts, regionOf, parent}
}

// reportPeriod is a query's period [from, to] and the first day of the
// previous period it is compared with (which ends the day before from).
type reportPeriod struct{ from, to, prevFrom time.Time }

// sameLength is the equality test's period, compared with as many days before.
var sameLength = reportPeriod{reportFrom, reportTo, reportFrom.AddDate(0, 0, -(int(reportTo.Sub(reportFrom).Hours()/24) + 1))}

func (b *testBundle) expect(o oracleData, scope []uuid.UUID, gran string, groupBy []string, ms []report.Metric, filterRegion *uuid.UUID, p reportPeriod) expectReport {
	within := func(site *uuid.UUID, roots []uuid.UUID) bool { return siteWithin(site, roots, o.regionOf, o.parent) }
	reportFrom, reportTo, pf := p.from, p.to, p.prevFrom
	sums := map[string]map[string]*report.Sums{"totals": {}, "previous": {}, "series": {}}
	ttcs := map[string]map[string][]int64{"totals": {}, "previous": {}, "series": {}}
	techs := map[string]map[string]map[uuid.UUID]bool{"totals": {}, "previous": {}, "series": {}}
	var fact oracleFact
	add := func(set, key string, s report.Sums) {
		if sums[set][key] == nil {
			sums[set][key] = &report.Sums{}
		}
		sums[set][key].Add(s)
		if fact.ttc != nil {
			ttcs[set][key] = append(ttcs[set][key], *fact.ttc)
		}
		if fact.tech != nil { // an active technician of the bucket
			if techs[set][key] == nil {
				techs[set][key] = map[uuid.UUID]bool{}
			}
			techs[set][key][*fact.tech] = true
		}
	}
	for _, f := range o.facts {
		fact = f
		if scope != nil && !within(f.site, scope) || filterRegion != nil && !within(f.site, []uuid.UUID{*filterRegion}) {
			continue
		}
		var g []string
		for _, d := range groupBy {
			g = append(g, d+"="+f.dims[d])
		}
		key := strings.Join(g, ";")
		switch {
		case !f.day.Before(reportFrom) && !f.day.After(reportTo):
			add("totals", key, f.sums)
			start := f.day
			switch gran {
			case report.Week:
				start = weekStart(f.day)
			case report.Month:
				start = time.Date(f.day.Year(), f.day.Month(), 1, 0, 0, 0, 0, time.UTC)
			}
			add("series", start.Format("2006-01-02")+"|"+key, f.sums)
		case !f.day.Before(pf) && f.day.Before(reportFrom):
			add("previous", key, f.sums)
		}
	}
	vals := func(set string) map[string]map[string]*float64 {
		out := map[string]map[string]*float64{}
		for k, s := range sums[set] {
			if v := ttcs[set][k]; len(v) > 0 { // the lower median
				slices.Sort(v)
				s.MedianCompleteSeconds = &v[(len(v)-1)/2]
			}
			active := int64(len(techs[set][k]))
			s.ActiveTechnicians = &active
			out[k] = map[string]*float64{}
			for _, m := range ms {
				if v, ok := m.Value(*s); ok {
					out[k][m.ID] = &v
				} else {
					out[k][m.ID] = nil
				}
			}
		}
		return out
	}
	return expectReport{totals: vals("totals"), previous: vals("previous"), series: vals("series")}
}

func groupOf(v any, groupBy []string) string {
	g := v.(map[string]any)
	var parts []string
	for _, d := range groupBy {
		parts = append(parts, d+"="+g[d].(string))
	}
	return strings.Join(parts, ";")
}

func floats(v any) map[string]*float64 {
	out := map[string]*float64{}
	for k, x := range v.(map[string]any) {
		if x == nil {
			out[k] = nil
		} else {
			f := x.(float64)
			out[k] = &f
		}
	}
	return out
}

// zeroOnly drops the groups whose every value is 0 or null: a group seen
// only in the other period reports zeros there.
func isEmpty(m map[string]*float64) bool {
	for _, v := range m {
		if v != nil && *v != 0 {
			return false
		}
	}
	return true
}

// compareReports checks every metric × group-by × granularity the API
// answers for the caller against the oracle.
func (b *testBundle) compareReports(tenant uuid.UUID, token string, scope []uuid.UUID, filterRegion *uuid.UUID) int {
	b.t.Helper()
	groupBys := [][]string{nil, {report.DimRegion}, {report.DimSite}, {report.DimTechnician}, {report.DimProductLine},
		{report.DimServiceType}, {report.DimChannel}, {report.DimSite, report.DimChannel}, {report.DimModel},
		{report.DimProductLine, report.DimModel}}
	return b.comparePeriod(b.oracleOf(tenant), token, scope, filterRegion, sameLength, groupBys, []string{report.Day, report.Week, report.Month})
}

// wholeMonths is November compared with October (not the 30 days before).
var wholeMonths = reportPeriod{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}

// comparePeriod is compareReports over the period p for the group-bys and
// granularities given, against the oracle's facts o.
func (b *testBundle) comparePeriod(o oracleData, token string, scope []uuid.UUID, filterRegion *uuid.UUID, p reportPeriod,
	groupBys [][]string, grans []string) int {
	b.t.Helper()
	checked := 0
	for _, groupBy := range groupBys {
		ms := availableMetrics(len(groupBy) == 0 && filterRegion == nil)
		var ids []string
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		for _, gran := range grans {
			q := url.Values{"metrics": {strings.Join(ids, ",")}, "from": {p.from.Format("2006-01-02")},
				"to": {p.to.Format("2006-01-02")}, "granularity": {gran}, "group_by": {strings.Join(groupBy, ",")}}
			if filterRegion != nil {
				q.Set("region_id", filterRegion.String())
			}
			r := b.must(200, "GET", "/v1/reports/query?"+q.Encode(), token, nil)
			require.Equal(b.t, []any{p.prevFrom.Format("2006-01-02"), p.from.AddDate(0, 0, -1).Format("2006-01-02")},
				[]any{r.JSON["previous_from"], r.JSON["previous_to"]}, "the previous period of %s…%s", q.Get("from"), q.Get("to"))
			want := b.expect(o, scope, gran, groupBy, ms, filterRegion, p)
			what := fmt.Sprintf("group_by=%v granularity=%s", groupBy, gran)
			got, gotPrev, gotSeries := map[string]map[string]*float64{}, map[string]map[string]*float64{}, map[string]map[string]*float64{}
			for _, row := range r.JSON["totals"].([]any) {
				row := row.(map[string]any)
				k := groupOf(row["group"], groupBy)
				if v := floats(row["values"]); !isEmpty(v) {
					got[k] = v
				}
				if v := floats(row["previous"]); !isEmpty(v) {
					gotPrev[k] = v
				}
			}
			for _, p := range r.JSON["series"].([]any) {
				p := p.(map[string]any)
				gotSeries[p["start"].(string)+"|"+groupOf(p["group"], groupBy)] = floats(p["values"])
			}
			for _, set := range []struct {
				name      string
				got, want map[string]map[string]*float64
			}{{"totals", got, want.totals}, {"previous", gotPrev, want.previous}, {"series", gotSeries, want.series}} {
				for k, v := range set.want {
					if isEmpty(v) && set.name != "series" {
						delete(set.want, k)
					}
				}
				require.Equal(b.t, keys(set.want), keys(set.got), "%s %s: groups", what, set.name)
				for k, w := range set.want {
					for id, wv := range w {
						gv := set.got[k][id]
						require.Equal(b.t, wv == nil, gv == nil, "%s %s %s %s: null", what, set.name, k, id)
						if wv != nil {
							require.Equal(b.t, *wv, *gv, "%s %s %s %s", what, set.name, k, id)
						}
						checked++
					}
				}
			}
		}
	}
	return checked
}

// compareDrills checks the records behind every metric with a drill-down
// over the period against the oracle, as the caller sees them (scope: a
// region manager's regions; site: a site filter): how many records, how
// many counted (in the numerator of a ratio) and, for parts and callback
// coverage, which orders.
func (b *testBundle) compareDrills(tenant uuid.UUID, token string, scope []uuid.UUID, site *uuid.UUID) {
	b.t.Helper()
	facts, regionOf, parent := b.oracle(tenant)
	var s report.Sums
	partOrders, calledBack := map[string]bool{}, map[string]bool{}
	for _, f := range facts {
		if f.day.Before(reportFrom) || f.day.After(reportTo) || scope != nil && !siteWithin(f.site, scope, regionOf, parent) ||
			site != nil && f.dims[report.DimSite] != site.String() {
			continue
		}
		s.Add(f.sums)
		if f.order != nil {
			partOrders[f.order.String()] = true
		}
		if f.calledBack != nil {
			calledBack[f.calledBack.String()] = true
		}
	}
	want := map[string][2]int64{ // records behind, counted
		"orders": {s.Orders, s.Orders}, "response_in_target_rate": {s.Orders - s.Cancelled, s.RespondedInTarget},
		"on_time_arrival_rate": {s.Arrivals, s.ArrivalsOnTime}, "time_to_complete_hours": {s.Completed, s.Completed},
		"time_to_complete_p50_hours": {s.Completed, s.Completed}, "time_to_complete_4h": {s.Completed, s.Complete4h},
		"time_to_complete_24h": {s.Completed, s.Complete24h}, "time_to_complete_72h": {s.Completed, s.Complete72h},
		"time_to_complete_over_72h": {s.Completed, s.CompleteOver}, "completed": {s.Completed, s.Completed},
		"sla_misses":          {s.SLAMissesResponse + s.SLAMissesArrival, s.SLAMissesResponse + s.SLAMissesArrival},
		"satisfaction_mean":   {s.Scored, s.Scored},
		"technician_workload": {s.Assigned, s.Assigned},
		// The completed orders, counted when they have a callback task:
		// the uncounted are those still missing one.
		"callback_coverage":     {s.Completed, s.CompletedCallback},
		"callback_success_rate": {s.CallbacksDone, s.CallbacksSuccess},
		"complaints":            {s.Complaints, s.Complaints}, "complaints_per_1000": {s.Complaints, s.Complaints},
		"complaint_closure_on_time_rate": {s.ComplaintsClosed, s.ComplaintsClosedOnTime},
		"calls_offered":                  {s.CallsOffered, s.CallsOffered}, "calls_answered": {s.CallsAnswered, s.CallsAnswered},
		"calls_abandoned": {s.CallsAbandoned, s.CallsAbandoned}, "calls_aht_seconds": {s.CallsAnswered, s.CallsAnswered},
		"calls_service_level":     {s.CallsOffered, s.CallsInServiceLevel},
		"technician_productivity": {s.Assigned, s.CompletedTech},
		"repeat_repairs_30d":      {s.UnitCompleted, s.RepeatRepairs},
		"claim_anomaly_rate":      {s.Claims, s.ClaimsAnomalous},
		"claim_cost_per_order":    {s.ClaimsSettled, s.ClaimsSettled},
		"parts_consumed":          {int64(len(partOrders)), int64(len(partOrders))},
		"parts_cost":              {int64(len(partOrders)), int64(len(partOrders))},
	}
	for i := range 5 {
		want["satisfaction_"+fmt.Sprint(i+1)] = [2]int64{s.Score[i], s.Score[i]}
	}
	kinds := map[string]string{"work_orders": "work_order", "complaints": "complaint", "callbacks": "callback", "calls": "call",
		"claims": "claim", "sla_misses": "sla_miss"}
	for _, m := range report.Catalogue() {
		if m.Drill == "" || site != nil && !slices.Contains(m.Dimensions, report.DimSite) {
			continue
		}
		w, ok := want[m.ID]
		require.True(b.t, ok, "%s: a drill-down the test does not check", m.ID)
		var items, counted int64
		got := map[string]bool{}
		cursor := ""
		for {
			q := url.Values{"metric": {m.ID}, "from": {reportFrom.Format("2006-01-02")}, "to": {reportTo.Format("2006-01-02")},
				"limit": {"200"}, "cursor": {cursor}}
			if site != nil {
				q.Set("site_id", site.String())
			}
			r := b.must(200, "GET", "/v1/reports/drill?"+q.Encode(), token, nil)
			for _, x := range r.JSON["items"].([]any) {
				it := x.(map[string]any)
				require.Equal(b.t, kinds[m.Drill], it["kind"], m.ID)
				if m.Drill != "calls" && m.Drill != "complaints" { // a complaint may be about a site, no order
					require.NotEmpty(b.t, it["work_order_id"], m.ID)
				}
				if site != nil {
					require.Equal(b.t, site.String(), it["site_id"], "%s: the site the number counts it under", m.ID)
				}
				items++
				if it["counted"].(bool) {
					counted++
					if id, ok := it["work_order_id"].(string); ok {
						got[id] = true
					}
				}
			}
			if cursor, _ = r.JSON["next_cursor"].(string); cursor == "" {
				break
			}
		}
		if scope == nil && site == nil {
			require.Positive(b.t, w[0], "%s: the activity has some", m.ID)
		}
		require.Equal(b.t, w, [2]int64{items, counted}, "%s (scope %v, site %v): records behind, counted", m.ID, scope, site)
		switch m.ID {
		case "parts_cost":
			require.Equal(b.t, partOrders, got, "the orders that consumed parts")
		case "callback_coverage":
			require.Equal(b.t, calledBack, got, "the completed orders with a callback task")
			require.LessOrEqual(b.t, s.CompletedCallback, s.Completed, "coverage never above 100%")
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestReportsEqualRecomputation: months of activity in two tenants (one in
// Europe/Berlin across the end of its summer time, one in Asia/Shanghai),
// orders worked through the API and generated, with SLA misses, scores,
// callbacks, complaints and calls; after the report job, every metric ×
// dimension × period the API returns for the admin, a region manager and
// a site manager (their site only; another site's filter refused) equals
// the oracle's recomputation from the raw rows, whole months compared with
// the months before. Then late and out-of-order facts, and a rebuild while
// writes go on: equal again.
func TestReportsEqualRecomputation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nets := []*network{b.newNetwork("rep-berlin"), b.newNetwork("rep-shanghai")}
	_, err := b.pool.Exec(context.Background(), `UPDATE tenants SET timezone = 'Europe/Berlin' WHERE id = $1`, nets[0].tenant.id)
	require.NoError(t, err)
	for i, n := range nets {
		loc, _ := time.LoadLocation([]string{"Europe/Berlin", "Asia/Shanghai"}[i])
		// Orders worked through the API: intake (auto-assigned), accepted,
		// on site, completed; one cancelled. Then moved into the period as
		// facts arriving late would.
		var ids []string
		for k := range 4 {
			r := b.intake(n, n.tenant.admin, nil)
			require.Equal(t, 201, r.Status, "%s", r.Raw)
			id := r.str("id")
			ids = append(ids, id)
			if k == 3 {
				b.must(200, "POST", "/v1/work-orders/"+id+"/cancel", n.tenant.admin, map[string]any{"reason": "customer cancelled"})
				continue
			}
			require.Equal(t, 200, b.act(n.techNearTok, id, "accept", nil).Status)
			if k >= 1 {
				require.Equal(t, 200, b.act(n.techNearTok, id, "arrive", map[string]any{"lat": szLat, "lon": szLon}).Status)
			}
			if k == 2 {
				r := b.act(n.techNearTok, id, "complete", map[string]any{"record": record("SN-0001")})
				require.Equal(t, 200, r.Status, "%s", r.Raw)
			}
		}
		b.genActivity(n, loc, time.Date(2026, 8, 20, 0, 0, 0, 0, loc), 92, 14, uint64(i+1))
		b.drainReports()
		// The API's orders land in the period late, on a day already computed.
		b.exec(n.tenant.id, `UPDATE work_orders SET created_at = created_at - interval '40 days',
			responded_at = responded_at - interval '40 days', arrived_at = arrived_at - interval '40 days',
			arrive_by = arrive_by - interval '40 days', completed_at = completed_at - interval '40 days' WHERE id = ANY($1::uuid[])`, ids)
	}
	b.drainReports()
	check := func(stage string) {
		for _, n := range nets {
			total := b.compareReports(n.tenant.id, n.tenant.admin, nil, nil)
			total += b.compareReports(n.tenant.id, n.gxMgrTok, []uuid.UUID{n.gx}, nil)
			total += b.compareReports(n.tenant.id, n.tenant.admin, nil, &n.gd)
			// The site manager: their site's numbers only, for the dimensions
			// a site's staff reads (technicians, lines, channels), by week.
			o := b.oracleOf(n.tenant.id)
			total += b.comparePeriod(o, n.nearMgrTok, []uuid.UUID{n.near}, nil, sameLength,
				[][]string{nil, {report.DimSite}, {report.DimTechnician}, {report.DimProductLine, report.DimModel}, {report.DimChannel}},
				[]string{report.Week})
			// Whole months compare with the months before (November with October).
			total += b.comparePeriod(o, n.tenant.admin, nil, nil, wholeMonths, [][]string{nil, {report.DimSite}}, []string{report.Month})
			t.Logf("%s: %s: %d values equal", stage, n.tenant.slug, total)
		}
	}
	check("after the job")
	for _, n := range nets {
		b.compareDrills(n.tenant.id, n.tenant.admin, nil, nil)
		b.compareDrills(n.tenant.id, n.gxMgrTok, []uuid.UUID{n.gx}, nil)
		b.compareDrills(n.tenant.id, n.tenant.admin, nil, &n.other) // where the reassigned orders' misses stay
		b.compareDrills(n.tenant.id, n.nearMgrTok, []uuid.UUID{n.near}, nil)
		// Another site's filter is refused to the site manager, naming it.
		for _, path := range []string{"/v1/reports/query?metrics=orders&from=2026-10-05&to=2026-11-15&site_id=" + n.far.String(),
			"/v1/reports/drill?metric=orders&from=2026-10-05&to=2026-11-15&site_id=" + n.other.String(),
			"/v1/reports/query?metrics=technician_productivity&from=2026-10-05&to=2026-11-15&region_id=" + n.gd.String()} {
			r := b.must(403, "GET", path, n.nearMgrTok, nil)
			require.Contains(t, string(r.Raw), "outside your scope", path)
		}
	}

	// Late and out-of-order facts: orders completed and scored weeks after,
	// an order recorded with a creation time in the past, a complaint and an
	// SLA miss on old orders; a rebuild of the whole range while writes go on.
	n := nets[0]
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load() || i < 20; i++ {
			b.exec(n.tenant.id, `UPDATE work_orders SET completed_at = created_at + interval '3 hours', satisfaction_score = 1 + (random() * 4)::int,
				state = 'completed' WHERE id = (SELECT id FROM work_orders WHERE completed_at IS NULL AND state <> 'cancelled' AND site_id IS NOT NULL
				ORDER BY created_at LIMIT 1)`)
			b.genActivity(n, time.UTC, time.Date(2026, 10, 24+i%3, 0, 0, 0, 0, time.UTC), 1, 2, uint64(100+i))
			b.exec(n.tenant.id, `UPDATE complaints SET state = 'closed', closed_at = created_at + interval '1 day'
				WHERE id = (SELECT id FROM complaints WHERE closed_at IS NULL ORDER BY created_at LIMIT 1)`)
			// A claim decided, a request's parts used, a reservation consumed late.
			b.exec(n.tenant.id, `UPDATE claims SET state = (ARRAY['approved', 'adjusted', 'rejected'])[1 + $1::int % 3],
				approved_total = CASE $1::int % 3 WHEN 0 THEN claimed_total WHEN 1 THEN claimed_total / 2 ELSE 0 END
				WHERE id = (SELECT id FROM claims WHERE state IN ('submitted', 'flagged', 'appealed') ORDER BY created_at LIMIT 1)`, i)
			b.exec(n.tenant.id, `UPDATE part_requests SET consumed = quantity, state = 'consumed'
				WHERE id = (SELECT id FROM part_requests WHERE consumed < quantity ORDER BY created_at LIMIT 1)`)
			b.exec(n.tenant.id, `UPDATE stock_reservations SET consumed = quantity
				WHERE id = (SELECT id FROM stock_reservations WHERE consumed < quantity ORDER BY created_at LIMIT 1)`)
			if i == 3 { // a part's cost price changes: every order that used it
				b.exec(n.tenant.id, `UPDATE parts SET cost_minor = cost_minor + 777 WHERE number = 'GEN-P2'`)
			}
		}
	}()
	for range 5 {
		r := b.must(202, "POST", "/v1/reports/rebuild", n.tenant.admin, map[string]any{"from": "2026-08-20", "to": "2026-11-20"})
		require.EqualValues(t, 93, r.JSON["days"])
		_, err := b.app.Store.RefreshReports(context.Background(), 40)
		require.NoError(t, err)
	}
	stop.Store(true)
	wg.Wait()
	b.drainReports()
	check("after late facts and a rebuild during writes")
	b.compareDrills(n.tenant.id, n.tenant.admin, nil, nil)
	// The site reputations equal report.Score over a recomputation of the window.
	for _, n := range nets {
		t.Logf("%s: %d site reputations equal", n.tenant.slug, b.compareReputations(n.tenant.id, n.tenant.admin))
	}
}

// TestReportsBadInputAndScope: unknown metric or dimension, a period over
// 366 days, a region or site outside the caller's scope: 4xx naming it;
// another tenant's numbers never show; the catalogue says what exists.
func TestReportsBadInputAndScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n, other := b.newNetwork("rep-a"), b.newNetwork("rep-b")
	b.genActivity(other, time.UTC, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 10, 5, 9)
	b.drainReports()
	cat := b.must(200, "GET", "/v1/reports/metrics", n.tenant.admin, nil)
	byID := map[string]map[string]any{}
	for _, m := range cat.JSON["items"].([]any) {
		byID[m.(map[string]any)["id"].(string)] = m.(map[string]any)
	}
	require.Equal(t, true, byID["response_in_target_rate"]["available"])
	require.Contains(t, byID["response_in_target_rate"]["formula"], "120")
	for _, id := range []string{"repeat_repairs_30d", "parts_consumed", "parts_cost", "claim_cost_per_order", "claim_anomaly_rate"} {
		require.Equal(t, true, byID[id]["available"], id)
		require.NotEmpty(t, byID[id]["formula"], id)
		require.Empty(t, byID[id]["reason"], id)
	}
	require.Equal(t, "money", byID["parts_cost"]["unit"])
	require.Equal(t, "claims", byID["claim_anomaly_rate"]["drill"])
	// Which way each metric improves, for the comparison's colour.
	for id, better := range map[string]string{"response_in_target_rate": "higher", "satisfaction_mean": "higher",
		"sla_misses": "lower", "complaints": "lower", "time_to_complete_hours": "lower", "repeat_repairs_30d": "lower",
		"parts_cost": "lower", "orders": "", "technician_workload": ""} {
		require.Equal(t, better, byID[id]["better"], id)
	}
	require.Equal(t, "sla_misses", byID["sla_misses"]["drill"])
	require.Equal(t, false, byID["first_time_fix_rate"]["available"])
	require.NotEmpty(t, byID["first_time_fix_rate"]["reason"])
	require.Equal(t, "客诉", "客诉") // names are in both languages:
	require.NotEmpty(t, byID["complaints"]["name_zh"])

	base := "/v1/reports/query?from=2026-10-01&to=2026-10-31&metrics="
	for _, c := range []struct{ q, field string }{
		{base + "nonsense", "metrics"},
		{base + "first_time_fix_rate", "metrics"},
		{base + "orders&group_by=planet", "group_by"},
		{base + "calls_offered&group_by=site", "group_by"},
		{base + "calls_offered&group_by=model", "group_by"},
		{base + "orders&model_id=KFR-35", "model_id"},
		// A filter the metric lacks is named by its own parameter.
		{base + "calls_offered&site_id=" + n.near.String(), "site_id"},
		{base + "calls_offered&technician_id=" + n.techNear.String(), "technician_id"},
		{base + "orders,calls_offered&channel=phone", "channel"},
		{"/v1/reports/drill?from=2026-10-01&to=2026-10-31&metric=calls_offered&region_id=" + n.gd.String(), "region_id"},
		{"/v1/reports/query?from=2025-01-01&to=2026-10-31&metrics=orders", "to"},
		{"/v1/reports/query?from=2026-10-31&to=2026-10-01&metrics=orders", "to"},
		{base + "orders&granularity=hour", "granularity"},
		{"/v1/reports/drill?from=2026-10-01&to=2026-10-31&metric=nonsense", "metric"},
	} {
		r := b.do("GET", c.q, n.tenant.admin, nil)
		require.Equal(t, 422, r.Status, "%s: %s", c.q, r.Raw)
		require.Contains(t, string(r.Raw), c.field, c.q)
	}
	for _, c := range []struct{ q, field string }{{base + "orders&region_id=" + n.gd.String(), "region_id"},
		{base + "orders&site_id=" + n.near.String(), "site_id"},
		{"/v1/reports/drill?from=2026-10-01&to=2026-10-31&metric=orders&site_id=" + n.near.String(), "site_id"},
		// A technician of a site outside the scope: refused, not empty numbers.
		{base + "orders&technician_id=" + n.techNear.String(), "technician_id"},
		{"/v1/reports/drill?from=2026-10-01&to=2026-10-31&metric=orders&technician_id=" + n.techNear.String(), "technician_id"}} {
		r := b.do("GET", c.q, n.gxMgrTok, nil)
		require.Equal(t, 403, r.Status, "%s: %s", c.q, r.Raw)
		require.Contains(t, string(r.Raw), c.field+": outside your scope", c.q)
	}
	// The admin may filter on any technician of the tenant.
	b.must(200, "GET", base+"orders&technician_id="+n.techNear.String(), n.tenant.admin, nil)
	// A technician holds no report permission.
	b.must(403, "GET", base+"orders", n.techNearTok, nil)
	// Tenant isolation: the other tenant's activity never shows here.
	r := b.must(200, "GET", base+"orders,calls_offered", n.tenant.admin, nil)
	for _, row := range r.JSON["totals"].([]any) {
		require.True(t, isEmpty(floats(row.(map[string]any)["values"])), "%s", r.Raw)
	}
	require.Empty(t, b.must(200, "GET", "/v1/reports/drill?from=2026-10-01&to=2026-10-31&metric=orders", n.tenant.admin, nil).JSON["items"])
	r = b.must(200, "GET", base+"orders", other.tenant.admin, nil)
	require.EqualValues(t, 50, *floats(r.JSON["totals"].([]any)[0].(map[string]any)["values"])["orders"])

	// Exports: the orders behind the number as XLSX, the totals as CSV;
	// bad input is refused before the first byte.
	x := b.must(200, "GET", "/v1/reports/export?format=xlsx&what=drill&metrics=orders&from=2026-10-01&to=2026-10-31", other.tenant.admin, nil)
	f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
	require.NoError(t, err)
	rows, err := f.GetRows("Sheet1")
	require.NoError(t, err)
	require.Len(t, rows, 51)
	require.Equal(t, "work_order", rows[1][0])
	c := b.must(200, "GET", "/v1/reports/export?format=csv&metrics=orders,complaints&group_by=channel&from=2026-10-01&to=2026-10-31", other.tenant.admin, nil)
	require.True(t, strings.HasPrefix(string(c.Raw), "from,to,channel,orders,orders (previous),complaints,complaints (previous)\n"), "%s", c.Raw)
	for _, q := range []string{"format=csv&metrics=nonsense&from=2026-10-01&to=2026-10-31", "format=csv&metrics=orders&from=2024-10-01&to=2026-10-31",
		"format=xlsx&what=drill&metrics=orders&site_id=" + n.near.String() + "&from=2026-10-01&to=2026-10-31"} {
		tok := n.tenant.admin
		want := 422
		if strings.Contains(q, "site_id") {
			tok, want = n.gxMgrTok, 403
		}
		require.Equal(t, want, b.do("GET", "/v1/reports/export?"+q, tok, nil).Status, q)
	}
}

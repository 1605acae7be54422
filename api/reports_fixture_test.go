package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/report"
)

// The report tests' activity generator and brute-force oracle: the oracle
// reads the raw tables row by row and recomputes every sum in Go (the
// tenant's day by Go's time-zone database), independently of the SQL that
// keeps report_daily.

// genActivity inserts days × perDay orders of realistic shape (every state,
// responses in and out of target, arrivals late and on time, scores,
// cancellations, queued orders without a site, times near local midnight),
// with SLA misses, callback tasks, complaints and calls.
func (b *testBundle) genActivity(n *network, loc *time.Location, first time.Time, days, perDay int, seed uint64) {
	b.t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	tid := n.tenant.id
	type site struct {
		id    *uuid.UUID
		techs []uuid.UUID
	}
	sites := []site{{&n.near, []uuid.UUID{n.techNear, n.techFar}}, {&n.far, nil}, {&n.other, nil}, {nil, nil}}
	units := b.genUnits(n)
	parts, warehouse := b.genParts(n)
	var orders, misses, callbacks, complaints, calls, requests, reservations, claims []string
	ts := func(t time.Time) string { return "'" + t.UTC().Format(time.RFC3339Nano) + "'" }
	opt := func(ok bool, t time.Time) string {
		if !ok {
			return "NULL"
		}
		return ts(t)
	}
	seq := 0
	for d := range days {
		day := time.Date(first.Year(), first.Month(), first.Day()+d, 0, 0, 0, 0, loc)
		for range perDay {
			seq++
			// Near midnight a quarter of the time: the day is the tenant's.
			var at time.Time
			if r.IntN(4) == 0 {
				at = day.Add(time.Duration(r.IntN(60)-30) * time.Minute)
			} else {
				at = day.Add(time.Duration(r.IntN(24*3600)) * time.Second)
			}
			at = at.Add(time.Duration(r.IntN(1e6)) * time.Microsecond)
			s := sites[r.IntN(len(sites))]
			siteSQL, techSQL := "NULL", "NULL"
			var tech *uuid.UUID
			if s.id != nil {
				siteSQL = "'" + s.id.String() + "'"
				if len(s.techs) > 0 && r.IntN(5) > 0 {
					t := s.techs[r.IntN(len(s.techs))]
					tech, techSQL = &t, "'"+t.String()+"'"
				}
			}
			state := []string{"created", "dispatched", "assigned", "accepted", "on_site", "completed", "confirmed", "closed", "cancelled"}[r.IntN(9)]
			if s.id == nil {
				state = []string{"created", "cancelled"}[r.IntN(2)]
			}
			progressed := map[string]int{"created": 0, "dispatched": 0, "assigned": 1, "accepted": 1, "on_site": 2, "completed": 3, "confirmed": 3, "closed": 3, "cancelled": r.IntN(3)}[state]
			respond := at.Add(time.Duration(r.IntN(240)) * time.Minute).Add(time.Duration(r.IntN(60)) * time.Second)
			arriveBy := at.Add(24 * time.Hour)
			arrived := at.Add(time.Duration(r.IntN(36*60)) * time.Minute)
			completed := arrived.Add(time.Duration(r.IntN(600)) * time.Minute).Add(time.Duration(r.IntN(1e6)) * time.Microsecond)
			score := "NULL"
			if progressed == 3 && r.IntN(3) > 0 {
				score = fmt.Sprint(1 + r.IntN(5))
			}
			pl := []string{"'AC'", "NULL"}[r.IntN(2)]
			st := []string{"repair", "installation", "consultation"}[r.IntN(3)]
			ch := []string{"phone", "app", "web"}[r.IntN(3)]
			unit := "NULL"
			if k := r.IntN(len(units) + len(units)/2); k < len(units) {
				unit = "'" + units[k].String() + "'"
			}
			if r.IntN(5) == 0 { // some take days: every bin of the time to complete
				completed = completed.Add(time.Duration(r.IntN(5*24)) * time.Hour)
			}
			id := uuid.New()
			// Parts consumed on the order (field requests, reservations) and
			// its warranty claim in any state.
			if s.id != nil && progressed >= 2 && r.IntN(3) == 0 {
				q := 1 + r.IntN(3)
				used := r.IntN(q + 1)
				state := map[bool]string{true: "consumed", false: "received"}[used > 0]
				requests = append(requests, fmt.Sprintf("('%s', '%s', '%s', '%s', %s, '%s', '%s', %d, '%s', %d, 'gen', %s, %s)",
					tid, uuid.New(), uuid.New(), id, siteSQL, warehouse, parts[r.IntN(len(parts))], q, state, used, ts(at), ts(at)))
			}
			if r.IntN(10) == 0 {
				q := 1 + r.IntN(4)
				used := r.IntN(q + 1)
				reservations = append(reservations, fmt.Sprintf("('%s', '%s', 'gen-%d-%d', '%s', '%s', '%s', %d, %d, 'active', 'gen', %s, %s)",
					tid, uuid.New(), seed, seq, warehouse, parts[r.IntN(len(parts))], id, q, used, ts(at), ts(at)))
			}
			if s.id != nil && progressed == 3 && unit != "NULL" && r.IntN(2) == 0 {
				cstate := []string{"draft", "submitted", "flagged", "approved", "adjusted", "rejected", "appealed"}[r.IntN(7)]
				claimed := int64(1000 + r.IntN(50000))
				approved := map[string]int64{"approved": claimed, "adjusted": claimed * int64(1+r.IntN(9)) / 10}[cstate]
				flags := []string{"[]", "[]", `[{"rule":"repeat_repair","name":"Repeat repair"}]`}[r.IntN(3)]
				claims = append(claims, fmt.Sprintf("('%s'::uuid, '%s'::uuid, '%s', %d, %d, '%s')", uuid.New(), id, cstate, claimed, approved, flags))
			}
			orders = append(orders, fmt.Sprintf("('%s', '%s', 'R-%d-%06d', 'repair', '%s', '%s', '%s', %s, %s, '%s', %s, %s, %s, %s, %s, %s, %s, %s, 'gen', %s, %s)",
				tid, id, seed, seq, ch, state, n.customer, unit, pl, st, siteSQL, techSQL,
				opt(progressed >= 1, respond), opt(s.id != nil && r.IntN(6) > 0, arriveBy), opt(progressed >= 2, arrived),
				opt(progressed >= 3, completed), opt(state == "closed", completed.Add(time.Hour)), score, ts(at), ts(at)))
			if s.id != nil && r.IntN(6) == 0 {
				missSite := *s.id
				if r.IntN(3) == 0 {
					missSite = n.other // reassigned since: the miss stays with the site at the time
				}
				misses = append(misses, fmt.Sprintf("('%s', '%s', '%s', '%s', %s, %s)", tid, missSite, id,
					[]string{"response", "arrival"}[r.IntN(2)], ts(at), ts(at)))
			}
			if progressed == 3 && r.IntN(2) == 0 {
				callbacks = append(callbacks, fmt.Sprintf("('%s', '%s', 'rule', '%s', '%s', %s, '%s', %v, %s)", tid, uuid.New(), id,
					n.customer, siteSQL, []string{"open", "done", "done", "given_up"}[r.IntN(4)], r.IntN(4) == 0, ts(completed)))
				if seq%4 == 0 { // a second task on the order (another rule): coverage counts the order once
					callbacks = append(callbacks, fmt.Sprintf("('%s', '%s', 'rule', '%s', '%s', %s, 'open', false, %s)", tid, uuid.New(), id,
						n.customer, siteSQL, ts(completed.Add(time.Hour))))
				}
			}
			if r.IntN(8) == 0 {
				copened := at.Add(time.Duration(r.IntN(72*60)) * time.Minute)
				closed := "NULL"
				state := "open"
				if r.IntN(2) == 0 {
					state, closed = "closed", ts(copened.Add(time.Duration(r.IntN(10*24))*time.Hour))
				}
				woSQL, cs, ct := "'"+id.String()+"'", siteSQL, techSQL
				if r.IntN(3) == 0 { // about a site, no order
					woSQL, ct = "NULL", "NULL"
				}
				_ = tech
				complaints = append(complaints, fmt.Sprintf("('%s', '%s', 'C-%d-%06d', '%s', %s, %s, %s, 'service', 'normal', '%s', '%s', 'department', 5, %s, %s, 'gen', %s, %s)",
					tid, uuid.New(), seed, seq, n.customer, woSQL, cs, ct, []string{"phone", "portal", "sms"}[r.IntN(3)], state,
					ts(copened.Add(5*24*time.Hour)), closed, ts(copened), ts(copened)))
			}
			if r.IntN(2) == 0 {
				answered := r.IntN(4) > 0
				outcome := "answered"
				if !answered {
					outcome = []string{"missed", "abandoned", "ringing"}[r.IntN(3)]
				}
				calls = append(calls, fmt.Sprintf("('%s', '%s', 'k-%d-%d', '%s', %s, %s, %d, '%s')", tid, uuid.New(), seed, seq,
					[]string{"inbound", "inbound", "outbound"}[r.IntN(3)], ts(at), opt(answered, at.Add(time.Duration(5+seq*7%40)*time.Second)), r.IntN(600), outcome))
			}
		}
	}
	insert := func(head string, rows []string) {
		for len(rows) > 0 {
			k := min(len(rows), 300)
			b.exec(tid, head+strings.Join(rows[:k], ",\n"))
			rows = rows[k:]
		}
	}
	insert(`INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id, product_line, service_type, site_id, technician_id,
		responded_at, arrive_by, arrived_at, completed_at, closed_at, satisfaction_score, created_by, created_at, updated_at) VALUES `, orders)
	insert(`INSERT INTO site_sla_misses (tenant_id, site_id, work_order_id, kind, due_at, recorded_at) VALUES `, misses)
	insert(`INSERT INTO callback_tasks (tenant_id, id, source, work_order_id, customer_id, site_id, status, dissatisfied, created_at) VALUES `, callbacks)
	insert(`INSERT INTO complaints (tenant_id, id, number, customer_id, work_order_id, site_id, technician_id, category, severity, channel,
		state, owner_kind, deadline_days, due_at, closed_at, created_by, created_at, updated_at) VALUES `, complaints)
	insert(`INSERT INTO calls (tenant_id, id, pbx_call_id, direction, offered_at, answered_at, duration_seconds, outcome) VALUES `, calls)
	insert(`INSERT INTO part_requests (tenant_id, id, group_id, work_order_id, site_id, to_warehouse_id, part_id, quantity, state, consumed,
		requested_by, created_at, updated_at) VALUES `, requests)
	insert(`INSERT INTO stock_reservations (tenant_id, id, key, warehouse_id, part_id, work_order_id, quantity, consumed, state, created_by,
		created_at, updated_at) VALUES `, reservations)
	for len(claims) > 0 {
		k := min(len(claims), 300)
		b.exec(tid, `INSERT INTO claims (tenant_id, id, work_order_id, order_number, site_id, region_id, technician_id, unit_id, model_code,
			state, currency, lines, claimed_total, approved_total, flags, completed_at, created_at, updated_at)
			SELECT w.tenant_id, x.id, w.id, w.number, w.site_id, s.region_id, w.technician_id, w.unit_id, 'GEN', x.state, 'CNY', '[]',
				x.claimed, x.approved, x.flags::jsonb, w.completed_at, w.completed_at, w.completed_at
			FROM (VALUES `+strings.Join(claims[:k], ",\n")+`) AS x (id, wo, state, claimed, approved, flags)
			JOIN work_orders w ON w.id = x.wo JOIN sites s ON s.id = w.site_id`)
		claims = claims[k:]
	}
}

// genParts gives the tenant three parts of different costs and the near
// site a warehouse (once); it returns the parts and the warehouse.
func (b *testBundle) genParts(n *network) ([]uuid.UUID, uuid.UUID) {
	b.exec(n.tenant.id, `INSERT INTO parts (tenant_id, id, number, cost_minor, sale_minor, currency, warranty_months, created_at, updated_at)
		SELECT $1, gen_random_uuid(), 'GEN-P' || i, 1250 * i + 99, 2000 * i, 'CNY', 12, now(), now() FROM generate_series(1, 3) i
		ON CONFLICT DO NOTHING`, n.tenant.id)
	b.exec(n.tenant.id, `INSERT INTO warehouses (tenant_id, id, code, name, kind, site_id, created_at, updated_at)
		VALUES ($1, gen_random_uuid(), 'GEN-W', 'Generated site warehouse', 'site', $2, now(), now()) ON CONFLICT DO NOTHING`,
		n.tenant.id, n.near)
	var parts []uuid.UUID
	var wh uuid.UUID
	pgtest.InTenant(b.t, b.pool, n.tenant.id, func(ctx context.Context, tx pgx.Tx) {
		rows, err := tx.Query(ctx, `SELECT id FROM parts WHERE number LIKE 'GEN-P%' ORDER BY number`)
		require.NoError(b.t, err)
		parts, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		require.NoError(b.t, err)
		require.NoError(b.t, tx.QueryRow(ctx, `SELECT id FROM warehouses WHERE code = 'GEN-W'`).Scan(&wh))
	})
	return parts, wh
}

// genUnits adds a second product model and gives the network's customer
// 61 units of every model of the tenant (once); it returns the units.
func (b *testBundle) genUnits(n *network) []uuid.UUID {
	b.exec(n.tenant.id, `INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months)
		SELECT $1, gen_random_uuid(), product_line, 'GEN-M2', 'Generated model', 12 FROM product_models LIMIT 1
		ON CONFLICT DO NOTHING`, n.tenant.id)
	b.exec(n.tenant.id, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
		SELECT $1, gen_random_uuid(), $2, m.id, 'GEN-' || m.code, '2026-01-01' FROM product_models m ON CONFLICT DO NOTHING`,
		n.tenant.id, n.customer)
	// Many units, each repaired now and then: some repairs repeat within 30 days, most do not.
	b.exec(n.tenant.id, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
		SELECT $1, gen_random_uuid(), $2, m.id, 'GEN-' || m.code || '-' || lpad(i::text, 3, '0'), '2026-01-01'
		FROM product_models m, generate_series(1, 60) i ON CONFLICT DO NOTHING`, n.tenant.id, n.customer)
	var units []uuid.UUID
	pgtest.InTenant(b.t, b.pool, n.tenant.id, func(ctx context.Context, tx pgx.Tx) {
		rows, err := tx.Query(ctx, `SELECT id FROM units WHERE serial LIKE 'GEN-%' ORDER BY serial`)
		require.NoError(b.t, err)
		units, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		require.NoError(b.t, err)
	})
	require.GreaterOrEqual(b.t, len(units), 2, "the tenant has at least two product models")
	return units
}

// oracleFact is one raw record's contribution, on its tenant-local day;
// ttc is a completed order's time to complete in whole seconds.
type oracleFact struct {
	order *uuid.UUID // the order whose parts it counts
	// calledBack is the completed order a callback task counts for.
	calledBack *uuid.UUID
	day        time.Time
	dims       map[string]string
	site       *uuid.UUID
	sums       report.Sums
	ttc        *int64
	// tech is the technician an order (its own fact) is assigned to.
	tech *uuid.UUID
}

// oracle reads every raw record of the tenant and returns the facts.
func (b *testBundle) oracle(tenant uuid.UUID) (facts []oracleFact, regionOf map[uuid.UUID]uuid.UUID, parent map[uuid.UUID]uuid.UUID) {
	b.t.Helper()
	regionOf, parent = map[uuid.UUID]uuid.UUID{}, map[uuid.UUID]uuid.UUID{}
	pgtest.InTenant(b.t, b.pool, tenant, func(ctx context.Context, tx pgx.Tx) {
		var tz string
		target, slSeconds := 120, 20
		require.NoError(b.t, tx.QueryRow(ctx, `SELECT timezone FROM tenants WHERE id = $1`, tenant).Scan(&tz))
		_ = tx.QueryRow(ctx, `SELECT report_response_minutes, report_service_level_seconds FROM tenant_settings WHERE tenant_id = $1`,
			tenant).Scan(&target, &slSeconds)
		loc, err := time.LoadLocation(tz)
		require.NoError(b.t, err)
		dayOf := func(t time.Time) time.Time {
			l := t.In(loc)
			return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
		}
		each := func(sql string, scan func(pgx.Rows)) {
			rows, err := tx.Query(ctx, sql)
			require.NoError(b.t, err, sql)
			for rows.Next() {
				scan(rows)
			}
			require.NoError(b.t, rows.Err())
		}
		each(`SELECT id, region_id FROM sites`, func(r pgx.Rows) {
			var s, reg uuid.UUID
			require.NoError(b.t, r.Scan(&s, &reg))
			regionOf[s] = reg
		})
		each(`SELECT id, parent_id FROM regions WHERE parent_id IS NOT NULL`, func(r pgx.Rows) {
			var id, p uuid.UUID
			require.NoError(b.t, r.Scan(&id, &p))
			parent[id] = p
		})
		str := func(id *uuid.UUID) string {
			if id == nil {
				return ""
			}
			return id.String()
		}
		modelOf := map[uuid.UUID]string{}
		each(`SELECT id, model_id FROM units`, func(r pgx.Rows) {
			var u, m uuid.UUID
			require.NoError(b.t, r.Scan(&u, &m))
			modelOf[u] = m.String()
		})
		dims := func(site, tech *uuid.UUID, pl, st, ch, model string) map[string]string {
			reg := ""
			if site != nil {
				reg = regionOf[*site].String()
			}
			return map[string]string{report.DimRegion: reg, report.DimSite: str(site), report.DimTechnician: str(tech),
				report.DimProductLine: pl, report.DimServiceType: st, report.DimChannel: ch, report.DimModel: model}
		}
		type order struct {
			created   time.Time
			completed *time.Time
			unit      *uuid.UUID
			site      *uuid.UUID
			tech      *uuid.UUID
			pl, st    string
			ch        string
			model     string
		}
		orders := map[uuid.UUID]order{}
		each(`SELECT id, created_at, state, site_id, technician_id, coalesce(product_line, ''), service_type, channel,
				responded_at, arrive_by, arrived_at, completed_at, satisfaction_score, unit_id FROM work_orders`, func(r pgx.Rows) {
			var id uuid.UUID
			var unit *uuid.UUID
			var o order
			var state string
			var responded, arriveBy, arrived, completed *time.Time
			var score *int
			require.NoError(b.t, r.Scan(&id, &o.created, &state, &o.site, &o.tech, &o.pl, &o.st, &o.ch, &responded, &arriveBy, &arrived, &completed, &score, &unit))
			if unit != nil {
				o.model = modelOf[*unit]
			}
			o.completed, o.unit = completed, unit
			orders[id] = o
			var s report.Sums
			s.Orders = 1
			if state == "cancelled" {
				s.Cancelled = 1
			} else if responded != nil && !responded.After(o.created.Add(time.Duration(target)*time.Minute)) {
				s.RespondedInTarget = 1
			}
			if arriveBy != nil && arrived != nil {
				s.Arrivals = 1
				if !arrived.After(*arriveBy) {
					s.ArrivalsOnTime = 1
				}
			}
			if o.tech != nil {
				s.Assigned = 1
				if completed != nil {
					s.CompletedTech = 1
				}
			}
			var ttc *int64
			if completed != nil {
				secs := int64(completed.Sub(o.created) / time.Second)
				s.Completed, s.CompleteSeconds, ttc = 1, secs, &secs
				switch {
				case secs <= 4*3600:
					s.Complete4h = 1
				case secs <= 24*3600:
					s.Complete24h = 1
				case secs <= 72*3600:
					s.Complete72h = 1
				default:
					s.CompleteOver = 1
				}
			}
			if score != nil {
				s.Scored, s.ScoreSum = 1, int64(*score)
				s.Score[*score-1] = 1
			}
			facts = append(facts, oracleFact{day: dayOf(o.created), dims: dims(o.site, o.tech, o.pl, o.st, o.ch, o.model), site: o.site, sums: s,
				ttc: ttc, tech: o.tech})
		})
		// Repeat repairs: a completed order with a unit, and whether another
		// order of the unit was completed in the 720 hours before it was created.
		byUnit := map[uuid.UUID][]uuid.UUID{}
		for id, o := range orders {
			if o.unit != nil {
				byUnit[*o.unit] = append(byUnit[*o.unit], id)
			}
		}
		for id, o := range orders {
			if o.unit == nil || o.completed == nil {
				continue
			}
			s := report.Sums{UnitCompleted: 1}
			for _, p := range byUnit[*o.unit] {
				if c := orders[p].completed; p != id && c != nil && !c.Before(o.created.Add(-720*time.Hour)) && c.Before(o.created) {
					s.RepeatRepairs = 1
				}
			}
			facts = append(facts, oracleFact{day: dayOf(o.created), dims: dims(o.site, o.tech, o.pl, o.st, o.ch, o.model), site: o.site, sums: s})
		}
		// Parts consumed on orders: field requests and reservations, at the part's cost.
		cost := map[uuid.UUID]int64{}
		each(`SELECT id, cost_minor FROM parts`, func(r pgx.Rows) {
			var id uuid.UUID
			var c int64
			require.NoError(b.t, r.Scan(&id, &c))
			cost[id] = c
		})
		consumed := func(wo *uuid.UUID, part uuid.UUID, n int64) {
			if wo == nil || n == 0 {
				return
			}
			o := orders[*wo]
			facts = append(facts, oracleFact{order: wo, day: dayOf(o.created), dims: dims(o.site, o.tech, o.pl, o.st, o.ch, o.model), site: o.site,
				sums: report.Sums{PartsUsed: n, PartsCost: n * cost[part]}})
		}
		for _, t := range []string{"part_requests", "stock_reservations"} {
			each(`SELECT work_order_id, part_id, consumed FROM `+t, func(r pgx.Rows) {
				var wo *uuid.UUID
				var part uuid.UUID
				var n int64
				require.NoError(b.t, r.Scan(&wo, &part, &n))
				consumed(wo, part, n)
			})
		}
		// Warranty claims once submitted: anomalous (flagged, adjusted,
		// rejected), settled (approved, adjusted) with the approved amount.
		each(`SELECT work_order_id, state, approved_total, flags FROM claims`, func(r pgx.Rows) {
			var wo uuid.UUID
			var state string
			var approved int64
			var flags []map[string]any
			require.NoError(b.t, r.Scan(&wo, &state, &approved, &flags))
			if state == "draft" {
				return
			}
			s := report.Sums{Claims: 1}
			if len(flags) > 0 || state == "adjusted" || state == "rejected" {
				s.ClaimsAnomalous = 1
			}
			if state == "approved" || state == "adjusted" {
				s.ClaimsSettled, s.ClaimCost = 1, approved
			}
			o := orders[wo]
			facts = append(facts, oracleFact{day: dayOf(o.created), dims: dims(o.site, o.tech, o.pl, o.st, o.ch, o.model), site: o.site, sums: s})
		})
		each(`SELECT work_order_id, site_id, kind FROM site_sla_misses`, func(r pgx.Rows) {
			var wo, site uuid.UUID
			var kind string
			require.NoError(b.t, r.Scan(&wo, &site, &kind))
			o := orders[wo]
			var s report.Sums
			if kind == "response" {
				s.SLAMissesResponse = 1
			} else {
				s.SLAMissesArrival = 1
			}
			facts = append(facts, oracleFact{day: dayOf(o.created), dims: dims(&site, o.tech, o.pl, o.st, o.ch, o.model), site: &site, sums: s})
		})
		calledBack := map[uuid.UUID]bool{}
		each(`SELECT work_order_id, status, dissatisfied FROM callback_tasks WHERE source <> 'claim_audit'`, func(r pgx.Rows) {
			var wo uuid.UUID
			var status string
			var dissatisfied bool
			require.NoError(b.t, r.Scan(&wo, &status, &dissatisfied))
			o := orders[wo]
			s := report.Sums{Callbacks: 1}
			if status == "done" {
				s.CallbacksDone = 1
				if !dissatisfied {
					s.CallbacksSuccess = 1
				}
			}
			f := oracleFact{day: dayOf(o.created), dims: dims(o.site, o.tech, o.pl, o.st, o.ch, o.model), site: o.site, sums: s}
			if o.completed != nil {
				f.calledBack = &wo
				if !calledBack[wo] { // the order counts once in callback coverage, however many tasks
					calledBack[wo] = true
					f.sums.CompletedCallback = 1
				}
			}
			facts = append(facts, f)
		})
		each(`SELECT created_at, site_id, technician_id, work_order_id, channel, closed_at, due_at FROM complaints`, func(r pgx.Rows) {
			var created time.Time
			var site, tech, wo *uuid.UUID
			var ch string
			var closed, due *time.Time
			require.NoError(b.t, r.Scan(&created, &site, &tech, &wo, &ch, &closed, &due))
			var pl, st, model string
			if wo != nil {
				pl, st, model = orders[*wo].pl, orders[*wo].st, orders[*wo].model
			}
			s := report.Sums{Complaints: 1}
			if closed != nil {
				s.ComplaintsClosed = 1
				if due != nil && !closed.After(*due) {
					s.ComplaintsClosedOnTime = 1
				}
			}
			facts = append(facts, oracleFact{day: dayOf(created), dims: dims(site, tech, pl, st, ch, model), site: site, sums: s})
		})
		each(`SELECT offered_at, answered_at, outcome, duration_seconds FROM calls WHERE direction = 'inbound'`, func(r pgx.Rows) {
			var offered time.Time
			var answered *time.Time
			var outcome string
			var dur int64
			require.NoError(b.t, r.Scan(&offered, &answered, &outcome, &dur))
			s := report.Sums{CallsOffered: 1}
			if answered != nil {
				s.CallsAnswered, s.CallsHandleSeconds = 1, dur
				if answered.Sub(offered) <= time.Duration(slSeconds)*time.Second {
					s.CallsInServiceLevel = 1
				}
			}
			if outcome == "abandoned" || outcome == "missed" {
				s.CallsAbandoned = 1
			}
			facts = append(facts, oracleFact{day: dayOf(offered), dims: dims(nil, nil, "", "", "", ""), sums: s})
		})
	})
	return facts, regionOf, parent
}

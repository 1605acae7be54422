package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// The daily report aggregates (migration 00065): report_daily is a pure
// function of the raw tables per (tenant, day); triggers log the days a
// write touches in report_dirty and RefreshReports recomputes them.

// reportCols are report_daily's counters in core/report.Sums' order.
var reportCols = []string{"orders", "cancelled", "responded_in_target", "arrivals", "arrivals_on_time", "assigned",
	"completed", "complete_seconds", "sla_misses_response", "sla_misses_arrival", "scored", "score_sum",
	"score_1", "score_2", "score_3", "score_4", "score_5", "callbacks", "callbacks_done", "callbacks_success",
	"complaints", "complaints_closed", "complaints_closed_on_time", "calls_offered", "calls_answered",
	"calls_abandoned", "calls_handle_seconds", "complete_4h", "complete_24h", "complete_72h", "complete_over",
	"parts_used", "parts_cost", "claims", "claims_anomalous", "claims_settled", "claim_cost", "unit_completed", "repeat_repairs"}

func sumsTargets(s *report.Sums) []any {
	return []any{&s.Orders, &s.Cancelled, &s.RespondedInTarget, &s.Arrivals, &s.ArrivalsOnTime, &s.Assigned,
		&s.Completed, &s.CompleteSeconds, &s.SLAMissesResponse, &s.SLAMissesArrival, &s.Scored, &s.ScoreSum,
		&s.Score[0], &s.Score[1], &s.Score[2], &s.Score[3], &s.Score[4], &s.Callbacks, &s.CallbacksDone,
		&s.CallbacksSuccess, &s.Complaints, &s.ComplaintsClosed, &s.ComplaintsClosedOnTime, &s.CallsOffered,
		&s.CallsAnswered, &s.CallsAbandoned, &s.CallsHandleSeconds, &s.Complete4h, &s.Complete24h, &s.Complete72h, &s.CompleteOver,
		&s.PartsUsed, &s.PartsCost, &s.Claims, &s.ClaimsAnomalous, &s.ClaimsSettled, &s.ClaimCost, &s.UnitCompleted, &s.RepeatRepairs}
}

const nilID = "'00000000-0000-0000-0000-000000000000'::uuid"

// factSQL is one source of facts: the key columns and the counters it
// sets (the others are 0), from a FROM/WHERE clause. $1 tenant, $2 the
// day's start, $3 the next day's start, $4 the response target.
type factSQL struct {
	key    [6]string
	counts map[string]string
	from   string
}

// orderModelSQL is the model of the order w's unit (the nil UUID: none).
const orderModelSQL = "coalesce((SELECT un.model_id FROM units un WHERE un.tenant_id = w.tenant_id AND un.id = w.unit_id), " + nilID + ")"

var orderKey = [6]string{"coalesce(w.site_id, " + nilID + ")", "coalesce(w.technician_id, " + nilID + ")",
	"coalesce(w.product_line, '')", "w.service_type", "w.channel", orderModelSQL}

const ordersOfDay = ` work_orders w WHERE w.tenant_id = $1 AND w.created_at >= $2 AND w.created_at < $3`

// completeSecondsSQL is an order's time to complete in whole seconds.
const completeSecondsSQL = "floor(extract(epoch FROM w.completed_at - w.created_at))::bigint"

// repeatRepairSQL: the order w's unit had another order completed in the
// 30 days before w was created (the index work_orders_by_unit, 00123).
const repeatRepairSQL = `EXISTS (SELECT 1 FROM work_orders p WHERE p.tenant_id = w.tenant_id AND p.unit_id = w.unit_id
	AND p.id <> w.id AND p.completed_at >= w.created_at - interval '720 hours' AND p.completed_at < w.created_at)`

// claimAnomalousSQL: the submitted claim c was flagged by an audit rule at
// its last submission, or a reviewer adjusted or rejected it.
const claimAnomalousSQL = "(c.flags <> '[]'::jsonb OR c.state IN ('adjusted', 'rejected'))::int"

var reportFacts = []factSQL{
	{key: orderKey, from: ordersOfDay, counts: map[string]string{
		"orders":              "1",
		"cancelled":           "(w.state = 'cancelled')::int",
		"responded_in_target": "coalesce((w.state <> 'cancelled' AND w.responded_at <= w.created_at + make_interval(mins => $4))::int, 0)",
		"arrivals":            "(w.arrive_by IS NOT NULL AND w.arrived_at IS NOT NULL)::int",
		"arrivals_on_time":    "coalesce((w.arrived_at <= w.arrive_by)::int, 0)",
		"assigned":            "(w.technician_id IS NOT NULL)::int",
		"completed":           "(w.completed_at IS NOT NULL)::int",
		"complete_seconds":    "coalesce(" + completeSecondsSQL + ", 0)",
		"complete_4h":         "coalesce((" + completeSecondsSQL + " <= 4 * 3600)::int, 0)",
		"complete_24h":        "coalesce((" + completeSecondsSQL + " > 4 * 3600 AND " + completeSecondsSQL + " <= 24 * 3600)::int, 0)",
		"complete_72h":        "coalesce((" + completeSecondsSQL + " > 24 * 3600 AND " + completeSecondsSQL + " <= 72 * 3600)::int, 0)",
		"complete_over":       "coalesce((" + completeSecondsSQL + " > 72 * 3600)::int, 0)",
		"scored":              "(w.satisfaction_score IS NOT NULL)::int",
		"score_sum":           "coalesce(w.satisfaction_score, 0)",
		"score_1":             "coalesce((w.satisfaction_score = 1)::int, 0)",
		"score_2":             "coalesce((w.satisfaction_score = 2)::int, 0)",
		"score_3":             "coalesce((w.satisfaction_score = 3)::int, 0)",
		"score_4":             "coalesce((w.satisfaction_score = 4)::int, 0)",
		"score_5":             "coalesce((w.satisfaction_score = 5)::int, 0)",
		"unit_completed":      "(w.unit_id IS NOT NULL AND w.completed_at IS NOT NULL)::int",
		"repeat_repairs":      "(w.completed_at IS NOT NULL AND " + repeatRepairSQL + ")::int",
	}},
	{key: [6]string{"m.site_id", orderKey[1], orderKey[2], orderKey[3], orderKey[4], orderKey[5]},
		from: ` site_sla_misses m JOIN work_orders w ON w.tenant_id = m.tenant_id AND w.id = m.work_order_id
			WHERE w.tenant_id = $1 AND w.created_at >= $2 AND w.created_at < $3`,
		counts: map[string]string{"sla_misses_response": "(m.kind = 'response')::int", "sla_misses_arrival": "(m.kind = 'arrival')::int"}},
	{key: orderKey, from: ` callback_tasks c JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id
			WHERE c.source <> 'claim_audit' AND w.tenant_id = $1 AND w.created_at >= $2 AND w.created_at < $3`,
		counts: map[string]string{"callbacks": "1", "callbacks_done": "(c.status = 'done')::int",
			"callbacks_success": "(c.status = 'done' AND NOT c.dissatisfied)::int"}},
	{key: [6]string{"coalesce(c.site_id, " + nilID + ")", "coalesce(c.technician_id, " + nilID + ")",
		"coalesce(w.product_line, '')", "coalesce(w.service_type, '')", "c.channel", orderModelSQL},
		from: ` complaints c LEFT JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id
			WHERE c.tenant_id = $1 AND c.created_at >= $2 AND c.created_at < $3`,
		counts: map[string]string{"complaints": "1", "complaints_closed": "(c.closed_at IS NOT NULL)::int",
			"complaints_closed_on_time": "coalesce((c.closed_at <= c.due_at)::int, 0)"}},
	// Parts consumed on the order: its field requests' and its reservations' consumed quantities.
	{key: orderKey, from: ` part_requests q JOIN work_orders w ON w.tenant_id = q.tenant_id AND w.id = q.work_order_id
			JOIN parts p ON p.tenant_id = q.tenant_id AND p.id = q.part_id
			WHERE q.consumed > 0 AND w.tenant_id = $1 AND w.created_at >= $2 AND w.created_at < $3`,
		counts: map[string]string{"parts_used": "q.consumed", "parts_cost": "q.consumed * p.cost_minor"}},
	{key: orderKey, from: ` stock_reservations q JOIN work_orders w ON w.tenant_id = q.tenant_id AND w.id = q.work_order_id
			JOIN parts p ON p.tenant_id = q.tenant_id AND p.id = q.part_id
			WHERE q.consumed > 0 AND w.tenant_id = $1 AND w.created_at >= $2 AND w.created_at < $3`,
		counts: map[string]string{"parts_used": "q.consumed", "parts_cost": "q.consumed * p.cost_minor"}},
	// The order's warranty claim once submitted.
	{key: orderKey, from: ` claims c JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id
			WHERE c.state <> 'draft' AND w.tenant_id = $1 AND w.created_at >= $2 AND w.created_at < $3`,
		counts: map[string]string{"claims": "1", "claims_anomalous": claimAnomalousSQL,
			"claims_settled": "(c.state IN ('approved', 'adjusted'))::int",
			"claim_cost":     "CASE WHEN c.state IN ('approved', 'adjusted') THEN c.approved_total ELSE 0 END"}},
	{key: [6]string{nilID, nilID, "''", "''", "''", nilID},
		from: ` calls k WHERE k.tenant_id = $1 AND k.direction = 'inbound' AND k.offered_at >= $2 AND k.offered_at < $3`,
		counts: map[string]string{"calls_offered": "1", "calls_answered": "(k.answered_at IS NOT NULL)::int",
			"calls_abandoned":      "(k.outcome IN ('abandoned', 'missed'))::int",
			"calls_handle_seconds": "CASE WHEN k.answered_at IS NOT NULL THEN k.duration_seconds ELSE 0 END"}},
}

// recomputeSQL replaces a day's buckets: $1 tenant, $2/$3 the day's bounds,
// $4 the response target in minutes, $5 the day.
var recomputeSQL = func() string {
	var parts []string
	for _, f := range reportFacts {
		cols := append([]string{}, f.key[:]...)
		for _, c := range reportCols {
			if e, ok := f.counts[c]; ok {
				cols = append(cols, e)
			} else {
				cols = append(cols, "0")
			}
		}
		parts = append(parts, "SELECT "+strings.Join(cols, ", ")+" FROM"+f.from)
	}
	sums := make([]string, len(reportCols))
	for i := range reportCols {
		sums[i] = fmt.Sprintf("sum(c%d)", i)
	}
	alias := []string{"site_id", "technician_id", "product_line", "service_type", "channel", "model_id"}
	for i := range reportCols {
		alias = append(alias, fmt.Sprintf("c%d", i))
	}
	return `INSERT INTO report_daily (tenant_id, day, site_id, technician_id, product_line, service_type, channel, model_id, ` +
		strings.Join(reportCols, ", ") + `)
		SELECT $1, $5::date, site_id, technician_id, product_line, service_type, channel, model_id, ` + strings.Join(sums, ", ") + `
		FROM (` + strings.Join(parts, "\nUNION ALL ") + `) AS f (` + strings.Join(alias, ", ") + `)
		GROUP BY site_id, technician_id, product_line, service_type, channel, model_id`
}()

// RefreshReports recomputes up to limit dirty days (of any tenant) and
// returns how many it recomputed.
func (s *Store) RefreshReports(ctx context.Context, limit int) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, day, ids FROM report_claim($1)`, limit)
	if err != nil {
		return 0, err
	}
	type dirty struct {
		tenant uuid.UUID
		day    time.Time
		ids    []int64
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (dirty, error) {
		var d dirty
		return d, r.Scan(&d.tenant, &d.day, &d.ids)
	})
	if err != nil {
		return 0, err
	}
	for i, d := range ds {
		if err := s.recomputeDay(ctx, d.tenant, d.day, d.ids); err != nil {
			return i, err
		}
	}
	return len(ds), nil
}

func (s *Store) recomputeDay(ctx context.Context, tenant uuid.UUID, day time.Time, ids []int64) error {
	u := s.Begin(ctx, tenant)
	defer u.Rollback(ctx)
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	d := day.Format("2006-01-02")
	var lo, hi time.Time
	var target int
	// One recomputation of a day at a time; the later one sees a later snapshot.
	if err := q.QueryRow(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1::uuid::text || $2::text, 0)),
			($2::date)::timestamp AT TIME ZONE t.timezone, ($2::date + 1)::timestamp AT TIME ZONE t.timezone,
			coalesce((SELECT report_response_minutes FROM tenant_settings WHERE tenant_id = $1), 120)
		FROM tenants t WHERE t.id = $1::uuid`, tenant, d).Scan(nil, &lo, &hi, &target); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM report_daily WHERE tenant_id = $1 AND day = $2`, tenant, d); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, recomputeSQL, tenant, lo, hi, target, d); err != nil {
		return fmt.Errorf("recompute report day: %w", err)
	}
	for i, r := range reportRollups {
		if _, err := q.Exec(ctx, `DELETE FROM `+r.table+` WHERE tenant_id = $1 AND day = $2`, tenant, d); err != nil {
			return err
		}
		args := []any{tenant, d}
		if r.bins {
			args = append(args, lo, hi)
		}
		if _, err := q.Exec(ctx, rollupSQLs[i], args...); err != nil {
			return fmt.Errorf("roll up report day into %s: %w", r.table, err)
		}
	}
	if _, err := q.Exec(ctx, `DELETE FROM report_dirty WHERE tenant_id = $1 AND id = ANY($2)`, tenant, ids); err != nil {
		return err
	}
	return u.Commit(ctx)
}

// MarkReportDays implements report.Marker.
func (s *Store) MarkReportDays(ctx context.Context, u core.UnitOfWork, from, to time.Time) (int, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := q.Exec(ctx, `INSERT INTO report_dirty (tenant_id, day)
		SELECT $1, d::date FROM generate_series($2::date, $3::date, interval '1 day') AS d`,
		u.TenantID(), from.Format("2006-01-02"), to.Format("2006-01-02"))
	return int(tag.RowsAffected()), err
}

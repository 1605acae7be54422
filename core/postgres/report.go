package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// The daily report aggregates (migration 00065): report_daily is a pure
// function of the raw tables per (tenant, day). It is kept incrementally
// (00119): triggers log the source rows a write touches (report_touched),
// report_facts holds each source row's contribution as last applied, and
// RefreshReports adds new minus old for a batch of touched rows to
// report_daily and its rollups, so that its cost follows the rows changed,
// not the size of the day. Whole days marked in report_dirty (a rebuild,
// a time-zone or response-target change, a migration) are rebuilt: the
// facts of their source rows recomputed, a small day's whole in one
// transaction, a larger day's by queueing its source rows as touched
// (RefreshReportsDetail), so that no transaction's cost follows a day.

// reportCols are report_daily's counters in core/report.Sums' order.
var reportCols = []string{"orders", "cancelled", "responded_in_target", "arrivals", "arrivals_on_time", "assigned",
	"completed", "complete_seconds", "sla_misses_response", "sla_misses_arrival", "scored", "score_sum",
	"score_1", "score_2", "score_3", "score_4", "score_5", "callbacks", "callbacks_done", "callbacks_success",
	"complaints", "complaints_closed", "complaints_closed_on_time", "calls_offered", "calls_answered",
	"calls_abandoned", "calls_handle_seconds", "complete_4h", "complete_24h", "complete_72h", "complete_over",
	"parts_used", "parts_cost", "claims", "claims_anomalous", "claims_settled", "claim_cost", "unit_completed", "repeat_repairs",
	"completed_tech", "completed_callback", "calls_in_sl"}

func sumsTargets(s *report.Sums) []any {
	return []any{&s.Orders, &s.Cancelled, &s.RespondedInTarget, &s.Arrivals, &s.ArrivalsOnTime, &s.Assigned,
		&s.Completed, &s.CompleteSeconds, &s.SLAMissesResponse, &s.SLAMissesArrival, &s.Scored, &s.ScoreSum,
		&s.Score[0], &s.Score[1], &s.Score[2], &s.Score[3], &s.Score[4], &s.Callbacks, &s.CallbacksDone,
		&s.CallbacksSuccess, &s.Complaints, &s.ComplaintsClosed, &s.ComplaintsClosedOnTime, &s.CallsOffered,
		&s.CallsAnswered, &s.CallsAbandoned, &s.CallsHandleSeconds, &s.Complete4h, &s.Complete24h, &s.Complete72h, &s.CompleteOver,
		&s.PartsUsed, &s.PartsCost, &s.Claims, &s.ClaimsAnomalous, &s.ClaimsSettled, &s.ClaimCost, &s.UnitCompleted, &s.RepeatRepairs,
		&s.CompletedTech, &s.CompletedCallback, &s.CallsInServiceLevel}
}

const nilID = "'00000000-0000-0000-0000-000000000000'::uuid"

// factSQL is one source of facts: the source row it belongs to (src: 'o'
// an order, 'c' a complaint, 'k' a call; id its id; touch the column a
// touched source id is matched on), the instant its day is taken from, the
// key columns and the counters it sets (the others are 0), from a FROM
// clause with the conditions of every fact (where). $1 is the tenant, $2
// its time zone, $3 the response target in minutes.
type factSQL struct {
	src, id, touch, at string
	key                [6]string
	counts             map[string]string
	from, where        string
	bin                string
}

// orderModelSQL is the model of the order w's unit (the nil UUID: none).
const orderModelSQL = "coalesce((SELECT un.model_id FROM units un WHERE un.tenant_id = w.tenant_id AND un.id = w.unit_id), " + nilID + ")"

var orderKey = [6]string{"coalesce(w.site_id, " + nilID + ")", "coalesce(w.technician_id, " + nilID + ")",
	"coalesce(w.product_line, '')", "w.service_type", "w.channel", orderModelSQL}

// completeSecondsSQL is an order's time to complete in whole seconds.
const completeSecondsSQL = "floor(extract(epoch FROM w.completed_at - w.created_at))::bigint"

// repeatRepairSQL: the order w's unit had another order completed in the
// 30 days before w was created (the index work_orders_by_unit, 00123).
const repeatRepairSQL = `EXISTS (SELECT 1 FROM work_orders p WHERE p.tenant_id = w.tenant_id AND p.unit_id = w.unit_id
	AND p.id <> w.id AND p.completed_at >= w.created_at - interval '720 hours' AND p.completed_at < w.created_at)`

// callbackOfOrderSQL: the order w has a callback task the reports count
// (claim-audit callbacks aside).
const callbackOfOrderSQL = `EXISTS (SELECT 1 FROM callback_tasks c WHERE c.tenant_id = w.tenant_id AND c.work_order_id = w.id
	AND c.source <> 'claim_audit')`

// serviceLevelSecondsSQL is the tenant's service-level threshold in
// seconds (00126), read in the statement: a change marks the days of the
// tenant's calls for a rebuild (the trigger report_rebuild_service_level).
const serviceLevelSecondsSQL = "coalesce((SELECT report_service_level_seconds FROM tenant_settings WHERE tenant_id = k.tenant_id), 20)"

// callInServiceLevelSQL: the inbound call k was answered within the
// tenant's service-level threshold of being offered.
const callInServiceLevelSQL = "coalesce((k.answered_at <= k.offered_at + make_interval(secs => " + serviceLevelSecondsSQL + "))::int, 0)"

// claimAnomalousSQL: the submitted claim c was flagged by an audit rule at
// its last submission, or a reviewer adjusted or rejected it.
const claimAnomalousSQL = "(c.flags <> '[]'::jsonb OR c.state IN ('adjusted', 'rejected'))::int"

var reportFacts = []factSQL{
	{src: "o", id: "w.id", touch: "w.id", at: "w.created_at", key: orderKey, from: " work_orders w",
		where: "w.tenant_id = $1", bin: ttcBinSQL, counts: map[string]string{
			"orders":              "1",
			"cancelled":           "(w.state = 'cancelled')::int",
			"responded_in_target": "coalesce((w.state <> 'cancelled' AND w.responded_at <= w.created_at + make_interval(mins => $3))::int, 0)",
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
			"completed_tech":      "(w.completed_at IS NOT NULL AND w.technician_id IS NOT NULL)::int",
			// Per order, not per task: the callback tasks touch their order (00119).
			"completed_callback": "(w.completed_at IS NOT NULL AND " + callbackOfOrderSQL + ")::int",
		}},
	// An SLA miss counts under the site that missed it.
	{src: "o", id: "w.id", touch: "m.work_order_id", at: "w.created_at",
		key:    [6]string{"m.site_id", orderKey[1], orderKey[2], orderKey[3], orderKey[4], orderKey[5]},
		from:   " site_sla_misses m JOIN work_orders w ON w.tenant_id = m.tenant_id AND w.id = m.work_order_id",
		where:  "m.tenant_id = $1",
		counts: map[string]string{"sla_misses_response": "(m.kind = 'response')::int", "sla_misses_arrival": "(m.kind = 'arrival')::int"}},
	{src: "o", id: "w.id", touch: "c.work_order_id", at: "w.created_at", key: orderKey,
		from:  " callback_tasks c JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id",
		where: "c.tenant_id = $1 AND c.source <> 'claim_audit'",
		counts: map[string]string{"callbacks": "1", "callbacks_done": "(c.status = 'done')::int",
			"callbacks_success": "(c.status = 'done' AND NOT c.dissatisfied)::int"}},
	{src: "c", id: "c.id", touch: "c.id", at: "c.created_at",
		key: [6]string{"coalesce(c.site_id, " + nilID + ")", "coalesce(c.technician_id, " + nilID + ")",
			"coalesce(w.product_line, '')", "coalesce(w.service_type, '')", "c.channel", orderModelSQL},
		from:  " complaints c LEFT JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id",
		where: "c.tenant_id = $1",
		counts: map[string]string{"complaints": "1", "complaints_closed": "(c.closed_at IS NOT NULL)::int",
			"complaints_closed_on_time": "coalesce((c.closed_at <= c.due_at)::int, 0)"}},
	// Parts consumed on the order: its field requests' and its reservations' consumed quantities.
	{src: "o", id: "w.id", touch: "q.work_order_id", at: "w.created_at", key: orderKey,
		from: ` part_requests q JOIN work_orders w ON w.tenant_id = q.tenant_id AND w.id = q.work_order_id
			JOIN parts p ON p.tenant_id = q.tenant_id AND p.id = q.part_id`,
		where:  "q.tenant_id = $1 AND q.consumed > 0",
		counts: map[string]string{"parts_used": "q.consumed", "parts_cost": "q.consumed * p.cost_minor"}},
	{src: "o", id: "w.id", touch: "q.work_order_id", at: "w.created_at", key: orderKey,
		from: ` stock_reservations q JOIN work_orders w ON w.tenant_id = q.tenant_id AND w.id = q.work_order_id
			JOIN parts p ON p.tenant_id = q.tenant_id AND p.id = q.part_id`,
		where:  "q.tenant_id = $1 AND q.consumed > 0",
		counts: map[string]string{"parts_used": "q.consumed", "parts_cost": "q.consumed * p.cost_minor"}},
	// The order's warranty claim once submitted.
	{src: "o", id: "w.id", touch: "c.work_order_id", at: "w.created_at", key: orderKey,
		from:  " claims c JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id",
		where: "c.tenant_id = $1 AND c.state <> 'draft'",
		counts: map[string]string{"claims": "1", "claims_anomalous": claimAnomalousSQL,
			"claims_settled": "(c.state IN ('approved', 'adjusted'))::int",
			"claim_cost":     "CASE WHEN c.state IN ('approved', 'adjusted') THEN c.approved_total ELSE 0 END"}},
	{src: "k", id: "k.id", touch: "k.id", at: "k.offered_at", key: [6]string{nilID, nilID, "''", "''", "''", nilID},
		from: " calls k", where: "k.tenant_id = $1 AND k.direction = 'inbound'",
		counts: map[string]string{"calls_offered": "1", "calls_answered": "(k.answered_at IS NOT NULL)::int",
			"calls_in_sl":          callInServiceLevelSQL,
			"calls_abandoned":      "(k.outcome IN ('abandoned', 'missed'))::int",
			"calls_handle_seconds": "CASE WHEN k.answered_at IS NOT NULL THEN k.duration_seconds ELSE 0 END"}},
}

// reportKeys are report_daily's and report_facts' key columns.
var reportKeys = []string{"site_id", "technician_id", "product_line", "service_type", "channel", "model_id"}

// factCols are report_facts' columns after tenant_id, in table order.
var factCols = append(append([]string{"src", "src_id", "day"}, reportKeys...), append(append([]string{}, reportCols...), "ttc_bin")...)

// factsOfSQL is a query of the current facts (tenant_id, then factCols)
// of the source rows in the relation t (src, src_id): per source row and
// key, the counters summed and the bin of the order's own key.
func factsOfSQL(t string) string {
	var parts []string
	for _, f := range reportFacts {
		cols := []string{"'" + f.src + "'::\"char\"", f.id, "(" + f.at + " AT TIME ZONE $2)::date"}
		cols = append(cols, f.key[:]...)
		for _, c := range reportCols {
			if e, ok := f.counts[c]; ok {
				cols = append(cols, e)
			} else {
				cols = append(cols, "0")
			}
		}
		bin := "NULL::int"
		if f.bin != "" {
			bin = f.bin
		}
		cols = append(cols, bin)
		parts = append(parts, "SELECT "+strings.Join(cols, ", ")+" FROM"+f.from+" WHERE "+f.where+
			" AND "+f.touch+" IN (SELECT src_id FROM "+t+" WHERE src = '"+f.src+"')")
	}
	alias := append([]string{"src", "src_id", "day"}, reportKeys...)
	sums := make([]string, len(reportCols))
	for i := range reportCols {
		alias = append(alias, fmt.Sprintf("c%d", i))
		sums[i] = fmt.Sprintf("sum(c%d) AS %s", i, reportCols[i])
	}
	alias = append(alias, "b")
	group := strings.Join(append([]string{"src", "src_id", "day"}, reportKeys...), ", ")
	return `SELECT $1::uuid AS tenant_id, ` + group + `, ` + strings.Join(sums, ", ") + `, max(b) AS ttc_bin
		FROM (` + strings.Join(parts, "\nUNION ALL ") + `) AS f (` + strings.Join(alias, ", ") + `)
		GROUP BY ` + group
}

// reportTables are report_daily and its rollups, every table a fact adds to.
var reportTables = append([]reportSource{reportDaily}, reportRollups...)

// applyDeltaSQL replaces the facts of the source rows of the relation t
// by their current facts and adds the difference, new minus old, to every
// report table, except on the day $4 (a rebuild's, whose rows it then
// replaces). It returns the keys of the report rows the delta left at 0
// (tbl the index in reportTables; missing keys NULL), which deleteZeroSQL
// deletes: a row holding no fact is no row. $1 tenant, $2 time zone, $3
// response target, $4 the day or NULL; the relation t uses $5 on.
func applyDeltaSQL(t string) string {
	sb := &strings.Builder{}
	fmt.Fprintf(sb, `WITH t AS MATERIALIZED (%s),
	nf AS MATERIALIZED (%s),
	old AS (DELETE FROM report_facts f WHERE f.tenant_id = $1 AND (f.src, f.src_id) IN (SELECT src, src_id FROM t)
		RETURNING f.%s),
	ins AS (INSERT INTO report_facts (tenant_id, %s) SELECT * FROM nf WHERE (SELECT count(*) FROM old) >= 0),
	d AS (SELECT 1 AS n, %s FROM nf WHERE day IS DISTINCT FROM $4::date
		UNION ALL SELECT -1, %s FROM old WHERE day IS DISTINCT FROM $4::date)`,
		t, factsOfSQL("t"), strings.Join(factCols, ", f."), strings.Join(factCols, ", "),
		strings.Join(factCols[2:], ", "), strings.Join(factCols[2:], ", "))
	var outs []string
	for i, r := range reportTables {
		fmt.Fprintf(sb, `,
	u%d AS (%s
		ON CONFLICT (tenant_id, day, %s) DO UPDATE SET %s
		RETURNING %s)`,
			i, r.addSQL("d", "n"), strings.Join(r.keys, ", "), r.addSet(), r.zeroReturning(i))
		outs = append(outs, fmt.Sprintf("SELECT * FROM u%d WHERE zero", i))
	}
	fmt.Fprintf(sb, `
SELECT tbl, day, %s FROM (%s) z`, strings.Join(reportKeys, ", "), strings.Join(outs, " UNION ALL "))
	return sb.String()
}

// addSQL is the INSERT of the rows of the relation rel (day, keys,
// counters, ttc_bin), each counted n times, summed per key of r, the
// groups that change nothing left out.
func (r reportSource) addSQL(rel, n string) string {
	sums := make([]string, 0, len(reportCols)+len(ttcCols))
	cols := append([]string{}, reportCols...)
	for _, c := range reportCols {
		sums = append(sums, "sum("+n+" * "+c+")")
	}
	if r.bins {
		cols = append(cols, ttcCols...)
		for i := range ttcCols {
			sums = append(sums, fmt.Sprintf("coalesce(sum(%s) FILTER (WHERE ttc_bin = %d), 0)", n, i))
		}
	}
	nonzero := make([]string, len(sums))
	for i, e := range sums {
		nonzero[i] = e + " <> 0"
	}
	keys := strings.Join(r.keys, ", ")
	return `INSERT INTO ` + r.table + ` (tenant_id, day, ` + keys + `, ` + strings.Join(cols, ", ") + `)
		SELECT $1, day, ` + keys + `, ` + strings.Join(sums, ", ") + ` FROM ` + rel + ` GROUP BY day, ` + keys + `
		HAVING ` + strings.Join(nonzero, " OR ")
}

// addSet adds the excluded row's counters (and bins) to the existing row.
func (r reportSource) addSet() string {
	cols := append([]string{}, reportCols...)
	if r.bins {
		cols = append(cols, ttcCols...)
	}
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = " + r.table + "." + c + " + excluded." + c
	}
	return strings.Join(set, ", ")
}

// zeroReturning returns the table index, the day, report_daily's keys as text
// (those r lacks NULL) and whether the row's counters are all 0.
func (r reportSource) zeroReturning(i int) string {
	cols := []string{fmt.Sprint(i, " AS tbl"), "day"}
	for _, k := range reportKeys {
		if slices.Contains(r.keys, k) {
			cols = append(cols, k+"::text AS "+k)
		} else {
			cols = append(cols, "NULL::text AS "+k)
		}
	}
	zero := make([]string, len(reportCols))
	for j, c := range reportCols {
		zero[j] = c + " = 0"
	}
	return strings.Join(cols, ", ") + ", " + strings.Join(zero, " AND ") + " AS zero"
}

// deleteZeroSQL deletes r's rows of the keys $2 (days) and $3… (r's key
// columns as text, in reportKeys' order) whose counters are all 0.
func (r reportSource) deleteZeroSQL() string {
	types := map[string]string{"site_id": "uuid", "technician_id": "uuid", "model_id": "uuid"}
	arrays := []string{"$2::date[]"}
	cond := []string{"r.tenant_id = $1", "r.day = z.day"}
	n := 3
	var keys []string
	for _, k := range reportKeys {
		if !slices.Contains(r.keys, k) {
			continue
		}
		cast := ""
		if types[k] != "" {
			cast = "::" + types[k]
		}
		arrays = append(arrays, fmt.Sprintf("$%d::text[]", n))
		cond = append(cond, "r."+k+" = z."+k+cast)
		keys = append(keys, k)
		n++
	}
	for _, c := range reportCols {
		cond = append(cond, "r."+c+" = 0")
	}
	return `DELETE FROM ` + r.table + ` r USING unnest(` + strings.Join(arrays, ", ") + `) AS z (day, ` +
		strings.Join(keys, ", ") + `) WHERE ` + strings.Join(cond, " AND ")
}

// daySourcesSQL is the relation (src, src_id) of the tenant $1's source
// rows of a day: those whose facts are on the day and those on it now (the
// instant in [lo, hi), the day's bounds in the tenant's time zone).
func daySourcesSQL(day, lo, hi string) string {
	return `SELECT src, src_id FROM report_facts WHERE tenant_id = $1 AND day = ` + day + `::date
		UNION SELECT 'o', id FROM work_orders WHERE tenant_id = $1 AND created_at >= ` + lo + ` AND created_at < ` + hi + `
		UNION SELECT 'c', id FROM complaints WHERE tenant_id = $1 AND created_at >= ` + lo + ` AND created_at < ` + hi + `
		UNION SELECT 'k', id FROM calls WHERE tenant_id = $1 AND direction = 'inbound' AND offered_at >= ` + lo + ` AND offered_at < ` + hi
}

var (
	// touchedDeltaSQL applies the delta of the source rows $5 (src) / $6 (ids).
	touchedDeltaSQL = applyDeltaSQL(`SELECT DISTINCT s::"char" AS src, i AS src_id FROM unnest($5::text[], $6::uuid[]) AS x (s, i)`)
	// dayDeltaSQL applies the delta of the source rows of the day $4 (bounds
	// $5, $6): those whose facts are on it and those that are on it now.
	dayDeltaSQL = applyDeltaSQL(daySourcesSQL("$4", "$5", "$6"))
	// daySizeSQL counts the facts of the day $2 and its source rows now
	// (bounds $3, $4), up to $5: a day's rebuild costs about as much.
	daySizeSQL = `SELECT count(*) FROM (SELECT 1 FROM (` + strings.ReplaceAll(daySourcesSQL("$2", "$3", "$4"), "UNION SELECT", "UNION ALL SELECT") + `) u LIMIT $5) s`
	// queueDaySQL logs the source rows of the day $2 (bounds $3, $4) as
	// touched, each once.
	queueDaySQL = `INSERT INTO report_touched (tenant_id, src, src_id) SELECT $1, src, src_id FROM (` +
		daySourcesSQL("$2", "$3", "$4") + `) s`
	// dayFromFactsSQL re-adds the day $4's rows to every report table (the
	// day's rows deleted) from its facts; $2, $3 unused.
	dayFromFactsSQL = func() string {
		sb := &strings.Builder{}
		fmt.Fprintf(sb, `WITH d AS MATERIALIZED (SELECT 1 AS n, %s FROM report_facts WHERE tenant_id = $1 AND day = $4::date AND $2::text IS NOT NULL AND $3::int IS NOT NULL)`,
			strings.Join(factCols[2:], ", "))
		var outs []string
		for i, r := range reportTables {
			fmt.Fprintf(sb, `,
	u%d AS (%s
		RETURNING %s)`, i, r.addSQL("d", "n"), r.zeroReturning(i))
			outs = append(outs, fmt.Sprintf("SELECT * FROM u%d WHERE zero", i))
		}
		fmt.Fprintf(sb, `
SELECT tbl, day, %s FROM (%s) z`, strings.Join(reportKeys, ", "), strings.Join(outs, " UNION ALL "))
		return sb.String()
	}()
	deleteZeroSQLs = func() []string {
		out := make([]string, len(reportTables))
		for i, r := range reportTables {
			out[i] = r.deleteZeroSQL()
		}
		return out
	}()
)

// ReportRefresh is what a RefreshReportsDetail call did.
type ReportRefresh struct {
	Days    int // marked days taken: rebuilt whole (a small day) or queued as touched rows (a larger one)
	Queued  int // source rows of the larger marked days logged as touched, applied by later batches
	Sources int // touched source rows (orders, complaints, calls) whose facts were recomputed
	Batches int // transactions of touched rows
}

const (
	// reportBatch is how many touched rows (log entries) a transaction takes.
	reportBatch = 2000
	// reportSmallDay bounds the facts plus source rows of a marked day
	// rebuilt whole in one transaction (about a batch's work: each source
	// row counted once for its facts and once for its row); a larger day
	// is queued as touched rows.
	reportSmallDay = 2 * reportBatch
	// reportDaysBudget is how long a call takes marked days before it
	// turns to the touched rows, so that a burst of marks (a time-zone
	// change marks every day of a tenant) does not hold back every other
	// tenant's refresh for its length.
	reportDaysBudget = 5 * time.Second
)

// RefreshReports brings the aggregates up to date a step: it takes up to
// limit marked days (of any tenant), then applies up to limit batches of
// touched source rows, a batch per tenant in turn; it returns how many
// days and source rows it did (0: nothing was left).
func (s *Store) RefreshReports(ctx context.Context, limit int) (int, error) {
	r, err := s.RefreshReportsDetail(ctx, limit)
	return r.Days + r.Sources, err
}

// RefreshReportsDetail is RefreshReports, saying what it did.
//
// A marked day's rebuild is bounded: a small day (reportSmallDay) is
// rebuilt whole in one transaction as before (its facts recomputed, its
// aggregates deleted and re-added from the facts, which also repairs a
// day whose aggregates had drifted from its facts, cheaply at that size);
// a larger day's source rows are logged as touched in one set-based
// statement and the batches below recompute them over the following
// calls, each batch its own transaction. Deltas add up to the
// recomputation because every aggregate row is the sum of its facts (the
// invariant the batches keep); a larger day without any facts (its
// aggregates computed before 00119, as 00120 marks them) has its
// aggregates deleted first, so that the batches add its facts to nothing.
// Each step commits on its own: a cancelled call loses nothing (the marks
// or touched rows it had not committed stay).
func (s *Store) RefreshReportsDetail(ctx context.Context, limit int) (ReportRefresh, error) {
	var out ReportRefresh
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, day, ids FROM report_claim($1)`, limit)
	if err != nil {
		return out, err
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
		return out, err
	}
	start := time.Now()
	for _, d := range ds {
		if out.Days > 0 && (reportDeadlineNear(ctx) || time.Since(start) > reportDaysBudget) {
			break
		}
		n, err := s.takeDay(ctx, d.tenant, d.day, d.ids, reportSmallDay)
		if err != nil {
			return out, err
		}
		out.Days++
		out.Queued += n
	}
	// The touched rows of the tenants with no marked day left (a tenant's
	// marked days first: no delta on a day whose facts a rebuild has yet
	// to fill), one batch per tenant in turn, so that a tenant's large
	// queue (a large day's rebuild) delays no other tenant's refresh.
	rows, err = s.pool.Query(ctx, `SELECT tenant_id FROM report_touched_tenants($1)`, limit)
	if err != nil {
		return out, err
	}
	tenants, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return out, err
	}
	for len(tenants) > 0 {
		more := tenants[:0]
		for _, t := range tenants {
			if out.Batches >= limit || (out.Days+out.Batches > 0 && reportDeadlineNear(ctx)) {
				return out, nil
			}
			n, taken, err := s.applyTouched(ctx, t)
			if err != nil {
				return out, err
			}
			if taken == 0 {
				continue
			}
			out.Batches++
			out.Sources += n
			if taken == reportBatch {
				more = append(more, t)
			}
		}
		tenants = more
	}
	return out, nil
}

// reportDeadlineNear: the caller's deadline leaves no time for another
// batch (the periodic task's timeout would roll it back: wasted, though
// nothing is lost).
func reportDeadlineNear(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < 3*time.Second
}

// reportTx begins the tenant's transaction of the report job: it holds
// the tenant's report lock (one refresher of a tenant at a time, so that
// facts and aggregates change together) and reads its time zone and
// response target.
func (s *Store) reportTx(ctx context.Context, tenant uuid.UUID) (core.OpenUnitOfWork, querier, string, int, error) {
	u := s.Begin(ctx, tenant)
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		u.Rollback(ctx)
		return nil, nil, "", 0, err
	}
	var tz string
	var target int
	if err := q.QueryRow(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('report:' || $1::uuid::text, 0)), t.timezone,
			coalesce((SELECT report_response_minutes FROM tenant_settings WHERE tenant_id = $1), 120)
		FROM tenants t WHERE t.id = $1::uuid`, tenant).Scan(nil, &tz, &target); err != nil {
		u.Rollback(ctx)
		return nil, nil, "", 0, err
	}
	return u, q, tz, target, nil
}

// applyTouched applies one batch of the tenant's touched source rows and
// returns how many distinct source rows it applied and how many log
// entries it took (reportBatch: there may be more).
func (s *Store) applyTouched(ctx context.Context, tenant uuid.UUID) (int, int, error) {
	u, q, tz, target, err := s.reportTx(ctx, tenant)
	if err != nil {
		return 0, 0, err
	}
	defer u.Rollback(ctx)
	// After the lock: a batch another refresher applied meanwhile is gone.
	rows, err := q.Query(ctx, `DELETE FROM report_touched WHERE tenant_id = $1 AND id IN (
		SELECT id FROM report_touched WHERE tenant_id = $1 ORDER BY id LIMIT $2) RETURNING src::text, src_id`, tenant, reportBatch)
	if err != nil {
		return 0, 0, err
	}
	var srcs []string
	var ids []uuid.UUID
	var one string
	var id uuid.UUID
	if _, err := pgx.ForEachRow(rows, []any{&one, &id}, func() error {
		srcs, ids = append(srcs, one), append(ids, id)
		return nil
	}); err != nil {
		return 0, 0, err
	}
	if len(ids) == 0 {
		return 0, 0, nil
	}
	if err := applyDelta(ctx, q, touchedDeltaSQL, tenant, tz, target, nil, srcs, ids); err != nil {
		return 0, 0, fmt.Errorf("apply touched report rows: %w", err)
	}
	n := map[string]bool{}
	for i := range ids {
		n[srcs[i]+ids[i].String()] = true
	}
	return len(n), len(ids), u.Commit(ctx)
}

// applyDelta runs a delta statement (applyDeltaSQL, dayFromFactsSQL) and
// deletes the report rows it left at 0.
func applyDelta(ctx context.Context, q querier, sql string, tenant uuid.UUID, tz string, target int, day any, more ...any) error {
	rows, err := q.Query(ctx, sql, append([]any{tenant, tz, target, day}, more...)...)
	if err != nil {
		return err
	}
	// Per report table, the zero rows' days and keys (as text, NULL for a
	// key the table lacks).
	type zeroKeys struct {
		days []time.Time
		keys [][]*string
	}
	zs := make([]zeroKeys, len(reportTables))
	var tbl int
	var day1 time.Time
	keys := make([]*string, len(reportKeys))
	dest := []any{&tbl, &day1}
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	if _, err := pgx.ForEachRow(rows, dest, func() error {
		z := &zs[tbl]
		if z.keys == nil {
			z.keys = make([][]*string, len(reportKeys))
		}
		z.days = append(z.days, day1)
		for i, k := range keys {
			z.keys[i] = append(z.keys[i], k)
		}
		return nil
	}); err != nil {
		return err
	}
	for i, z := range zs {
		if len(z.days) == 0 {
			continue
		}
		args := []any{tenant, z.days}
		r := reportTables[i]
		for j, k := range reportKeys {
			if slices.Contains(r.keys, k) {
				args = append(args, z.keys[j])
			}
		}
		if _, err := q.Exec(ctx, deleteZeroSQLs[i], args...); err != nil {
			return fmt.Errorf("delete empty rows of %s: %w", r.table, err)
		}
	}
	return nil
}

// takeDay takes the tenant's marked day (the marks ids) and returns how
// many source rows it queued: a small day (up to small facts and source
// rows) is rebuilt whole (rebuildDay), a larger one's source rows logged
// as touched (see RefreshReportsDetail).
func (s *Store) takeDay(ctx context.Context, tenant uuid.UUID, day time.Time, ids []int64, small int64) (int, error) {
	u, q, tz, target, err := s.reportTx(ctx, tenant)
	if err != nil {
		return 0, err
	}
	defer u.Rollback(ctx)
	d := day.Format("2006-01-02")
	var lo, hi time.Time
	if err := q.QueryRow(ctx, `SELECT ($1::date)::timestamp AT TIME ZONE $2, ($1::date + 1)::timestamp AT TIME ZONE $2`,
		d, tz).Scan(&lo, &hi); err != nil {
		return 0, err
	}
	var size int64
	if err := q.QueryRow(ctx, daySizeSQL, tenant, d, lo, hi, small+1).Scan(&size); err != nil {
		return 0, err
	}
	queued := 0
	if size <= small {
		if err := rebuildDay(ctx, q, tenant, tz, target, d, lo, hi); err != nil {
			return 0, err
		}
	} else {
		var facts bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_facts WHERE tenant_id = $1 AND day = $2)`,
			tenant, d).Scan(&facts); err != nil {
			return 0, err
		}
		if !facts {
			if err := deleteDay(ctx, q, tenant, d); err != nil {
				return 0, err
			}
		}
		tag, err := q.Exec(ctx, queueDaySQL, tenant, d, lo, hi)
		if err != nil {
			return 0, fmt.Errorf("queue report day's source rows: %w", err)
		}
		queued = int(tag.RowsAffected())
	}
	if _, err := q.Exec(ctx, `DELETE FROM report_dirty WHERE tenant_id = $1 AND id = ANY($2)`, tenant, ids); err != nil {
		return 0, err
	}
	return queued, u.Commit(ctx)
}

// rebuildDay recomputes the facts of every source row of the tenant's day d
// (bounds lo, hi; those whose facts are on it and those on it now: a row
// that left it is moved to its day now, its delta added there) and the
// day's rows of every report table from its facts.
func rebuildDay(ctx context.Context, q querier, tenant uuid.UUID, tz string, target int, d string, lo, hi time.Time) error {
	if err := applyDelta(ctx, q, dayDeltaSQL, tenant, tz, target, d, lo, hi); err != nil {
		return fmt.Errorf("recompute report day's facts: %w", err)
	}
	if err := deleteDay(ctx, q, tenant, d); err != nil {
		return err
	}
	if err := applyDelta(ctx, q, dayFromFactsSQL, tenant, tz, target, d); err != nil {
		return fmt.Errorf("recompute report day: %w", err)
	}
	return nil
}

// deleteDay deletes the tenant's rows of the day d in every report table.
func deleteDay(ctx context.Context, q querier, tenant uuid.UUID, d string) error {
	for _, r := range reportTables {
		if _, err := q.Exec(ctx, `DELETE FROM `+r.table+` WHERE tenant_id = $1 AND day = $2`, tenant, d); err != nil {
			return err
		}
	}
	return nil
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

package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// drillSource is the raw records of a drill kind: the columns of a
// report.DrillItem (counted last, from the metric), the table and alias x
// whose site_id/technician_id the scope and filters read, and the day
// column; tie orders the records that share a day column and id (an
// order's response and arrival misses).
type drillSource struct {
	cols, from, at, tie string
	dims                map[string]string // dimension → column
}

var drillSources = map[string]drillSource{
	"work_orders": {cols: "'work_order', w.id, w.number, w.id, w.created_at, w.state, w.site_id, w.technician_id",
		from: "work_orders w", at: "w.created_at",
		dims: map[string]string{"site": "w.site_id", "technician": "w.technician_id", "product_line": "w.product_line",
			"service_type": "w.service_type", "channel": "w.channel", "model": drillModelSQL}},
	"callbacks": {cols: "'callback', c.id, w.number, w.id, w.created_at, c.status, w.site_id, w.technician_id",
		from: "callback_tasks c JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id AND c.source <> 'claim_audit'", at: "w.created_at",
		dims: map[string]string{"site": "w.site_id", "technician": "w.technician_id", "product_line": "w.product_line",
			"service_type": "w.service_type", "channel": "w.channel", "model": drillModelSQL}},
	"complaints": {cols: "'complaint', c.id, c.number, c.work_order_id, c.created_at, c.state, c.site_id, c.technician_id",
		from: "complaints c LEFT JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id", at: "c.created_at",
		dims: map[string]string{"site": "c.site_id", "technician": "c.technician_id", "product_line": "w.product_line",
			"service_type": "w.service_type", "channel": "c.channel", "model": drillModelSQL}},
	"claims": {cols: "'claim', c.id, c.order_number, c.work_order_id, w.created_at, c.state, w.site_id, w.technician_id",
		from: "claims c JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id", at: "w.created_at",
		dims: map[string]string{"site": "w.site_id", "technician": "w.technician_id", "product_line": "w.product_line",
			"service_type": "w.service_type", "channel": "w.channel", "model": drillModelSQL}},
	// One item a miss, under the site that missed it (as the number counts
	// it), not the order's current site: the id is the order's, state the
	// miss's kind (response, arrival).
	"sla_misses": {cols: "'sla_miss', w.id, w.number, w.id, w.created_at, m.kind, m.site_id, w.technician_id",
		from: "site_sla_misses m JOIN work_orders w ON w.tenant_id = m.tenant_id AND w.id = m.work_order_id", at: "w.created_at", tie: "m.kind",
		dims: map[string]string{"site": "m.site_id", "technician": "w.technician_id", "product_line": "w.product_line",
			"service_type": "w.service_type", "channel": "w.channel", "model": drillModelSQL}},
	"calls": {cols: "'call', k.id, k.pbx_call_id, NULL::uuid, k.offered_at, k.outcome, NULL::uuid, NULL::uuid",
		from: "calls k", at: "k.offered_at", dims: map[string]string{}},
}

// drillModelSQL is the model of the order w's unit.
const drillModelSQL = "(SELECT un.model_id FROM units un WHERE un.tenant_id = w.tenant_id AND un.id = w.unit_id)"

// drillConsumedSQL: parts were consumed on the order w (report.go's parts facts).
const drillConsumedSQL = `(EXISTS (SELECT 1 FROM part_requests q WHERE q.tenant_id = w.tenant_id AND q.work_order_id = w.id AND q.consumed > 0)
	OR EXISTS (SELECT 1 FROM stock_reservations q WHERE q.tenant_id = w.tenant_id AND q.work_order_id = w.id AND q.consumed > 0))`

// drillPredicates are each metric's population and numerator over its source.
var drillPredicates = map[string][2]string{
	"orders":                     {"true", "true"},
	"response_in_target_rate":    {"w.state <> 'cancelled'", "coalesce(w.responded_at <= w.created_at + make_interval(mins => (SELECT coalesce((SELECT report_response_minutes FROM tenant_settings WHERE tenant_id = w.tenant_id), 120))), false)"},
	"on_time_arrival_rate":       {"w.arrive_by IS NOT NULL AND w.arrived_at IS NOT NULL", "w.arrived_at <= w.arrive_by"},
	"time_to_complete_hours":     {"w.completed_at IS NOT NULL", "true"},
	"time_to_complete_p50_hours": {"w.completed_at IS NOT NULL", "true"},
	"time_to_complete_4h":        {"w.completed_at IS NOT NULL", "w.completed_at - w.created_at < interval '4 hours 1 second'"},
	"time_to_complete_24h": {"w.completed_at IS NOT NULL", "w.completed_at - w.created_at >= interval '4 hours 1 second' AND " +
		"w.completed_at - w.created_at < interval '24 hours 1 second'"},
	"time_to_complete_72h": {"w.completed_at IS NOT NULL", "w.completed_at - w.created_at >= interval '24 hours 1 second' AND " +
		"w.completed_at - w.created_at < interval '72 hours 1 second'"},
	"time_to_complete_over_72h":      {"w.completed_at IS NOT NULL", "w.completed_at - w.created_at >= interval '72 hours 1 second'"},
	"completed":                      {"w.completed_at IS NOT NULL", "true"},
	"sla_misses":                     {"true", "true"},
	"satisfaction_mean":              {"w.satisfaction_score IS NOT NULL", "true"},
	"technician_workload":            {"w.technician_id IS NOT NULL", "true"},
	"callback_coverage":              {"w.completed_at IS NOT NULL", callbackOfOrderSQL},
	"callback_success_rate":          {"c.status = 'done'", "NOT c.dissatisfied"},
	"complaints":                     {"true", "true"},
	"complaints_per_1000":            {"true", "true"},
	"complaint_closure_on_time_rate": {"c.closed_at IS NOT NULL", "coalesce(c.closed_at <= c.due_at, false)"},
	"calls_offered":                  {"k.direction = 'inbound'", "true"},
	"repeat_repairs_30d":             {"w.completed_at IS NOT NULL AND w.unit_id IS NOT NULL", repeatRepairSQL},
	"parts_consumed":                 {drillConsumedSQL, "true"},
	"parts_cost":                     {drillConsumedSQL, "true"},
	"claim_cost_per_order":           {"c.state IN ('approved', 'adjusted')", "true"},
	"claim_anomaly_rate":             {"c.state <> 'draft'", claimAnomalousSQL + " = 1"},
	"calls_answered":                 {"k.direction = 'inbound' AND k.answered_at IS NOT NULL", "true"},
	"calls_abandoned":                {"k.direction = 'inbound' AND k.outcome IN ('abandoned', 'missed')", "true"},
	"calls_aht_seconds":              {"k.direction = 'inbound' AND k.answered_at IS NOT NULL", "true"},
	"calls_service_level":            {"k.direction = 'inbound'", callInServiceLevelSQL + " = 1"},
	"technician_productivity":        {"w.technician_id IS NOT NULL", "w.completed_at IS NOT NULL"},
}

func init() {
	for i := 1; i <= 5; i++ {
		drillPredicates["satisfaction_"+strconv.Itoa(i)] = [2]string{"w.satisfaction_score = " + strconv.Itoa(i), "true"}
	}
}

// Drill implements report.Driller: keyset pages over (at, id).
func (s *Store) Drill(ctx context.Context, u core.UnitOfWork, re report.Reach, q report.DrillQuery, emit func(report.DrillItem) error) (string, error) {
	src, ok := drillSources[q.Metric.Drill]
	pred, ok2 := drillPredicates[q.Metric.ID]
	if !ok || !ok2 {
		return "", core.FieldError("metric", "metric %q has no drill-down", q.Metric.ID)
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// The period's bounds in the tenant's time zone, as instants: the
	// index on (tenant_id, created_at) serves the range and the order.
	var lo, hi time.Time
	if err := unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(&lo, &hi) },
		`SELECT ($1::date)::timestamp AT TIME ZONE timezone, ($2::date + 1)::timestamp AT TIME ZONE timezone
		FROM tenants WHERE id = app_current_tenant()`, q.From.Format("2006-01-02"), q.To.Format("2006-01-02")); err != nil {
		return "", err
	}
	where := []string{pred[0], src.at + " >= " + arg(lo), src.at + " < " + arg(hi)}
	site, tech := src.dims["site"], src.dims["technician"]
	if !re.All {
		var or []string
		if site != "" && len(re.Regions)+len(re.Sites) > 0 {
			or = append(or, site+` IN (SELECT s2.id FROM sites s2 WHERE s2.id = ANY(`+arg(nonNilIDs(re.Sites))+`)
				OR s2.region_id IN `+regionSubtreeSQL(arg(nonNilIDs(re.Regions)))+`)`)
		}
		if tech != "" && re.Technician != nil {
			or = append(or, tech+" = "+arg(*re.Technician))
		}
		if len(or) == 0 {
			or = []string{"false"}
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	f := q.Filter
	if f.Region != nil {
		where = append(where, site+` IN (SELECT s3.id FROM sites s3 WHERE s3.region_id IN `+regionSubtreeSQL(arg([]uuid.UUID{*f.Region}))+`)`)
	}
	for _, c := range []struct {
		dim string
		v   any
		set bool
	}{{"site", f.Site, f.Site != nil}, {"technician", f.Technician, f.Technician != nil}, {"product_line", f.ProductLine, f.ProductLine != ""},
		{"service_type", f.ServiceType, f.ServiceType != ""}, {"channel", f.Channel, f.Channel != ""}, {"model", f.Model, f.Model != nil}} {
		if !c.set {
			continue
		}
		if f, ok := c.v.(*uuid.UUID); ok {
			c.v = *f
		}
		where = append(where, src.dims[c.dim]+" = "+arg(c.v))
	}
	idCol := strings.Split(src.cols, ", ")[1]
	key, order := "("+src.at+", "+idCol+")", src.at+", "+idCol
	if src.tie != "" {
		key, order = "("+src.at+", "+idCol+", "+src.tie+")", order+", "+src.tie
	}
	if q.After != "" {
		at, rest, ok := strings.Cut(q.After, "_")
		id, tie, hasTie := strings.Cut(rest, "_")
		t, err1 := time.Parse(time.RFC3339Nano, at)
		uid, err2 := uuid.Parse(id)
		if !ok || err1 != nil || err2 != nil || hasTie != (src.tie != "") {
			return "", core.FieldError("cursor", "is not a cursor of this list")
		}
		after := "(" + arg(t) + ", " + arg(uid)
		if hasTie {
			after += ", " + arg(tie)
		}
		where = append(where, key+" > "+after+")")
	}
	limit := q.Limit
	sql := "SELECT " + src.cols + ", (" + pred[1] + ") FROM " + src.from + " WHERE " + strings.Join(where, " AND ") +
		" ORDER BY " + order
	if limit > 0 {
		sql += " LIMIT " + strconv.Itoa(limit+1)
	}
	c, err := unitOf(u).conn(ctx)
	if err != nil {
		return "", err
	}
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	n, next := 0, ""
	var last report.DrillItem
	for rows.Next() {
		var it report.DrillItem
		var number *string
		if err := rows.Scan(&it.Kind, &it.ID, &number, &it.WorkOrderID, &it.At, &it.State, &it.SiteID, &it.TechnicianID, &it.Counted); err != nil {
			return "", err
		}
		if number != nil {
			it.Number = *number
		}
		n++
		if limit > 0 && n > limit {
			next = last.At.UTC().Format(time.RFC3339Nano) + "_" + last.ID.String()
			if src.tie != "" {
				next += "_" + last.State // the tie column is the item's state
			}
			break
		}
		if err := emit(it); err != nil {
			return "", err
		}
		last = it
	}
	return next, rows.Err()
}

// TechnicianInReach implements report.Store: the technician is reach's own
// or belongs (technicians.site_id) to a site within reach. It lives with
// the drill-down, whose scope reads the same sites.
func (s *Store) TechnicianInReach(ctx context.Context, u core.UnitOfWork, re report.Reach, technician uuid.UUID) (bool, error) {
	if re.All || re.Technician != nil && *re.Technician == technician {
		return true, nil
	}
	var ok bool
	err := unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(&ok) },
		`SELECT EXISTS (SELECT 1 FROM technicians t JOIN sites s2 ON s2.tenant_id = t.tenant_id AND s2.id = t.site_id
		WHERE t.id = $1 AND (s2.id = ANY($2) OR s2.region_id IN `+regionSubtreeSQL("$3")+`))`,
		technician, nonNilIDs(re.Sites), nonNilIDs(re.Regions))
	return ok, err
}

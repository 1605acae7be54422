package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// reportDimSQL is each dimension's column over report_daily r (and, for
// the region, the bucket's site s).
var reportDimSQL = map[string]string{
	report.DimRegion:      "coalesce(s.region_id::text, '')",
	report.DimSite:        "nullif(r.site_id, " + nilID + ")::text",
	report.DimTechnician:  "nullif(r.technician_id, " + nilID + ")::text",
	report.DimProductLine: "r.product_line",
	report.DimServiceType: "r.service_type",
	report.DimChannel:     "r.channel",
	report.DimModel:       "nullif(r.model_id, " + nilID + ")::text",
}

// reportReachSQL is the condition on the bucket r for being within reach.
func reportReachSQL(re report.Reach, arg func(any) string) string {
	if re.All {
		return "true"
	}
	var or []string
	if len(re.Regions)+len(re.Sites) > 0 {
		or = append(or, `r.site_id IN (SELECT s2.id FROM sites s2 WHERE s2.id = ANY(`+arg(nonNilIDs(re.Sites))+`)
			OR s2.region_id IN `+regionSubtreeSQL(arg(nonNilIDs(re.Regions)))+`)`)
	}
	if re.Technician != nil {
		or = append(or, `r.technician_id = `+arg(*re.Technician))
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// SumBuckets implements report.Store.
func (s *Store) SumBuckets(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string) ([]report.Bucket, error) {
	aggs := make([]string, len(reportCols))
	for i, c := range reportCols {
		aggs[i] = "sum(r." + c + ")::bigint"
	}
	return s.buckets(ctx, u, re, from, to, gran, f, groupBy, reportSumSource(re, f, groupBy), nil, aggs, func(b *report.Bucket) []any {
		return sumsTargets(&b.Sums)
	})
}

// medianSourceSQL is the completed orders as report_daily's key columns
// plus secs, the time to complete: $1 and $2 the period's bounds, $3 the
// tenant's time zone.
const medianSourceSQL = `(SELECT w.tenant_id, (w.created_at AT TIME ZONE $3)::date AS day, ` +
	`coalesce(w.site_id, ` + nilID + `) AS site_id, coalesce(w.technician_id, ` + nilID + `) AS technician_id, ` +
	`coalesce(w.product_line, '') AS product_line, w.service_type, w.channel, ` + orderModelSQL + ` AS model_id, ` +
	completeSecondsSQL + ` AS secs
	FROM work_orders w WHERE w.created_at >= $1 AND w.created_at < $2 AND w.completed_at IS NOT NULL) r`

// medianRawBuckets is MedianBuckets from the raw orders: the lower median
// of the time to complete, exact, from the completed orders of the period
// (bounded by report.MaxPeriodDays) through the index on (tenant_id,
// created_at). MedianBuckets uses it when no rollup covers the query (the
// model) or a rollup's bins disagree with the orders (not yet refreshed).
func (s *Store) medianRawBuckets(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string) ([]report.Bucket, error) {
	var lo, hi time.Time
	var tz string
	if err := unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(&lo, &hi, &tz) },
		`SELECT ($1::date)::timestamp AT TIME ZONE timezone, ($2::date + 1)::timestamp AT TIME ZONE timezone, timezone
		FROM tenants WHERE id = app_current_tenant()`, from.Format("2006-01-02"), to.Format("2006-01-02")); err != nil {
		return nil, err
	}
	return s.buckets(ctx, u, re, from, to, gran, f, groupBy, medianSourceSQL, []any{lo, hi, tz},
		[]string{"percentile_disc(0.5) WITHIN GROUP (ORDER BY r.secs)"}, func(b *report.Bucket) []any {
			return []any{&b.Sums.MedianCompleteSeconds}
		})
}

// buckets groups the rows of source (alias r, report_daily's key columns)
// within reach, the days and the filter, selecting aggs into targets; keep,
// if given, adds a condition on each row's bucket key (its start, "" for
// none, and its groups' values, "" for none, joined by "|").
func (s *Store) buckets(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string, source string, args []any, aggs []string, targets func(*report.Bucket) []any,
	keep ...func(key string, arg func(any) string) string) ([]report.Bucket, error) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"r.day BETWEEN " + arg(from.Format("2006-01-02")) + "::date AND " + arg(to.Format("2006-01-02")) + "::date",
		reportReachSQL(re, arg)}
	if f.Region != nil {
		where = append(where, "s.region_id IN "+regionSubtreeSQL(arg([]uuid.UUID{*f.Region})))
	}
	for _, c := range []struct {
		col string
		v   *uuid.UUID
	}{{"r.site_id", f.Site}, {"r.technician_id", f.Technician}, {"r.model_id", f.Model}} {
		if c.v != nil {
			where = append(where, c.col+" = "+arg(*c.v))
		}
	}
	for _, c := range []struct{ col, v string }{{"r.product_line", f.ProductLine}, {"r.service_type", f.ServiceType}, {"r.channel", f.Channel}} {
		if c.v != "" {
			where = append(where, c.col+" = "+arg(c.v))
		}
	}
	start := "NULL::date"
	switch gran {
	case report.Day:
		start = "r.day"
	case report.Week, report.Month:
		start = "date_trunc('" + gran + "', r.day::timestamp)::date"
	}
	sel := []string{start}
	group := []string{"1"}
	for i, d := range groupBy {
		sel = append(sel, reportDimSQL[d])
		group = append(group, strconv.Itoa(i+2))
	}
	if len(keep) > 0 { // a condition on the row's bucket key: start|dimension values…
		key := []string{"coalesce(to_char(" + start + ", 'YYYY-MM-DD'), '')"}
		for _, d := range groupBy {
			key = append(key, "coalesce("+reportDimSQL[d]+", '')")
		}
		where = append(where, keep[0]("concat_ws('|', "+strings.Join(key, ", ")+")", arg))
	}
	sel = append(sel, aggs...)
	join := "" // the region is the site's: only the region needs the site (a rollup without site never serves it)
	if f.Region != nil || slices.Contains(groupBy, report.DimRegion) {
		join = ` LEFT JOIN sites s ON s.tenant_id = r.tenant_id AND s.id = r.site_id`
	}
	sql := `SELECT ` + strings.Join(sel, ", ") + ` FROM ` + source + join + `
		WHERE ` + strings.Join(where, " AND ") + ` GROUP BY ` + strings.Join(group, ", ")
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (report.Bucket, error) {
		var b report.Bucket
		var st *time.Time
		dims := make([]*string, len(groupBy))
		dst := []any{&st}
		for i := range dims {
			dst = append(dst, &dims[i])
		}
		dst = append(dst, targets(&b)...)
		if err := row.Scan(dst...); err != nil {
			return b, err
		}
		if st != nil {
			b.Start = *st
		}
		b.Group = map[string]string{}
		for i, d := range groupBy {
			if dims[i] != nil {
				b.Group[d] = *dims[i]
			} else {
				b.Group[d] = ""
			}
		}
		return b, nil
	})
}

// RegionInReach implements report.Store: the region lies in the subtree of
// one of reach's regions.
func (s *Store) RegionInReach(ctx context.Context, u core.UnitOfWork, re report.Reach, region uuid.UUID) (bool, error) {
	if re.All {
		return true, nil
	}
	var ok bool
	err := unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(&ok) },
		`SELECT $1::uuid IN `+regionSubtreeSQL("$2"), region, nonNilIDs(re.Regions))
	return ok, err
}

// SiteInReach implements report.Store.
func (s *Store) SiteInReach(ctx context.Context, u core.UnitOfWork, re report.Reach, site uuid.UUID) (bool, error) {
	if re.All {
		return true, nil
	}
	var ok bool
	err := unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(&ok) },
		`SELECT EXISTS (SELECT 1 FROM sites s2 WHERE s2.id = $1 AND (s2.id = ANY($2) OR s2.region_id IN `+regionSubtreeSQL("$3")+`))`,
		site, nonNilIDs(re.Sites), nonNilIDs(re.Regions))
	return ok, err
}

// TechnicianBuckets implements report.Store: per bucket, the distinct
// technicians with an order assigned, from the smallest table that keeps
// the technician besides what the query needs (report_daily_by_tech for
// the site, region and technician; report_daily otherwise).
func (s *Store) TechnicianBuckets(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string) ([]report.Bucket, error) {
	src := reportSourceFor(re, f, append(slices.Clip(groupBy), report.DimTechnician)).table + " r"
	return s.buckets(ctx, u, re, from, to, gran, f, groupBy, src, nil,
		[]string{"count(DISTINCT r.technician_id) FILTER (WHERE r.technician_id <> " + nilID + " AND r.assigned > 0)"},
		func(b *report.Bucket) []any { return []any{&b.Sums.ActiveTechnicians} })
}

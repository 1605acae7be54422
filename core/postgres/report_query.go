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

// reportDimSQL is each dimension's column over report_daily r (and, for
// the region, the bucket's site s).
var reportDimSQL = map[string]string{
	report.DimRegion:      "coalesce(s.region_id::text, '')",
	report.DimSite:        "nullif(r.site_id, " + nilID + ")::text",
	report.DimTechnician:  "nullif(r.technician_id, " + nilID + ")::text",
	report.DimProductLine: "r.product_line",
	report.DimServiceType: "r.service_type",
	report.DimChannel:     "r.channel",
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
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"r.day BETWEEN " + arg(from.Format("2006-01-02")) + "::date AND " + arg(to.Format("2006-01-02")) + "::date",
		reportReachSQL(re, arg)}
	if f.Region != nil {
		where = append(where, "s.region_id IN "+regionSubtreeSQL(arg([]uuid.UUID{*f.Region})))
	}
	if f.Site != nil {
		where = append(where, "r.site_id = "+arg(*f.Site))
	}
	if f.Technician != nil {
		where = append(where, "r.technician_id = "+arg(*f.Technician))
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
	for _, c := range reportCols {
		sel = append(sel, "sum(r."+c+")::bigint")
	}
	sql := `SELECT ` + strings.Join(sel, ", ") + ` FROM report_daily r LEFT JOIN sites s ON s.tenant_id = r.tenant_id AND s.id = r.site_id
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
		dst = append(dst, sumsTargets(&b.Sums)...)
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

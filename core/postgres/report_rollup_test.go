package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/report"
)

// rawOrder is one order as the brute-force recomputation reads it.
type rawOrder struct {
	day                                   time.Time
	site, tech, region, model             string
	line, service, channel, state         string
	secs                                  *int64
	score                                 *int32
	siteID, techID, regionOfSite, modelID *uuid.UUID
	// unitDone: completed with a unit; repeat: and the unit had another
	// order completed in the 720 hours before this one was created.
	unitDone, repeat bool
}

// TestReportRollupsEqualRecomputation: on a tenant loaded as the report
// benchmarks load it (6,000 orders over a year, 200 sites, 800
// technicians), every rollup path of SumBuckets (by site, by product line
// × service type × channel, by site × technician, by site × product line ×
// service type × channel) and of the histogram median equals a brute-force
// recomputation from the raw orders: grouped by technician, by service
// type, by channel, filtered by channel, by service type and by
// technician, a technician's and a province's reach, by day and week, and
// (every 6th completed order of the period moved to no site) by site, by
// site weekly and filtered by a site, whose medians read their bins by
// site. Three
// days' times to complete are then set so that their medians fall on a
// bin boundary (59 s | 60 s: the last order of bin 0, the first of bin 1,
// ties and even counts) and compared again after the report job.
func TestReportRollupsEqualRecomputation(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	n := reportBenchTenant(t, s, dbURL, "rollups", 6000)
	owner, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer owner.Close(ctx)
	var tz string
	require.NoError(t, owner.QueryRow(ctx, `SELECT timezone FROM tenants WHERE id = $1`, n.Tenant).Scan(&tz))
	loc, err := time.LoadLocation(tz)
	require.NoError(t, err)
	now := time.Now().In(loc)
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	from := to.AddDate(0, 0, -34)

	// The orders' stored bin is on the bins' bounds.
	var def string
	require.NoError(t, owner.QueryRow(ctx, `SELECT generation_expression FROM information_schema.columns
		WHERE table_name = 'work_orders' AND column_name = 'ttc_bin'`).Scan(&def))
	bounds := make([]string, len(postgres.ReportTTCBounds))
	for i, b := range postgres.ReportTTCBounds {
		bounds[i] = fmt.Sprint(b)
	}
	require.Contains(t, def, "'{"+strings.Join(bounds, ",")+"}'::bigint[]")

	var tech uuid.UUID
	var province, site uuid.UUID
	require.NoError(t, owner.QueryRow(ctx, `SELECT w.technician_id, s.region_id, s.id FROM work_orders w JOIN sites s ON s.id = w.site_id
		WHERE w.tenant_id = $1 AND w.completed_at IS NOT NULL AND w.created_at >= now() - interval '30 days'
		GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1`, n.Tenant).Scan(&tech, &province, &site))
	// Some orders of no site (the nil group of a by-site median, read by
	// its own index range): every 6th completed order of the period.
	var noSite int
	require.NoError(t, owner.QueryRow(ctx, `WITH o AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM work_orders
			WHERE tenant_id = $1 AND completed_at IS NOT NULL AND created_at >= now() - interval '30 days'),
		u AS (UPDATE work_orders w SET site_id = NULL FROM o WHERE w.tenant_id = $1 AND w.id = o.id AND o.k % 6 = 0 RETURNING 1)
		SELECT count(*) FROM u`, n.Tenant).Scan(&noSite))
	require.Greater(t, noSite, 10, "completed orders of no site")
	// Repeat repairs: every 4th order of the last 65 days moved onto one of
	// three units (the update marks the days the unit change touches), so
	// that their earlier orders, completed or not, within 720 hours or not,
	// make some of them repeats.
	_, err = owner.Exec(ctx, `WITH o AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM work_orders
			WHERE tenant_id = $1 AND created_at >= now() - interval '65 days'),
		u AS (SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT id FROM units WHERE tenant_id = $1 ORDER BY id LIMIT 3) x)
		UPDATE work_orders w SET unit_id = u.ids[1 + o.k % 3] FROM o, u WHERE w.tenant_id = $1 AND w.id = o.id AND o.k % 4 = 0`, n.Tenant)
	require.NoError(t, err)
	for {
		k, err := s.RefreshReports(ctx, 100)
		require.NoError(t, err)
		if k == 0 {
			break
		}
	}
	cases := []struct {
		name    string
		re      report.Reach
		f       report.Filter
		groupBy []string
		gran    string
		source  string
	}{
		{"overview by day", report.Reach{All: true}, report.Filter{}, nil, report.Day, "report_daily_by_site"},
		{"by technician", report.Reach{All: true}, report.Filter{}, []string{report.DimTechnician}, "", "report_daily_by_tech"},
		{"by technician weekly", report.Reach{All: true}, report.Filter{}, []string{report.DimTechnician}, report.Week, "report_daily_by_tech"},
		{"technician filter", report.Reach{All: true}, report.Filter{Technician: &tech}, nil, report.Day, "report_daily_by_tech"},
		{"a technician's reach", report.Reach{Technician: &tech}, report.Filter{}, nil, report.Week, "report_daily_by_tech"},
		{"by service type", report.Reach{All: true}, report.Filter{}, []string{report.DimServiceType}, report.Day, "report_daily_by_line"},
		{"channel filter by product line", report.Reach{All: true}, report.Filter{Channel: "portal"},
			[]string{report.DimProductLine}, "", "report_daily_by_line"},
		{"service type filter by channel", report.Reach{All: true}, report.Filter{ServiceType: "install"},
			[]string{report.DimChannel}, report.Week, "report_daily_by_line"},
		{"channel filter by site", report.Reach{All: true}, report.Filter{Channel: "phone"}, []string{report.DimSite}, "", "report_daily_by_attr"},
		{"province reach by service type", report.Reach{Regions: []uuid.UUID{province}}, report.Filter{},
			[]string{report.DimServiceType}, report.Day, "report_daily_by_attr"},
		{"by region and channel", report.Reach{All: true}, report.Filter{}, []string{report.DimRegion, report.DimChannel}, "", "report_daily_by_attr"},
		{"by region", report.Reach{All: true}, report.Filter{}, []string{report.DimRegion}, report.Week, "report_daily_by_site"},
		// The medians' bins read by site (work_orders_ttc_bin_site, 00118): per
		// site (with the orders of no site), weekly, and a site's filter.
		{"by site", report.Reach{All: true}, report.Filter{}, []string{report.DimSite}, "", "report_daily_by_site"},
		{"by site weekly", report.Reach{All: true}, report.Filter{}, []string{report.DimSite}, report.Week, "report_daily_by_site"},
		{"site filter by day", report.Reach{All: true}, report.Filter{Site: &site}, nil, report.Day, "report_daily_by_site"},
		{"by model (report_daily, raw median)", report.Reach{All: true}, report.Filter{}, []string{report.DimModel}, "", "report_daily"},
	}
	check := func(stage string) {
		stale := postgres.MedianStale()
		defer func() { require.Equal(t, stale, postgres.MedianStale(), "%s: the medians came from the bins", stage) }()
		orders := rawOrders(t, owner, n.Tenant, tz, from, to)
		for _, c := range cases {
			require.Equal(t, c.source+" r", postgres.ReportSumSource(c.re, c.f, c.groupBy), c.name)
			want, wantMed := bruteForce(orders, c.re, c.f, c.groupBy, c.gran)
			got, gotMed := map[string]report.Sums{}, map[string]int64{}
			require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
				bs, err := s.SumBuckets(ctx, u, c.re, from, to, c.gran, c.f, c.groupBy)
				if err != nil {
					return err
				}
				for _, b := range bs {
					if b.Sums.Orders > 0 {
						got[bucketKey(b.Start, b.Group, c.groupBy)] = b.Sums
					}
				}
				ms, err := s.MedianBuckets(ctx, u, c.re, from, to, c.gran, c.f, c.groupBy)
				for _, b := range ms {
					if b.Sums.MedianCompleteSeconds != nil {
						gotMed[bucketKey(b.Start, b.Group, c.groupBy)] = *b.Sums.MedianCompleteSeconds
					}
				}
				if err != nil {
					return err
				}
				// The sums with the medians in one read: SumBuckets' buckets, each with its median.
				both, err := s.SumMedianBuckets(ctx, u, c.re, from, to, c.gran, c.f, c.groupBy)
				sums, bothSums, bothMed := map[string]report.Sums{}, map[string]report.Sums{}, map[string]int64{}
				for _, b := range bs {
					sums[bucketKey(b.Start, b.Group, c.groupBy)] = b.Sums
				}
				for _, b := range both {
					k := bucketKey(b.Start, b.Group, c.groupBy)
					if b.Sums.MedianCompleteSeconds != nil {
						bothMed[k] = *b.Sums.MedianCompleteSeconds
					}
					b.Sums.MedianCompleteSeconds = nil
					bothSums[k] = b.Sums
				}
				require.Len(t, both, len(bs), "%s %s: sums with medians", stage, c.name)
				require.Equal(t, sums, bothSums, "%s %s: sums with medians", stage, c.name)
				require.Equal(t, gotMed, bothMed, "%s %s: medians with the sums", stage, c.name)
				return err
			}))
			require.NotEmpty(t, want, "%s %s: the case selects orders", stage, c.name)
			if c.re.All && c.f == (report.Filter{}) {
				var rep int64
				for _, w := range want {
					rep += w.RepeatRepairs
				}
				require.Positive(t, rep, "%s %s: repeat repairs in the period", stage, c.name)
			}
			require.Equal(t, sortedKeys(want), sortedKeys(got), "%s %s: groups", stage, c.name)
			for k, w := range want {
				g := got[k]
				require.Equal(t, [7]int64{w.Orders, w.Cancelled, w.Assigned, w.Completed, w.CompleteSeconds, w.Scored, w.ScoreSum},
					[7]int64{g.Orders, g.Cancelled, g.Assigned, g.Completed, g.CompleteSeconds, g.Scored, g.ScoreSum}, "%s %s %s", stage, c.name, k)
				require.Equal(t, w.Score, g.Score, "%s %s %s: scores", stage, c.name, k)
				require.Equal(t, [4]int64{w.Complete4h, w.Complete24h, w.Complete72h, w.CompleteOver},
					[4]int64{g.Complete4h, g.Complete24h, g.Complete72h, g.CompleteOver}, "%s %s %s: distribution", stage, c.name, k)
				require.Equal(t, [2]int64{w.UnitCompleted, w.RepeatRepairs}, [2]int64{g.UnitCompleted, g.RepeatRepairs},
					"%s %s %s: repeat repairs", stage, c.name, k)
			}
			require.Equal(t, wantMed, gotMed, "%s %s: medians", stage, c.name)
		}
	}
	check("after the load")

	// Medians on the 59 s | 60 s boundary (bins 0 and 1), three days of the
	// period, each day's completed orders in the order of their ids: (a) the
	// first ⌈n/2⌉ 59 s, the others 60 s: the median is bin 0's last; (b) the
	// first ⌈n/2⌉−1 59 s: bin 1's first; (c) all 60 s but the last 61 s (ties).
	for i, d := range []int{3, 10, 17} {
		day := to.AddDate(0, 0, -d).Format("2006-01-02")
		_, err := owner.Exec(ctx, `WITH o AS (SELECT id, created_at, row_number() OVER (ORDER BY id) AS k, count(*) OVER () AS n
				FROM work_orders WHERE tenant_id = $1 AND completed_at IS NOT NULL
					AND created_at >= ($2::date)::timestamp AT TIME ZONE $3 AND created_at < ($2::date + 1)::timestamp AT TIME ZONE $3)
			UPDATE work_orders w SET completed_at = o.created_at + make_interval(secs => CASE $4::int
				WHEN 0 THEN CASE WHEN o.k <= (o.n + 1) / 2 THEN 59 ELSE 60 END
				WHEN 1 THEN CASE WHEN o.k <= (o.n + 1) / 2 - 1 THEN 59 ELSE 60 END
				ELSE CASE WHEN o.k < o.n THEN 60 ELSE 61 END END + 0.25)
			FROM o WHERE w.tenant_id = $1 AND w.id = o.id`, n.Tenant, day, tz, i)
		require.NoError(t, err)
	}
	for {
		k, err := s.RefreshReports(ctx, 100)
		require.NoError(t, err)
		if k == 0 {
			break
		}
	}
	orders := rawOrders(t, owner, n.Tenant, tz, from, to)
	_, meds := bruteForce(orders, report.Reach{All: true}, report.Filter{}, nil, report.Day)
	for i, d := range []int{3, 10, 17} {
		day := to.AddDate(0, 0, -d).Format("2006-01-02")
		require.Equal(t, []int64{59, 60, 60}[i], meds[day], "the boundary day %s's median", day)
	}
	check("after setting medians on a bin boundary")

	// A day whose bins a writer older than 00115 left at 0 (it rewrote the
	// rollup's rows without them): the medians read the orders, still exact.
	zero := make([]string, len(postgres.ReportTTCBounds)+1)
	for i := range zero {
		zero[i] = fmt.Sprintf("ttc_%02d = 0", i)
	}
	_, err = owner.Exec(ctx, `UPDATE report_daily_by_site SET `+strings.Join(zero, ", ")+` WHERE tenant_id = $1 AND day = $2`,
		n.Tenant, to.AddDate(0, 0, -5).Format("2006-01-02"))
	require.NoError(t, err)
	stale := postgres.MedianStale()
	got := map[string]int64{}
	require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		ms, err := s.MedianBuckets(ctx, u, report.Reach{All: true}, from, to, report.Day, report.Filter{}, nil)
		for _, b := range ms {
			got[bucketKey(b.Start, b.Group, nil)] = *b.Sums.MedianCompleteSeconds
		}
		return err
	}))
	require.Equal(t, meds, got, "medians with a day's bins left behind")
	require.Greater(t, postgres.MedianStale(), stale, "read from the orders")
	stale = postgres.MedianStale()
	clear(got)
	require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		ms, err := s.SumMedianBuckets(ctx, u, report.Reach{All: true}, from, to, report.Day, report.Filter{}, nil)
		for _, b := range ms {
			require.NotZero(t, b.Sums.Orders, "the sums with the medians")
			got[bucketKey(b.Start, b.Group, nil)] = *b.Sums.MedianCompleteSeconds
		}
		return err
	}))
	require.Equal(t, meds, got, "medians with the sums with a day's bins left behind")
	require.Greater(t, postgres.MedianStale(), stale, "read from the orders")
}

// rawOrders reads the tenant's orders created on days [from, to] (its zone).
func rawOrders(t *testing.T, owner *pgx.Conn, tenant uuid.UUID, tz string, from, to time.Time) []rawOrder {
	// Every order of the tenant's units, for the repeats.
	type done struct {
		id        uuid.UUID
		completed *time.Time
	}
	urows, err := owner.Query(context.Background(), `SELECT unit_id, id, completed_at FROM work_orders WHERE tenant_id = $1 AND unit_id IS NOT NULL`, tenant)
	require.NoError(t, err)
	byUnit := map[uuid.UUID][]done{}
	for urows.Next() {
		var u uuid.UUID
		var d done
		require.NoError(t, urows.Scan(&u, &d.id, &d.completed))
		byUnit[u] = append(byUnit[u], d)
	}
	require.NoError(t, urows.Err())
	rows, err := owner.Query(context.Background(), `SELECT (w.created_at AT TIME ZONE $2)::date, w.site_id, w.technician_id, s.region_id,
			coalesce(w.product_line, ''), w.service_type, w.channel, w.state::text,
			floor(extract(epoch FROM w.completed_at - w.created_at))::bigint, w.satisfaction_score,
			(SELECT un.model_id FROM units un WHERE un.tenant_id = w.tenant_id AND un.id = w.unit_id), w.id, w.unit_id, w.created_at, w.completed_at
		FROM work_orders w LEFT JOIN sites s ON s.id = w.site_id
		WHERE w.tenant_id = $1 AND w.created_at >= ($3::date)::timestamp AT TIME ZONE $2 AND w.created_at < ($4::date + 1)::timestamp AT TIME ZONE $2`,
		tenant, tz, from.Format("2006-01-02"), to.Format("2006-01-02"))
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rawOrder, error) {
		var o rawOrder
		var id uuid.UUID
		var unit *uuid.UUID
		var created time.Time
		var completed *time.Time
		err := r.Scan(&o.day, &o.siteID, &o.techID, &o.regionOfSite, &o.line, &o.service, &o.channel, &o.state, &o.secs, &o.score, &o.modelID,
			&id, &unit, &created, &completed)
		if err != nil {
			return o, err
		}
		if unit != nil && completed != nil {
			o.unitDone = true
			for _, p := range byUnit[*unit] {
				if p.id != id && p.completed != nil && !p.completed.Before(created.Add(-720*time.Hour)) && p.completed.Before(created) {
					o.repeat = true
				}
			}
		}
		if o.siteID != nil {
			o.site = o.siteID.String()
		}
		if o.techID != nil {
			o.tech = o.techID.String()
		}
		if o.regionOfSite != nil {
			o.region = o.regionOfSite.String()
		}
		if o.modelID != nil {
			o.model = o.modelID.String()
		}
		return o, err
	})
	require.NoError(t, err)
	return out
}

// bruteForce sums the orders' counters and lower medians per bucket key,
// applying the reach (a province: its own sites; the provinces have no
// children) and the filter as a report reads them.
func bruteForce(orders []rawOrder, re report.Reach, f report.Filter, groupBy []string, gran string) (map[string]report.Sums, map[string]int64) {
	sums := map[string]*report.Sums{}
	secs := map[string][]int64{}
	for _, o := range orders {
		switch {
		case re.All:
		case re.Technician != nil:
			if o.tech != re.Technician.String() {
				continue
			}
		default:
			if o.regionOfSite == nil || !slices.Contains(re.Regions, *o.regionOfSite) {
				continue
			}
		}
		if f.Site != nil && o.site != f.Site.String() || f.Technician != nil && o.tech != f.Technician.String() || f.Channel != "" && o.channel != f.Channel ||
			f.ServiceType != "" && o.service != f.ServiceType || f.ProductLine != "" && o.line != f.ProductLine {
			continue
		}
		start := o.day
		switch gran {
		case "":
			start = time.Time{}
		case report.Week:
			start = o.day.AddDate(0, 0, -((int(o.day.Weekday()) + 6) % 7))
		}
		dims := map[string]string{report.DimRegion: o.region, report.DimSite: o.site, report.DimTechnician: o.tech,
			report.DimProductLine: o.line, report.DimServiceType: o.service, report.DimChannel: o.channel, report.DimModel: o.model}
		k := bucketKey(start, dims, groupBy)
		s := sums[k]
		if s == nil {
			s = &report.Sums{}
			sums[k] = s
		}
		s.Orders++
		if o.state == "cancelled" {
			s.Cancelled++
		}
		if o.techID != nil {
			s.Assigned++
		}
		if o.secs != nil {
			v := *o.secs
			s.Completed++
			s.CompleteSeconds += v
			switch {
			case v <= 4*3600:
				s.Complete4h++
			case v <= 24*3600:
				s.Complete24h++
			case v <= 72*3600:
				s.Complete72h++
			default:
				s.CompleteOver++
			}
			secs[k] = append(secs[k], v)
		}
		if o.unitDone {
			s.UnitCompleted++
		}
		if o.repeat {
			s.RepeatRepairs++
		}
		if o.score != nil {
			s.Scored++
			s.ScoreSum += int64(*o.score)
			s.Score[*o.score-1]++
		}
	}
	out, meds := map[string]report.Sums{}, map[string]int64{}
	for k, s := range sums {
		out[k] = *s
		if v := secs[k]; len(v) > 0 {
			slices.Sort(v)
			meds[k] = v[(len(v)-1)/2]
		}
	}
	return out, meds
}

// bucketKey is a bucket's start (the date; none for a total) and its groups' values.
func bucketKey(start time.Time, group map[string]string, groupBy []string) string {
	var b strings.Builder
	if !start.IsZero() {
		b.WriteString(start.Format("2006-01-02"))
	}
	for _, d := range groupBy {
		fmt.Fprintf(&b, "|%s=%s", d, group[d])
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

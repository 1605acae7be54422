package postgres_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/report"
)

// BenchmarkReportOverview measures the reports overview on a tenant with
// REPORT_BENCH_ORDERS orders (default 1,000,000) spread over a year across
// 50 sites, 3 service types and 3 channels, after the report job has
// aggregated them: the portal's two queries (8 metrics over 30 days with
// the previous 30 and a daily series; the site ranking) as one overview,
// and a drill-down page of 50 orders. Each in its own tenant unit as the
// API runs it; reports p50/p99. Goals (issue 18, at 10,000,000 orders):
// overview p99 < 200 ms, drill-down p99 < 50 ms.
func BenchmarkReportOverview(b *testing.B) {
	orders := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("REPORT_BENCH_ORDERS")); err == nil && v > 0 {
		orders = v
	}
	clock := &coretest.Clock{}
	pool, dbURL := pgtest.NewPool(b)
	s := postgres.NewStore(pool, clock, slog.New(slog.DiscardHandler))
	n := pgtest.NewNetwork(b, s, "bench", "")
	ctx := context.Background()
	start := time.Now()
	pgtest.TenantExec(b, pool, n.Tenant, `INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km)
		SELECT $1::uuid, md5('site' || g)::uuid, 'BS-' || g, 'Site ' || g, 'service_station', $2, 22.5, 114.0, 30
		FROM generate_series(1, 49) g`, n.Tenant, n.Region)
	pgtest.TenantExec(b, pool, n.Tenant, `INSERT INTO service_types (tenant_id, code, name_zh, name_en) VALUES
		($1, 'b-install', '安装', 'Install'), ($1, 'b-consult', '咨询', 'Consult') ON CONFLICT DO NOTHING`, n.Tenant)
	// Orders every ~31 s over the last 365 days; a tenth cancelled, most
	// responded, arrived and completed, half scored.
	pgtest.TenantExec(b, pool, n.Tenant, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id,
			product_line, service_type, site_id, technician_id, responded_at, arrive_by, arrived_at, completed_at,
			satisfaction_score, created_by, created_at, updated_at)
		SELECT $1::uuid, md5($1::uuid::text || g)::uuid, 'B-' || g, 'repair', (ARRAY['phone','app','web'])[1 + g % 3],
			CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'completed' END, $2, 'AC',
			(ARRAY['repair','b-install','b-consult'])[1 + g % 3],
			CASE WHEN g % 50 = 0 THEN $3 ELSE md5('site' || (g % 50))::uuid END, NULL,
			at + (g % 180) * interval '1 minute', at + interval '1 day', at + (g % 2000) * interval '1 minute',
			at + (g % 3000) * interval '1 minute' + interval '1 hour', CASE WHEN g % 2 = 0 THEN 1 + g % 5 END, 'bench', at, at
		FROM generate_series(1, $4::int) g, LATERAL (SELECT now() - interval '365 days' + g * (interval '365 days' / $4::int) AS at) t`,
		n.Tenant, n.Customer, n.Site, orders)
	loaded := time.Since(start)
	for {
		k, err := s.RefreshReports(ctx, 100)
		require.NoError(b, err)
		if k == 0 {
			break
		}
	}
	owner, err := pgx.Connect(ctx, dbURL) // ANALYZE as the tables' owner
	require.NoError(b, err)
	_, err = owner.Exec(ctx, `ANALYZE work_orders; ANALYZE report_daily; ANALYZE sites`)
	require.NoError(b, err)
	require.NoError(b, owner.Close(ctx))
	b.Logf("loaded %d orders in %v, aggregated in %v", orders, loaded.Round(time.Millisecond), (time.Since(start) - loaded).Round(time.Millisecond))

	svc := &report.Service{Store: s, Marker: s}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	from := today.AddDate(0, 0, -29)
	metrics := []string{"orders", "response_in_target_rate", "on_time_arrival_rate", "time_to_complete_hours",
		"satisfaction_mean", "complaints_per_1000", "callback_coverage", "sla_misses"}
	overview := func() error {
		return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			res, err := svc.Run(ctx, u, report.Reach{All: true}, report.Query{Metrics: metrics, From: from, To: today, Granularity: report.Day})
			if err == nil && (len(res.Totals) != 1 || len(res.Series) < 29) {
				b.Fatalf("overview: %d totals, %d points", len(res.Totals), len(res.Series))
			}
			if err != nil {
				return err
			}
			res, err = svc.Run(ctx, u, report.Reach{All: true}, report.Query{Metrics: []string{"response_in_target_rate", "orders"},
				From: from, To: today, GroupBy: []string{report.DimSite}})
			if err == nil && len(res.Totals) != 50 {
				b.Fatalf("ranking: %d sites", len(res.Totals))
			}
			return err
		})
	}
	m, _ := report.Find("orders")
	drill := func() error {
		return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			k := 0
			_, err := s.Drill(ctx, u, report.Reach{All: true}, report.DrillQuery{Metric: m, From: from, To: today, Limit: 50},
				func(report.DrillItem) error { k++; return nil })
			if err == nil && k != 50 {
				b.Fatalf("drill: %d orders", k)
			}
			return err
		})
	}
	for range 10 {
		require.NoError(b, overview())
		require.NoError(b, drill())
	}
	var lo, ld []time.Duration
	for b.Loop() {
		t0 := time.Now()
		require.NoError(b, overview())
		lo = append(lo, time.Since(t0))
		t0 = time.Now()
		require.NoError(b, drill())
		ld = append(ld, time.Since(t0))
	}
	for _, x := range []struct {
		name string
		l    []time.Duration
	}{{"overview", lo}, {"drill", ld}} {
		slices.Sort(x.l)
		b.ReportMetric(float64(x.l[len(x.l)/2].Microseconds())/1000, x.name+"_p50_ms")
		b.ReportMetric(float64(x.l[len(x.l)*99/100].Microseconds())/1000, x.name+"_p99_ms")
	}
	b.ReportMetric(float64(orders), "orders")
}

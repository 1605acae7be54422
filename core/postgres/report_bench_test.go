package postgres_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/report"
)

// BenchmarkReportOverview measures the reports overview on a tenant with
// REPORT_BENCH_ORDERS orders (default 1,000,000) over a year, next to
// another tenant with REPORT_BENCH_ORDERS_OTHER (default the same), loaded
// by loadReportBench (200 sites in 8 provinces, 40 models, 4 service
// types, 5 channels) and aggregated by the report job: the portal's two
// queries (8 metrics over 30 days with the previous 30 and a daily series;
// the site ranking) as one overview; a drill-down page of 50 orders, the
// first and one deep in the period (a keyset cursor at its middle); the
// exact median time to complete over the 30 days with a daily series and
// per site. Each in its own tenant unit as the API runs it; reports
// p50/p99. Goals (issue 18, at 10,000,000 orders a tenant): overview p99
// < 200 ms, drill-down p99 < 50 ms. REPORT_BENCH_DB keeps the data across
// runs (see reportBenchStore).
func BenchmarkReportOverview(b *testing.B) {
	orders := reportBenchOrders("REPORT_BENCH_ORDERS", 1_000_000)
	s, _, dbURL := reportBenchStore(b)
	ctx := context.Background()
	n := reportBenchTenant(b, s, dbURL, "bench", orders)
	if os.Getenv("REPORT_BENCH_ORDERS_OTHER") != "0" { // 0: no other tenant
		reportBenchTenant(b, s, dbURL, "bench-other", reportBenchOrders("REPORT_BENCH_ORDERS_OTHER", orders))
	}

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
			if err == nil && len(res.Totals) < reportBenchSites/2 {
				b.Fatalf("ranking: %d sites", len(res.Totals))
			}
			return err
		})
	}
	m, _ := report.Find("orders")
	mid := reportBenchStart().AddDate(0, 0, 365-15).Add(12*time.Hour).UTC().Format(time.RFC3339Nano) + "_" + uuid.Nil.String()
	drill := func(after string) error {
		return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			k := 0
			_, err := s.Drill(ctx, u, report.Reach{All: true}, report.DrillQuery{Metric: m, From: from, To: today, Limit: 50, After: after},
				func(report.DrillItem) error { k++; return nil })
			if err == nil && k != 50 {
				b.Fatalf("drill: %d orders", k)
			}
			return err
		})
	}
	median := func() error {
		return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			q := report.Query{Metrics: []string{"time_to_complete_p50_hours", "time_to_complete_hours"}, From: from, To: today, Granularity: report.Day}
			res, err := svc.Run(ctx, u, report.Reach{All: true}, q)
			if err == nil && (len(res.Totals) != 1 || res.Totals[0].Values["time_to_complete_p50_hours"] == nil) {
				b.Fatalf("median: %+v", res.Totals)
			}
			if err != nil {
				return err
			}
			q.Granularity, q.GroupBy = "", []string{report.DimSite}
			_, err = svc.Run(ctx, u, report.Reach{All: true}, q)
			return err
		})
	}
	for range 5 {
		require.NoError(b, overview())
		require.NoError(b, drill(""))
		require.NoError(b, drill(mid))
		require.NoError(b, median())
	}
	var lo, ld, lk, lm []time.Duration
	for b.Loop() {
		for _, x := range []struct {
			l *[]time.Duration
			f func() error
		}{{&lo, overview}, {&ld, func() error { return drill("") }}, {&lk, func() error { return drill(mid) }}, {&lm, median}} {
			t0 := time.Now()
			require.NoError(b, x.f())
			*x.l = append(*x.l, time.Since(t0))
		}
	}
	for _, x := range []struct {
		name string
		l    []time.Duration
	}{{"overview", lo}, {"drill", ld}, {"drill_deep", lk}, {"median", lm}} {
		slices.Sort(x.l)
		b.ReportMetric(float64(x.l[len(x.l)/2].Microseconds())/1000, x.name+"_p50_ms")
		b.ReportMetric(float64(x.l[len(x.l)*99/100].Microseconds())/1000, x.name+"_p99_ms")
	}
	b.Logf("load average after: %s; median queries read from the orders for stale bins: %d", loadAverage(), postgres.MedianStale())
	b.ReportMetric(float64(orders), "orders")
}

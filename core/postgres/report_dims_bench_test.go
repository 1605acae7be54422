package postgres_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// BenchmarkReportDimensions measures queries by the other dimensions on
// the tenant of BenchmarkReportOverview (REPORT_BENCH_ORDERS, default
// 1,000,000; REPORT_BENCH_DB keeps the data), each in its own tenant unit
// as the API runs it, over 30 days with the previous 30: by service type
// with a daily series; filtered on a channel, by product line; a
// technician's own view (their reach) with a weekly series; per technician
// of the busiest site; by model (report_daily); and the exact median time
// to complete by service type and per technician of the busiest site.
// Reports each one's p50/p99.
func BenchmarkReportDimensions(b *testing.B) {
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
	site := reportBenchBusiestSite(n)
	var tech = site // replaced by the busiest technician of the site
	require.NoError(b, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		res, err := svc.Run(ctx, u, report.Reach{All: true}, report.Query{Metrics: []string{"orders"}, From: from, To: today,
			Filter: report.Filter{Site: &site}, GroupBy: []string{report.DimTechnician}})
		if err != nil {
			return err
		}
		best := -1.0
		for _, r := range res.Totals {
			if v := r.Values["orders"]; v != nil && *v > best && r.Group[report.DimTechnician] != "" {
				best = *v
				require.NoError(b, tech.UnmarshalText([]byte(r.Group[report.DimTechnician])))
			}
		}
		return nil
	}))
	metrics := []string{"orders", "response_in_target_rate", "on_time_arrival_rate", "time_to_complete_hours",
		"satisfaction_mean", "callback_coverage", "sla_misses"}
	run := func(re report.Reach, q report.Query) func() error {
		return func() error {
			return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
				q.From, q.To = from, today
				res, err := svc.Run(ctx, u, re, q)
				if err == nil && len(res.Totals) == 0 {
					b.Fatalf("%+v: no totals", q)
				}
				return err
			})
		}
	}
	all := report.Reach{All: true}
	queries := []struct {
		name string
		f    func() error
	}{
		{"by_service_type", run(all, report.Query{Metrics: metrics, Granularity: report.Day, GroupBy: []string{report.DimServiceType}})},
		{"channel_by_line", run(all, report.Query{Metrics: metrics, Filter: report.Filter{Channel: "portal"},
			GroupBy: []string{report.DimProductLine}})},
		{"technician_view", run(report.Reach{Technician: &tech}, report.Query{Metrics: metrics, Granularity: report.Week})},
		{"site_technicians", run(all, report.Query{Metrics: metrics, Filter: report.Filter{Site: &site},
			GroupBy: []string{report.DimTechnician}})},
		{"by_model", run(all, report.Query{Metrics: metrics, GroupBy: []string{report.DimModel}})},
		{"median_by_service_type", run(all, report.Query{Metrics: []string{"time_to_complete_p50_hours"},
			GroupBy: []string{report.DimServiceType}})},
		{"median_site_technicians", run(all, report.Query{Metrics: []string{"time_to_complete_p50_hours"},
			Filter: report.Filter{Site: &site}, GroupBy: []string{report.DimTechnician}})},
	}
	for range 3 {
		for _, q := range queries {
			require.NoError(b, q.f())
		}
	}
	ls := make([][]time.Duration, len(queries))
	for b.Loop() {
		for i, q := range queries {
			t0 := time.Now()
			require.NoError(b, q.f())
			ls[i] = append(ls[i], time.Since(t0))
		}
	}
	for i, q := range queries {
		l := ls[i]
		slices.Sort(l)
		b.ReportMetric(float64(l[len(l)/2].Microseconds())/1000, q.name+"_p50_ms")
		b.ReportMetric(float64(l[len(l)*99/100].Microseconds())/1000, q.name+"_p99_ms")
	}
	b.Logf("load average after: %s", loadAverage())
	b.ReportMetric(float64(orders), "orders")
}

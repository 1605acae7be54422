package postgres_test

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// BenchmarkReportLargeDayRebuild: a marked day of REPORT_REBUILD_DAY_ORDERS
// orders (default 250,000; their scores changed behind the triggers' back)
// rebuilt by the report job's calls (limit 100, as jobs' task), then the
// same day marked again and rebuilt whole in one transaction as before
// (RebuildMarkedDaysWhole), alternated -benchtime times; it logs the calls,
// the longest call and the seconds of each.
func BenchmarkReportLargeDayRebuild(b *testing.B) {
	orders := 250000
	if v, err := strconv.Atoi(os.Getenv("REPORT_REBUILD_DAY_ORDERS")); err == nil && v > 0 {
		orders = v
	}
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(b)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	n := reportBenchTenant(b, s, dbURL, "rebuild-bench", 200)
	owner, err := pgx.Connect(ctx, dbURL)
	require.NoError(b, err)
	defer owner.Close(ctx)
	day := largeDayTB(b, s, n.Tenant, orders)
	mark := func() {
		_, err := owner.Exec(ctx, `UPDATE work_orders SET satisfaction_score = 1 + satisfaction_score % 5
			WHERE tenant_id = $1 AND number LIKE 'BIG-%'`, n.Tenant)
		require.NoError(b, err)
		_, err = owner.Exec(ctx, `DELETE FROM report_touched WHERE tenant_id = $1`, n.Tenant)
		require.NoError(b, err)
		_, err = owner.Exec(ctx, `INSERT INTO report_dirty (tenant_id, day) VALUES ($1, $2)`, n.Tenant, day)
		require.NoError(b, err)
	}
	for b.Loop() {
		mark()
		t0 := time.Now()
		calls, longest := 0, time.Duration(0)
		for {
			c0 := time.Now()
			r, err := s.RefreshReportsDetail(ctx, 100)
			require.NoError(b, err)
			if r.Days+r.Sources == 0 {
				break
			}
			calls++
			longest = max(longest, time.Since(c0))
		}
		bounded := time.Since(t0)
		mark()
		t0 = time.Now()
		_, err := s.RebuildMarkedDaysWhole(ctx)
		require.NoError(b, err)
		b.Logf("day of %d orders: bounded rebuild %v in %d calls (longest call %v); whole-day rebuild in one transaction %v (load average %s)",
			orders, bounded.Round(time.Millisecond), calls, longest.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond), loadAverage())
	}
}

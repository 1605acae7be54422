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
	// The day's orders, loaded behind the triggers' back (one row each, as
	// fast as a bulk load), without a unit (every copy of one unit would
	// make each order's repeat-repair check read all the others), spread
	// over two hours; the first rebuild below aggregates them.
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -20)
	tx, err := owner.Begin(ctx)
	require.NoError(b, err)
	_, err = tx.Exec(ctx, `SET LOCAL session_replication_role = replica`)
	require.NoError(b, err)
	_, err = tx.Exec(ctx, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id,
			product_line, service_type, description, address, lat, lon, in_warranty, warranty_expires, respond_by, arrive_by,
			complete_by, created_by, created_at, updated_at, skills, division_code, location_approximate,
			region_id, site_id, technician_id, responded_at, arrived_at, completed_at, satisfaction_score, satisfaction_at)
		SELECT w.tenant_id, gen_random_uuid(), 'BIG-' || g, w.type, w.channel, 'completed', w.customer_id,
			w.product_line, w.service_type, w.description, w.address, w.lat, w.lon, w.in_warranty, w.warranty_expires,
			w.respond_by, w.arrive_by, w.complete_by, w.created_by, c.at, c.at, w.skills, w.division_code, w.location_approximate,
			w.region_id, w.site_id, w.technician_id, c.at + interval '10 minutes', c.at + interval '2 hours', c.at + interval '3 hours',
			1 + g % 5, c.at + interval '4 hours'
		FROM (SELECT * FROM work_orders WHERE tenant_id = $1 AND site_id IS NOT NULL AND technician_id IS NOT NULL ORDER BY id LIMIT 1) w,
			generate_series(1, $2::int) g, LATERAL (SELECT $3::timestamptz + interval '6 hours' + (g % 7200) * interval '1 second' AS at) c`,
		n.Tenant, orders, day)
	require.NoError(b, err)
	require.NoError(b, tx.Commit(ctx))
	_, err = owner.Exec(ctx, `ANALYZE work_orders`)
	require.NoError(b, err)
	_, err = owner.Exec(ctx, `INSERT INTO report_dirty (tenant_id, day) VALUES ($1, $2)`, n.Tenant, day)
	require.NoError(b, err)
	for {
		r, err := s.RefreshReportsDetail(ctx, 100)
		require.NoError(b, err)
		if r.Days+r.Sources == 0 {
			break
		}
	}
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

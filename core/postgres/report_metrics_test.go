package postgres_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestReportLateServiceLevelProductivityCoverage: the counters of 00126
// follow late and out-of-order facts like the others. A call offered just
// before midnight and answered after it counts in the service level on the
// day it was offered, once answered; a call answered too late does not,
// until the tenant's threshold grows (which marks the call days for a
// rebuild); an order completed, reopened and completed again counts once
// as completed with a technician, and once as covered by callbacks
// however many tasks it has, not while it is open. After each step the
// report tables equal a rebuild of every day from the raw tables.
func TestReportLateServiceLevelProductivityCoverage(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	n := reportBenchTenant(t, s, dbURL, "late-metrics", 300)
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { owner.Close(ctx) })
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	var tz string
	require.NoError(t, owner.QueryRow(ctx, `SELECT timezone FROM tenants WHERE id = $1`, n.Tenant).Scan(&tz))
	loc, err := time.LoadLocation(tz)
	require.NoError(t, err)
	drainReportsDetail(t, s)

	// Calls: a day of their own, 30 days ahead (no generated call on it).
	now := time.Now().In(loc)
	day := time.Date(now.Year(), now.Month(), now.Day()+30, 0, 0, 0, 0, loc)
	calls := func() (offered, answered, inSL int64) {
		t.Helper()
		require.NoError(t, owner.QueryRow(ctx, `SELECT coalesce(sum(calls_offered), 0), coalesce(sum(calls_answered), 0),
			coalesce(sum(calls_in_sl), 0) FROM report_daily WHERE tenant_id = $1 AND day = $2`, n.Tenant, day.Format("2006-01-02")).
			Scan(&offered, &answered, &inSL))
		return
	}
	o, a, sl := calls()
	require.Zero(t, o+a+sl)
	late, slow := uuid.New(), uuid.New()
	beforeMidnight := day.Add(24*time.Hour - 10*time.Second)
	exec(`INSERT INTO calls (tenant_id, id, pbx_call_id, direction, offered_at, outcome) VALUES ($1, $2, 'late-1', 'inbound', $3, 'ringing')`,
		n.Tenant, late, beforeMidnight)
	exec(`INSERT INTO calls (tenant_id, id, pbx_call_id, direction, offered_at, answered_at, duration_seconds, outcome)
		VALUES ($1, $2, 'slow-1', 'inbound', $3, $3::timestamptz + interval '25 seconds', 60, 'answered')`, n.Tenant, slow, day.Add(12*time.Hour))
	drainReportsDetail(t, s)
	o, a, sl = calls()
	require.Equal(t, [3]int64{2, 1, 0}, [3]int64{o, a, sl}, "offered 2, the slow one answered after 25 s: outside 20 s")
	// Answered 15 s after being offered, the next day: counts on the day offered.
	exec(`UPDATE calls SET answered_at = offered_at + interval '15 seconds', outcome = 'answered', duration_seconds = 30
		WHERE tenant_id = $1 AND id = $2`, n.Tenant, late)
	drainReportsDetail(t, s)
	o, a, sl = calls()
	require.Equal(t, [3]int64{2, 2, 1}, [3]int64{o, a, sl}, "the late answer counts on the day the call was offered")
	requireEqualsRebuild(t, s, owner, n.Tenant, "a call answered after midnight")

	// A threshold of 30 s marks the call days; the slow call now counts.
	exec(`INSERT INTO tenant_settings (tenant_id, report_service_level_seconds) VALUES ($1, 30)
		ON CONFLICT (tenant_id) DO UPDATE SET report_service_level_seconds = 30`, n.Tenant)
	var marked bool
	require.NoError(t, owner.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_dirty WHERE tenant_id = $1 AND day = $2)`,
		n.Tenant, day.Format("2006-01-02")).Scan(&marked))
	require.True(t, marked, "the threshold's change marks the days of the calls")
	drainReportsDetail(t, s)
	o, a, sl = calls()
	require.Equal(t, [3]int64{2, 2, 2}, [3]int64{o, a, sl})
	requireEqualsRebuild(t, s, owner, n.Tenant, "a new service-level threshold")
	// Back to 20 s: the slow call leaves the count again.
	exec(`UPDATE tenant_settings SET report_service_level_seconds = 20 WHERE tenant_id = $1`, n.Tenant)
	drainReportsDetail(t, s)
	_, _, sl = calls()
	require.EqualValues(t, 1, sl)

	// An order completed with a technician, reopened, covered by two
	// callback tasks while open, completed again.
	var order, tech uuid.UUID
	var created time.Time
	require.NoError(t, owner.QueryRow(ctx, `SELECT w.id, w.technician_id, w.created_at FROM work_orders w
		WHERE w.tenant_id = $1 AND w.technician_id IS NOT NULL AND w.completed_at IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM callback_tasks c WHERE c.tenant_id = w.tenant_id AND c.work_order_id = w.id)
		ORDER BY w.created_at DESC LIMIT 1`, n.Tenant).Scan(&order, &tech, &created))
	orderDay := created.In(loc).Format("2006-01-02")
	counters := func() (completed, withTech, covered int64) {
		t.Helper()
		require.NoError(t, owner.QueryRow(ctx, `SELECT coalesce(sum(completed), 0), coalesce(sum(completed_tech), 0),
			coalesce(sum(completed_callback), 0) FROM report_daily_by_tech WHERE tenant_id = $1 AND day = $2 AND technician_id = $3`,
			n.Tenant, orderDay, tech).Scan(&completed, &withTech, &covered))
		return
	}
	c0, t0, cb0 := counters()
	require.Positive(t, t0)
	exec(`UPDATE work_orders SET completed_at = NULL WHERE tenant_id = $1 AND id = $2`, n.Tenant, order)
	drainReportsDetail(t, s)
	c, tc, cb := counters()
	require.Equal(t, [3]int64{c0 - 1, t0 - 1, cb0}, [3]int64{c, tc, cb}, "reopened: no longer completed")
	for range 2 {
		exec(`INSERT INTO callback_tasks (tenant_id, id, source, work_order_id, customer_id, site_id, status, created_at)
			SELECT tenant_id, $3, 'rule', id, customer_id, site_id, 'open', now() FROM work_orders WHERE tenant_id = $1 AND id = $2`,
			n.Tenant, order, uuid.New())
	}
	drainReportsDetail(t, s)
	c, tc, cb = counters()
	require.Equal(t, [3]int64{c0 - 1, t0 - 1, cb0}, [3]int64{c, tc, cb}, "an open order's callbacks cover no completed order")
	exec(`UPDATE work_orders SET completed_at = created_at + interval '5 hours' WHERE tenant_id = $1 AND id = $2`, n.Tenant, order)
	drainReportsDetail(t, s)
	c, tc, cb = counters()
	require.Equal(t, [3]int64{c0, t0, cb0 + 1}, [3]int64{c, tc, cb}, "completed again: counted once, covered once for two tasks")
	requireEqualsRebuild(t, s, owner, n.Tenant, "an order completed, reopened and completed again")
}

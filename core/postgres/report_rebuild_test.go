package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// largeDay adds n completed copies of one of the tenant's orders, without
// its unit (n repairs of one unit would make each one's repeat-repair
// fact read all the others: n² work the tests do not need), created on
// the day 20 days ago between 06:00 and 08:00 UTC (the afternoon in
// Shanghai, the evening before in Los Angeles), triggers on, applies them
// and returns the day (UTC).
func largeDay(t *testing.T, s *postgres.Store, tenant uuid.UUID, n int) time.Time {
	t.Helper()
	return largeDayTB(t, s, tenant, n)
}

func largeDayTB(t testing.TB, s *postgres.Store, tenant uuid.UUID, n int) time.Time {
	t.Helper()
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -20)
	pgtest.TenantExec(t, s.Pool(), tenant, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id,
			product_line, service_type, description, address, lat, lon, in_warranty, warranty_expires, respond_by, arrive_by,
			complete_by, created_by, created_at, updated_at, skills, division_code, location_approximate,
			region_id, site_id, technician_id, responded_at, arrived_at, completed_at, satisfaction_score, satisfaction_at)
		SELECT w.tenant_id, gen_random_uuid(), 'BIG-' || g, w.type, w.channel, 'completed', w.customer_id, NULL,
			w.product_line, w.service_type, w.description, w.address, w.lat, w.lon, w.in_warranty, w.warranty_expires,
			w.respond_by, w.arrive_by, w.complete_by, w.created_by, c.at, c.at, w.skills, w.division_code, w.location_approximate,
			w.region_id, w.site_id, w.technician_id, c.at + interval '10 minutes', c.at + interval '2 hours', c.at + interval '3 hours',
			1 + g % 5, c.at + interval '4 hours'
		FROM (SELECT * FROM work_orders WHERE tenant_id = $1 AND site_id IS NOT NULL AND technician_id IS NOT NULL ORDER BY id LIMIT 1) w,
			generate_series(1, $2::int) g, LATERAL (SELECT $3::timestamptz + interval '6 hours' + g * interval '1 second' AS at) c`,
		tenant, n, day)
	for {
		r, err := s.RefreshReportsDetail(context.Background(), 100)
		require.NoError(t, err)
		if r.Days+r.Sources == 0 {
			return day
		}
	}
}

// touchedOf is how many touched rows the tenant has waiting.
func touchedOf(t *testing.T, s *postgres.Store, tenant uuid.UUID) int64 {
	t.Helper()
	return pgtest.TenantRows[int64](t, s.Pool(), tenant, `SELECT count(*) FROM report_touched`)[0]
}

// staleLargeDay changes the scores of the tenant's orders of the day with
// the triggers off (facts and aggregates stale: only a rebuild sees it)
// and marks the day for a rebuild.
func staleLargeDay(t *testing.T, owner *pgx.Conn, tenant uuid.UUID, day time.Time) {
	t.Helper()
	ctx := context.Background()
	tx, err := owner.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SET LOCAL session_replication_role = replica`)
	require.NoError(t, err)
	tag, err := tx.Exec(ctx, `UPDATE work_orders SET satisfaction_score = 1 + satisfaction_score % 5
		WHERE tenant_id = $1 AND number LIKE 'BIG-%'`, tenant)
	require.NoError(t, err)
	require.Positive(t, tag.RowsAffected())
	_, err = tx.Exec(ctx, `INSERT INTO report_dirty (tenant_id, day) VALUES ($1, $2)`, tenant, day)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
}

// TestReportLargeMarkedDayRebuiltAcrossCalls: a marked day of 5,000 orders
// is taken in one cheap step (its source rows queued as touched) and
// recomputed by batches over several calls of a small limit, while another
// tenant's touched rows are applied in the same calls (before: the whole
// day in one transaction, O(day), and no other tenant's refresh until the
// marked days were done). The result equals a whole-day rebuild. A large
// day without facts (aggregated before 00119) is rebuilt exactly too.
func TestReportLargeMarkedDayRebuiltAcrossCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, owner, n := incrementalTenant(t, "rebuild-large")
	other := reportBenchTenant(t, s, owner.Config().ConnString(), "rebuild-large-other", 200)
	day := largeDay(t, s, n.Tenant, 5000)
	staleLargeDay(t, owner, n.Tenant, day)

	touchOther := func(score int) {
		t.Helper()
		require.EqualValues(t, 3, pgtest.TenantExec(t, s.Pool(), other.Tenant, `UPDATE work_orders SET satisfaction_score = $2, satisfaction_at = now()
			WHERE tenant_id = $1 AND id IN (SELECT id FROM work_orders WHERE tenant_id = $1 AND completed_at IS NOT NULL ORDER BY id LIMIT 3)`,
			other.Tenant, score))
	}
	touchOther(4)
	r, err := s.RefreshReportsDetail(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, 1, r.Days)
	require.Greater(t, r.Queued, postgres.ReportSmallDay/2, "the day's orders queued, not rebuilt in the call's transaction")
	require.Equal(t, 2, r.Batches, "a batch of the other tenant and one of the day")
	require.Zero(t, touchedOf(t, s, other.Tenant), "the other tenant's touched rows applied in the same call")
	calls := 1
	for ; touchedOf(t, s, n.Tenant) > 0; calls++ {
		touchOther(1 + calls%5)
		r, err := s.RefreshReportsDetail(ctx, 2)
		require.NoError(t, err)
		require.Zero(t, r.Days)
		require.LessOrEqual(t, r.Batches, 2)
		require.Zero(t, touchedOf(t, s, other.Tenant), "call %d: the other tenant's touched rows applied while the day is rebuilt", calls)
		require.Less(t, calls, 20)
	}
	require.Greater(t, calls, 1, "the day recomputed across calls")
	require.Zero(t, pgtest.TenantRows[int64](t, s.Pool(), n.Tenant, `SELECT count(*) FROM report_dirty`)[0])
	requireEqualsRebuild(t, s, owner, n.Tenant, "a large day rebuilt across calls")
	requireEqualsRebuild(t, s, owner, other.Tenant, "the other tenant refreshed meanwhile")

	// The day's facts gone, its aggregates as computed before 00119: the
	// bounded rebuild does not add the facts to them again.
	want := reportTablesState(t, owner, n.Tenant)
	_, err = owner.Exec(ctx, `DELETE FROM report_facts WHERE tenant_id = $1 AND day = $2`, n.Tenant, day)
	require.NoError(t, err)
	_, err = owner.Exec(ctx, `INSERT INTO report_dirty (tenant_id, day) VALUES ($1, $2)`, n.Tenant, day)
	require.NoError(t, err)
	r = drainReportsDetail(t, s)
	require.Equal(t, 1, r.Days)
	require.Greater(t, r.Queued, postgres.ReportSmallDay/2)
	require.Equal(t, want, reportTablesState(t, owner, n.Tenant), "a large day without facts")
}

// TestReportLargeMarkedDayCancelledLosesNothing: a rebuild of a large day
// cancelled while taking the day keeps its mark, cancelled between batches
// keeps the queued rows; the next calls finish it equal to a whole-day
// rebuild.
func TestReportLargeMarkedDayCancelledLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, owner, n := incrementalTenant(t, "rebuild-cancel")
	day := largeDay(t, s, n.Tenant, 5000)
	staleLargeDay(t, owner, n.Tenant, day)
	state := func() (map[string][]string, int64, int64) {
		return reportTablesState(t, owner, n.Tenant), touchedOf(t, s, n.Tenant),
			pgtest.TenantRows[int64](t, s.Pool(), n.Tenant, `SELECT count(*) FROM report_dirty`)[0]
	}
	lock, err := pgx.Connect(ctx, owner.Config().ConnString())
	require.NoError(t, err)
	defer lock.Close(ctx)
	cancelled := func(what string) {
		t.Helper()
		tables, touched, marks := state()
		_, err = lock.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended('report:' || $1::uuid::text, 0))`, n.Tenant)
		require.NoError(t, err)
		cctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		_, err = s.RefreshReports(cctx, 100)
		cancel()
		require.Error(t, err, "%s: cancelled waiting for the tenant's report lock", what)
		_, err = lock.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended('report:' || $1::uuid::text, 0))`, n.Tenant)
		require.NoError(t, err)
		t2, touched2, marks2 := state()
		require.Equal(t, tables, t2, "%s: nothing changed", what)
		require.Equal(t, [2]int64{touched, marks}, [2]int64{touched2, marks2}, "%s: no touched row or mark lost", what)
	}
	cancelled("taking the day")
	r, err := s.RefreshReportsDetail(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, 1, r.Days)
	require.Equal(t, 1, r.Batches)
	require.Positive(t, touchedOf(t, s, n.Tenant))
	cancelled("between batches")
	drainReportsDetail(t, s)
	requireEqualsRebuild(t, s, owner, n.Tenant, "after cancelled calls")
}

// TestReportTimeZoneChangeRebuildsLargeDays: a time-zone change moves the
// 5,000 orders of a day to the day before (Shanghai to Los Angeles); the
// bounded rebuild of every day equals a whole-day rebuild.
func TestReportTimeZoneChangeRebuildsLargeDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, owner, n := incrementalTenant(t, "rebuild-timezone")
	day := largeDay(t, s, n.Tenant, 5000)
	count := func(d time.Time) int64 {
		var o int64
		require.NoError(t, owner.QueryRow(ctx, `SELECT coalesce(sum(orders), 0) FROM report_daily WHERE tenant_id = $1 AND day = $2`,
			n.Tenant, d).Scan(&o))
		return o
	}
	require.GreaterOrEqual(t, count(day), int64(5000))
	_, err := owner.Exec(ctx, `UPDATE tenants SET timezone = 'America/Los_Angeles' WHERE id = $1`, n.Tenant)
	require.NoError(t, err)
	r := drainReportsDetail(t, s)
	require.Positive(t, r.Days)
	require.Greater(t, r.Queued, postgres.ReportSmallDay/2, "the large day queued")
	require.GreaterOrEqual(t, count(day.AddDate(0, 0, -1)), int64(5000), "the orders moved to the day before")
	require.Less(t, count(day), int64(5000))
	requireEqualsRebuild(t, s, owner, n.Tenant, "after a time-zone change")
}

// TestReportComplaintFollowsItsOrder: a complaint counts under the product
// line, service type and model of its order; when the order changes them
// later (or its unit's model is corrected), the complaint's facts follow
// (before: they kept the old key until a rebuild).
func TestReportComplaintFollowsItsOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, owner, n := incrementalTenant(t, "rebuild-complaint")
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	var order uuid.UUID
	require.NoError(t, owner.QueryRow(ctx, `SELECT id FROM work_orders WHERE tenant_id = $1 AND unit_id IS NOT NULL
		AND site_id IS NOT NULL ORDER BY id LIMIT 1`, n.Tenant).Scan(&order))
	complaint := uuid.New()
	exec(`INSERT INTO complaints (tenant_id, id, number, customer_id, work_order_id, site_id, category, severity, channel, state,
			owner_kind, owner_site_id, deadline_days, due_at, created_by, created_at, updated_at)
		SELECT tenant_id, $3, 'C-follow', customer_id, id, site_id, 'service', 'normal', 'phone', 'open', 'site', site_id, 3,
			now() + interval '3 days', 'x', now(), now()
		FROM work_orders WHERE tenant_id = $1 AND id = $2`, n.Tenant, order, complaint)
	drainReportsDetail(t, s)
	key := func() string {
		var k string
		require.NoError(t, owner.QueryRow(ctx, `SELECT product_line || '/' || service_type || '/' || model_id FROM report_facts
			WHERE tenant_id = $1 AND src = 'c' AND src_id = $2`, n.Tenant, complaint).Scan(&k))
		return k
	}
	first := key()

	exec(`UPDATE work_orders w SET product_line = o.product_line, service_type = o.service_type
		FROM (SELECT x.product_line, x.service_type FROM work_orders x JOIN work_orders me ON me.tenant_id = x.tenant_id AND me.id = $2
			WHERE x.tenant_id = $1 AND (x.product_line, x.service_type) IS DISTINCT FROM (me.product_line, me.service_type)
			ORDER BY x.id LIMIT 1) o
		WHERE w.tenant_id = $1 AND w.id = $2`, n.Tenant, order)
	drainReportsDetail(t, s)
	require.NotEqual(t, first, key(), "the order's new product line or service type")
	requireEqualsRebuild(t, s, owner, n.Tenant, "the complaint's order moved to another line")

	exec(`UPDATE units SET model_id = (SELECT id FROM product_models WHERE tenant_id = $1 AND id <> units.model_id ORDER BY code LIMIT 1)
		WHERE tenant_id = $1 AND id = (SELECT unit_id FROM work_orders WHERE tenant_id = $1 AND id = $2)`, n.Tenant, order)
	drainReportsDetail(t, s)
	requireEqualsRebuild(t, s, owner, n.Tenant, "the complaint's unit's model corrected")

	exec(`UPDATE work_orders SET unit_id = NULL WHERE tenant_id = $1 AND id = $2`, n.Tenant, order)
	drainReportsDetail(t, s)
	require.Contains(t, key(), "/00000000-0000-0000-0000-000000000000", "no unit: no model")
	requireEqualsRebuild(t, s, owner, n.Tenant, "the complaint's order without a unit")
}

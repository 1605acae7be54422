package postgres_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// reportTablesState is every row of the tenant's report tables and facts,
// as text, sorted: what a refresh must leave equal to a rebuild.
func reportTablesState(t *testing.T, owner *pgx.Conn, tenant uuid.UUID) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tbl := range []string{"report_daily", "report_daily_by_site", "report_daily_by_line", "report_daily_by_tech",
		"report_daily_by_attr", "report_facts"} {
		var rows []string
		require.NoError(t, owner.QueryRow(context.Background(), `SELECT coalesce(array_agg(r::text ORDER BY r::text), '{}') FROM `+tbl+
			` r WHERE tenant_id = $1`, tenant).Scan(&rows))
		out[tbl] = rows
	}
	return out
}

// drainReportsDetail runs RefreshReportsDetail until nothing is left and
// returns the sum of what it did.
func drainReportsDetail(t *testing.T, s *postgres.Store) postgres.ReportRefresh {
	t.Helper()
	var sum postgres.ReportRefresh
	for {
		r, err := s.RefreshReportsDetail(context.Background(), 100)
		require.NoError(t, err)
		if r.Days+r.Sources == 0 {
			return sum
		}
		sum.Days += r.Days
		sum.Queued += r.Queued
		sum.Sources += r.Sources
		sum.Batches += r.Batches
	}
}

// requireEqualsRebuild: the report tables and facts the incremental refresh
// left are those a rebuild of every day recomputes from the raw tables (no
// row more, none at 0, no counter or bin off), each day rebuilt whole in
// one transaction (RebuildMarkedDaysWhole: not the bounded rebuild, which
// queues a large day's rows for the incremental refresh under test).
func requireEqualsRebuild(t *testing.T, s *postgres.Store, owner *pgx.Conn, tenant uuid.UUID, what string) {
	t.Helper()
	before := reportTablesState(t, owner, tenant)
	require.NotEmpty(t, before["report_facts"])
	_, err := owner.Exec(context.Background(), `SELECT report_mark_all($1)`, tenant)
	require.NoError(t, err)
	days, err := s.RebuildMarkedDaysWhole(context.Background())
	require.NoError(t, err)
	require.Positive(t, days)
	after := reportTablesState(t, owner, tenant)
	for tbl, rows := range after {
		require.Equal(t, rows, before[tbl], "%s: %s after the incremental refresh as rebuilt", what, tbl)
	}
}

// incrementalTenant is a tenant of 3,000 orders over a year, aggregated.
func incrementalTenant(t *testing.T, slug string) (*postgres.Store, *pgx.Conn, *pgtest.Network) {
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	n := reportBenchTenant(t, s, dbURL, slug, 3000)
	owner, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { owner.Close(context.Background()) })
	return s, owner, n
}

// TestReportIncrementalRefreshFollowsTheChangedRows: a refresh after k
// source rows changed recomputes the facts of exactly those k rows (not the
// day's or the tenant's thousands), and every kind of change — an order
// moved to another site, technician or day, cancelled, scored weeks later,
// an SLA miss of another site, a callback, a new complaint then closed, a
// call offered then answered, a unit's model corrected — leaves the report
// tables equal to a rebuild of every day from the raw tables.
func TestReportIncrementalRefreshFollowsTheChangedRows(t *testing.T) {
	t.Parallel()
	s, owner, n := incrementalTenant(t, "incremental")
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	// Orders of the busiest recent day (and one of weeks ago), each changed one way.
	var recent, old []uuid.UUID
	require.NoError(t, owner.QueryRow(ctx, `WITH d AS (SELECT created_at::date AS day FROM work_orders WHERE tenant_id = $1
			AND created_at < now() - interval '2 days' AND completed_at IS NOT NULL AND site_id IS NOT NULL
			GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1)
		SELECT array_agg(w.id ORDER BY w.id) FROM (SELECT w.id FROM work_orders w, d WHERE w.tenant_id = $1 AND w.created_at::date = d.day
			AND w.completed_at IS NOT NULL AND w.site_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM site_sla_misses m WHERE m.tenant_id = w.tenant_id AND m.work_order_id = w.id)
			AND NOT EXISTS (SELECT 1 FROM callback_tasks c WHERE c.tenant_id = w.tenant_id AND c.work_order_id = w.id)
			ORDER BY w.id LIMIT 7) w`, n.Tenant).Scan(&recent))
	require.Len(t, recent, 7)
	require.NoError(t, owner.QueryRow(ctx, `SELECT array_agg(id) FROM (SELECT id FROM work_orders WHERE tenant_id = $1
		AND created_at < now() - interval '40 days' AND completed_at IS NOT NULL AND satisfaction_score IS NULL ORDER BY id LIMIT 1) w`,
		n.Tenant).Scan(&old))
	require.Len(t, old, 1)
	var otherSite, otherTech uuid.UUID
	require.NoError(t, owner.QueryRow(ctx, `SELECT s.id, t.id FROM sites s JOIN technicians t ON t.tenant_id = s.tenant_id AND t.site_id = s.id
		WHERE s.tenant_id = $1 AND s.id <> (SELECT site_id FROM work_orders WHERE tenant_id = $1 AND id = $2)
		ORDER BY s.code DESC LIMIT 1`, n.Tenant, recent[0]).Scan(&otherSite, &otherTech))
	before := pgtest.TenantRows[int64](t, s.Pool(), n.Tenant, `SELECT count(*) FROM report_facts`)[0]

	exec(`UPDATE work_orders SET site_id = $2 WHERE tenant_id = $1 AND id = $3`, n.Tenant, otherSite, recent[0])
	exec(`UPDATE work_orders SET technician_id = $2 WHERE tenant_id = $1 AND id = $3`, n.Tenant, otherTech, recent[1])
	exec(`UPDATE work_orders SET state = 'cancelled' WHERE tenant_id = $1 AND id = $2`, n.Tenant, recent[2])
	exec(`UPDATE work_orders SET satisfaction_score = 2, satisfaction_at = now() WHERE tenant_id = $1 AND id = $2`, n.Tenant, old[0])
	exec(`INSERT INTO site_sla_misses (tenant_id, site_id, work_order_id, kind, due_at, recorded_at)
		VALUES ($1, $2, $3, 'arrival', now(), now())`, n.Tenant, otherSite, recent[3])
	exec(`INSERT INTO callback_tasks (tenant_id, id, source, work_order_id, customer_id, status, dissatisfied, created_at)
		SELECT tenant_id, gen_random_uuid(), 'rule', id, customer_id, 'done', true, now() FROM work_orders
		WHERE tenant_id = $1 AND id = $2`, n.Tenant, recent[4])
	exec(`UPDATE work_orders SET created_at = created_at - interval '3 days' WHERE tenant_id = $1 AND id = $2`, n.Tenant, recent[5])
	exec(`UPDATE work_orders SET site_id = NULL, technician_id = NULL WHERE tenant_id = $1 AND id = $2`, n.Tenant, recent[6])
	complaint, call := uuid.New(), uuid.New()
	exec(`INSERT INTO complaints (tenant_id, id, number, customer_id, work_order_id, site_id, category, severity, channel, state,
			owner_kind, owner_site_id, deadline_days, due_at, created_by, created_at, updated_at)
		SELECT tenant_id, $3, 'C-incr', customer_id, id, site_id, 'service', 'normal', 'phone', 'open', 'site', site_id, 3,
			now() + interval '3 days', 'x', now(), now()
		FROM work_orders WHERE tenant_id = $1 AND id = $2`, n.Tenant, recent[1], complaint)
	exec(`INSERT INTO calls (tenant_id, id, pbx_call_id, direction, offered_at, outcome) VALUES ($1, $2, 'pbx-incr', 'inbound', now(), 'ringing')`,
		n.Tenant, call)

	r := drainReportsDetail(t, s)
	require.Equal(t, postgres.ReportRefresh{Sources: 10, Batches: 1}, r,
		"the 8 orders, the complaint and the call: their facts only (the tenant has 3,000 orders)")
	require.Equal(t, before+3, pgtest.TenantRows[int64](t, s.Pool(), n.Tenant, `SELECT count(*) FROM report_facts`)[0],
		"the complaint's and the call's facts and the SLA miss of another site (a fact of its order under that site); a moved order's none")
	requireEqualsRebuild(t, s, owner, n.Tenant, "orders moved between keys")

	// Later: the complaint closed, the call answered, an order back to its
	// first site, a unit's model corrected (every order of the unit).
	exec(`UPDATE complaints SET state = 'closed', closed_at = now() WHERE tenant_id = $1 AND id = $2`, n.Tenant, complaint)
	exec(`UPDATE calls SET answered_at = now(), outcome = 'answered', duration_seconds = 95 WHERE tenant_id = $1 AND id = $2`, n.Tenant, call)
	exec(`UPDATE work_orders SET site_id = (SELECT site_id FROM work_orders WHERE tenant_id = $1 AND id = $3) WHERE tenant_id = $1 AND id = $2`,
		n.Tenant, recent[0], recent[1])
	var orders int
	require.NoError(t, owner.QueryRow(ctx, `WITH u AS (SELECT unit_id FROM work_orders WHERE tenant_id = $1 AND id = $2),
			m AS (UPDATE units SET model_id = (SELECT id FROM product_models WHERE tenant_id = $1 AND id <> units.model_id ORDER BY code LIMIT 1)
				WHERE tenant_id = $1 AND id = (SELECT unit_id FROM u) RETURNING id)
		SELECT count(*) FROM work_orders WHERE tenant_id = $1 AND (unit_id = (SELECT unit_id FROM u) OR id = $3)`,
		n.Tenant, recent[2], recent[0]).Scan(&orders))
	require.Greater(t, orders, 1)
	r = drainReportsDetail(t, s)
	require.Equal(t, 2+orders, r.Sources, "the complaint, the call, the order moved back and the unit's orders")
	requireEqualsRebuild(t, s, owner, n.Tenant, "closed, answered, moved back, model corrected")
}

// TestReportIncrementalRefreshersConcurrent: refreshers running together
// while orders change (each tenant's batches one at a time, each taking
// rows no other took) leave the report tables equal to a rebuild.
func TestReportIncrementalRefreshersConcurrent(t *testing.T) {
	t.Parallel()
	s, owner, n := incrementalTenant(t, "incremental-concurrent")
	ctx := context.Background()
	var ids []uuid.UUID
	require.NoError(t, owner.QueryRow(ctx, `SELECT array_agg(id) FROM (SELECT id FROM work_orders WHERE tenant_id = $1
		AND completed_at IS NOT NULL ORDER BY id LIMIT 60) w`, n.Tenant).Scan(&ids))
	var sites []uuid.UUID
	require.NoError(t, owner.QueryRow(ctx, `SELECT array_agg(id ORDER BY code) FROM sites WHERE tenant_id = $1`, n.Tenant).Scan(&sites))
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.RefreshReports(ctx, 5); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i, id := range ids {
		_, err := owner.Exec(ctx, `UPDATE work_orders SET site_id = $3, satisfaction_score = $4, satisfaction_at = now()
			WHERE tenant_id = $1 AND id = $2`, n.Tenant, id, sites[i%len(sites)], 1+i%5)
		require.NoError(t, err)
		if i%10 == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	drainReportsDetail(t, s)
	requireEqualsRebuild(t, s, owner, n.Tenant, "concurrent refreshers")
}

// TestReportIncrementalRefreshCancelledLosesNothing: a refresh cancelled in
// its transaction (here waiting for the tenant's report lock) applies
// nothing and leaves the touched rows for the next, which applies them all.
func TestReportIncrementalRefreshCancelledLosesNothing(t *testing.T) {
	t.Parallel()
	s, owner, n := incrementalTenant(t, "incremental-cancel")
	ctx := context.Background()
	_, err := owner.Exec(ctx, `UPDATE work_orders SET satisfaction_score = CASE WHEN satisfaction_score = 1 THEN 2 ELSE 1 END, satisfaction_at = now()
		WHERE tenant_id = $1 AND id IN (SELECT id FROM work_orders WHERE tenant_id = $1 AND completed_at IS NOT NULL ORDER BY id LIMIT 25)`, n.Tenant)
	require.NoError(t, err)
	touched := func() int64 {
		return pgtest.TenantRows[int64](t, s.Pool(), n.Tenant, `SELECT count(*) FROM report_touched`)[0]
	}
	require.EqualValues(t, 25, touched())
	facts := reportTablesState(t, owner, n.Tenant)

	lock, err := pgx.Connect(ctx, owner.Config().ConnString())
	require.NoError(t, err)
	defer lock.Close(ctx)
	_, err = lock.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended('report:' || $1::uuid::text, 0))`, n.Tenant)
	require.NoError(t, err)
	cctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err = s.RefreshReports(cctx, 100)
	cancel()
	require.Error(t, err, "cancelled waiting for the tenant's report lock")
	_, err = lock.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended('report:' || $1::uuid::text, 0))`, n.Tenant)
	require.NoError(t, err)
	require.EqualValues(t, 25, touched(), "the cancelled refresh took no touched row")
	require.Equal(t, facts, reportTablesState(t, owner, n.Tenant), "nor changed anything")

	r := drainReportsDetail(t, s)
	require.Equal(t, 25, r.Sources)
	require.Zero(t, touched())
	requireEqualsRebuild(t, s, owner, n.Tenant, "after a cancelled refresh")
}

// TestMigrationReportFactsBackfill: 00119/00120 on a tenant aggregated
// by whole-day recomputation (no facts): every aggregated day is marked,
// a row touched meanwhile waits for the tenant's days to be rebuilt (no
// delta on a day without its facts), and then the report tables and
// facts are those of a rebuild, the touched change included.
func TestMigrationReportFactsBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, owner, n := incrementalTenant(t, "incremental-migration")
	aggregated := func() (orders, scored int64) {
		require.NoError(t, owner.QueryRow(ctx, `SELECT sum(orders), sum(scored) FROM report_daily WHERE tenant_id = $1`, n.Tenant).
			Scan(&orders, &scored))
		return orders, scored
	}
	p := migratedDownTo(t, owner.Config().ConnString(), 118)
	_, err := owner.Exec(ctx, `DELETE FROM report_dirty WHERE tenant_id = $1`, n.Tenant) // 00120's down marks every day
	require.NoError(t, err)
	_, err = p.Up(ctx)
	require.NoError(t, err)
	var days, marked int64
	require.NoError(t, owner.QueryRow(ctx, `SELECT (SELECT count(DISTINCT day) FROM report_daily WHERE tenant_id = $1),
		(SELECT count(DISTINCT day) FROM report_dirty WHERE tenant_id = $1)`, n.Tenant).Scan(&days, &marked))
	require.Positive(t, days)
	require.Equal(t, days, marked, "every aggregated day marked for its facts")
	orders, scored := aggregated()
	tag, err := owner.Exec(ctx, `UPDATE work_orders SET satisfaction_score = 5, satisfaction_at = now()
		WHERE tenant_id = $1 AND id IN (SELECT id FROM work_orders WHERE tenant_id = $1 AND completed_at IS NOT NULL
			AND satisfaction_score IS NULL ORDER BY id LIMIT 3)`, n.Tenant)
	require.NoError(t, err)
	require.EqualValues(t, 3, tag.RowsAffected())
	r, err := s.RefreshReportsDetail(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, postgres.ReportRefresh{Days: 10}, r, "days first, the touched rows wait")
	o, sc := aggregated()
	require.Equal(t, orders, o, "the aggregates as exact as before")
	require.Contains(t, []int64{scored, scored + 1, scored + 2, scored + 3}, sc, "the scores of the days rebuilt so far, none twice")
	r = drainReportsDetail(t, s)
	require.EqualValues(t, marked-10, r.Days)
	require.Equal(t, 3, r.Sources)
	o, sc = aggregated()
	require.Equal(t, [2]int64{orders, scored + 3}, [2]int64{o, sc})
	requireEqualsRebuild(t, s, owner, n.Tenant, "after the backfill")
}

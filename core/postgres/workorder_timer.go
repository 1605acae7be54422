package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
	"github.com/aftersales/aftersales/core/workorder"
)

// DueTimers implements workorder.Store. The due orders of every tenant
// come from the SECURITY DEFINER function timers_due (migration 00012).
func (s *Store) DueTimers(ctx context.Context, now time.Time, limit int) ([]workorder.DueTimer, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, work_order_id, kind FROM timers_due($1, $2)`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (workorder.DueTimer, error) {
		var d workorder.DueTimer
		return d, r.Scan(&d.TenantID, &d.WorkOrderID, &d.Kind)
	})
}

// TimerSettings implements workorder.Repository, defaults filled in.
func (r workOrders) TimerSettings(ctx context.Context) (*workorder.TimerSettings, error) {
	t := &workorder.TimerSettings{}
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&t.TimeZone, &t.Calendar, &t.AcceptanceMinutes, &t.UrgeIntervalMinutes)
	}, `SELECT t.timezone, COALESCE(ts.calendar, '{}'), COALESCE(ts.acceptance_minutes, $1), COALESCE(ts.urge_interval_minutes, $2)
		FROM tenants t LEFT JOIN tenant_settings ts ON ts.tenant_id = t.id WHERE t.id = app_current_tenant()`,
		core.DefaultAcceptanceMinutes, core.DefaultUrgeIntervalMinutes)
	return t, translate(err, "tenant")
}

// LastDispatchedAt implements workorder.Repository.
func (r workOrders) LastDispatchedAt(ctx context.Context, id uuid.UUID) (*time.Time, error) {
	var at *time.Time
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&at) },
		`SELECT (SELECT at FROM work_order_events WHERE work_order_id = $1 AND to_state = 'dispatched' ORDER BY seq DESC LIMIT 1)`, id)
	return at, err
}

// RecordSiteMiss implements workorder.Repository.
func (r workOrders) RecordSiteMiss(site, order uuid.UUID, kind string, due, at time.Time) {
	r.u.write(`INSERT INTO site_sla_misses (tenant_id, site_id, work_order_id, kind, due_at, recorded_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5) ON CONFLICT (tenant_id, work_order_id, kind) DO NOTHING`,
		site, order, kind, due, at)
}

// FindSiteLateCounts implements workorder.Repository, in one round trip
// with the pending writes (the miss just recorded among them).
func (r workOrders) FindSiteLateCounts(ctx context.Context, site uuid.UUID, since time.Time) (network.SiteLateCounts, error) {
	c := network.SiteLateCounts{SiteID: site}
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		err := row.Scan(&c.SiteID, &c.Orders, &c.Misses, &c.Rate)
		if err == pgx.ErrNoRows { // given no order since: zero counts
			return nil
		}
		return err
	}, siteLateCountsSQL, since, site, network.LateRateMiss)
	return c, err
}

// SetSiteLateRate implements workorder.Repository.
func (r workOrders) SetSiteLateRate(site uuid.UUID, rate float64) {
	r.u.write(setLateRateSQL, site, rate)
}

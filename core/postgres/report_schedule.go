package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

const scheduleColumns = `id, name, metrics, group_by, filters, format, cadence, next_run_at, last_run_at, created_at`

func scanSchedule(row pgx.CollectableRow) (report.Schedule, error) {
	var s report.Schedule
	var filters []byte
	err := row.Scan(&s.ID, &s.Name, &s.Metrics, &s.GroupBy, &filters, &s.Format, &s.Cadence, &s.NextRunAt, &s.LastRunAt, &s.CreatedAt)
	if err == nil {
		err = json.Unmarshal(filters, &s.Filters)
	}
	return s, err
}

// InsertSchedule implements report.ScheduleStore.
func (s *Store) InsertSchedule(ctx context.Context, u core.UnitOfWork, sc *report.Schedule, by string) error {
	filters, err := json.Marshal(sc.Filters)
	if err != nil {
		return err
	}
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO report_schedules (tenant_id, id, name, metrics, group_by, filters, format, cadence, next_run_at,
		created_by, created_at) VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		sc.ID, sc.Name, sc.Metrics, sc.GroupBy, filters, sc.Format, sc.Cadence, sc.NextRunAt, by, sc.CreatedAt)
	return err
}

func (s *Store) querySchedules(ctx context.Context, u core.UnitOfWork, sql string, args ...any) ([]report.Schedule, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSchedule)
}

// FindSchedules implements report.ScheduleStore.
func (s *Store) FindSchedules(ctx context.Context, u core.UnitOfWork) ([]report.Schedule, error) {
	return s.querySchedules(ctx, u, `SELECT `+scheduleColumns+` FROM report_schedules ORDER BY created_at, id`)
}

// DeleteSchedule implements report.ScheduleStore.
func (s *Store) DeleteSchedule(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM report_schedules WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return &core.Error{Code: core.ENOTFOUND, Message: "report schedule not found"}
	}
	return err
}

// TenantLocation implements report.ScheduleStore.
func (s *Store) TenantLocation(ctx context.Context, u core.UnitOfWork) (*time.Location, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	var tz string
	if err := q.QueryRow(ctx, `SELECT timezone FROM tenants WHERE id = app_current_tenant()`).Scan(&tz); err != nil {
		return nil, err
	}
	return time.LoadLocation(tz)
}

// LockDueSchedules implements report.ScheduleStore.
func (s *Store) LockDueSchedules(ctx context.Context, u core.UnitOfWork, now time.Time, limit int) ([]report.Schedule, error) {
	return s.querySchedules(ctx, u, `SELECT `+scheduleColumns+` FROM report_schedules WHERE next_run_at <= $1
		ORDER BY next_run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit)
}

// FinishScheduleRun implements report.ScheduleStore.
func (s *Store) FinishScheduleRun(ctx context.Context, u core.UnitOfWork, sc *report.Schedule, run report.ExportRun, payload json.RawMessage) error {
	un := unitOf(u)
	un.write(`UPDATE report_schedules SET next_run_at = $2, last_run_at = $3, last_file = $4 WHERE id = $1`,
		sc.ID, run.Next, run.Due, run.File)
	outboxWriter{un}.Add(sc.ID, report.OutboxExportReady, payload)
	return nil
}

// ScheduleTenants implements report.ScheduleStore (RLS hides the
// schedules from the platform connection: every tenant is listed).
func (s *Store) ScheduleTenants(ctx context.Context) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

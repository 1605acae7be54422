package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/settings"
)

// settingsRepo implements settings.Repository on a unit of work.
type settingsRepo struct{ u *unit }

// Settings implements settings.Store.
func (s *Store) Settings(u core.UnitOfWork) settings.Repository { return settingsRepo{unitOf(u)} }

// FindSettings reads the tenant's row; a calendar stored as {} is none.
func (r settingsRepo) FindSettings(ctx context.Context) (*core.TenantSettings, error) {
	out := &core.TenantSettings{}
	var w, cal []byte
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&w, &cal, &out.AcceptanceMinutes, &out.UrgeIntervalMinutes, &out.UpdatedAt, &out.PartsMode, &out.PartReturnDays)
	}, `SELECT dispatch_weights, calendar, acceptance_minutes, urge_interval_minutes, updated_at, parts_mode, part_return_days
		FROM tenant_settings`)
	if err != nil {
		return nil, translate(err, "settings")
	}
	if err := json.Unmarshal(w, &out.DispatchWeights); err != nil {
		return nil, err
	}
	if len(cal) > 2 {
		out.Calendar = &calendar.Spec{}
		if err := json.Unmarshal(cal, out.Calendar); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r settingsRepo) TimeZone(ctx context.Context) (string, error) {
	var tz string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&tz) },
		`SELECT timezone FROM tenants WHERE id = app_current_tenant()`)
	return tz, err
}

func (r settingsRepo) SaveSettings(in *core.TenantSettings) {
	w, _ := json.Marshal(in.DispatchWeights)
	cal := []byte("{}")
	if in.Calendar != nil {
		cal, _ = json.Marshal(in.Calendar)
	}
	r.u.write(`INSERT INTO tenant_settings (tenant_id, dispatch_weights, calendar, updated_at,
			acceptance_minutes, urge_interval_minutes, parts_mode, part_return_days)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id) DO UPDATE
		SET dispatch_weights = EXCLUDED.dispatch_weights, calendar = EXCLUDED.calendar, updated_at = EXCLUDED.updated_at,
			acceptance_minutes = EXCLUDED.acceptance_minutes, urge_interval_minutes = EXCLUDED.urge_interval_minutes,
			parts_mode = EXCLUDED.parts_mode, part_return_days = EXCLUDED.part_return_days`,
		w, cal, in.UpdatedAt, in.AcceptanceMinutes, in.UrgeIntervalMinutes, in.PartsMode, in.PartReturnDays)
}

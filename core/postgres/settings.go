package postgres

import (
	"context"
	"encoding/json"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
)

// FindSettings implements core.SettingsService.
func (s *Store) FindSettings(ctx context.Context) (*core.TenantSettings, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	out := &core.TenantSettings{DispatchWeights: core.DispatchWeights{Distance: 1, Load: 1, Reputation: 1, SLARisk: 1},
		AcceptanceMinutes: core.DefaultAcceptanceMinutes, UrgeIntervalMinutes: core.DefaultUrgeIntervalMinutes}
	var w, cal []byte
	err = q.QueryRow(ctx, `SELECT dispatch_weights, calendar, acceptance_minutes, urge_interval_minutes, updated_at
		FROM tenant_settings`).Scan(&w, &cal, &out.AcceptanceMinutes, &out.UrgeIntervalMinutes, &out.UpdatedAt)
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return out, nil
	} else if err != nil {
		return nil, err
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

// UpdateSettings implements core.SettingsService.
func (s *Store) UpdateSettings(ctx context.Context, in core.TenantSettings) (*core.TenantSettings, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	var tz string
	if err := q.QueryRow(ctx, `SELECT timezone FROM tenants WHERE id = app_current_tenant()`).Scan(&tz); err != nil {
		return nil, err
	}
	if err := in.Validate(tz); err != nil {
		return nil, err
	}
	w, _ := json.Marshal(in.DispatchWeights)
	cal := []byte("{}")
	if in.Calendar != nil {
		cal, _ = json.Marshal(in.Calendar)
	}
	if _, err := q.Exec(ctx, `INSERT INTO tenant_settings (tenant_id, dispatch_weights, calendar, updated_at,
			acceptance_minutes, urge_interval_minutes)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5) ON CONFLICT (tenant_id) DO UPDATE
		SET dispatch_weights = EXCLUDED.dispatch_weights, calendar = EXCLUDED.calendar, updated_at = EXCLUDED.updated_at,
			acceptance_minutes = EXCLUDED.acceptance_minutes, urge_interval_minutes = EXCLUDED.urge_interval_minutes`,
		w, cal, s.now(), in.AcceptanceMinutes, in.UrgeIntervalMinutes); err != nil {
		return nil, err
	}
	return s.FindSettings(ctx)
}

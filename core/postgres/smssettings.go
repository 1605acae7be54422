package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aftersales/aftersales/core"
)

// FindSMSSettings implements core.SMSSettingsStore.
func (s *Store) FindSMSSettings(ctx context.Context) (*core.SMSSettings, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	var (
		doc       []byte
		number    *string
		updatedAt *time.Time
		tz        string
	)
	err = q.QueryRow(ctx, `SELECT s.settings, s.number, s.updated_at, t.timezone
		FROM tenants t LEFT JOIN sms_settings s ON s.tenant_id = t.id
		WHERE t.id = app_current_tenant()`).Scan(&doc, &number, &updatedAt, &tz)
	if err != nil {
		return nil, translate(err, "tenant")
	}
	out := core.DefaultSMSSettings()
	if doc != nil {
		// Over the defaults: kinds added since the tenant saved stay on.
		if err := json.Unmarshal(doc, &out); err != nil {
			return nil, err
		}
		out.Normalize()
	}
	out.Number, out.TimeZone = "", tz
	if number != nil {
		out.Number = *number
	}
	if updatedAt != nil {
		out.UpdatedAt = *updatedAt
	}
	return &out, nil
}

// UpdateSMSSettings implements core.SMSSettingsStore.
func (s *Store) UpdateSMSSettings(ctx context.Context, in core.SMSSettings) (*core.SMSSettings, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var number *string
	if n := in.Number; n != "" {
		number = &n
	}
	// The document keeps what the tenant chose; the column is the number's
	// one home, and the zone is the tenant's.
	in.Number, in.TimeZone, in.UpdatedAt = "", "", time.Time{}
	doc, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	if _, err := q.Exec(ctx, `INSERT INTO sms_settings (tenant_id, number, settings, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3) ON CONFLICT (tenant_id) DO UPDATE
		SET number = EXCLUDED.number, settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at`,
		number, doc, s.now()); err != nil {
		if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
			return nil, &core.Error{Code: core.ECONFLICT, Message: "number: another tenant receives texts on this number",
				Fields: map[string]string{"number": "is taken by another tenant"}}
		}
		return nil, translate(err, "SMS settings")
	}
	return s.FindSMSSettings(ctx)
}

// FindTenantBySMSNumber implements core.SMSSettingsStore.
func (s *Store) FindTenantBySMSNumber(ctx context.Context, number string) (uuid.UUID, error) {
	candidates := core.SMSNumberPrefixes(number)
	if candidates == nil {
		return uuid.Nil, core.Errorf(core.ENOTFOUND, "no tenant receives texts on %q", number)
	}
	q, err := s.q(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	var id *uuid.UUID
	if err := q.QueryRow(ctx, `SELECT sms_tenant_by_number($1)`, candidates).Scan(&id); err != nil {
		return uuid.Nil, err
	}
	if id == nil {
		return uuid.Nil, core.Errorf(core.ENOTFOUND, "no tenant receives texts on %q", number)
	}
	return *id, nil
}

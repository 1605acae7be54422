package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const webhookColumns = `id, url, description, event_types, enabled, disabled_reason, disabled_at, created_at, updated_at`

func scanWebhook(r pgx.Row) (*core.WebhookEndpoint, error) {
	e := &core.WebhookEndpoint{}
	err := r.Scan(&e.ID, &e.URL, &e.Description, &e.EventTypes, &e.Enabled, &e.DisabledReason, &e.DisabledAt,
		&e.CreatedAt, &e.UpdatedAt)
	return e, translate(err, "webhook")
}

// CreateWebhook implements core.WebhookService.
func (s *Store) CreateWebhook(ctx context.Context, n core.NewWebhookEndpoint) (*core.WebhookEndpoint, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	secret, now := core.NewWebhookSecret(), s.now()
	e, err := scanWebhook(q.QueryRow(ctx, `INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, secret,
			created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $6) RETURNING `+webhookColumns,
		uuid.New(), n.URL, n.Description, n.EventTypes, secret, now))
	if err != nil {
		return nil, err
	}
	e.Secret = secret
	return e, nil
}

// FindWebhooks implements core.WebhookService.
func (s *Store) FindWebhooks(ctx context.Context, after string, limit int) ([]*core.WebhookEndpoint, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	return pageByID(ctx, q, webhookColumns, "webhook_endpoints", after, limit, scanWebhook,
		func(e *core.WebhookEndpoint) uuid.UUID { return e.ID })
}

// FindWebhookByID implements core.WebhookService.
func (s *Store) FindWebhookByID(ctx context.Context, id uuid.UUID) (*core.WebhookEndpoint, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	return scanWebhook(q.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id = $1`, id))
}

// UpdateWebhook implements core.WebhookService. Enabling clears the
// failure record and the reason the platform disabled it for.
func (s *Store) UpdateWebhook(ctx context.Context, id uuid.UUID, u core.WebhookEndpointUpdate) (*core.WebhookEndpoint, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	return scanWebhook(q.QueryRow(ctx, `UPDATE webhook_endpoints SET
			url = COALESCE($2, url), description = COALESCE($3, description), event_types = COALESCE($4, event_types),
			enabled = COALESCE($5, enabled),
			disabled_reason = CASE WHEN $5 IS NULL THEN disabled_reason ELSE '' END,
			disabled_at = CASE WHEN $5 IS NULL THEN disabled_at WHEN $5 THEN NULL ELSE COALESCE(disabled_at, $6) END,
			failed_deliveries = CASE WHEN $5 THEN 0 ELSE failed_deliveries END,
			failing_since = CASE WHEN $5 THEN NULL ELSE failing_since END,
			updated_at = $6
		WHERE id = $1 RETURNING `+webhookColumns, id, u.URL, u.Description, u.EventTypes, u.Enabled, s.now()))
}

// DeleteWebhook implements core.WebhookService.
func (s *Store) DeleteWebhook(ctx context.Context, id uuid.UUID) error {
	q, err := s.q(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	return err
}

// RotateWebhookSecret implements core.WebhookService. Attempts from now on
// (retries of earlier deliveries included) are signed with the new secret,
// and with the previous one for core.WebhookSecretOverlap.
func (s *Store) RotateWebhookSecret(ctx context.Context, id uuid.UUID) (*core.WebhookEndpoint, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	secret := core.NewWebhookSecret()
	now := s.now()
	e, err := scanWebhook(q.QueryRow(ctx, `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = $4,
			secret = $2, updated_at = $3
		WHERE id = $1 RETURNING `+webhookColumns, id, secret, now, now.Add(core.WebhookSecretOverlap)))
	if err != nil {
		return nil, err
	}
	e.Secret = secret
	return e, nil
}

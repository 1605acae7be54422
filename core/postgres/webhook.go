package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

// webhookRepo implements webhook.Repository on a unit of work: endpoints
// and what their deliveries show.
type webhookRepo struct {
	u   *unit
	box *secretBox
}

// Webhooks implements webhook.Store.
func (s *Store) Webhooks(u core.UnitOfWork) webhook.Repository {
	return webhookRepo{unitOf(u), s.secrets()}
}

// webhookFrom is the endpoints (e) with their newest delivery (last, its
// columns named so that "id" is the endpoint's alone); the index on
// (tenant_id, endpoint_id, created_at DESC, id DESC) finds it.
const webhookFrom = `webhook_endpoints e LEFT JOIN LATERAL (
		SELECT d.id AS last_id, d.event_type AS last_event_type, d.status AS last_status, d.attempts AS last_attempts,
			COALESCE(d.last_status_code, 0) AS last_code, d.created_at AS last_created_at
		FROM webhook_deliveries d WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.id
		ORDER BY d.created_at DESC, d.id DESC LIMIT 1) last ON true`

const webhookColumns = `e.id, e.url, e.description, e.event_types, e.enabled, e.disabled_reason, e.disabled_at, e.created_at,
	e.updated_at, e.failed_deliveries, last.last_id, last.last_event_type, last.last_status, last.last_attempts, last.last_code,
	last.last_created_at`

func scanWebhook(r pgx.Row) (*core.WebhookEndpoint, error) {
	e := &core.WebhookEndpoint{}
	var lastID *uuid.UUID
	var lastType, lastStatus *string
	var lastAttempts, lastCode *int
	var lastAt *time.Time
	err := r.Scan(&e.ID, &e.URL, &e.Description, &e.EventTypes, &e.Enabled, &e.DisabledReason, &e.DisabledAt,
		&e.CreatedAt, &e.UpdatedAt, &e.FailedDeliveries, &lastID, &lastType, &lastStatus, &lastAttempts, &lastCode, &lastAt)
	if err == nil && lastID != nil {
		e.LastDelivery = &core.WebhookLastDelivery{ID: *lastID, EventType: *lastType, Status: *lastStatus, Attempts: *lastAttempts,
			LastStatus: *lastCode, CreatedAt: *lastAt}
	}
	return e, translate(err, "webhook")
}

func (r webhookRepo) InsertWebhook(e *core.WebhookEndpoint, secret string) {
	r.u.write(`INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, secret_sealed, enabled,
			created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8)`,
		e.ID, e.URL, e.Description, e.EventTypes, sealWebhookSecret(r.box, r.u.tenantID, e.ID, secret), e.Enabled,
		e.CreatedAt, e.UpdatedAt)
}

func (r webhookRepo) FindWebhooks(ctx context.Context, after string, limit int) ([]*core.WebhookEndpoint, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	return pageByID(ctx, q, webhookColumns, webhookFrom, after, limit, scanWebhook,
		func(e *core.WebhookEndpoint) uuid.UUID { return e.ID })
}

func (r webhookRepo) findWebhook(ctx context.Context, sql string, id uuid.UUID) (*core.WebhookEndpoint, error) {
	var e *core.WebhookEndpoint
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		e, err = scanWebhook(row)
		return err
	}, sql, id)
	return e, translate(err, "webhook")
}

func (r webhookRepo) FindWebhookByID(ctx context.Context, id uuid.UUID) (*core.WebhookEndpoint, error) {
	return r.findWebhook(ctx, `SELECT `+webhookColumns+` FROM `+webhookFrom+` WHERE e.id = $1`, id)
}

func (r webhookRepo) LockWebhook(ctx context.Context, id uuid.UUID) (*core.WebhookEndpoint, error) {
	return r.findWebhook(ctx, `SELECT `+webhookColumns+` FROM `+webhookFrom+` WHERE e.id = $1 FOR UPDATE OF e`, id)
}

func (r webhookRepo) UpdateWebhook(e *core.WebhookEndpoint, clearFailures bool) {
	r.u.write(`UPDATE webhook_endpoints SET url = $2, description = $3, event_types = $4, enabled = $5, disabled_reason = $6,
			disabled_at = $7, updated_at = $8,
			failed_deliveries = CASE WHEN $9 THEN 0 ELSE failed_deliveries END,
			failing_since = CASE WHEN $9 THEN NULL ELSE failing_since END
		WHERE id = $1`, e.ID, e.URL, e.Description, e.EventTypes, e.Enabled, e.DisabledReason, e.DisabledAt, e.UpdatedAt, clearFailures)
}

func (r webhookRepo) DeleteWebhook(ctx context.Context, id uuid.UUID) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	return err
}

// RotateWebhookSecret implements webhook.Repository. The current secret,
// sealed or (not sealed yet) plain, becomes the previous one as it is.
func (r webhookRepo) RotateWebhookSecret(id uuid.UUID, secret string, previousUntil, at time.Time) {
	r.u.write(`UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_sealed = secret_sealed,
			previous_secret_until = $3, secret = '', secret_sealed = $2, updated_at = $4
		WHERE id = $1`, id, sealWebhookSecret(r.box, r.u.tenantID, id, secret), previousUntil, at)
}

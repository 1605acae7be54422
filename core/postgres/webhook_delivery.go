package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

// webhookChannel is the NOTIFY channel that wakes the webhook sweepers.
const webhookChannel = "webhook_deliveries"

// CreateWebhookDeliveries implements core.WebhookDeliveryStore. The
// statement goes with the commit's last round trip, so a tenant without
// webhooks pays no round trip for them; it NOTIFYs only when it created a
// delivery.
func (s *Store) CreateWebhookDeliveries(ctx context.Context, u core.UnitOfWork, m core.OutboxMessage, body json.RawMessage) error {
	if _, err := unitOf(u).conn(ctx); err != nil {
		return err
	}
	unitOf(u).deferUntilCommit(`WITH ins AS (
			INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, outbox_id, event_type, body, next_attempt_at, created_at)
			SELECT app_current_tenant(), gen_random_uuid(), e.id, $1, $2, $3, $4, $4 FROM webhook_endpoints e
			WHERE e.enabled AND e.event_types && $5::text[]
			ON CONFLICT (tenant_id, outbox_id, endpoint_id) DO NOTHING RETURNING 1)
		SELECT pg_notify('`+webhookChannel+`', '') FROM (SELECT 1 FROM ins LIMIT 1) created`,
		m.ID, m.Type, string(body), s.now(), webhook.Subscriptions(m.Type))
	return nil
}

// ClaimDueWebhooks implements core.WebhookDeliveryStore through the
// SECURITY DEFINER function webhook_claim_due (migrations/00011_webhooks.sql).
func (s *Store) ClaimDueWebhooks(ctx context.Context, u core.UnitOfWork, now time.Time, limit int, staleAfter time.Duration) ([]core.WebhookDue, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT tenant_id, id FROM webhook_claim_due($1, $2, $3)`, now, limit, staleAfter)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[core.WebhookDue])
}

// ListenWebhooks implements core.WebhookDeliveryStore.
func (s *Store) ListenWebhooks(ctx context.Context, wake func()) {
	for ctx.Err() == nil {
		err := s.listenChannel(ctx, webhookChannel, func(string) { wake() }, wake)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("webhook listener lost its connection; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// StartWebhookAttempt implements core.WebhookDeliveryStore, in one
// statement on the usual path. Two workers racing for a delivery queue on
// its row; the second finds it under way and takes nothing.
func (s *Store) StartWebhookAttempt(ctx context.Context, u core.UnitOfWork, id uuid.UUID, now time.Time, lease time.Duration) (*core.WebhookSend, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &core.WebhookSend{ID: id}
	var plain, prevPlain string
	var sealed, prevSealed []byte
	err = q.QueryRow(ctx, `UPDATE webhook_deliveries d SET attempts = d.attempts + 1, series_attempts = d.series_attempts + 1,
			attempting_until = $2::timestamptz + $3::interval, enqueued_at = NULL
		FROM webhook_endpoints e
		WHERE e.tenant_id = d.tenant_id AND e.id = d.endpoint_id AND d.id = $1 AND e.enabled
			AND d.status = 'pending' AND d.next_attempt_at <= $2 AND (d.attempting_until IS NULL OR d.attempting_until < $2)
		RETURNING d.endpoint_id, e.url, e.secret, e.secret_sealed,
			CASE WHEN e.previous_secret_until > $2 THEN e.previous_secret ELSE '' END,
			CASE WHEN e.previous_secret_until > $2 THEN e.previous_secret_sealed END,
			d.body, d.series_attempts, d.attempts`, id, now, lease).Scan(
		&w.EndpointID, &w.URL, &plain, &sealed, &prevPlain, &prevSealed, &w.Body, &w.Attempt, &w.N)
	if core.ErrorCode(translate(err, "")) != core.ENOTFOUND {
		if err != nil {
			return nil, translate(err, "webhook delivery")
		}
		box, tenant := s.secrets(), unitOf(u).tenantID
		if w.Secret, err = openWebhookSecret(box, tenant, w.EndpointID, sealed, plain); err != nil {
			return nil, err
		}
		if w.PreviousSecret, err = openWebhookSecret(box, tenant, w.EndpointID, prevSealed, prevPlain); err != nil {
			return nil, err
		}
		return w, nil
	}
	// Not taken: done, under way, gone, or its endpoint is disabled, in
	// which case it fails now rather than wait for re-enabling.
	_, err = q.Exec(ctx, `UPDATE webhook_deliveries d SET status = 'failed', next_attempt_at = NULL, enqueued_at = NULL,
			last_error = 'endpoint disabled'
		FROM webhook_endpoints e
		WHERE e.tenant_id = d.tenant_id AND e.id = d.endpoint_id AND d.id = $1 AND NOT e.enabled AND d.status = 'pending'
			AND (d.attempting_until IS NULL OR d.attempting_until < $2)`, id, now)
	return nil, err
}

// RecordWebhookAttempt implements core.WebhookDeliveryStore, in one round
// trip.
func (s *Store) RecordWebhookAttempt(ctx context.Context, u core.UnitOfWork, r core.WebhookResult, status string) (core.WebhookHealth, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return core.WebhookHealth{}, err
	}
	var code *int
	if r.StatusCode != 0 {
		code = &r.StatusCode
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO webhook_attempts (tenant_id, delivery_id, n, at, status_code, duration_ms, error, response)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		r.DeliveryID, r.N, r.At, code, r.Duration.Milliseconds(), r.Error, r.Response)
	b.Queue(`UPDATE webhook_deliveries SET status = $2, next_attempt_at = $3, attempting_until = NULL,
			last_status_code = $4, last_error = $5, delivered_at = CASE WHEN $2 = 'delivered' THEN $6::timestamptz END
		WHERE id = $1 AND attempts = $7`, r.DeliveryID, status, r.RetryAt, code, r.Error, r.At, r.N)
	var h core.WebhookHealth
	b.Queue(webhookHealthSQL, r.EndpointID).QueryRow(func(row pgx.Row) error { return scanWebhookHealth(row, &h) })
	return h, q.SendBatch(ctx, b).Close()
}

const webhookHealthSQL = `SELECT enabled, failed_deliveries, failing_since FROM webhook_endpoints WHERE id = $1`

func scanWebhookHealth(row pgx.Row, h *core.WebhookHealth) error {
	return translate(row.Scan(&h.Enabled, &h.Failures.Deliveries, &h.Failures.Since), "webhook")
}

// LockWebhookHealth implements core.WebhookDeliveryStore.
func (s *Store) LockWebhookHealth(ctx context.Context, u core.UnitOfWork, endpointID uuid.UUID) (core.WebhookHealth, error) {
	var h core.WebhookHealth
	err := unitOf(u).queryRow(ctx, func(row pgx.Row) error { return scanWebhookHealth(row, &h) },
		webhookHealthSQL+` FOR UPDATE`, endpointID)
	return h, err
}

// SetWebhookHealth implements core.WebhookDeliveryStore.
func (s *Store) SetWebhookHealth(u core.UnitOfWork, endpointID uuid.UUID, f core.WebhookFailures, disabledReason string, at time.Time) {
	unitOf(u).write(`UPDATE webhook_endpoints SET failed_deliveries = $2, failing_since = $3 WHERE id = $1`,
		endpointID, f.Deliveries, f.Since)
	if disabledReason != "" {
		unitOf(u).write(`UPDATE webhook_endpoints SET enabled = false, disabled_at = $2, updated_at = $2, disabled_reason = $3
			WHERE id = $1`, endpointID, at, disabledReason)
	}
}

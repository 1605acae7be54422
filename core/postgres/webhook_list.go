package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

const deliveryColumns = `id, endpoint_id, event_type, status, attempts, next_attempt_at, COALESCE(last_status_code, 0), last_error,
	body, created_at, delivered_at`

func scanDelivery(r pgx.Row) (*core.WebhookDelivery, error) {
	d := &core.WebhookDelivery{}
	var body string
	err := r.Scan(&d.ID, &d.EndpointID, &d.EventType, &d.Status, &d.Attempts, &d.NextAttemptAt, &d.LastStatus, &d.LastError,
		&body, &d.CreatedAt, &d.DeliveredAt)
	d.Body = []byte(body)
	return d, translate(err, "webhook delivery")
}

func (r webhookRepo) FindWebhookDeliveries(ctx context.Context, endpointID uuid.UUID, after string, limit int) ([]*core.WebhookDelivery, string, error) {
	cur, err := parseUUIDCursor(after)
	if err != nil {
		return nil, "", err
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := q.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE endpoint_id = $1
			AND ($2::uuid IS NULL OR (created_at, id) < (SELECT c.created_at, c.id FROM webhook_deliveries c WHERE c.id = $2))
		ORDER BY created_at DESC, id DESC LIMIT $3`, endpointID, cur, limit+1)
	if err != nil {
		return nil, "", err
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.WebhookDelivery, error) { return scanDelivery(r) })
	if err != nil {
		return nil, "", err
	}
	items, next := nextPage(items, limit, func(d *core.WebhookDelivery) string { return d.ID.String() })
	return items, next, nil
}

func (r webhookRepo) FindWebhookDelivery(ctx context.Context, endpointID, id uuid.UUID) (*core.WebhookDelivery, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	d, err := scanDelivery(q.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2`,
		endpointID, id))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT n, at, COALESCE(status_code, 0), duration_ms, error, response FROM webhook_attempts
		WHERE delivery_id = $1 ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	d.AttemptLog, err = pgx.CollectRows(rows, pgx.RowToStructByPos[core.WebhookAttempt])
	return d, err
}

func (r webhookRepo) LockDelivery(ctx context.Context, endpointID, id uuid.UUID) (webhook.DeliveryState, error) {
	var st webhook.DeliveryState
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&st.AttemptingUntil, &st.EndpointEnabled) },
		`SELECT d.attempting_until, e.enabled
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
		WHERE d.endpoint_id = $1 AND d.id = $2 FOR UPDATE OF d`, endpointID, id)
	return st, translate(err, "webhook delivery")
}

// RestartDelivery implements webhook.Repository. The NOTIFY at commit
// hands it to a sweeper at once.
func (r webhookRepo) RestartDelivery(ctx context.Context, id uuid.UUID, at time.Time) (*core.WebhookDelivery, error) {
	var d *core.WebhookDelivery
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		d, err = scanDelivery(row)
		return err
	}, `UPDATE webhook_deliveries SET status = 'pending', series_attempts = 0,
			next_attempt_at = $2, enqueued_at = NULL, delivered_at = NULL
		WHERE id = $1 RETURNING `+deliveryColumns, id, at)
	if err != nil {
		return nil, translate(err, "webhook delivery")
	}
	r.u.deferUntilCommit(`SELECT pg_notify('` + webhookChannel + `', '')`)
	return d, nil
}

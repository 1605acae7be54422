package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/workorder"
)

// messagingRepo implements messaging.Repository on a unit of work: SMS
// settings, the gateway's reports and inbound texts, follow-ups.
type messagingRepo struct{ u *unit }

// Messaging implements messaging.Store.
func (s *Store) Messaging(u core.UnitOfWork) messaging.Repository { return messagingRepo{unitOf(u)} }

func (r messagingRepo) FindSMSSettings(ctx context.Context) (messaging.SMSSettingsRecord, error) {
	var (
		rec       messaging.SMSSettingsRecord
		number    *string
		updatedAt *time.Time
	)
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&rec.Document, &number, &updatedAt, &rec.TimeZone)
	}, `SELECT s.settings, s.number, s.updated_at, t.timezone
		FROM tenants t LEFT JOIN sms_settings s ON s.tenant_id = t.id
		WHERE t.id = app_current_tenant()`)
	if err != nil {
		return rec, translate(err, "tenant")
	}
	if number != nil {
		rec.Number = *number
	}
	if updatedAt != nil {
		rec.UpdatedAt = *updatedAt
	}
	return rec, nil
}

func (r messagingRepo) SaveSMSSettings(ctx context.Context, rec messaging.SMSSettingsRecord) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	var number *string
	if rec.Number != "" {
		number = &rec.Number
	}
	_, err = q.Exec(ctx, `INSERT INTO sms_settings (tenant_id, number, settings, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3) ON CONFLICT (tenant_id) DO UPDATE
		SET number = EXCLUDED.number, settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at`,
		number, rec.Document, rec.UpdatedAt)
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
		return core.Errorf(core.ECONFLICT, "another tenant has the number")
	}
	return translate(err, "SMS settings")
}

// FindTenantBySMSNumber goes through the SECURITY DEFINER function
// sms_tenant_by_number, which sees every tenant's number.
func (r messagingRepo) FindTenantBySMSNumber(ctx context.Context, candidates []string) (uuid.UUID, error) {
	var id *uuid.UUID
	if err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&id) },
		`SELECT sms_tenant_by_number($1)`, candidates); err != nil {
		return uuid.Nil, err
	}
	if id == nil {
		return uuid.Nil, core.Errorf(core.ENOTFOUND, "no tenant has the number")
	}
	return *id, nil
}

func (r messagingRepo) LockOutgoingSMS(ctx context.Context, id uuid.UUID) (*core.SMS, error) {
	var m *core.SMS
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		m, err = scanSMS(row)
		return err
	}, `SELECT `+smsColumns+` FROM sms_messages WHERE id = $1 AND direction = 'out' FOR UPDATE`, id)
	return m, translate(err, "SMS message")
}

func (r messagingRepo) SetSMSStatus(id uuid.UUID, status, errText string, at time.Time) {
	r.u.write(`UPDATE sms_messages SET status = $2, error = $3, updated_at = $4, sent_at = COALESCE(sent_at, $4),
			delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz END
		WHERE id = $1`, id, status, errText, at)
}

func (r messagingRepo) AppendSMSStatusEvent(m *core.SMS, status, errText string, at time.Time) {
	if m.WorkOrderID == nil {
		return
	}
	b := &pgx.Batch{}
	queueSMSStatusEvent(b, *m.WorkOrderID, m.ID, m.Kind, m.To, status, errText, at)
	for _, q := range b.QueuedQueries {
		r.u.write(q.SQL, q.Arguments...)
	}
}

func (r messagingRepo) SaveInboundSMS(m *core.SMS) {
	r.u.write(`INSERT INTO sms_messages (tenant_id, id, work_order_id, kind, recipient, sender, locale, body,
			provider, status, error, direction, encoding, segments)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, 'in', $10, $11)`,
		m.ID, m.WorkOrderID, m.Kind, m.To, m.From, m.Locale, m.Body, m.Provider, m.Error, m.Encoding, m.Segments)
}

func (r messagingRepo) CountRecentSMS(ctx context.Context, kind, to string, within time.Duration) (int, error) {
	var n int
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) },
		`SELECT count(*) FROM sms_messages WHERE recipient = $1 AND created_at >= now() - $2::interval
		AND kind = $3 AND direction = 'out'`, to, within, kind)
	return n, err
}

func (r messagingRepo) FindSMSSender(ctx context.Context, phone string) (*core.SMSSender, error) {
	snd := &core.SMSSender{Phone: phone}
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&snd.Locale, &snd.TechnicianID, &snd.UserID, &snd.Lat, &snd.Lon, &snd.CustomerID)
	}, `SELECT t.locale,
			(SELECT id FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT user_id FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT lat FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT lon FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT customer_id FROM customer_phones WHERE phone = $1 LIMIT 1)
		FROM tenants t WHERE t.id = app_current_tenant()`, phone)
	if err != nil {
		return nil, translate(err, "tenant")
	}
	return snd, nil
}

func (r messagingRepo) FindTechnicianOrders(ctx context.Context, technicianID uuid.UUID, number string, states []string, limit int) ([]uuid.UUID, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	var rows pgx.Rows
	if number != "" {
		rows, err = q.Query(ctx, `SELECT id FROM work_orders WHERE number = $1 AND technician_id = $2 LIMIT $3`,
			number, technicianID, limit)
	} else {
		rows, err = q.Query(ctx, `SELECT id FROM work_orders WHERE technician_id = $1 AND state = ANY($2) LIMIT $3`,
			technicianID, states, limit)
	}
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

func (r messagingRepo) LockOrderAwaitingScore(ctx context.Context, customerID uuid.UUID, states []string, asked string) (*core.WorkOrder, error) {
	var w *core.WorkOrder
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		w, err = scanWorkOrder(row)
		return err
	}, `SELECT `+workOrderColumns+` FROM work_orders w
		WHERE w.customer_id = $1 AND w.completed_at IS NOT NULL AND w.satisfaction_score IS NULL AND w.state = ANY($3)
		  AND EXISTS (SELECT 1 FROM sms_messages m WHERE m.work_order_id = w.id AND m.kind = $2)
		ORDER BY w.completed_at DESC LIMIT 1 FOR UPDATE`, customerID, asked, states)
	return w, translate(err, "completed order awaiting a score")
}

func (r messagingRepo) RecordSatisfaction(workOrderID uuid.UUID, score int, actor string, at time.Time) {
	r.u.write(`UPDATE work_orders SET satisfaction_score = $2, satisfaction_at = $3, updated_at = $3 WHERE id = $1`,
		workOrderID, score, at)
	r.u.write(eventSQL, eventArgs(workorder.Event{WorkOrderID: workOrderID, Type: "satisfaction_scored", Actor: actor, At: at,
		Payload: map[string]any{"score": score}})...)
}

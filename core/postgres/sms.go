package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/workorder"
)

// smsActor names the platform in the timeline events of message statuses.
const smsActor = "system:sms"

// queueSMSStatusEvent adds to b the timeline event of a message's new
// status. The order row is locked first: event numbers are max(seq)+1,
// and actions on the order hold the same lock while they append theirs.
func queueSMSStatusEvent(b *pgx.Batch, order uuid.UUID, id uuid.UUID, kind, to, status, errText string, at time.Time) error {
	b.Queue(`SELECT 1 FROM work_orders WHERE id = $1 FOR UPDATE`, order)
	payload := map[string]any{"sms_id": id, "kind": kind, "to": to, "status": status}
	if errText != "" {
		payload["error"] = errText
	}
	b.Queue(eventSQL, eventArgs(workorder.Event{WorkOrderID: order, Type: "sms_status", Actor: smsActor, At: at, Payload: payload})...)
	return nil
}

// QueueSMS implements core.SMSStore. Its statements go in the round trip
// before the commit (the order lock is held only that long).
func (s *Store) QueueSMS(ctx context.Context, u core.UnitOfWork, m *core.SMS) error {
	if _, err := unitOf(u).conn(ctx); err != nil {
		return err
	}
	if m.SendAfter.IsZero() { // the caller decides when it may go out (core.SMSSettings.SendAt)
		return core.Errorf(core.EINTERNAL, "SMS %s queued without a send time", m.ID)
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO sms_messages (tenant_id, id, work_order_id, outbox_id, kind, recipient, locale, body,
			provider, status, error, send_after, encoding, segments)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		m.ID, m.WorkOrderID, m.OutboxID, m.Kind, m.To, m.Locale, m.Body, m.Provider, m.Status, m.Error, m.SendAfter,
		m.Encoding, m.Segments)
	if m.WorkOrderID != nil {
		if err := queueSMSStatusEvent(b, *m.WorkOrderID, m.ID, m.Kind, m.To, m.Status, m.Error, s.now()); err != nil {
			return err
		}
	}
	for _, qq := range b.QueuedQueries {
		unitOf(u).deferUntilCommit(qq.SQL, qq.Arguments...)
	}
	return nil
}

const smsColumns = `id, work_order_id, outbox_id, kind, recipient, locale, body, provider, status, error, sent_at,
	direction, sender, send_after, encoding, segments, attempts`

func scanSMS(r pgx.Row, extra ...any) (*core.SMS, error) {
	m := &core.SMS{}
	err := r.Scan(append([]any{&m.ID, &m.WorkOrderID, &m.OutboxID, &m.Kind, &m.To, &m.Locale, &m.Body, &m.Provider, &m.Status, &m.Error,
		&m.SentAt, &m.Direction, &m.From, &m.SendAfter, &m.Encoding, &m.Segments, &m.Attempts}, extra...)...)
	return m, err
}

// LockSMSForSending implements core.SMSStore.
func (s *Store) LockSMSForSending(ctx context.Context, u core.UnitOfWork, ids []uuid.UUID) ([]core.SMSForSending, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+smsColumns+`, updated_at, clock_timestamp() FROM sms_messages
		WHERE id = ANY($1) AND direction = 'out' ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.SMSForSending, error) {
		var updated, now time.Time
		m, err := scanSMS(r, &updated, &now)
		return core.SMSForSending{SMS: m, Idle: now.Sub(updated)}, err
	})
}

// StartSendingSMS implements core.SMSStore.
func (s *Store) StartSendingSMS(u core.UnitOfWork, id uuid.UUID) {
	unitOf(u).write(`UPDATE sms_messages SET status = 'sending', attempts = attempts + 1, updated_at = clock_timestamp()
		WHERE id = $1`, id)
}

// FailSMS implements core.SMSStore.
func (s *Store) FailSMS(u core.UnitOfWork, m *core.SMS, errText string) {
	unitOf(u).write(`UPDATE sms_messages SET status = 'failed', error = $2, updated_at = clock_timestamp() WHERE id = $1`,
		m.ID, errText)
	if m.WorkOrderID != nil {
		b := &pgx.Batch{}
		_ = queueSMSStatusEvent(b, *m.WorkOrderID, m.ID, m.Kind, m.To, core.SMSFailed, errText, s.now())
		for _, qq := range b.QueuedQueries {
			unitOf(u).write(qq.SQL, qq.Arguments...)
		}
	}
}

// smsStatusEvent appends the event of a message's new status now.
func (s *Store) smsStatusEvent(ctx context.Context, q querier, m *core.SMS, status, errText string) error {
	if m.WorkOrderID == nil {
		return nil
	}
	b := &pgx.Batch{}
	if err := queueSMSStatusEvent(b, *m.WorkOrderID, m.ID, m.Kind, m.To, status, errText, s.now()); err != nil {
		return err
	}
	return q.SendBatch(ctx, b).Close()
}

// MarkSMSSent implements core.SMSStore, in one round trip with the
// messages' timeline events.
func (s *Store) MarkSMSSent(ctx context.Context, u core.UnitOfWork, ids []uuid.UUID) ([]*core.SMS, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `UPDATE sms_messages SET status = 'sent', attempts = attempts + 1,
			updated_at = clock_timestamp(), sent_at = clock_timestamp()
		WHERE id = ANY($1) AND direction = 'out' AND status = 'queued'
		RETURNING `+smsColumns, ids)
	if err != nil {
		return nil, err
	}
	sent, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.SMS, error) { return scanSMS(r) })
	if err != nil || len(sent) == 0 {
		return sent, err
	}
	b := &pgx.Batch{}
	for _, m := range sent {
		if m.WorkOrderID != nil {
			if err := queueSMSStatusEvent(b, *m.WorkOrderID, m.ID, m.Kind, m.To, core.SMSSent, "", s.now()); err != nil {
				return nil, err
			}
		}
	}
	return sent, q.SendBatch(ctx, b).Close()
}

// FinishSMS implements core.SMSStore. Its commit does not wait for the
// WAL flush (synchronous_commit off): were it lost with a database crash,
// the message would stay 'sending', as a dead worker's, and be settled as
// one is (messaging.ClaimForSending: by its delivery report, or failed as
// of unknown outcome with a provider that gives none), while every text
// saves a flush wait.
func (s *Store) FinishSMS(ctx context.Context, u core.UnitOfWork, id uuid.UUID, status, errText string) error {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`SET LOCAL synchronous_commit = off`)
	b.Queue(`UPDATE sms_messages SET status = $2, error = $3, updated_at = clock_timestamp(),
			sent_at = CASE WHEN $2 = 'sent' THEN clock_timestamp() ELSE sent_at END
		WHERE id = $1 AND status = 'sending' RETURNING `+smsColumns, id, status, errText)
	br := q.SendBatch(ctx, b)
	_, err = br.Exec()
	var m *core.SMS
	if err == nil {
		m, err = scanSMS(br.QueryRow())
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return nil // a delivery report came first
	}
	if err != nil || status == core.SMSQueued {
		return err
	}
	return s.smsStatusEvent(ctx, q, m, status, errText)
}

// UnsentSMS implements core.SMSStore, through the SECURITY DEFINER
// function sms_unsent (migrations/00010_sms_gateway.sql).
func (s *Store) UnsentSMS(ctx context.Context, u core.UnitOfWork, limit int, idle time.Duration) ([]core.SMSRef, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT tenant_id, id, kind, send_after FROM sms_unsent($1, $2)`, limit, idle)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.SMSRef, error) {
		var m core.SMSRef
		return m, r.Scan(&m.TenantID, &m.ID, &m.Kind, &m.SendAfter)
	})
}

package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// ClaimOutbox implements core.OutboxStore. It reads every tenant's rows
// through the SECURITY DEFINER function outbox_claim (see migrations/00007_outbox.sql).
func (s *Store) ClaimOutbox(ctx context.Context, u core.UnitOfWork, limit int, staleAfter time.Duration) ([]core.OutboxMessage, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT tenant_id, id, aggregate_id, type, payload, created_at FROM outbox_claim($1, $2)`,
		limit, staleAfter)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.OutboxMessage, error) {
		var m core.OutboxMessage
		err := r.Scan(&m.TenantID, &m.ID, &m.AggregateID, &m.Type, &m.Payload, &m.CreatedAt)
		return m, err
	})
}

// MarkRelayed implements core.OutboxStore.
func (s *Store) MarkRelayed(ctx context.Context, u core.UnitOfWork, msgs []core.OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	tenants := make([]uuid.UUID, len(msgs))
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		tenants[i], ids[i] = m.TenantID, m.ID
	}
	_, err = q.Exec(ctx, `SELECT outbox_mark_relayed($1, $2)`, tenants, ids)
	return err
}

// ListenOutbox implements core.OutboxStore.
func (s *Store) ListenOutbox(ctx context.Context, wake func()) {
	s.onOutboxLocal(wake) // this process's own commits wake it without a round trip
	for ctx.Err() == nil {
		err := s.listenChannel(ctx, "outbox", func(string) { wake() }, wake)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("outbox listener lost its connection; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// listenChannel LISTENs on channel, calls connected once listening, then
// notice with each payload, until the connection fails or ctx ends.
func (s *Store) listenChannel(ctx context.Context, channel string, notice func(string), connected func()) error {
	conn, err := s.sessionPool().Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN *")
	connected()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		notice(n.Payload)
	}
}

// ClaimEffectsBatch implements core.EffectStore, in one statement.
func (s *Store) ClaimEffectsBatch(ctx context.Context, u core.UnitOfWork, outboxIDs []int64, handlers []string) (map[int64][]string, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `INSERT INTO outbox_effects (tenant_id, outbox_id, handler)
		SELECT app_current_tenant(), i, h FROM unnest($1::bigint[]) i, unnest($2::text[]) h
		ON CONFLICT DO NOTHING RETURNING outbox_id, handler`, outboxIDs, handlers)
	if err != nil {
		return nil, err
	}
	out := map[int64][]string{}
	var id int64
	var h string
	_, err = pgx.ForEachRow(rows, []any{&id, &h}, func() error {
		out[id] = append(out[id], h)
		return nil
	})
	return out, translate(err, "outbox message")
}

// ClaimEffects implements core.EffectStore, in one statement.
func (s *Store) ClaimEffects(ctx context.Context, u core.UnitOfWork, outboxID int64, handlers []string) ([]string, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `INSERT INTO outbox_effects (tenant_id, outbox_id, handler)
		SELECT app_current_tenant(), $1, h FROM unnest($2::text[]) h
		ON CONFLICT DO NOTHING RETURNING handler`, outboxID, handlers)
	if err != nil {
		return nil, err
	}
	claimed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return claimed, translate(err, "outbox message")
}

// MarkOutboxDone implements core.EffectStore.
func (s *Store) MarkOutboxDone(ctx context.Context, u core.UnitOfWork, outboxIDs ...int64) error {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	// A message of another database (a worker on the wrong Redis) is not
	// silently taken for done.
	tag, err := q.Exec(ctx, `UPDATE outbox SET done_at = COALESCE(done_at, clock_timestamp())
		WHERE tenant_id = app_current_tenant() AND id = ANY($1)`, outboxIDs)
	if err == nil && tag.RowsAffected() < int64(len(outboxIDs)) {
		return core.Errorf(core.ENOTFOUND, "outbox messages %v: not all found", outboxIDs)
	}
	return err
}

// FindAssignmentFacts implements core.NotificationStore.
func (s *Store) FindAssignmentFacts(ctx context.Context, u core.UnitOfWork, workOrderID, technicianID uuid.UUID) (*core.AssignmentFacts, error) {
	found, err := s.FindAssignmentFactsBatch(ctx, u, []core.Assignment{{WorkOrderID: workOrderID, TechnicianID: technicianID}})
	if err != nil {
		return nil, err
	}
	f := found[core.Assignment{WorkOrderID: workOrderID, TechnicianID: technicianID}]
	if f == nil {
		return nil, core.Errorf(core.ENOTFOUND, "work order not found")
	}
	return f, nil
}

// FindAssignmentFactsBatch implements core.NotificationStore, in one query.
func (s *Store) FindAssignmentFactsBatch(ctx context.Context, u core.UnitOfWork, as []core.Assignment) (map[core.Assignment]*core.AssignmentFacts, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	orders, techs := make([]uuid.UUID, len(as)), make([]uuid.UUID, len(as))
	for i, a := range as {
		orders[i], techs[i] = a.WorkOrderID, a.TechnicianID
	}
	rows, err := q.Query(ctx, `SELECT w.id, tech.id, w.number, w.address, w.description, t.locale, c.name,
			COALESCE((SELECT p.phone FROM customer_phones p WHERE p.tenant_id = w.tenant_id AND p.customer_id = w.customer_id
				ORDER BY p.phone LIMIT 1), ''),
			tech.name, tech.phone
		FROM unnest($1::uuid[], $2::uuid[]) x(order_id, technician_id)
		JOIN work_orders w ON w.id = x.order_id
		JOIN tenants t ON t.id = w.tenant_id
		JOIN customers c ON c.tenant_id = w.tenant_id AND c.id = w.customer_id
		JOIN technicians tech ON tech.tenant_id = w.tenant_id AND tech.id = x.technician_id`, orders, techs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[core.Assignment]*core.AssignmentFacts, len(as))
	for rows.Next() {
		var a core.Assignment
		f := &core.AssignmentFacts{}
		if err := rows.Scan(&a.WorkOrderID, &a.TechnicianID, &f.Number, &f.Address, &f.Fault, &f.Locale,
			&f.CustomerName, &f.CustomerPhone, &f.TechnicianName, &f.TechnicianPhone); err != nil {
			return nil, err
		}
		f.WorkOrderID = a.WorkOrderID
		out[a] = f
	}
	return out, rows.Err()
}

// SaveSMS implements core.NotificationStore. The write is sent with the
// transaction's last statements, in the round trip before the commit.
func (s *Store) SaveSMS(ctx context.Context, u core.UnitOfWork, m *core.SMS) error {
	if _, err := unitOf(u).conn(ctx); err != nil {
		return err
	}
	unitOf(u).deferUntilCommit(`INSERT INTO sms_messages (tenant_id, id, work_order_id, outbox_id, kind, recipient, locale, body,
			provider, status, error, sent_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (tenant_id, id) DO UPDATE SET status = EXCLUDED.status, error = EXCLUDED.error, sent_at = EXCLUDED.sent_at`,
		m.ID, m.WorkOrderID, m.OutboxID, m.Kind, m.To, m.Locale, m.Body, m.Provider, m.Status, m.Error, m.SentAt)
	return nil
}

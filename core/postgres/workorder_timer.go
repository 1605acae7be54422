package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/deadline"
)

// timerBatch bounds the orders of each kind one run looks at; the rest
// wait for the next run, a minute later.
const timerBatch = 1000

// timerRank orders one run's timers: breaches are recorded against the
// site that missed them before an acceptance timeout moves the order on.
var timerRank = map[string]int{core.TimerResponseOverdue: 0, core.TimerArrivalOverdue: 1, core.TimerUrgeResponse: 2,
	core.TimerUrgeArrival: 3, core.TimerAcceptance: 4}

type dueTimer struct {
	tenant, order uuid.UUID
	kind          string
}

// FireDueTimers implements core.TimerStore. The due orders of every
// tenant come from the SECURITY DEFINER function timers_due (migration
// 00012); each is then re-checked and handled in its tenant's transaction.
func (s *Store) FireDueTimers(ctx context.Context) (int, error) {
	now := s.now()
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, work_order_id, kind FROM timers_due($1, $2)`, now, timerBatch)
	if err != nil {
		return 0, err
	}
	due, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (dueTimer, error) {
		var d dueTimer
		return d, r.Scan(&d.tenant, &d.order, &d.kind)
	})
	if err != nil {
		return 0, err
	}
	slices.SortStableFunc(due, func(a, b dueTimer) int { return timerRank[a.kind] - timerRank[b.kind] })
	fired := 0
	for _, d := range due {
		var ok bool
		err := s.InTenant(ctx, d.tenant, func(ctx context.Context) error {
			var err error
			ok, err = s.fireTimer(ctx, d.order, d.kind)
			return err
		})
		switch {
		case ctx.Err() != nil:
			return fired, ctx.Err()
		case err != nil: // this order waits for the next run; the others go on
			s.log.Error("work-order timer failed", "tenant_id", d.tenant, "work_order_id", d.order, "kind", d.kind, "err", err)
		case ok:
			fired++
		}
	}
	return fired, nil
}

// timerOrder is what the timers read of an order, under its row lock.
type timerOrder struct {
	id                     uuid.UUID
	state                  string
	siteID, technicianID   *uuid.UUID
	createdAt              time.Time
	respondBy, respondedAt *time.Time
	arriveBy, arrivedAt    *time.Time
	flags, autoUrged       []string
	urgeCount              int
	lastUrgedAt            *time.Time
}

// lockTimerOrder locks the order and reads it.
func lockTimerOrder(ctx context.Context, q querier, id uuid.UUID) (*timerOrder, error) {
	o := &timerOrder{id: id}
	err := q.QueryRow(ctx, `SELECT state, site_id, technician_id, created_at, respond_by, responded_at, arrive_by, arrived_at,
			sla_flags, auto_urged, urge_count, last_urged_at
		FROM work_orders WHERE id = $1 FOR UPDATE`, id).Scan(&o.state, &o.siteID, &o.technicianID, &o.createdAt,
		&o.respondBy, &o.respondedAt, &o.arriveBy, &o.arrivedAt, &o.flags, &o.autoUrged, &o.urgeCount, &o.lastUrgedAt)
	return o, translate(err, "work order")
}

// deadline returns the deadline of an SLA kind (response, arrival) and
// when it was met.
func (o *timerOrder) deadline(kind string) (due, met *time.Time) {
	if kind == core.TimerResponseOverdue {
		return o.respondBy, o.respondedAt
	}
	return o.arriveBy, o.arrivedAt
}

func (o *timerOrder) open() bool {
	return o.state != core.StateCancelled && o.state != core.StateClosed
}

// fireTimer re-checks one timer of the order and applies it; false when it
// is not (or no longer) due, e.g. another run handled it first.
func (s *Store) fireTimer(ctx context.Context, id uuid.UUID, kind string) (bool, error) {
	q, err := s.q(ctx)
	if err != nil {
		return false, err
	}
	o, err := lockTimerOrder(ctx, q, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	now := s.now()
	switch kind {
	case core.TimerResponseOverdue, core.TimerArrivalOverdue:
		return s.flagBreach(ctx, q, o, kind, now)
	case core.TimerUrgeResponse, core.TimerUrgeArrival:
		return s.autoUrge(ctx, q, o, strings.TrimPrefix(kind, "urge_"), now)
	case core.TimerAcceptance:
		return s.acceptanceTimeout(ctx, q, o, now)
	}
	return false, core.Errorf(core.EINTERNAL, "unknown timer kind %q", kind)
}

// flagBreach flags a missed deadline once: the flag, a timeline event, the
// dispatcher's notice (outbox) and the miss against the responsible site,
// all in the order's transaction.
func (s *Store) flagBreach(ctx context.Context, q querier, o *timerOrder, kind string, now time.Time) (bool, error) {
	due, met := o.deadline(kind)
	if !core.SLAClock(o.createdAt, due, met).Missed(now) || !o.open() || slices.Contains(o.flags, kind) {
		return false, nil
	}
	payload := map[string]any{"kind": kind, "due_at": *due, "site_id": o.siteID}
	raw, err := json.Marshal(payload)
	if err != nil {
		return false, err
	}
	markOutbox(ctx)
	b := &pgx.Batch{}
	b.Queue(`UPDATE work_orders SET sla_flags = array_append(sla_flags, $2) WHERE id = $1`, o.id, kind)
	if err := queueEvent(b, o.id, "sla_breached", "", "", core.TimerActor, now, nil, nil, payload); err != nil {
		return false, err
	}
	queueOutbox(b, o.id, core.OutboxWorkOrderSLABreached, raw)
	if o.siteID != nil { // a deadline missed in the dispatcher queue is no site's
		b.Queue(`INSERT INTO site_sla_misses (tenant_id, site_id, work_order_id, kind, due_at, recorded_at)
			VALUES (app_current_tenant(), $1, $2, $3, $4, $5) ON CONFLICT (tenant_id, work_order_id, kind) DO NOTHING`,
			*o.siteID, o.id, kind, *due, now)
		if kind == "arrival" { // the site's late-arrival rate, which dispatch ranks by, at once
			b.Queue(lateRateSQL, now, *o.siteID)
		}
	}
	return true, translate(q.SendBatch(ctx, b).Close(), "work order")
}

// autoUrge urges the responsible site once per deadline, when its
// warning is due (core.WorkOrderSLA: 80 % of the wall-clock window from
// intake to the deadline).
func (s *Store) autoUrge(ctx context.Context, q querier, o *timerOrder, kind string, now time.Time) (bool, error) {
	due, met := o.deadline(kind)
	if !core.WorkOrderSLA.Warning(core.SLAClock(o.createdAt, due, met), now) || o.siteID == nil || !o.open() ||
		slices.Contains(o.autoUrged, kind) || slices.Contains(o.flags, kind) {
		return false, nil
	}
	markOutbox(ctx)
	b := &pgx.Batch{}
	b.Queue(`UPDATE work_orders SET auto_urged = array_append(auto_urged, $2), urge_count = urge_count + 1 WHERE id = $1`, o.id, kind)
	err := queueUrge(b, o, "", core.TimerActor, now, map[string]any{"auto": true, "kind": kind, "due_at": *due})
	if err != nil {
		return false, err
	}
	return true, translate(q.SendBatch(ctx, b).Close(), "work order")
}

// queueUrge adds an urge of o's site (the "urged" event and the
// work_order.urged message) to b; the caller counts it on the order.
func queueUrge(b *pgx.Batch, o *timerOrder, note, actor string, now time.Time, extra map[string]any) error {
	payload := map[string]any{"site_id": o.siteID, "technician_id": o.technicianID, "note": note, "count": o.urgeCount + 1}
	for k, v := range extra {
		payload[k] = v
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	if err := queueEvent(b, o.id, "urged", "", "", actor, now, nil, nil, payload); err != nil {
		return err
	}
	queueOutbox(b, o.id, core.OutboxWorkOrderUrged, raw)
	return nil
}

// acceptanceTimeout passes an order its site has not taken within the
// tenant's acceptance minutes (business time since it last became
// dispatched: a technician's decline gives the site a fresh window) to
// the next candidate, by the path of a site's rejection; with none left it
// waits in the queue, the timeout named in the reason.
func (s *Store) acceptanceTimeout(ctx context.Context, q querier, o *timerOrder, now time.Time) (bool, error) {
	if o.state != core.StateDispatched {
		return false, nil
	}
	var dispatchedAt *time.Time
	var tz string
	var spec []byte
	var minutes int
	err := q.QueryRow(ctx, `SELECT (SELECT at FROM work_order_events WHERE work_order_id = $1 AND to_state = 'dispatched'
				ORDER BY seq DESC LIMIT 1),
			t.timezone, COALESCE(ts.calendar, '{}'), COALESCE(ts.acceptance_minutes, $2)
		FROM tenants t LEFT JOIN tenant_settings ts ON ts.tenant_id = t.id WHERE t.id = app_current_tenant()`,
		o.id, core.DefaultAcceptanceMinutes).Scan(&dispatchedAt, &tz, &spec, &minutes)
	if err != nil || dispatchedAt == nil {
		return false, err
	}
	cal, err := s.calendarOf(tz, spec)
	if err != nil {
		return false, err
	}
	due, err := deadline.Policy{Work: time.Duration(minutes) * time.Minute}.Due(cal, *dispatchedAt, nil)
	if err != nil || now.Before(due) {
		return false, err
	}
	w, err := s.ApplyAction(ctx, o.id, core.ActionInput{Action: core.ActionReject, Reason: core.AcceptanceTimeoutReason}, core.TimerActor)
	if err != nil {
		return false, err
	}
	if w.State == core.StateCreated && w.QueueReason != "" {
		_, err = q.Exec(ctx, `UPDATE work_orders SET queue_reason = $2 WHERE id = $1`, o.id,
			core.AcceptanceTimeoutReason+": "+w.QueueReason)
	}
	return true, err
}

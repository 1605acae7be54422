package workorder

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/deadline"
	"github.com/aftersales/aftersales/core/network"
)

// timerBatch bounds the orders of each kind one run looks at; the rest
// wait for the next run, a minute later.
const timerBatch = 1000

// timerRank orders one run's timers: breaches are recorded against the
// site that missed them before an acceptance timeout moves the order on.
var timerRank = map[string]int{core.TimerResponseOverdue: 0, core.TimerArrivalOverdue: 1, core.TimerUrgeResponse: 2,
	core.TimerUrgeArrival: 3, core.TimerAcceptance: 4}

// FireDueTimers handles every timer due at the clock's time, across
// tenants, each order in a unit of its tenant under its row lock: a timer
// that another run (another replica) handled already is skipped, so
// concurrent runs have one effect. It returns how many timers fired; an
// order that fails is logged and left for the next run, the others go on.
func (s *Service) FireDueTimers(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.store.DueTimers(ctx, now, timerBatch)
	if err != nil {
		return 0, err
	}
	slices.SortStableFunc(due, func(a, b DueTimer) int { return timerRank[a.Kind] - timerRank[b.Kind] })
	fired := 0
	for _, d := range due {
		var ok bool
		err := core.InUnitOfWork(ctx, s.units, d.TenantID, func(u core.UnitOfWork) error {
			var err error
			ok, err = s.fireTimer(ctx, u, d)
			return err
		})
		switch {
		case ctx.Err() != nil:
			return fired, ctx.Err()
		case err != nil: // this order waits for the next run; the others go on
			s.log.Error("work-order timer failed", "tenant_id", d.TenantID, "work_order_id", d.WorkOrderID, "kind", d.Kind, "err", err)
		case ok:
			fired++
		}
	}
	return fired, nil
}

// fireTimer re-checks one timer of the order and applies it; false when
// it is not (or no longer) due, e.g. another run handled it first.
func (s *Service) fireTimer(ctx context.Context, u core.UnitOfWork, d DueTimer) (bool, error) {
	repo := s.store.WorkOrders(u)
	l, err := repo.LockWorkOrder(ctx, d.WorkOrderID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	now := s.now()
	switch d.Kind {
	case core.TimerResponseOverdue, core.TimerArrivalOverdue:
		return s.flagBreach(ctx, u, repo, l, d.Kind, now)
	case core.TimerUrgeResponse, core.TimerUrgeArrival:
		return s.autoUrge(u, repo, l, strings.TrimPrefix(d.Kind, "urge_"), now), nil
	case core.TimerAcceptance:
		return s.acceptanceTimeout(ctx, u, repo, l, now)
	}
	return false, core.Errorf(core.EINTERNAL, "unknown timer kind %q", d.Kind)
}

// slaDeadline returns the deadline of an SLA kind (response, arrival) and
// when it was met.
func slaDeadline(w *core.WorkOrder, kind string) (due, met *time.Time) {
	if kind == core.TimerResponseOverdue {
		return w.RespondBy, w.RespondedAt
	}
	return w.ArriveBy, w.ArrivedAt
}

// flagBreach flags a missed deadline once: the flag, a timeline event,
// the dispatchers' notice (outbox) and the miss against the responsible
// site, all in the order's unit. An arrival miss moves the site's
// late-arrival rate, which dispatch ranks by, at once.
func (s *Service) flagBreach(ctx context.Context, u core.UnitOfWork, repo Repository, l *Locked, kind string, now time.Time) (bool, error) {
	due, met := slaDeadline(l.WorkOrder, kind)
	if !core.SLAClock(l.CreatedAt, due, met).Missed(now) || !open(l.WorkOrder) || slices.Contains(l.SLAFlags, kind) {
		return false, nil
	}
	payload := map[string]any{"kind": kind, "due_at": *due, "site_id": l.SiteID}
	repo.UpdateWorkOrder(l.ID, Change{At: now, AddSLAFlag: kind})
	repo.AppendEvent(Event{WorkOrderID: l.ID, Type: "sla_breached", Actor: core.TimerActor, At: now, Payload: payload})
	s.store.Outbox(u).Add(l.ID, core.OutboxWorkOrderSLABreached, payloadJSON(payload))
	if l.SiteID == nil { // a deadline missed in the dispatcher queue is no site's
		return true, nil
	}
	repo.RecordSiteMiss(*l.SiteID, l.ID, kind, *due, now)
	if kind != network.LateRateMiss {
		return true, nil
	}
	c, err := repo.FindSiteLateCounts(ctx, *l.SiteID, network.LateRateSince(now))
	if err != nil {
		return false, err
	}
	if rate, changed := c.NewLateRate(); changed {
		repo.SetSiteLateRate(*l.SiteID, rate)
	}
	return true, nil
}

// autoUrge urges the responsible site once per deadline, when its warning
// is due (core.WorkOrderSLA: 80 % of the wall-clock window from intake to
// the deadline).
func (s *Service) autoUrge(u core.UnitOfWork, repo Repository, l *Locked, kind string, now time.Time) bool {
	due, met := slaDeadline(l.WorkOrder, kind)
	if !core.WorkOrderSLA.Warning(core.SLAClock(l.CreatedAt, due, met), now) || l.SiteID == nil || !open(l.WorkOrder) ||
		slices.Contains(l.AutoUrged, kind) || slices.Contains(l.SLAFlags, kind) {
		return false
	}
	repo.UpdateWorkOrder(l.ID, Change{At: now, AddAutoUrged: kind, Urged: true})
	s.urge(u, repo, l, "", core.TimerActor, now, map[string]any{"auto": true, "kind": kind, "due_at": *due})
	return true
}

// acceptanceTimeout passes an order its site has not taken within the
// tenant's acceptance minutes (business time since it last became
// dispatched: a technician's decline gives the site a fresh window) to
// the next candidate, by the path of a site's rejection; with none left
// it waits in the queue, the timeout named in the reason.
func (s *Service) acceptanceTimeout(ctx context.Context, u core.UnitOfWork, repo Repository, l *Locked, now time.Time) (bool, error) {
	if l.State != core.StateDispatched {
		return false, nil
	}
	dispatchedAt, err := repo.LastDispatchedAt(ctx, l.ID)
	if err != nil || dispatchedAt == nil {
		return false, err
	}
	set, err := repo.TimerSettings(ctx)
	if err != nil {
		return false, err
	}
	cal, err := s.calendars.of(set.TimeZone, set.Calendar)
	if err != nil {
		return false, err
	}
	due, err := deadline.Policy{Work: time.Duration(set.AcceptanceMinutes) * time.Minute}.Due(cal, *dispatchedAt, nil)
	if err != nil || now.Before(due) {
		return false, err
	}
	w, err := s.Act(ctx, u, l.ID, core.ActionInput{Action: core.ActionReject, Reason: core.AcceptanceTimeoutReason}, core.TimerActor)
	if err != nil {
		return false, err
	}
	if w.State == core.StateCreated && w.QueueReason != "" {
		reason := core.AcceptanceTimeoutReason + ": " + w.QueueReason
		repo.UpdateWorkOrder(l.ID, Change{At: now, QueueReason: &reason})
	}
	return true, nil
}

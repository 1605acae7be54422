package workorder

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Urge records a manual urge of the order's site (催办): a timeline event
// and a work_order.urged outbox message. The order row is locked, so two
// urges at once are one urge and one rate-limit answer. ENOTFOUND: no
// such order; ECONFLICT: no site is responsible for it (not dispatched,
// or finished); ERATELIMIT: urged less than the tenant's urge interval
// ago; EINVALID: a bad note.
func (s *Service) Urge(ctx context.Context, u core.UnitOfWork, id uuid.UUID, note, actor string) (*core.Urge, error) {
	if err := core.ValidateUrgeNote(note); err != nil {
		return nil, err
	}
	repo := s.store.WorkOrders(u)
	l, err := repo.LockWorkOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if l.SiteID == nil || !open(l.WorkOrder) || l.State == core.StateCompleted || l.State == core.StateConfirmed {
		return nil, &core.Error{Code: core.ECONFLICT, Message: "no site is responsible for a work order in state " + l.State,
			Fields: map[string]string{"state": l.State}}
	}
	set, err := repo.TimerSettings(ctx)
	if err != nil {
		return nil, err
	}
	interval := time.Duration(set.UrgeIntervalMinutes) * time.Minute
	now := s.now()
	if l.LastUrgedAt != nil && now.Before(l.LastUrgedAt.Add(interval)) {
		wait := l.LastUrgedAt.Add(interval).Sub(now)
		return nil, &core.Error{Code: core.ERATELIMIT, RetryAfterSeconds: int(math.Ceil(wait.Seconds())),
			Message: "the order was urged less than " + strconv.Itoa(set.UrgeIntervalMinutes) + " minutes ago; try again later"}
	}
	repo.UpdateWorkOrder(id, Change{At: now, Urged: true, LastUrgedAt: &now})
	s.urge(u, repo, l, note, actor, now, map[string]any{"auto": false})
	return &core.Urge{WorkOrderID: id, SiteID: *l.SiteID, TechnicianID: l.TechnicianID, Note: note, Count: l.UrgeCount + 1,
		UrgedAt: now, NextAllowedAt: now.Add(interval)}, nil
}

// urge writes an urge of the order's site: the "urged" event and the
// work_order.urged message; the caller counts it on the order.
func (s *Service) urge(u core.UnitOfWork, repo Repository, l *Locked, note, actor string, now time.Time, extra map[string]any) {
	payload := map[string]any{"site_id": l.SiteID, "technician_id": l.TechnicianID, "note": note, "count": l.UrgeCount + 1}
	for k, v := range extra {
		payload[k] = v
	}
	repo.AppendEvent(Event{WorkOrderID: l.ID, Type: "urged", Actor: actor, At: now, Payload: payload})
	s.store.Outbox(u).Add(l.ID, core.OutboxWorkOrderUrged, payloadJSON(payload))
}

// open reports whether the order is still live (neither closed nor
// cancelled).
func open(w *core.WorkOrder) bool {
	return w.State != core.StateCancelled && w.State != core.StateClosed
}

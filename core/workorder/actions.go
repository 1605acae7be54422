package workorder

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Act applies an action of the state machine to the order. The order is
// locked first, so concurrent actions on one order are serialised and the
// loser sees the winner's state. ECONFLICT (with the current state) for
// an illegal action or a stale version; EINVALID or EFORBIDDEN for what
// the action carries. It returns the order as changed.
func (s *Service) Act(ctx context.Context, u core.UnitOfWork, id uuid.UUID, in core.ActionInput, actor string) (*core.WorkOrder, error) {
	return s.act(ctx, u, s.store.WorkOrders(u), id, in, actor, true)
}

func (s *Service) act(ctx context.Context, u core.UnitOfWork, repo Repository, id uuid.UUID, in core.ActionInput, actor string,
	reload bool) (*core.WorkOrder, error) {
	l, err := repo.LockWorkOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	w := l.WorkOrder
	if in.Version != 0 && in.Version != w.Version {
		return nil, &core.Error{Code: core.ECONFLICT, Fields: map[string]string{"state": w.State},
			Message: staleMessage(w.Version, in.Version)}
	}
	next, err := core.NextState(w.State, in.Action)
	if err != nil {
		return nil, err
	}
	if err := s.checkAction(ctx, repo, w, in); err != nil {
		return nil, err
	}
	if err := s.apply(ctx, u, repo, w, in, next, actor); err != nil {
		return nil, err
	}
	if !reload {
		return nil, nil
	}
	return s.FindWorkOrderByID(ctx, u, id)
}

func staleMessage(have, sent int) string {
	return fmt.Sprintf("work order was changed by someone else (version %d, you sent %d); reload and retry", have, sent)
}

// apply makes the change of a checked action.
func (s *Service) apply(ctx context.Context, u core.UnitOfWork, repo Repository, w *core.WorkOrder, in core.ActionInput,
	next, actor string) error {
	now := s.now()
	from := w.State
	c := Change{At: now, Bump: true}
	payload := map[string]any{}
	if in.Reason != "" {
		payload["reason"] = in.Reason
	}
	switch in.Action {
	case core.ActionDispatch:
		return s.dispatch(ctx, u, repo, w, in, actor, nil, nil)
	case core.ActionReassign, core.ActionReject:
		release(repo, w)
		c.State, c.ClearSite, c.ClearTech = core.StateCreated, true, true
		if in.Action == core.ActionReject || in.SiteID == nil {
			repo.ExcludeSite(w.ID, *w.SiteID)
		}
		payload["from_site"] = w.SiteID
		repo.CountTaken(*w.SiteID, w.UpdatedAt, -1) // the site gives the order back
		repo.UpdateWorkOrder(w.ID, c)
		s.record(u, repo, Event{WorkOrderID: w.ID, Type: in.Action + "ed", From: from, To: next, Actor: actor, At: now, Payload: payload})
		prior := w.TechnicianID
		w.State, w.SiteID, w.TechnicianID, w.Version = core.StateCreated, nil, nil, w.Version+1
		return s.dispatch(ctx, u, repo, w, in, actor, nil, prior)
	case core.ActionAssign:
		return s.assign(ctx, u, repo, w, in, actor)
	case core.ActionAccept:
		if w.TechnicianID == nil { // grabbed from the site's pool
			post, err := repo.Technician(ctx, *in.TechnicianID)
			if err != nil {
				return err
			}
			c.Decision = technicianOutcome(w, in.TechnicianID, post.Name, in, actor, now)
			repo.AddWorkload(*in.TechnicianID, 1)
			c.TechnicianID = in.TechnicianID
		}
		c.RespondedAt = &now
	case core.ActionDecline:
		release(repo, w)
		c.ClearTech = true
		c.Decision = technicianOutcome(w, nil, "", in, actor, now)
		payload["technician_id"] = w.TechnicianID
	case core.ActionArrive:
		c.ArrivedAt = &now
		if w.TechnicianID != nil {
			repo.MoveTechnician(*w.TechnicianID, *in.Lat, *in.Lon, now)
		}
	case core.ActionComplete:
		rec, err := json.Marshal(in.Record)
		if err != nil {
			return err
		}
		c.ServiceRecord, c.CompletedAt = rec, &now
		release(repo, w)
		payload["parts"] = len(in.Record.Parts)
	case core.ActionClose:
		c.ClosedAt = &now
	case core.ActionCancel:
		release(repo, w)
	}
	c.State = next
	repo.UpdateWorkOrder(w.ID, c)
	s.record(u, repo, Event{WorkOrderID: w.ID, Type: eventType(in.Action), From: from, To: next, Actor: actor, At: now,
		Lat: in.Lat, Lon: in.Lon, Payload: payload})
	if in.Action == core.ActionComplete && s.completed != nil {
		return s.completed(ctx, u, w, in.Record)
	}
	return nil
}

// assign names the technician of the order's site, after checking that
// the technician belongs to it and is on duty; the decision's outcome
// says who named whom.
func (s *Service) assign(ctx context.Context, u core.UnitOfWork, repo Repository, w *core.WorkOrder, in core.ActionInput, actor string) error {
	tech := *in.TechnicianID
	post, err := repo.Technician(ctx, tech)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return core.FieldError("technician_id", "no such technician")
	} else if err != nil {
		return err
	}
	if w.SiteID == nil || post.SiteID != *w.SiteID {
		return core.FieldError("technician_id", "the technician does not belong to the order's site")
	}
	if post.Status == "off" {
		return core.FieldError("technician_id", "the technician is off duty")
	}
	if w.TechnicianID != nil && *w.TechnicianID == tech {
		return nil // already theirs: nothing changes, nobody is told again
	}
	s.assignKnown(u, repo, w, tech, in.Reason, actor, technicianOutcome(w, &tech, post.Name, in, actor, s.now()), nil)
	return nil
}

// assignKnown assigns a technician already checked to belong to the
// order's site, moving the workload from the previous technician, and
// writes the decision when given. prior is the technician a reassignment
// took the order from (nil: none): the event names them as the previous
// technician, so a re-dispatch that lands on the same person is seen as
// no change for them (AssignmentUnchanged).
func (s *Service) assignKnown(u core.UnitOfWork, repo Repository, w *core.WorkOrder, tech uuid.UUID, reason, actor string,
	decision *core.DispatchDecision, prior *uuid.UUID) {
	now := s.now()
	repo.UpdateWorkOrder(w.ID, Change{At: now, Bump: true, State: core.StateAssigned, TechnicianID: &tech, Decision: decision})
	repo.AddWorkload(tech, 1)
	if w.TechnicianID != nil {
		repo.AddWorkload(*w.TechnicianID, -1)
	}
	previous := w.TechnicianID
	if previous == nil {
		previous = prior
	}
	payload := map[string]any{"technician_id": tech, "previous": previous}
	if reason != "" {
		payload["reason"] = reason
	}
	s.record(u, repo, Event{WorkOrderID: w.ID, Type: "assigned", From: w.State, To: core.StateAssigned, Actor: actor, At: now,
		Payload: payload})
	w.State, w.TechnicianID, w.Version = core.StateAssigned, &tech, w.Version+1
}

// release takes the order off its technician's workload.
func release(repo Repository, w *core.WorkOrder) {
	if w.TechnicianID != nil {
		repo.AddWorkload(*w.TechnicianID, -1)
	}
}

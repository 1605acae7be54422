package complaint

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ActEscalate climbs the next step of the ladder by hand, with a reason.
const ActEscalate = "escalate"

// Act takes an action on a complaint under its row lock: a state change,
// waiting on the customer and back, a transfer to another responsible
// unit, or a manual escalation. Each is an event on the timeline.
// ECONFLICT when the state or version forbids it; EINVALID names the
// field at fault.
func (s *Service) Act(ctx context.Context, u core.UnitOfWork, id uuid.UUID, in ActionInput, actor string) (*Complaint, error) {
	repo := s.store.Complaints(u)
	if _, ok := transitions[in.Action]; !ok && in.Action != ActEscalate {
		return nil, core.FieldError("action", "unknown action %q", in.Action)
	}
	in.Reason = trim(in.Reason)
	if len([]rune(in.Reason)) > 1000 {
		return nil, core.FieldError("reason", "at most 1000 characters")
	}
	c, err := repo.Lock(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != c.Version {
		return nil, core.Errorf(core.ECONFLICT, "the complaint changed (version %d, not %d); reload it", c.Version, in.Version)
	}
	set, cal, err := s.tenant(ctx, repo)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if in.Action == ActEscalate {
		if !Active(c.State) {
			return nil, core.Errorf(core.ECONFLICT, "a %s complaint does not escalate", c.State)
		}
		if in.Reason == "" {
			return nil, core.FieldError("reason", "is required to escalate by hand")
		}
		s.escalate(repo, c, set, now, actor, in.Reason)
		return c, nil
	}
	if !appliesIn(in.Action, c.State) {
		return nil, core.Errorf(core.ECONFLICT, "cannot %s a complaint that is %s", in.Action, c.State)
	}
	from := c.State
	ev := CaseEvent{ComplaintID: c.ID, Type: in.Action, From: from, Actor: actor, At: now, Payload: map[string]any{}}
	if in.Reason != "" {
		ev.Payload["reason"] = in.Reason
	}
	if err := s.apply(ctx, repo, c, in, set, now, ev.Payload); err != nil {
		return nil, err
	}
	if to := transitions[in.Action].to; to != "" {
		c.State = to
	}
	if err := recompute(c, cal, set.Ladder); err != nil {
		return nil, err
	}
	ev.To = c.State
	c.UpdatedAt = now
	c.Version++
	repo.Update(c)
	repo.AppendEvent(ev)
	switch c.State {
	case StateClosed:
		repo.OutboxAdd(c.ID, OutboxClosed, payload(c, nil))
	case StateResolutionProposed:
		if from != StateResolutionProposed {
			repo.OutboxAdd(c.ID, OutboxProposed, payload(c, nil))
		}
	}
	c.SetOverdue(now)
	return c, nil
}

// apply makes the action's own change to c and notes it in the event.
func (s *Service) apply(ctx context.Context, repo Repository, c *Complaint, in ActionInput, set *Settings, now time.Time, note map[string]any) error {
	switch in.Action {
	case ActPropose:
		if in.Handling == nil || trim(in.Handling.Measures) == "" {
			return core.FieldError("handling.measures", "a resolution needs the measures taken")
		}
		if err := in.Handling.validate(); err != nil {
			return err
		}
		c.Handling = in.Handling
		note["handling"] = in.Handling
	case ActConfirm:
		if in.Via != "agent" && in.Via != "sms" {
			return core.FieldError("via", "the customer confirms through an agent or by SMS")
		}
		c.ConfirmedVia = in.Via
		note["via"] = in.Via
		endPause(c, now)
	case ActClose:
		c.ClosedAt = &now
	case ActReopen:
		if c.ClosedAt != nil && now.After(c.ClosedAt.AddDate(0, 0, set.ReopenDays)) {
			return core.Errorf(core.ECONFLICT, "the reopen period of %d days after closing has passed", set.ReopenDays)
		}
		c.ClosedAt, c.ConfirmedVia = nil, ""
	case ActReject:
		if in.Reason == "" {
			return core.FieldError("reason", "say why the customer does not accept the resolution")
		}
	case ActWait:
		if c.WaitingSince != nil {
			return core.Errorf(core.ECONFLICT, "the customer is already being waited on")
		}
		c.WaitingSince = &now
		c.Pauses = append(c.Pauses, Pause{From: now})
	case ActResume:
		if c.WaitingSince == nil {
			return core.Errorf(core.ECONFLICT, "the customer is not being waited on")
		}
		endPause(c, now)
	case ActTransfer:
		return s.transfer(ctx, repo, c, in, note)
	}
	return nil
}

func endPause(c *Complaint, now time.Time) {
	if c.WaitingSince == nil {
		return
	}
	c.WaitingSince = nil
	if n := len(c.Pauses); n > 0 && c.Pauses[n-1].To == nil {
		if now.After(c.Pauses[n-1].From) {
			c.Pauses[n-1].To = &now
		} else {
			c.Pauses = c.Pauses[:n-1]
		}
	}
}

func (s *Service) transfer(ctx context.Context, repo Repository, c *Complaint, in ActionInput, note map[string]any) error {
	if in.Owner == nil {
		return core.FieldError("owner", "is required to transfer")
	}
	if in.Reason == "" {
		return core.FieldError("reason", "is required to transfer")
	}
	o := *in.Owner
	if err := o.Validate("owner"); err != nil {
		return err
	}
	f, err := repo.Facts(ctx, &NewComplaint{CustomerID: c.CustomerID, Owner: o})
	if err != nil {
		return err
	}
	switch {
	case o.Kind == OwnerSite && !f.OwnerSiteFound:
		return core.FieldError("owner.site_id", "no such site")
	case o.Kind == OwnerRegion && !f.OwnerRegionFound:
		return core.FieldError("owner.region_id", "no such region")
	case o.Kind == OwnerSite:
		o.RegionID = f.OwnerSiteRegion
	}
	if o == c.Owner || (o.Kind == c.Owner.Kind && eqID(o.SiteID, c.Owner.SiteID) && eqID(o.RegionID, c.Owner.RegionID) && o.Department == c.Owner.Department) {
		return core.FieldError("owner", "the complaint is already theirs")
	}
	note["from_owner"], note["to_owner"] = c.Owner, o
	c.Owner = o
	return nil
}

func eqID(a, b *uuid.UUID) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func (h *Handling) validate() error {
	for _, f := range []struct {
		name, v string
		max     int
	}{{"handling.cause", h.Cause, 2000}, {"handling.measures", h.Measures, 2000}, {"handling.improvement", h.Improvement, 2000},
		{"handling.compensation", h.Compensation, 500}} {
		if len([]rune(f.v)) > f.max {
			return core.FieldError(f.name, "at most %d characters", f.max)
		}
	}
	switch h.Responsibility {
	case "", "site", "technician", "product", "customer", "other":
		return nil
	}
	return core.FieldError("handling.responsibility", "must be site, technician, product, customer or other")
}

// escalate fires the next step of the ladder (or, past its top, records
// one more manual escalation): an event naming whom it notifies and an
// outbox message for them.
func (s *Service) escalate(repo Repository, c *Complaint, set *Settings, now time.Time, actor, reason string) {
	notify, typ := []string{NotifyQuality}, OutboxEscalated
	if c.EscalationLevel < len(set.Ladder) {
		notify = set.Ladder[c.EscalationLevel].Notify
		if set.Ladder[c.EscalationLevel].Share >= 1 {
			typ = OutboxBreached
		}
	}
	c.EscalationLevel++
	c.NextEscalation = NextEscalation(set.Ladder, c.EscalationLevel, c.CreatedAt, c.DueAt)
	c.UpdatedAt = now
	c.Version++
	note := map[string]any{"level": c.EscalationLevel, "notify": notify, "due_at": c.DueAt}
	if reason != "" {
		note["reason"] = reason
	}
	repo.Update(c)
	repo.AppendEvent(CaseEvent{ComplaintID: c.ID, Type: "escalated", From: c.State, To: c.State, Actor: actor, At: now, Payload: note})
	repo.OutboxAdd(c.ID, typ, payload(c, map[string]any{"notify": notify}))
	c.SetOverdue(now)
}

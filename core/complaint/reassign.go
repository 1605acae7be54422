package complaint

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ActReassign voids the field order a complaint is about and dispatches a
// new one for the same customer, unit and problem (POST
// /v1/complaints/{id}/reassign).
const ActReassign = "reassign"

// Orders voids and reissues work orders for a complaint, through the
// work-order use cases, in the complaint's unit of work.
type Orders interface {
	// Reissue voids the order (ECONFLICT when its state machine does not
	// allow it: completed, confirmed, closed or cancelled) with a reason
	// naming the complaint, and opens, and dispatches, a new order for the
	// same customer, unit and problem whose created event names the
	// complaint and the old order.
	Reissue(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID, r Reissue) (*Reissued, error)
}

// Reissue is what a reissue names: the complaint asking for it and why.
type Reissue struct {
	ComplaintID     uuid.UUID
	ComplaintNumber string
	Reason          string
	Actor           string
}

// Reissued tells the old and the new order.
type Reissued struct {
	OldID     uuid.UUID `json:"old_work_order_id"`
	OldNumber string    `json:"old_number"`
	NewID     uuid.UUID `json:"new_work_order_id"`
	NewNumber string    `json:"new_number"`
	NewState  string    `json:"new_state" doc:"dispatched, or created when no site fits (in the dispatcher queue)."`
}

// SetOrders gives the service the work-order use cases reassignment
// needs; without them Reassign answers EINTERNAL.
func (s *Service) SetOrders(o Orders) { s.orders = o }

// Reassign voids the order the complaint is about and has a new one
// dispatched, in the caller's unit of work: the complaint then is about
// the new order, and its timeline records both (event "reassigned"), as
// the orders' timelines record the complaint. EINVALID names the field;
// ECONFLICT when the complaint is not active, has no order, or the order
// can no longer be voided.
func (s *Service) Reassign(ctx context.Context, u core.UnitOfWork, id uuid.UUID, reason string, version int, actor string) (*Complaint, *Reissued, error) {
	if s.orders == nil {
		return nil, nil, core.Errorf(core.EINTERNAL, "reassignment is not configured")
	}
	reason = trim(reason)
	switch n := len([]rune(reason)); {
	case n == 0:
		return nil, nil, core.FieldError("reason", "say why the order is reassigned")
	case n > 1000:
		return nil, nil, core.FieldError("reason", "at most 1000 characters")
	}
	repo := s.store.Complaints(u)
	c, err := repo.Lock(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case version != 0 && version != c.Version:
		return nil, nil, core.Errorf(core.ECONFLICT, "the complaint changed (version %d, not %d); reload it", c.Version, version)
	case !Active(c.State):
		return nil, nil, core.Errorf(core.ECONFLICT, "a %s complaint does not reassign its order", c.State)
	case c.WorkOrderID == nil:
		return nil, nil, core.Errorf(core.ECONFLICT, "the complaint is about no work order")
	}
	r, err := s.orders.Reissue(ctx, u, *c.WorkOrderID, Reissue{ComplaintID: c.ID, ComplaintNumber: c.Number, Reason: reason, Actor: actor})
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	c.WorkOrderID = &r.NewID
	c.UpdatedAt = now
	c.Version++
	repo.Update(c)
	repo.AppendEvent(CaseEvent{ComplaintID: c.ID, Type: "reassigned", From: c.State, To: c.State, Actor: actor, At: now,
		Payload: map[string]any{"reason": reason, "old_work_order_id": r.OldID, "old_number": r.OldNumber,
			"new_work_order_id": r.NewID, "new_number": r.NewNumber}})
	c.SetOverdue(now)
	return c, r, nil
}

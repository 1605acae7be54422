package wire

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/workorder"
)

// complaintOrders reissues a complaint's field order through the
// work-order use cases, in the complaint's unit of work: the new order is
// taken in (and dispatched, or queued with its reason) first, so the old
// one is cancelled with a reason naming both the complaint and its
// replacement.
type complaintOrders struct{ orders *workorder.Service }

func (c complaintOrders) Reissue(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID, r complaint.Reissue) (*complaint.Reissued, error) {
	w, err := c.orders.FindWorkOrderByID(ctx, u, orderID)
	if err != nil {
		return nil, err
	}
	if field, _ := core.IsFieldType(w.Type); !field {
		return nil, core.Errorf(core.ECONFLICT, "order %s is a %s order, not a field order: there is nothing to reassign", w.Number, w.Type)
	}
	// The state machine decides whether the order can still be voided.
	if _, err := core.NextState(w.State, core.ActionCancel); err != nil {
		return nil, &core.Error{Code: core.ECONFLICT, Fields: map[string]string{"state": w.State},
			Message: fmt.Sprintf("order %s is %s and can no longer be voided", w.Number, w.State)}
	}
	var away []uuid.UUID // the new order goes to another site than the old one
	if w.SiteID != nil {
		away = []uuid.UUID{*w.SiteID}
	}
	n, err := c.orders.Intake(ctx, u, core.NewWorkOrder{ExcludedSiteIDs: away, Type: w.Type, Channel: "phone", CustomerID: w.CustomerID, UnitID: w.UnitID,
		ServiceType: w.ServiceType, ProductLine: w.ProductLine, Skills: w.Skills, Description: w.Description,
		Address: w.Address, Lat: w.Lat, Lon: w.Lon,
		Links: map[string]any{"complaint_id": r.ComplaintID, "complaint_number": r.ComplaintNumber,
			"replaces_work_order_id": w.ID, "replaces_number": w.Number, "reason": r.Reason}}, r.Actor)
	if err != nil {
		return nil, err
	}
	if _, err := c.orders.Act(ctx, u, w.ID, core.ActionInput{Action: core.ActionCancel, Version: w.Version,
		Reason: clip(fmt.Sprintf("Reassigned by complaint %s, replaced by %s: %s", r.ComplaintNumber, n.Number, r.Reason), 1000)}, r.Actor); err != nil {
		return nil, err
	}
	return &complaint.Reissued{OldID: w.ID, OldNumber: w.Number, NewID: n.ID, NewNumber: n.Number, NewState: n.State}, nil
}

// clip cuts s to at most n bytes on a character boundary.
func clip(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

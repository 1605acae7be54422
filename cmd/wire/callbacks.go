package wire

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/workorder"
)

// newCallbacks builds the callback use cases: dissatisfied answers open
// rework orders through the work-order use cases; complaints are not wired
// yet (a tenant asking for them gets the outcome complaint_not_available).
func newCallbacks(store callback.Store, orders *workorder.Service, o Options) *callback.Service {
	return callback.New(callback.Config{Store: store, Clock: o.Clock, Rework: reworks{orders}, Log: o.Log})
}

// reworks opens a rework order: a new order of the original's type for the
// same customer, unit and address, its description naming the original.
type reworks struct{ orders *workorder.Service }

func (r reworks) OpenRework(ctx context.Context, u core.UnitOfWork, original uuid.UUID, reason, actor string) (uuid.UUID, error) {
	w, err := r.orders.FindWorkOrderByID(ctx, u, original)
	if err != nil {
		return uuid.Nil, err
	}
	n, err := r.orders.Intake(ctx, u, core.NewWorkOrder{Type: w.Type, Channel: "phone", CustomerID: w.CustomerID, UnitID: w.UnitID,
		ServiceType: w.ServiceType, ProductLine: w.ProductLine, Skills: w.Skills,
		Description: "Rework of " + w.Number + " (" + reason + ")", Address: w.Address, Lat: w.Lat, Lon: w.Lon}, actor)
	if err != nil {
		return uuid.Nil, err
	}
	return n.ID, nil
}

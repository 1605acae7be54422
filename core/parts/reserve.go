package parts

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Reserve holds available stock for an order (available → reserved). A
// retry with the same key returns the reservation made the first time and
// moves nothing; the same key with other terms is EINVALID naming key.
// EINVALID names quantity when not enough is available, also where the
// warehouse allows negative stock: a reservation holds stock that is there.
func (s *Service) Reserve(ctx context.Context, u core.UnitOfWork, in ReservationInput, within Reach, actor string) (*Reservation, bool, error) {
	repo := s.store.Parts(u)
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	prev, err := repo.LockReservationByKey(ctx, in.Key)
	if err != nil {
		return nil, false, err
	}
	if prev != nil {
		if !prev.same(in) {
			return nil, false, core.FieldError("key", "already used for another reservation")
		}
		return prev, false, nil
	}
	if in.WorkOrderID != nil {
		if ok, err := repo.WorkOrderExists(ctx, *in.WorkOrderID); err != nil {
			return nil, false, err
		} else if !ok {
			return nil, false, core.FieldError("work_order_id", "no such work order")
		}
	}
	now := s.now()
	r := &Reservation{ID: uuid.New(), Key: in.Key, WarehouseID: in.WarehouseID, PartID: in.PartID, WorkOrderID: in.WorkOrderID,
		Quantity: in.Quantity, State: "active", CreatedBy: actor, Version: 1, CreatedAt: now, UpdatedAt: now}
	m := Movement{PartID: r.PartID, Quantity: r.Quantity, From: internal(r.WarehouseID, BucketAvailable),
		To: internal(r.WarehouseID, BucketReserved), Reason: "reserved", DocumentKind: "reservation", DocumentID: r.ID,
		Actor: actor, At: now, field: "quantity", hold: true}
	refs := Refs{InReach: []uuid.UUID{in.WarehouseID}, Within: within, Parts: []uuid.UUID{in.PartID}}
	fields := refFields{warehouses: map[uuid.UUID]string{in.WarehouseID: "warehouse_id"}, parts: map[uuid.UUID]string{in.PartID: "part_id"}}
	if err := post(ctx, repo, refs, fields, []Movement{m}); err != nil {
		return nil, false, err
	}
	repo.InsertReservation(r)
	return r, true, nil
}

// Release gives back quantity (0: all that remains) of a reservation to
// available stock. EINVALID names quantity when more than remains.
func (s *Service) Release(ctx context.Context, u core.UnitOfWork, id uuid.UUID, quantity int64, within Reach, actor string) (*Reservation, error) {
	return s.settle(ctx, u, id, quantity, within, actor, false)
}

// Consume takes quantity (0: all that remains) of a reservation out of
// stock, used on its order. EINVALID names quantity when more than
// remains.
func (s *Service) Consume(ctx context.Context, u core.UnitOfWork, id uuid.UUID, quantity int64, within Reach, actor string) (*Reservation, error) {
	return s.settle(ctx, u, id, quantity, within, actor, true)
}

func (s *Service) settle(ctx context.Context, u core.UnitOfWork, id uuid.UUID, quantity int64, within Reach, actor string, consume bool) (*Reservation, error) {
	repo := s.store.Parts(u)
	if quantity < 0 {
		return nil, core.FieldError("quantity", "must not be negative")
	}
	r, err := repo.LockReservation(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := repo.FindWarehouse(ctx, r.WarehouseID, within); err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			err = core.Errorf(core.ENOTFOUND, "reservation not found")
		}
		return nil, err
	}
	left := r.Remaining()
	if quantity == 0 {
		quantity = left
	}
	if quantity == 0 {
		return r, nil // settled already: a retry changes nothing
	}
	if quantity > left {
		return nil, core.FieldError("quantity", "more than remains reserved (%d)", left)
	}
	now := s.now()
	m := Movement{PartID: r.PartID, Quantity: quantity, From: internal(r.WarehouseID, BucketReserved),
		To: internal(r.WarehouseID, BucketAvailable), Reason: "released", DocumentKind: "reservation", DocumentID: r.ID,
		Actor: actor, At: now, field: "quantity"}
	if consume {
		m.To, m.Reason = external(ExternalConsumption), "consumed"
		r.Consumed += quantity
	} else {
		r.Released += quantity
	}
	if err := post(ctx, repo, Refs{}, refFields{}, []Movement{m}); err != nil {
		return nil, err
	}
	if r.Remaining() == 0 {
		r.State = "closed"
	}
	r.Version++
	r.UpdatedAt = now
	repo.UpdateReservation(r)
	return r, nil
}

package parts

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Reservation holds available stock of a part in a warehouse for an
// order until it is consumed or released.
type Reservation struct {
	ID          uuid.UUID  `json:"id"`
	Key         string     `json:"key" doc:"The caller's idempotency key: a reservation is made once per key."`
	WarehouseID uuid.UUID  `json:"warehouse_id"`
	PartID      uuid.UUID  `json:"part_id"`
	WorkOrderID *uuid.UUID `json:"work_order_id" nullable:"true"`
	Quantity    int64      `json:"quantity"`
	Consumed    int64      `json:"consumed"`
	Released    int64      `json:"released"`
	State       string     `json:"state" enum:"active,closed" doc:"Closed once all is consumed or released."`
	CreatedBy   string     `json:"created_by"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Remaining is what is still reserved.
func (r *Reservation) Remaining() int64 { return r.Quantity - r.Consumed - r.Released }

// ReservationInput is what a reservation takes.
type ReservationInput struct {
	Key         string
	WarehouseID uuid.UUID
	PartID      uuid.UUID
	WorkOrderID *uuid.UUID
	Quantity    int64
}

// Validate checks the input; EINVALID names the field.
func (in *ReservationInput) Validate() error {
	in.Key = strings.TrimSpace(in.Key)
	switch {
	case in.Key == "" || len(in.Key) > 200:
		return core.FieldError("key", "1-200 characters are required")
	case in.WarehouseID == uuid.Nil:
		return core.FieldError("warehouse_id", "is required")
	case in.PartID == uuid.Nil:
		return core.FieldError("part_id", "is required")
	case in.Quantity <= 0 || in.Quantity > 1_000_000_000:
		return core.FieldError("quantity", "must be positive")
	}
	return nil
}

func (r *Reservation) same(in ReservationInput) bool {
	sameOrder := (r.WorkOrderID == nil) == (in.WorkOrderID == nil) && (r.WorkOrderID == nil || *r.WorkOrderID == *in.WorkOrderID)
	return r.WarehouseID == in.WarehouseID && r.PartID == in.PartID && r.Quantity == in.Quantity && sameOrder
}

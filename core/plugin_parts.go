package core

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Part is a spare part of the tenant's catalogue, as the parts plugin (the
// tenant's ERP) knows it.
type Part struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Models []string `json:"models" doc:"Product models the part fits."`
	Unit   string   `json:"unit" doc:"Unit of measure, such as pcs."`
	// PriceCents is the price in the currency's minor unit (fen for CNY).
	PriceCents int64  `json:"price_cents"`
	Currency   string `json:"currency" example:"CNY"`
}

// PartQuery searches the catalogue by text and product model.
type PartQuery struct {
	Query string
	Model string
	Limit int
}

// StockLevel is a part's stock in one warehouse.
type StockLevel struct {
	WarehouseCode string `json:"warehouse_code"`
	WarehouseName string `json:"warehouse_name"`
	OnHand        int    `json:"on_hand"`
	Available     int    `json:"available" doc:"On hand minus reserved."`
}

// PartReservation reserves stock for a work order.
type PartReservation struct {
	PartCode      string     `json:"part_code"`
	WarehouseCode string     `json:"warehouse_code"`
	Quantity      int        `json:"quantity"`
	WorkOrderID   *uuid.UUID `json:"work_order_id,omitempty"`
	// RequestedBy is the platform user, for the ERP's audit trail.
	RequestedBy string `json:"requested_by"`
	// IdempotencyKey makes a retried reservation reserve once: the
	// caller's own key (a stock use case's); empty: a fresh one per call.
	IdempotencyKey string `json:"-"`
}

// Reservation is the ERP's answer to a reservation.
type Reservation struct {
	ID            string     `json:"id" doc:"The ERP's reservation ID."`
	PartCode      string     `json:"part_code"`
	WarehouseCode string     `json:"warehouse_code"`
	Quantity      int        `json:"quantity"`
	ExpiresAt     *time.Time `json:"expires_at,omitempty"`
}

// RequisitionLine is one part and quantity of a requisition.
type RequisitionLine struct {
	PartCode string `json:"part_code"`
	Quantity int    `json:"quantity"`
}

// PartRequisition asks for parts to be sent (在线申请备件), typically by a
// technician for a work order.
type PartRequisition struct {
	Lines       []RequisitionLine `json:"lines"`
	WorkOrderID *uuid.UUID        `json:"work_order_id,omitempty"`
	DeliverTo   string            `json:"deliver_to,omitempty" doc:"Site code or address."`
	Note        string            `json:"note,omitempty"`
	RequestedBy string            `json:"requested_by"`
}

// Requisition is the ERP's answer to a requisition.
type Requisition struct {
	ID     string `json:"id" doc:"The ERP's requisition ID."`
	Number string `json:"number" doc:"The ERP's human-readable number."`
	Status string `json:"status"`
}

// PartsPlugin is a tenant's ERP, reached through PluginRuntime.Parts. Its
// errors are *Error: EINVALID or ENOTFOUND for what the ERP refused,
// ECONFLICT for insufficient stock, EUNPROCESSABLE when the ERP fails.
type PartsPlugin interface {
	FindParts(ctx context.Context, q PartQuery) ([]Part, error)
	// PartStock: ENOTFOUND for an unknown code.
	PartStock(ctx context.Context, code string) ([]StockLevel, error)
	ReservePart(ctx context.Context, r PartReservation) (*Reservation, error)
	CreateRequisition(ctx context.Context, r PartRequisition) (*Requisition, error)
}

// PartMovement is stock moved in a tenant's ERP for a work order: parts
// used (ConsumeParts, usually of a reservation) or a part going back
// (ReturnParts). A retry with the same IdempotencyKey moves nothing more
// and answers the first movement.
type PartMovement struct {
	PartCode       string
	WarehouseCode  string
	Quantity       int
	WorkOrderID    *uuid.UUID
	ReservationID  string // ConsumeParts: the reservation it uses up; may be empty
	IdempotencyKey string // required
}

// PartMovementResult is the ERP's document for a movement.
type PartMovementResult struct {
	ID       string
	Quantity int
}

// PartsStockMover is implemented by the PartsPlugin the runtime returns
// (check with a type assertion): ECONFLICT (field quantity) when the ERP
// has too little stock, EUNPROCESSABLE when the tenant's plugin does not
// post movements (one built before them) or fails, EINVALID without a key.
type PartsStockMover interface {
	ConsumeParts(ctx context.Context, m PartMovement) (*PartMovementResult, error)
	ReturnParts(ctx context.Context, m PartMovement) (*PartMovementResult, error)
}

// Package parts is the parts (ERP) plugin kind: the platform asks the
// tenant's ERP, through the tenant's parts plugin, for spare parts, stock
// per warehouse and prices, and to reserve parts and raise requisitions for
// a work order. When a tenant has no parts plugin bound, the platform says
// so; it never guesses.
//
// A plugin implements Plugin and calls Serve from main. A complete, tested
// plugin to start from is in the example directory (sdk/parts/example): its
// main_test.go builds the binary and runs it through sdk/plugintest. Errors carry a kind
// the platform maps to its answer: sdk.BadRequest (the request or the
// configuration is wrong), sdk.NotFound (no such part or warehouse),
// sdk.InsufficientStock (a reservation or consumption beyond what is
// available), sdk.Unavailable (the ERP is down, slow or refused).
//
// A plugin that posts consumption and returns to the ERP also implements
// the optional StockMover; every stock-moving call carries the platform's
// idempotency key, and a retry with the same key must move nothing more.
package parts

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aftersales/aftersales/sdk"
)

// Part is a spare part as the ERP describes it.
type Part struct {
	Number        string   // the ERP's part number (物料编码)
	Name          string   // display name
	Description   string   // may be empty
	Unit          string   // unit of measure ("pcs", "m"…)
	ProductModels []string // product models the part fits; may be empty
}

// LookupRequest searches parts by text and/or product model.
type LookupRequest struct {
	Query        string // part number or name, as typed; may be empty when ProductModel is set
	ProductModel string // restrict to parts fitting this model; may be empty
	Limit        int    // at most this many parts; 0 means the plugin's default
}

// StockRequest asks for the stock of one part.
type StockRequest struct {
	PartNumber string
	Warehouses []string // restrict to these warehouse codes; empty means all
}

// StockLevel is one part's stock in one warehouse.
type StockLevel struct {
	Warehouse     string // warehouse code
	WarehouseName string
	OnHand        int // physically there
	Available     int // on hand minus reserved
}

// PriceRequest asks for the price of a quantity of one part.
type PriceRequest struct {
	PartNumber string
	Quantity   int    // at least 1
	Customer   string // the ERP's customer code, for customer prices; may be empty
}

// Price is the ERP's price. Amounts are in minor units of Currency
// (fen for CNY), never floating point.
type Price struct {
	PartNumber string
	Currency   string // ISO 4217, e.g. "CNY"
	UnitMinor  int64  // price of one unit
	TotalMinor int64  // price of Quantity units, after any quantity discount
	Quantity   int
}

// ReserveRequest reserves stock for a work order.
type ReserveRequest struct {
	PartNumber string
	Warehouse  string
	Quantity   int    // at least 1
	WorkOrder  string // the platform's work-order number, for the ERP's records
	// IdempotencyKey makes a retried reservation not reserve twice; the
	// platform always sets it.
	IdempotencyKey string
}

// Reservation is a stock reservation in the ERP.
type Reservation struct {
	ID         string // the ERP's reservation ID
	PartNumber string
	Warehouse  string
	Quantity   int
	ExpiresAt  time.Time // zero when the ERP does not expire reservations
}

// RequisitionLine is one line of a requisition.
type RequisitionLine struct {
	PartNumber string
	Quantity   int
	Warehouse  string // the warehouse to ship from; may be empty (the ERP decides)
}

// RequisitionRequest raises a requisition (领料单) for a work order.
type RequisitionRequest struct {
	WorkOrder      string // the platform's work-order number
	Site           string // the requesting service site's code in the ERP; may be empty
	Lines          []RequisitionLine
	Note           string
	IdempotencyKey string // as in ReserveRequest
}

// Requisition is the ERP's requisition.
type Requisition struct {
	ID     string // the ERP's requisition number
	Status string // the ERP's status word, e.g. "submitted"
}

// Plugin is the interface a parts plugin implements. The platform calls
// Configure once after starting the process, before anything else; the
// other methods may then be called concurrently.
type Plugin interface {
	// Configure receives the binding's configuration (JSON, secrets
	// included). A configuration the plugin cannot use: sdk.BadRequest.
	Configure(ctx context.Context, config json.RawMessage) error
	LookupParts(ctx context.Context, req LookupRequest) ([]Part, error)
	Stock(ctx context.Context, req StockRequest) ([]StockLevel, error)
	Price(ctx context.Context, req PriceRequest) (Price, error)
	Reserve(ctx context.Context, req ReserveRequest) (Reservation, error)
	CreateRequisition(ctx context.Context, req RequisitionRequest) (Requisition, error)
}

// Serve serves impl to the host over the plugin protocol and returns when
// the host stops the plugin. Call it from main.
func Serve(impl Plugin, opts ...sdk.ServeOption) { serve(impl, opts) }

// Command parts is a parts test plugin for the host's tests: its lookup
// answers one part that echoes the binding's tag, secret and process ID,
// so a test sees which process and configuration served it; other modes
// hang, fail or answer garbage.
package main

import (
	"context"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aftersales/aftersales/plugins/host/testdata/control"
	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/parts"
)

type erp struct {
	control.Holder
	mu    sync.Mutex
	moved map[string]parts.Movement // idempotency key → the movement answered
	used  map[string]int            // part → consumed, of 10 in stock
}

func (e *erp) mode() string {
	m := e.Config().Mode()
	if m == "hang" {
		control.Hang()
	}
	return m
}

func (e *erp) LookupParts(_ context.Context, req parts.LookupRequest) ([]parts.Part, error) {
	c := e.Config()
	p := parts.Part{Number: "P-" + c.Tag, Name: c.APIKey, Unit: strconv.Itoa(os.Getpid()), ProductModels: []string{req.ProductModel}}
	switch e.mode() {
	case "duplicate":
		return []parts.Part{p, p}, nil
	case "error":
		return nil, sdk.Unavailable("ERP down")
	}
	return []parts.Part{p}, nil
}

func (e *erp) Stock(_ context.Context, req parts.StockRequest) ([]parts.StockLevel, error) {
	if req.PartNumber == "missing" {
		return nil, sdk.NotFound("no part %s", req.PartNumber)
	}
	if e.mode() == "garbage" {
		return []parts.StockLevel{{Warehouse: "W1", OnHand: 1, Available: 5}}, nil
	}
	return []parts.StockLevel{{Warehouse: "W1", WarehouseName: "Central", OnHand: 7, Available: 5}}, nil
}

func (e *erp) Price(_ context.Context, req parts.PriceRequest) (parts.Price, error) {
	return parts.Price{PartNumber: req.PartNumber, Currency: "CNY", UnitMinor: 100, TotalMinor: 100 * int64(req.Quantity), Quantity: req.Quantity}, nil
}

func (e *erp) Reserve(_ context.Context, req parts.ReserveRequest) (parts.Reservation, error) {
	q := req.Quantity
	if e.mode() == "garbage" {
		q++
	}
	if q > 100 {
		return parts.Reservation{}, sdk.Conflict("only 100 of %s in %s", req.PartNumber, req.Warehouse)
	}
	return parts.Reservation{ID: "R-" + req.IdempotencyKey, PartNumber: req.PartNumber, Warehouse: req.Warehouse,
		Quantity: q, ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}, nil
}

func (e *erp) CreateRequisition(_ context.Context, req parts.RequisitionRequest) (parts.Requisition, error) {
	e.mode()
	if len(req.Lines) == 0 {
		return parts.Requisition{}, sdk.BadRequest("no lines")
	}
	return parts.Requisition{ID: "REQ-" + req.WorkOrder, Status: "submitted"}, nil
}

// Consume posts a consumption of at most 10 per part, once per key; mode
// "old" answers as a plugin built before movements existed.
func (e *erp) Consume(_ context.Context, req parts.MovementRequest) (parts.Movement, error) {
	return e.move(req, req.Quantity)
}

// Return gives parts back, once per key.
func (e *erp) Return(_ context.Context, req parts.MovementRequest) (parts.Movement, error) {
	return e.move(req, -req.Quantity)
}

func (e *erp) move(req parts.MovementRequest, delta int) (parts.Movement, error) {
	if e.mode() == "old" {
		return parts.Movement{}, parts.ErrMovementsNotSupported
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if m, ok := e.moved[req.IdempotencyKey]; ok {
		return m, nil
	}
	if e.used[req.PartNumber]+delta > 10 {
		return parts.Movement{}, sdk.InsufficientStock("only %d of %s left", 10-e.used[req.PartNumber], req.PartNumber)
	}
	e.used[req.PartNumber] += delta
	m := parts.Movement{ID: "MV-" + strconv.Itoa(len(e.moved)+1), PartNumber: req.PartNumber, Warehouse: req.Warehouse, Quantity: req.Quantity}
	e.moved[req.IdempotencyKey] = m
	return m, nil
}

func main() { parts.Serve(&erp{moved: map[string]parts.Movement{}, used: map[string]int{}}) }

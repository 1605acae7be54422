// Command example is a complete parts plugin whose "ERP" is a price list in
// the binding's configuration: enough to try the platform's parts screens
// without an ERP, and the smallest plugin worth copying. The platform's
// reference plugin plugins/parts-erp talks to a real ERP's HTTP API.
//
// Configuration:
//
//	{"currency": "CNY", "warehouse": "WH1",
//	 "parts": [{"number": "P-100", "name": "Drain pump", "models": ["WM-7"], "unit_fen": 8900, "stock": 12}]}
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/parts"
)

type item struct {
	Number  string   `json:"number"`
	Name    string   `json:"name"`
	Models  []string `json:"models"`
	UnitFen int64    `json:"unit_fen"`
	Stock   int      `json:"stock"`
}

type config struct {
	Currency  string `json:"currency"`
	Warehouse string `json:"warehouse"`
	Parts     []item `json:"parts"`
}

type plugin struct {
	mu       sync.Mutex
	cfg      config
	reserved map[string]int // part number → quantity reserved
	next     int
}

func (p *plugin) Configure(_ context.Context, raw json.RawMessage) error {
	var c config
	if err := json.Unmarshal(raw, &c); err != nil {
		return sdk.BadRequest("configuration: %v", err)
	}
	if c.Currency == "" || c.Warehouse == "" {
		return sdk.BadRequest("configuration: currency and warehouse are required")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg, p.reserved = c, map[string]int{}
	return nil
}

func (p *plugin) find(number string) (item, error) {
	for _, it := range p.cfg.Parts {
		if it.Number == number {
			return it, nil
		}
	}
	return item{}, sdk.NotFound("no part %q", number)
}

func (p *plugin) LookupParts(_ context.Context, req parts.LookupRequest) ([]parts.Part, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []parts.Part
	for _, it := range p.cfg.Parts {
		q := strings.ToLower(req.Query)
		if (q == "" || strings.Contains(strings.ToLower(it.Number+" "+it.Name), q)) &&
			(req.ProductModel == "" || slices.Contains(it.Models, req.ProductModel)) {
			out = append(out, parts.Part{Number: it.Number, Name: it.Name, Unit: "pcs", ProductModels: it.Models})
		}
	}
	if req.Limit > 0 && len(out) > req.Limit {
		out = out[:req.Limit]
	}
	return out, nil
}

func (p *plugin) Stock(_ context.Context, req parts.StockRequest) ([]parts.StockLevel, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it, err := p.find(req.PartNumber)
	if err != nil {
		return nil, err
	}
	return []parts.StockLevel{{Warehouse: p.cfg.Warehouse, WarehouseName: "Main", OnHand: it.Stock,
		Available: it.Stock - p.reserved[it.Number]}}, nil
}

func (p *plugin) Price(_ context.Context, req parts.PriceRequest) (parts.Price, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it, err := p.find(req.PartNumber)
	if err != nil {
		return parts.Price{}, err
	}
	if req.Quantity < 1 {
		return parts.Price{}, sdk.BadRequest("quantity must be at least 1")
	}
	return parts.Price{PartNumber: it.Number, Currency: p.cfg.Currency, UnitMinor: it.UnitFen,
		TotalMinor: it.UnitFen * int64(req.Quantity), Quantity: req.Quantity}, nil
}

func (p *plugin) Reserve(_ context.Context, req parts.ReserveRequest) (parts.Reservation, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it, err := p.find(req.PartNumber)
	if err != nil {
		return parts.Reservation{}, err
	}
	if req.Quantity < 1 || req.Quantity > it.Stock-p.reserved[it.Number] {
		return parts.Reservation{}, sdk.BadRequest("cannot reserve %d of %s", req.Quantity, it.Number)
	}
	p.reserved[it.Number] += req.Quantity
	p.next++
	return parts.Reservation{ID: fmt.Sprintf("R%d", p.next), PartNumber: it.Number,
		Warehouse: p.cfg.Warehouse, Quantity: req.Quantity}, nil
}

func (p *plugin) CreateRequisition(_ context.Context, req parts.RequisitionRequest) (parts.Requisition, error) {
	if len(req.Lines) == 0 {
		return parts.Requisition{}, sdk.BadRequest("a requisition needs at least one line")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	return parts.Requisition{ID: fmt.Sprintf("REQ%d", p.next), Status: "submitted"}, nil
}

func main() { parts.Serve(&plugin{}) }

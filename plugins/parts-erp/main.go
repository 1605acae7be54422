package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/parts"
)

type config struct {
	BaseURL   string `json:"base_url"`
	APIKey    string `json:"api_key"`
	TimeoutMS int    `json:"timeout_ms"`
}

func newERP(raw json.RawMessage, client *http.Client) (*erp, error) {
	var c config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, sdk.BadRequest("configuration: %v", err)
	}
	u, err := url.Parse(c.BaseURL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, sdk.BadRequest("configuration: base_url must be an http(s) URL")
	case c.APIKey == "":
		return nil, sdk.BadRequest("configuration: api_key is required")
	case c.TimeoutMS < 0:
		return nil, sdk.BadRequest("configuration: timeout_ms must not be negative")
	case c.TimeoutMS == 0:
		c.TimeoutMS = 3000
	}
	return &erp{base: u, key: c.APIKey, timeout: time.Duration(c.TimeoutMS) * time.Millisecond, http: client}, nil
}

type plugin struct {
	erp    atomic.Pointer[erp]
	client *http.Client
}

func (p *plugin) Configure(_ context.Context, raw json.RawMessage) error {
	e, err := newERP(raw, p.client)
	if err != nil {
		return err
	}
	p.erp.Store(e)
	return nil
}

func (p *plugin) conn() (*erp, error) {
	if e := p.erp.Load(); e != nil {
		return e, nil
	}
	return nil, sdk.BadRequest("the plugin is not configured")
}

type erpPart struct {
	Number      string   `json:"number"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Unit        string   `json:"unit"`
	Models      []string `json:"models"`
}

func (p *plugin) LookupParts(ctx context.Context, req parts.LookupRequest) ([]parts.Part, error) {
	e, err := p.conn()
	if err != nil {
		return nil, err
	}
	if req.Query == "" && req.ProductModel == "" {
		return nil, sdk.BadRequest("a query or a product model is required")
	}
	limit := req.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if req.Query != "" {
		q.Set("q", req.Query)
	}
	if req.ProductModel != "" {
		q.Set("model", req.ProductModel)
	}
	var ans struct{ Parts []erpPart }
	if err := e.call(ctx, http.MethodGet, "parts", q, nil, "", &ans); err != nil {
		return nil, err
	}
	out := make([]parts.Part, 0, min(len(ans.Parts), limit))
	for _, x := range ans.Parts[:min(len(ans.Parts), limit)] {
		out = append(out, parts.Part{Number: x.Number, Name: x.Name, Description: x.Description, Unit: x.Unit, ProductModels: x.Models})
	}
	return out, nil
}

func (p *plugin) Stock(ctx context.Context, req parts.StockRequest) ([]parts.StockLevel, error) {
	e, err := p.conn()
	if err != nil {
		return nil, err
	}
	if req.PartNumber == "" {
		return nil, sdk.BadRequest("a part number is required")
	}
	var ans struct {
		Stock []struct {
			Warehouse     string `json:"warehouse"`
			WarehouseName string `json:"warehouse_name"`
			OnHand        int    `json:"on_hand"`
			Available     int    `json:"available"`
		}
	}
	if err := e.call(ctx, http.MethodGet, "parts/"+url.PathEscape(req.PartNumber)+"/stock",
		url.Values{"warehouse": req.Warehouses}, nil, "", &ans); err != nil {
		return nil, err
	}
	out := make([]parts.StockLevel, len(ans.Stock))
	for i, s := range ans.Stock {
		out[i] = parts.StockLevel{Warehouse: s.Warehouse, WarehouseName: s.WarehouseName, OnHand: s.OnHand, Available: s.Available}
	}
	return out, nil
}

func (p *plugin) Price(ctx context.Context, req parts.PriceRequest) (parts.Price, error) {
	e, err := p.conn()
	if err != nil {
		return parts.Price{}, err
	}
	if req.PartNumber == "" || req.Quantity < 1 {
		return parts.Price{}, sdk.BadRequest("a part number and a quantity of at least 1 are required")
	}
	q := url.Values{"qty": {strconv.Itoa(req.Quantity)}}
	if req.Customer != "" {
		q.Set("customer", req.Customer)
	}
	var ans struct {
		Currency  string `json:"currency"`
		UnitPrice string `json:"unit_price"`
		Total     string `json:"total"`
	}
	if err := e.call(ctx, http.MethodGet, "parts/"+url.PathEscape(req.PartNumber)+"/price", q, nil, "", &ans); err != nil {
		return parts.Price{}, err
	}
	unit, err1 := minorUnits(ans.UnitPrice)
	total, err2 := minorUnits(ans.Total)
	switch {
	case err1 != nil || err2 != nil:
		return parts.Price{}, sdk.Unavailable("the ERP answered an unreadable price: unit %q, total %q", ans.UnitPrice, ans.Total)
	case unit < 0 || total < 0 || len(ans.Currency) != 3:
		return parts.Price{}, sdk.Unavailable("the ERP answered an impossible price: %q %q %q", ans.Currency, ans.UnitPrice, ans.Total)
	}
	return parts.Price{PartNumber: req.PartNumber, Currency: ans.Currency, UnitMinor: unit, TotalMinor: total, Quantity: req.Quantity}, nil
}

func (p *plugin) Reserve(ctx context.Context, req parts.ReserveRequest) (parts.Reservation, error) {
	e, err := p.conn()
	if err != nil {
		return parts.Reservation{}, err
	}
	if req.PartNumber == "" || req.Warehouse == "" || req.Quantity < 1 {
		return parts.Reservation{}, sdk.BadRequest("a part number, a warehouse and a quantity of at least 1 are required")
	}
	var ans struct {
		ID         string    `json:"id"`
		PartNumber string    `json:"part_number"`
		Warehouse  string    `json:"warehouse"`
		Quantity   int       `json:"quantity"`
		ExpiresAt  time.Time `json:"expires_at"`
	}
	body := map[string]any{"part_number": req.PartNumber, "warehouse": req.Warehouse, "quantity": req.Quantity, "reference": req.WorkOrder}
	if err := e.call(ctx, http.MethodPost, "reservations", nil, body, req.IdempotencyKey, &ans); err != nil {
		return parts.Reservation{}, err
	}
	if ans.ID == "" {
		return parts.Reservation{}, sdk.Unavailable("the ERP answered a reservation without an id")
	}
	return parts.Reservation{ID: ans.ID, PartNumber: ans.PartNumber, Warehouse: ans.Warehouse, Quantity: ans.Quantity, ExpiresAt: ans.ExpiresAt.UTC()}, nil
}

func (p *plugin) CreateRequisition(ctx context.Context, req parts.RequisitionRequest) (parts.Requisition, error) {
	e, err := p.conn()
	if err != nil {
		return parts.Requisition{}, err
	}
	if len(req.Lines) == 0 {
		return parts.Requisition{}, sdk.BadRequest("a requisition needs at least one line")
	}
	type line struct {
		PartNumber string `json:"part_number"`
		Quantity   int    `json:"quantity"`
		Warehouse  string `json:"warehouse,omitempty"`
	}
	lines := make([]line, len(req.Lines))
	for i, l := range req.Lines {
		if l.PartNumber == "" || l.Quantity < 1 {
			return parts.Requisition{}, sdk.BadRequest("line %d: a part number and a quantity of at least 1 are required", i+1)
		}
		lines[i] = line(l)
	}
	body := map[string]any{"reference": req.WorkOrder, "site": req.Site, "lines": lines, "note": req.Note}
	var ans struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := e.call(ctx, http.MethodPost, "requisitions", nil, body, req.IdempotencyKey, &ans); err != nil {
		return parts.Requisition{}, err
	}
	if ans.ID == "" {
		return parts.Requisition{}, sdk.Unavailable("the ERP answered a requisition without an id")
	}
	return parts.Requisition{ID: ans.ID, Status: ans.Status}, nil
}

// Consume implements parts.StockMover: parts used on a work order,
// usually of a reservation; sdk.InsufficientStock when the ERP has too few.
func (p *plugin) Consume(ctx context.Context, req parts.MovementRequest) (parts.Movement, error) {
	return p.move(ctx, "consumptions", req, map[string]any{"reservation": req.ReservationID})
}

// Return implements parts.StockMover: a part back to stock.
func (p *plugin) Return(ctx context.Context, req parts.MovementRequest) (parts.Movement, error) {
	return p.move(ctx, "returns", req, nil)
}

// move posts a stock movement with the platform's idempotency key, which
// it requires: without one a retry could move stock twice.
func (p *plugin) move(ctx context.Context, path string, req parts.MovementRequest, extra map[string]any) (parts.Movement, error) {
	e, err := p.conn()
	if err != nil {
		return parts.Movement{}, err
	}
	if req.PartNumber == "" || req.Warehouse == "" || req.Quantity < 1 {
		return parts.Movement{}, sdk.BadRequest("a part number, a warehouse and a quantity of at least 1 are required")
	}
	if req.IdempotencyKey == "" {
		return parts.Movement{}, sdk.BadRequest("a stock movement needs an idempotency key")
	}
	body := map[string]any{"part_number": req.PartNumber, "warehouse": req.Warehouse, "quantity": req.Quantity, "reference": req.WorkOrder}
	for k, v := range extra {
		body[k] = v
	}
	var ans struct {
		ID         string `json:"id"`
		PartNumber string `json:"part_number"`
		Warehouse  string `json:"warehouse"`
		Quantity   int    `json:"quantity"`
	}
	if err := e.call(ctx, http.MethodPost, path, nil, body, req.IdempotencyKey, &ans); err != nil {
		return parts.Movement{}, err
	}
	if ans.ID == "" {
		return parts.Movement{}, sdk.Unavailable("the ERP answered a stock movement without an id")
	}
	return parts.Movement{ID: ans.ID, PartNumber: ans.PartNumber, Warehouse: ans.Warehouse, Quantity: ans.Quantity}, nil
}

// main serves the plugin. Its client follows no redirect: the platform
// checked the configured URL against its egress guard (no private or
// internal addresses), and a redirect could lead anywhere; a 3xx is an
// answer.
func main() {
	parts.Serve(&plugin{client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}})
}

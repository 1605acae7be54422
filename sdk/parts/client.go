package parts

import (
	"context"
	"encoding/json"

	pb "github.com/aftersales/aftersales/sdk/internal/proto/parts/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

// client is the host's typed client: Plugin over gRPC.
type client struct{ c pb.PartsClient }

func (c *client) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := c.c.Configure(ctx, &pb.ConfigureRequest{ConfigJson: config})
	return wire.FromStatus(ctx, "Configure", err)
}

func (c *client) LookupParts(ctx context.Context, req LookupRequest) ([]Part, error) {
	r, err := c.c.LookupParts(ctx, &pb.LookupRequest{Query: req.Query, ProductModel: req.ProductModel, Limit: int32(req.Limit)})
	if err != nil {
		return nil, wire.FromStatus(ctx, "LookupParts", err)
	}
	out := make([]Part, len(r.Parts))
	for i, p := range r.Parts {
		out[i] = Part{Number: p.Number, Name: p.Name, Description: p.Description, Unit: p.Unit, ProductModels: p.ProductModels}
	}
	return out, nil
}

func (c *client) Stock(ctx context.Context, req StockRequest) ([]StockLevel, error) {
	r, err := c.c.Stock(ctx, &pb.StockRequest{PartNumber: req.PartNumber, Warehouses: req.Warehouses})
	if err != nil {
		return nil, wire.FromStatus(ctx, "Stock", err)
	}
	out := make([]StockLevel, len(r.Levels))
	for i, l := range r.Levels {
		out[i] = StockLevel{Warehouse: l.Warehouse, WarehouseName: l.WarehouseName, OnHand: int(l.OnHand), Available: int(l.Available)}
	}
	return out, nil
}

func (c *client) Price(ctx context.Context, req PriceRequest) (Price, error) {
	p, err := c.c.Price(ctx, &pb.PriceRequest{PartNumber: req.PartNumber, Quantity: int64(req.Quantity), Customer: req.Customer})
	if err != nil {
		return Price{}, wire.FromStatus(ctx, "Price", err)
	}
	return Price{PartNumber: p.PartNumber, Currency: p.Currency, UnitMinor: p.UnitMinor, TotalMinor: p.TotalMinor, Quantity: int(p.Quantity)}, nil
}

func (c *client) Reserve(ctx context.Context, req ReserveRequest) (Reservation, error) {
	r, err := c.c.Reserve(ctx, &pb.ReserveRequest{
		PartNumber: req.PartNumber, Warehouse: req.Warehouse, Quantity: int64(req.Quantity),
		WorkOrder: req.WorkOrder, IdempotencyKey: req.IdempotencyKey,
	})
	if err != nil {
		return Reservation{}, wire.FromStatus(ctx, "Reserve", err)
	}
	return Reservation{ID: r.Id, PartNumber: r.PartNumber, Warehouse: r.Warehouse, Quantity: int(r.Quantity), ExpiresAt: wire.Time(r.ExpiresAtUnixNano)}, nil
}

func (c *client) CreateRequisition(ctx context.Context, req RequisitionRequest) (Requisition, error) {
	in := &pb.RequisitionRequest{WorkOrder: req.WorkOrder, Site: req.Site, Note: req.Note, IdempotencyKey: req.IdempotencyKey,
		Lines: make([]*pb.RequisitionLine, len(req.Lines))}
	for i, l := range req.Lines {
		in.Lines[i] = &pb.RequisitionLine{PartNumber: l.PartNumber, Quantity: int64(l.Quantity), Warehouse: l.Warehouse}
	}
	r, err := c.c.CreateRequisition(ctx, in)
	if err != nil {
		return Requisition{}, wire.FromStatus(ctx, "CreateRequisition", err)
	}
	return Requisition{ID: r.Id, Status: r.Status}, nil
}

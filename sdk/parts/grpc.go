package parts

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/aftersales/aftersales/sdk"
	pb "github.com/aftersales/aftersales/sdk/internal/proto/parts/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

const kind = "parts"

func init() {
	wire.Register(kind, 1, func() plugin.Plugin {
		return &wire.GRPCPlugin{NewClient: func(c *grpc.ClientConn) any { return &client{c: pb.NewPartsClient(c)} }}
	})
}

func serve(impl Plugin, opts []sdk.ServeOption) {
	v1 := &wire.GRPCPlugin{RegisterServer: func(s *grpc.Server) { pb.RegisterPartsServer(s, &server{impl: impl}) }}
	wire.Serve(kind, map[int]plugin.Plugin{1: v1}, opts)
}

type server struct {
	pb.UnimplementedPartsServer
	impl Plugin
}

func (s *server) Configure(ctx context.Context, r *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	return &pb.ConfigureResponse{}, s.impl.Configure(ctx, json.RawMessage(r.ConfigJson))
}

func (s *server) LookupParts(ctx context.Context, r *pb.LookupRequest) (*pb.LookupResponse, error) {
	ps, err := s.impl.LookupParts(ctx, LookupRequest{Query: r.Query, ProductModel: r.ProductModel, Limit: int(r.Limit)})
	if err != nil {
		return nil, err
	}
	out := &pb.LookupResponse{Parts: make([]*pb.Part, len(ps))}
	for i, p := range ps {
		out.Parts[i] = &pb.Part{Number: p.Number, Name: p.Name, Description: p.Description, Unit: p.Unit, ProductModels: p.ProductModels}
	}
	return out, nil
}

func (s *server) Stock(ctx context.Context, r *pb.StockRequest) (*pb.StockResponse, error) {
	ls, err := s.impl.Stock(ctx, StockRequest{PartNumber: r.PartNumber, Warehouses: r.Warehouses})
	if err != nil {
		return nil, err
	}
	out := &pb.StockResponse{Levels: make([]*pb.StockLevel, len(ls))}
	for i, l := range ls {
		out.Levels[i] = &pb.StockLevel{Warehouse: l.Warehouse, WarehouseName: l.WarehouseName, OnHand: int64(l.OnHand), Available: int64(l.Available)}
	}
	return out, nil
}

func (s *server) Price(ctx context.Context, r *pb.PriceRequest) (*pb.PriceQuote, error) {
	p, err := s.impl.Price(ctx, PriceRequest{PartNumber: r.PartNumber, Quantity: int(r.Quantity), Customer: r.Customer})
	if err != nil {
		return nil, err
	}
	return &pb.PriceQuote{PartNumber: p.PartNumber, Currency: p.Currency, UnitMinor: p.UnitMinor, TotalMinor: p.TotalMinor, Quantity: int64(p.Quantity)}, nil
}

func (s *server) Reserve(ctx context.Context, r *pb.ReserveRequest) (*pb.Reservation, error) {
	res, err := s.impl.Reserve(ctx, ReserveRequest{
		PartNumber: r.PartNumber, Warehouse: r.Warehouse, Quantity: int(r.Quantity),
		WorkOrder: r.WorkOrder, IdempotencyKey: r.IdempotencyKey,
	})
	if err != nil {
		return nil, err
	}
	return &pb.Reservation{
		Id: res.ID, PartNumber: res.PartNumber, Warehouse: res.Warehouse,
		Quantity: int64(res.Quantity), ExpiresAtUnixNano: wire.UnixNano(res.ExpiresAt),
	}, nil
}

func (s *server) CreateRequisition(ctx context.Context, r *pb.RequisitionRequest) (*pb.Requisition, error) {
	req := RequisitionRequest{WorkOrder: r.WorkOrder, Site: r.Site, Note: r.Note, IdempotencyKey: r.IdempotencyKey,
		Lines: make([]RequisitionLine, len(r.Lines))}
	for i, l := range r.Lines {
		req.Lines[i] = RequisitionLine{PartNumber: l.PartNumber, Quantity: int(l.Quantity), Warehouse: l.Warehouse}
	}
	res, err := s.impl.CreateRequisition(ctx, req)
	if err != nil {
		return nil, err
	}
	return &pb.Requisition{Id: res.ID, Status: res.Status}, nil
}

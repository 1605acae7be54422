package parts

import (
	"context"
	"errors"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/aftersales/aftersales/sdk/internal/proto/parts/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

// MovementRequest moves stock for a work order: parts used (Consume,
// usually of a reservation) or a part going back (Return). The platform
// always sets IdempotencyKey: a retried movement with the same key must
// not move stock twice, and answers the movement made the first time.
type MovementRequest struct {
	PartNumber     string
	Warehouse      string
	Quantity       int    // at least 1
	WorkOrder      string // the platform's work-order number
	ReservationID  string // Consume: the reservation it uses up; may be empty
	IdempotencyKey string
}

// Movement is a stock movement the ERP recorded.
type Movement struct {
	ID         string // the ERP's document number
	PartNumber string
	Warehouse  string
	Quantity   int
}

// StockMover is implemented by parts plugins that post consumption and
// returns to the ERP. It is optional: a plugin without it (or built before
// it existed) keeps serving Plugin, and the host's client answers
// ErrMovementsNotSupported. Consume refuses more than is available with
// sdk.InsufficientStock.
type StockMover interface {
	Consume(ctx context.Context, req MovementRequest) (Movement, error)
	Return(ctx context.Context, req MovementRequest) (Movement, error)
}

// ErrMovementsNotSupported is what the host's client returns when the
// plugin does not post stock movements.
var ErrMovementsNotSupported = errors.New("the parts plugin does not post stock movements")

func (s *server) Consume(ctx context.Context, r *pb.MovementRequest) (*pb.Movement, error) {
	return s.move(ctx, r, func(m StockMover) func(context.Context, MovementRequest) (Movement, error) { return m.Consume })
}

func (s *server) Return(ctx context.Context, r *pb.MovementRequest) (*pb.Movement, error) {
	return s.move(ctx, r, func(m StockMover) func(context.Context, MovementRequest) (Movement, error) { return m.Return })
}

// move serves the optional StockMover: a plugin without it answers
// Unimplemented, as a plugin built before the methods existed does.
func (s *server) move(ctx context.Context, r *pb.MovementRequest,
	pick func(StockMover) func(context.Context, MovementRequest) (Movement, error)) (*pb.Movement, error) {
	m, ok := s.impl.(StockMover)
	if !ok {
		return nil, status.Error(codes.Unimplemented, ErrMovementsNotSupported.Error())
	}
	got, err := pick(m)(ctx, MovementRequest{PartNumber: r.PartNumber, Warehouse: r.Warehouse, Quantity: int(r.Quantity),
		WorkOrder: r.WorkOrder, ReservationID: r.ReservationId, IdempotencyKey: r.IdempotencyKey})
	if err != nil {
		if errors.Is(err, ErrMovementsNotSupported) {
			return nil, status.Error(codes.Unimplemented, err.Error())
		}
		return nil, err
	}
	return &pb.Movement{Id: got.ID, PartNumber: got.PartNumber, Warehouse: got.Warehouse, Quantity: int64(got.Quantity)}, nil
}

// Consume implements StockMover for every plugin: one that does not post
// movements (or was built before them) gives ErrMovementsNotSupported.
func (c *client) Consume(ctx context.Context, req MovementRequest) (Movement, error) {
	return c.move(ctx, "Consume", c.c.Consume, req)
}

// Return implements StockMover as Consume does.
func (c *client) Return(ctx context.Context, req MovementRequest) (Movement, error) {
	return c.move(ctx, "Return", c.c.Return, req)
}

func (c *client) move(ctx context.Context, op string, call func(context.Context, *pb.MovementRequest, ...grpc.CallOption) (*pb.Movement, error),
	req MovementRequest) (Movement, error) {
	r, err := call(ctx, &pb.MovementRequest{PartNumber: req.PartNumber, Warehouse: req.Warehouse, Quantity: int64(req.Quantity),
		WorkOrder: req.WorkOrder, ReservationId: req.ReservationID, IdempotencyKey: req.IdempotencyKey})
	if status.Code(err) == codes.Unimplemented && ctx.Err() == nil {
		return Movement{}, ErrMovementsNotSupported
	}
	if err != nil {
		return Movement{}, wire.FromStatus(ctx, op, err)
	}
	return Movement{ID: r.Id, PartNumber: r.PartNumber, Warehouse: r.Warehouse, Quantity: int(r.Quantity)}, nil
}

package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

type ListStockInput struct {
	Cursor      string `query:"cursor" maxLength:"400"`
	Limit       int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
	WarehouseID string `query:"warehouse_id" format:"uuid"`
	PartID      string `query:"part_id" format:"uuid" doc:"With it: the part's availability across the warehouses the caller sees."`
	NonZero     bool   `query:"non_zero" doc:"Only rows with stock on hand, reserved or in transit."`
}

type ListStockOutput struct {
	Body struct {
		Items []*parts.StockRow `json:"items" nullable:"false"`
		Page
	}
}

type ListMovementsInput struct {
	After       int64  `query:"after" minimum:"0" doc:"The last seq of the previous page."`
	Limit       int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
	WarehouseID string `query:"warehouse_id" format:"uuid"`
	PartID      string `query:"part_id" format:"uuid"`
}

type ListMovementsOutput struct {
	Body struct {
		Items []*parts.Movement `json:"items" nullable:"false"`
		Next  string            `json:"next_cursor" doc:"Pass as ?after= for the next page; empty on the last page."`
	}
}

// LineBody is one line of a stock document.
type LineBody struct {
	PartID   uuid.UUID `json:"part_id"`
	Quantity int64     `json:"quantity" doc:"Positive; an adjustment's is signed (negative: taken out)."`
}

func linesOf(ls []LineBody) []parts.LineInput {
	out := make([]parts.LineInput, len(ls))
	for i, l := range ls {
		out[i] = parts.LineInput{PartID: l.PartID, Quantity: l.Quantity}
	}
	return out
}

type CreateStockDocumentInput struct {
	Body struct {
		Kind            string     `json:"kind" enum:"receipt,issue,transfer,adjustment,return"`
		WarehouseID     *uuid.UUID `json:"warehouse_id,omitempty" doc:"The warehouse a receipt, return, issue or adjustment changes."`
		FromWarehouseID *uuid.UUID `json:"from_warehouse_id,omitempty" doc:"A transfer's source."`
		ToWarehouseID   *uuid.UUID `json:"to_warehouse_id,omitempty" doc:"A transfer's destination."`
		Reason          string     `json:"reason,omitempty" maxLength:"500" doc:"Required for an adjustment."`
		Reference       string     `json:"reference,omitempty" maxLength:"100"`
		Lines           []LineBody `json:"lines" minItems:"1" maxItems:"200"`
	}
}

type StockDocumentOutput struct{ Body *parts.Document }

type StockDocumentIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ReceiveTransferInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Lines []LineBody `json:"lines" minItems:"1" maxItems:"200"`
	}
}

type ListStockDocumentsInput struct {
	ListParams
	Kind        string `query:"kind" enum:"receipt,issue,transfer,adjustment,return,"`
	State       string `query:"state" enum:"posted,in_transit,partially_received,received,"`
	WarehouseID string `query:"warehouse_id" format:"uuid"`
}

type ListStockDocumentsOutput struct {
	Body struct {
		Items []*parts.Document `json:"items" nullable:"false"`
		Page
	}
}

type CreateStockReservationInput struct {
	Body struct {
		Key         string     `json:"key" minLength:"1" maxLength:"200" doc:"The caller's idempotency key: a retry with it returns the first reservation and moves nothing."`
		WarehouseID uuid.UUID  `json:"warehouse_id"`
		PartID      uuid.UUID  `json:"part_id"`
		WorkOrderID *uuid.UUID `json:"work_order_id,omitempty"`
		Quantity    int64      `json:"quantity"`
	}
}

type StockReservationOutput struct {
	Status int
	Body   *parts.Reservation
}

type SettleReservationInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Quantity int64 `json:"quantity,omitempty" doc:"0 or absent: all that remains."`
	}
}

type ReservationActionOutput struct{ Body *parts.Reservation }

func registerStockRoutes(api huma.API, s *Server, svc *parts.Service) {
	tags := []string{"Stock"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	register(api, huma.Operation{OperationID: "list-stock", Method: http.MethodGet, Path: "/v1/stock",
		Summary: "Stock on hand, reserved, in transit and available", Tags: tags,
		Description: "Per warehouse and part, in warehouse code and part number order, over the warehouses the caller " +
			"sees. With part_id: the part's availability across them; with warehouse_id: a warehouse's stock. " +
			"Every figure is what the stock ledger sums to. A tenant in erp parts mode keeps its stock in its ERP: " +
			"then part_id is required (409 without it) and the figures of the warehouses the caller sees are the ERP's, " +
			"by warehouse code, on one page (503 with Retry-After while the ERP cannot be reached).",
		Errors: []int{http.StatusConflict, http.StatusServiceUnavailable}},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListStockInput) (*ListStockOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			f := parts.BalanceFilter{Within: reach, NonZero: in.NonZero, After: in.Cursor, Limit: in.Limit}
			if f.WarehouseID, err = queryID("warehouse_id", in.WarehouseID); err != nil {
				return nil, err
			}
			if f.PartID, err = queryID("part_id", in.PartID); err != nil {
				return nil, err
			}
			if out, erp, err := s.erpStock(ctx, f); erp {
				return out, err
			}
			items, next, err := svc.FindBalances(ctx, unitOfWork(ctx), f)
			out := &ListStockOutput{}
			out.Body.Items, out.Body.Next = items, next
			if out.Body.Items == nil {
				out.Body.Items = []*parts.StockRow{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "list-stock-movements", Method: http.MethodGet, Path: "/v1/stock/movements",
		Summary: "The stock ledger", Tags: tags,
		Description: "Every movement, double-entry, in ledger order, that touches a warehouse the caller sees."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListMovementsInput) (*ListMovementsOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			f := parts.MovementFilter{Within: reach, After: in.After, Limit: in.Limit}
			if f.WarehouseID, err = queryID("warehouse_id", in.WarehouseID); err != nil {
				return nil, err
			}
			if f.PartID, err = queryID("part_id", in.PartID); err != nil {
				return nil, err
			}
			items, next, err := svc.FindMovements(ctx, unitOfWork(ctx), f)
			out := &ListMovementsOutput{}
			out.Body.Items = items
			if items == nil {
				out.Body.Items = []*parts.Movement{}
			}
			if next > 0 {
				out.Body.Next = strconv.FormatInt(next, 10)
			}
			return out, err
		})
	registerStockDocumentRoutes(api, s, svc, tags)
	registerStockReservationRoutes(api, s, svc, tags)
}

func registerStockDocumentRoutes(api huma.API, s *Server, svc *parts.Service, tags []string) {
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	register(api, huma.Operation{OperationID: "create-stock-document", Method: http.MethodPost, Path: "/v1/stock/documents",
		Summary: "Post a receipt, issue, transfer, adjustment or return", Tags: tags, DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusConflict},
		Description: "A receipt, return, issue or adjustment posts at once; a transfer ships its lines from the source " +
			"(which the caller must see) into transit to the destination. 422 names the field — an unknown part or " +
			"warehouse, a line that would make stock negative — and nothing is changed. 409 for a tenant in erp mode " +
			"(parts_mode erp: its ERP keeps the stock)."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *CreateStockDocumentInput) (*StockDocumentOutput, error) {
			reach, err := s.ledgerReach(ctx)
			if err != nil {
				return nil, err
			}
			b := in.Body
			d, err := svc.CreateDocument(ctx, unitOfWork(ctx), parts.DocumentInput{Kind: b.Kind, WarehouseID: b.WarehouseID,
				FromWarehouseID: b.FromWarehouseID, ToWarehouseID: b.ToWarehouseID, Reason: b.Reason, Reference: b.Reference,
				Lines: linesOf(b.Lines)}, reach, actorOf(ctx))
			return &StockDocumentOutput{Body: d}, err
		})
	register(api, huma.Operation{OperationID: "list-stock-documents", Method: http.MethodGet, Path: "/v1/stock/documents",
		Summary: "List stock documents", Tags: tags, Description: "Newest first; those with an end the caller sees."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListStockDocumentsInput) (*ListStockDocumentsOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			f := parts.DocumentFilter{Within: reach, Kind: in.Kind, State: in.State, After: in.Cursor, Limit: in.Limit}
			if f.WarehouseID, err = queryID("warehouse_id", in.WarehouseID); err != nil {
				return nil, err
			}
			items, next, err := svc.FindDocuments(ctx, unitOfWork(ctx), f)
			out := &ListStockDocumentsOutput{}
			out.Body.Items, out.Body.Next = items, next
			if out.Body.Items == nil {
				out.Body.Items = []*parts.Document{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "get-stock-document", Method: http.MethodGet, Path: "/v1/stock/documents/{id}",
		Summary: "Read a stock document", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "404 unless one of its warehouses is one the caller sees."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *StockDocumentIDInput) (*StockDocumentOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			d, err := svc.FindDocument(ctx, unitOfWork(ctx), in.ID, reach)
			return &StockDocumentOutput{Body: d}, err
		})
	register(api, huma.Operation{OperationID: "receive-stock-transfer", Method: http.MethodPost, Path: "/v1/stock/documents/{id}/receive",
		Summary: "Receive a transfer, partly or in full", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Moves the lines' quantities from in transit to available at the destination (which the caller must " +
			"see): site staff receive what is shipped to their sites (parts:create). 422 names the line that receives more " +
			"than is still in transit; 409 once received in full."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *ReceiveTransferInput) (*StockDocumentOutput, error) {
			reach, err := s.ledgerReach(ctx)
			if err != nil {
				return nil, err
			}
			d, err := svc.ReceiveTransfer(ctx, unitOfWork(ctx), in.ID, linesOf(in.Body.Lines), reach, actorOf(ctx))
			if err == nil && s.deps.FieldParts != nil { // the field requests it ships are received
				err = s.deps.FieldParts.Received(ctx, unitOfWork(ctx), d, actorOf(ctx))
			}
			return &StockDocumentOutput{Body: d}, err
		})
}

func registerStockReservationRoutes(api huma.API, s *Server, svc *parts.Service, tags []string) {
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	register(api, huma.Operation{OperationID: "create-stock-reservation", Method: http.MethodPost, Path: "/v1/stock/reservations",
		Summary: "Reserve stock for an order", Tags: tags, DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusConflict},
		Description: "Moves available stock to reserved in a warehouse the caller sees. A retry with the same key answers " +
			"200 with the first reservation and moves nothing; the same key with other terms is 422 naming key. 422 names " +
			"quantity when not enough is available, also in a warehouse that allows negative stock (a reservation holds stock that is there). 409 for a tenant in erp mode (its ERP keeps the stock).",
		Responses: map[string]*huma.Response{"200": {Description: "A retry with the same key: the reservation made the first time.",
			Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Ref: "#/components/schemas/StockReservation"}}}}}},
		access{Who: accessTenant, Perm: perm(core.ActCreate)},
		func(ctx context.Context, in *CreateStockReservationInput) (*StockReservationOutput, error) {
			reach, err := s.ledgerReach(ctx)
			if err != nil {
				return nil, err
			}
			b := in.Body
			r, created, err := svc.Reserve(ctx, unitOfWork(ctx), parts.ReservationInput{Key: b.Key, WarehouseID: b.WarehouseID,
				PartID: b.PartID, WorkOrderID: b.WorkOrderID, Quantity: b.Quantity}, reach, actorOf(ctx))
			status := http.StatusCreated
			if !created {
				status = http.StatusOK
			}
			return &StockReservationOutput{Status: status, Body: r}, err
		})
	for _, act := range []struct{ name, summary string }{{"release", "Release a reservation"}, {"consume", "Consume a reservation"}} {
		consume := act.name == "consume"
		register(api, huma.Operation{OperationID: act.name + "-stock-reservation", Method: http.MethodPost,
			Path: "/v1/stock/reservations/{id}/" + act.name, Summary: act.summary, Tags: tags,
			Errors: []int{http.StatusNotFound},
			Description: "Release gives reserved stock back to available; consume takes it out of stock, used on the order. " +
				"422 names quantity when more than remains; on a settled reservation it changes nothing."},
			access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
			func(ctx context.Context, in *SettleReservationInput) (*ReservationActionOutput, error) {
				reach, err := s.stockReach(ctx)
				if err != nil {
					return nil, err
				}
				var r *parts.Reservation
				if consume {
					r, err = svc.Consume(ctx, unitOfWork(ctx), in.ID, in.Body.Quantity, reach, actorOf(ctx))
				} else {
					r, err = svc.Release(ctx, unitOfWork(ctx), in.ID, in.Body.Quantity, reach, actorOf(ctx))
				}
				return &ReservationActionOutput{Body: r}, err
			})
	}
}

// StockModes is the tenant's stock port (parts.Modes): where the truth
// of its stock is, and a part's availability from there.
type StockModes interface {
	ERPMode(ctx context.Context, u core.UnitOfWork) (bool, error)
	LedgerOnly(ctx context.Context, u core.UnitOfWork) error
	Availability(ctx context.Context, u core.UnitOfWork, part uuid.UUID, within parts.Reach) ([]*parts.StockRow, error)
}

// ledgerReach is the caller's stock reach for a new document or
// reservation in the platform's ledger, which a tenant in erp mode may not
// post (409); what the ledger already holds (a transfer in transit, a
// reservation) may still be settled.
func (s *Server) ledgerReach(ctx context.Context) (parts.Reach, error) {
	if s.deps.PartsModes != nil {
		if err := s.deps.PartsModes.LedgerOnly(ctx, unitOfWork(ctx)); err != nil {
			return parts.Reach{}, err
		}
	}
	return s.stockReach(ctx)
}

// erpStock answers list-stock for a tenant in erp mode (erp true): a
// part's availability from the ERP, in the warehouses within reach.
func (s *Server) erpStock(ctx context.Context, f parts.BalanceFilter) (*ListStockOutput, bool, error) {
	if s.deps.PartsModes == nil {
		return nil, false, nil
	}
	u := unitOfWork(ctx)
	erp, err := s.deps.PartsModes.ERPMode(ctx, u)
	if err != nil || !erp {
		return nil, err != nil, err
	}
	if f.PartID == nil {
		return nil, true, core.Errorf(core.ECONFLICT, "the tenant keeps its stock in its ERP: ask for one part's stock (part_id)")
	}
	items, err := s.deps.PartsModes.Availability(ctx, u, *f.PartID, f.Within)
	out := &ListStockOutput{}
	out.Body.Items = []*parts.StockRow{}
	for _, r := range items {
		if f.WarehouseID == nil || r.WarehouseID == *f.WarehouseID {
			out.Body.Items = append(out.Body.Items, r)
		}
	}
	return out, true, err
}

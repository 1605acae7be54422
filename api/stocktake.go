package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

type OpenStocktakeInput struct {
	Body struct {
		WarehouseID uuid.UUID `json:"warehouse_id"`
		Note        string    `json:"note,omitempty" maxLength:"500"`
	}
}

type StocktakeOutput struct{ Body *parts.Stocktake }

type StocktakeIDInput struct {
	ID uuid.UUID `path:"id"`
}

// CountLineBody is one counted part.
type CountLineBody struct {
	PartID  uuid.UUID `json:"part_id"`
	Counted int64     `json:"counted" doc:"What is on the shelf; not negative."`
}

type CountStocktakeInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Lines []CountLineBody `json:"lines" minItems:"1" maxItems:"500"`
	}
}

type ListStocktakesInput struct {
	ListParams
	State       string `query:"state" enum:"open,posted,cancelled,"`
	WarehouseID string `query:"warehouse_id" format:"uuid"`
}

type ListStocktakesOutput struct {
	Body struct {
		Items []*parts.Stocktake `json:"items" nullable:"false"`
		Page
	}
}

// stocktakeOut hides the expected figures from a blind counter: a caller
// without parts:update.
func (s *Server) stocktakeOut(ctx context.Context, st *parts.Stocktake, err error) (*StocktakeOutput, error) {
	if err != nil {
		return nil, err
	}
	v, verr := s.viewer(ctx)
	if verr != nil || v.Technician != nil ||
		s.authorize(ctx, core.Permission{Resource: core.ResParts, Action: core.ActUpdate}, core.Target{}) != nil {
		st.Blind()
	}
	return &StocktakeOutput{Body: st}, nil
}

func registerStocktakeRoutes(api huma.API, s *Server, svc *parts.StocktakeService) {
	tags := []string{"Stocktake"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	register(api, huma.Operation{OperationID: "open-stocktake", Method: http.MethodPost, Path: "/v1/stocktakes",
		Summary: "Open a count sheet for a warehouse", Tags: tags, DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusConflict},
		Description: "Snapshots the on-hand figure of every part the warehouse (which the caller must see) holds. " +
			"409 when the warehouse has an open sheet."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *OpenStocktakeInput) (*StocktakeOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			st, err := svc.Open(ctx, unitOfWork(ctx), in.Body.WarehouseID, in.Body.Note, reach, actorOf(ctx))
			return s.stocktakeOut(ctx, st, err)
		})
	register(api, huma.Operation{OperationID: "list-stocktakes", Method: http.MethodGet, Path: "/v1/stocktakes",
		Summary: "List count sheets", Tags: tags, Description: "Newest first, of the warehouses the caller sees; without lines."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListStocktakesInput) (*ListStocktakesOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			f := parts.StocktakeFilter{Within: reach, State: in.State, After: in.Cursor, Limit: in.Limit}
			if f.WarehouseID, err = queryID("warehouse_id", in.WarehouseID); err != nil {
				return nil, err
			}
			items, next, err := svc.List(ctx, unitOfWork(ctx), f)
			out := &ListStocktakesOutput{}
			out.Body.Items, out.Body.Next = items, next
			if out.Body.Items == nil {
				out.Body.Items = []*parts.Stocktake{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "get-stocktake", Method: http.MethodGet, Path: "/v1/stocktakes/{id}",
		Summary: "Read a count sheet", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "With its lines. Callers without parts:update count blind: expected, on_hand and variance are null. " +
			"variance = counted − on_hand, where on_hand is the expected figure at opening plus the movements since."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *StocktakeIDInput) (*StocktakeOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			st, err := svc.Find(ctx, unitOfWork(ctx), in.ID, reach)
			return s.stocktakeOut(ctx, st, err)
		})
	register(api, huma.Operation{OperationID: "count-stocktake", Method: http.MethodPost, Path: "/v1/stocktakes/{id}/counts",
		Summary: "Enter counts", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Site staff and technicians count their sites' warehouses (parts:create). A later count of a part " +
			"replaces the earlier; a part not on the sheet is added (expected 0). 422 names a negative count or an unknown " +
			"part; 409 when the sheet is posted or cancelled."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CountStocktakeInput) (*StocktakeOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			counts := make([]parts.CountInput, len(in.Body.Lines))
			for i, l := range in.Body.Lines {
				counts[i] = parts.CountInput{PartID: l.PartID, Counted: l.Counted}
			}
			st, err := svc.Count(ctx, unitOfWork(ctx), in.ID, counts, reach, actorOf(ctx))
			return s.stocktakeOut(ctx, st, err)
		})
	register(api, huma.Operation{OperationID: "post-stocktake", Method: http.MethodPost, Path: "/v1/stocktakes/{id}/post",
		Summary: "Approve and post the variances", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Posts the non-zero variances (counted − on hand now) as one adjustment document and closes the sheet. " +
			"422 names the first uncounted line, or a variance that would make available stock negative (stock reserved " +
			"but not on the shelf). Posting a posted sheet returns it and posts nothing."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *StocktakeIDInput) (*StocktakeOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			st, err := svc.Post(ctx, unitOfWork(ctx), in.ID, reach, actorOf(ctx))
			return s.stocktakeOut(ctx, st, err)
		})
	register(api, huma.Operation{OperationID: "cancel-stocktake", Method: http.MethodPost, Path: "/v1/stocktakes/{id}/cancel",
		Summary: "Cancel an open count sheet", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Closes it without posting; 409 when posted."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *StocktakeIDInput) (*StocktakeOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			st, err := svc.Cancel(ctx, unitOfWork(ctx), in.ID, reach)
			return s.stocktakeOut(ctx, st, err)
		})
}

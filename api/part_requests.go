package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

type CreatePartRequestInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		PartID   uuid.UUID `json:"part_id"`
		Quantity int64     `json:"quantity" doc:"Positive."`
		Note     string    `json:"note,omitempty" maxLength:"500"`
	}
}

type PartRequestOutput struct{ Body *parts.PartRequest }

type PartRequestIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ListOrderPartRequestsInput struct {
	ID uuid.UUID `path:"id"`
}

type ListPartRequestsInput struct {
	ListParams
	State   string `query:"state" enum:"requested,refused,approved,received,consumed,returned,inspected,"`
	Overdue bool   `query:"overdue" doc:"Only used must-return parts whose defective part is past its return due date."`
}

// PartRequestLine is one part of a multi-line request.
type PartRequestLine struct {
	PartID   uuid.UUID `json:"part_id"`
	Quantity int64     `json:"quantity" doc:"Positive."`
	Note     string    `json:"note,omitempty" maxLength:"500"`
}

type CreatePartRequestLinesInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Lines []PartRequestLine `json:"lines" minItems:"1" maxItems:"50"`
	}
}

type PartRequestLinesOutput struct {
	Body struct {
		GroupID uuid.UUID            `json:"group_id"`
		Items   []*parts.PartRequest `json:"items" nullable:"false"`
	}
}

type ListPartRequestsOutput struct {
	Body struct {
		Items []*parts.PartRequest `json:"items" nullable:"false"`
		Page
	}
}

type ApprovePartRequestInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		FromWarehouseID uuid.UUID `json:"from_warehouse_id" doc:"The warehouse the transfer ships from."`
	}
}

type RefusePartRequestInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Reason string `json:"reason" maxLength:"500"`
	}
}

type InspectPartRequestInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Result string `json:"result" enum:"accepted,rejected"`
		Note   string `json:"note,omitempty" maxLength:"500"`
	}
}

func registerPartRequestRoutes(api huma.API, s *Server, svc *parts.Requests) {
	tags := []string{"Stock"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	errs := []int{http.StatusNotFound, http.StatusConflict}
	register(api, huma.Operation{OperationID: "create-part-request", Method: http.MethodPost,
		Path: "/v1/work-orders/{id}/part-requests", Summary: "Request a part for an order (在线申请备件)", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: errs,
		Description: "A technician (or the site) asks for a part for an order of their site; the parts clerk approves or " +
			"refuses it. 422 names part_id (unknown) or quantity (not positive); 404 when the order is out of reach."},
		access{Who: accessTenant, Perm: perm(core.ActCreate)},
		func(ctx context.Context, in *CreatePartRequestInput) (*PartRequestOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			r, err := svc.Request(ctx, unitOfWork(ctx), in.ID, parts.RequestInput{PartID: in.Body.PartID,
				Quantity: in.Body.Quantity, Note: in.Body.Note}, reach, actorOf(ctx))
			return &PartRequestOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "create-part-request-lines", Method: http.MethodPost,
		Path: "/v1/work-orders/{id}/part-requests/lines", Summary: "Request several parts for an order in one request",
		Tags: tags, DefaultStatus: http.StatusCreated, Errors: errs,
		Description: "One request of several parts: a line per part, each approved, shipped, received and returned on its " +
			"own; the lines share group_id. 422 names the line's field (lines[1].part_id); nothing is stored then."},
		access{Who: accessTenant, Perm: perm(core.ActCreate)},
		func(ctx context.Context, in *CreatePartRequestLinesInput) (*PartRequestLinesOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			lines := make([]parts.RequestInput, len(in.Body.Lines))
			for i, l := range in.Body.Lines {
				lines[i] = parts.RequestInput{PartID: l.PartID, Quantity: l.Quantity, Note: l.Note}
			}
			rs, err := svc.RequestLines(ctx, unitOfWork(ctx), in.ID, lines, reach, actorOf(ctx))
			if err != nil {
				return nil, err
			}
			out := &PartRequestLinesOutput{}
			out.Body.GroupID, out.Body.Items = rs[0].GroupID, rs
			return out, nil
		})
	register(api, huma.Operation{OperationID: "list-order-part-requests", Method: http.MethodGet,
		Path: "/v1/work-orders/{id}/part-requests", Summary: "The part requests of an order", Tags: tags,
		Description: "Newest first; those of the order the caller sees."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListOrderPartRequestsInput) (*ListPartRequestsOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			items, next, err := svc.FindRequests(ctx, unitOfWork(ctx), parts.RequestFilter{Within: reach, WorkOrderID: &in.ID,
				Limit: 200})
			return requestPage(items, next), err
		})
	register(api, huma.Operation{OperationID: "list-part-requests", Method: http.MethodGet, Path: "/v1/part-requests",
		Summary: "The part request queue", Tags: tags,
		Description: "Newest first, by state; a site sees the requests of its own orders, a parts clerk all in scope. " +
			"overdue=true lists the defective parts late for their return."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListPartRequestsInput) (*ListPartRequestsOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			items, next, err := svc.FindRequests(ctx, unitOfWork(ctx), parts.RequestFilter{Within: reach, State: in.State,
				Overdue: in.Overdue, After: in.Cursor, Limit: in.Limit})
			return requestPage(items, next), err
		})
	register(api, huma.Operation{OperationID: "get-part-request", Method: http.MethodGet, Path: "/v1/part-requests/{id}",
		Summary: "Read a part request", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *PartRequestIDInput) (*PartRequestOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			r, err := svc.Find(ctx, unitOfWork(ctx), in.ID, reach)
			return &PartRequestOutput{Body: r}, err
		})
	erpErrs := append([]int{http.StatusServiceUnavailable}, errs...)
	register(api, huma.Operation{OperationID: "approve-part-request", Method: http.MethodPost,
		Path: "/v1/part-requests/{id}/approve", Summary: "Approve a part request: ship a transfer to the site", Tags: tags,
		Errors: erpErrs,
		Description: "Ships a transfer of the quantity from from_warehouse_id (which the caller must see) to the site's " +
			"warehouse; the site receives it with receive-stock-transfer. 422 names from_warehouse_id (unknown, or not " +
			"enough stock); 409 names state when it is not awaiting a decision. For a tenant in erp parts mode the approval " +
			"reserves the quantity in the ERP instead (keyed by the request, so a retry reserves once; no transfer, nothing " +
			"to receive): 409 names the part and what the ERP has available when it has too few, 503 with Retry-After " +
			"when it cannot be reached, and the request stays as it was."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *ApprovePartRequestInput) (*PartRequestOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			r, err := svc.Approve(ctx, unitOfWork(ctx), in.ID, in.Body.FromWarehouseID, reach, actorOf(ctx))
			return &PartRequestOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "refuse-part-request", Method: http.MethodPost,
		Path: "/v1/part-requests/{id}/refuse", Summary: "Refuse a part request with a reason", Tags: tags, Errors: errs},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *RefusePartRequestInput) (*PartRequestOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			r, err := svc.Refuse(ctx, unitOfWork(ctx), in.ID, in.Body.Reason, reach, actorOf(ctx))
			return &PartRequestOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "return-part-request", Method: http.MethodPost,
		Path: "/v1/part-requests/{id}/return", Summary: "Return the defective part of a consumed request", Tags: tags,
		Errors: erpErrs, Description: "For a must-return part once consumed; the timeline says whether it was late. For a " +
			"tenant in erp parts mode the part is returned to the ERP's warehouse it came from (503 with Retry-After when " +
			"the ERP cannot be reached)."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *PartRequestIDInput) (*PartRequestOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			r, err := svc.Return(ctx, unitOfWork(ctx), in.ID, reach, actorOf(ctx))
			return &PartRequestOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "inspect-part-request", Method: http.MethodPost,
		Path: "/v1/part-requests/{id}/inspect", Summary: "Record the inspection of a returned defective part", Tags: tags,
		Errors: errs},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *InspectPartRequestInput) (*PartRequestOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			r, err := svc.Inspect(ctx, unitOfWork(ctx), in.ID, in.Body.Result, in.Body.Note, reach, actorOf(ctx))
			return &PartRequestOutput{Body: r}, err
		})
}

func requestPage(items []*parts.PartRequest, next string) *ListPartRequestsOutput {
	out := &ListPartRequestsOutput{}
	out.Body.Items, out.Body.Next = items, next
	if out.Body.Items == nil {
		out.Body.Items = []*parts.PartRequest{}
	}
	return out
}

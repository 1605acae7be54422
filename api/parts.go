package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type FindPartsInput struct {
	Query string `query:"query" maxLength:"100" doc:"Part code or name, as the ERP searches it."`
	Model string `query:"model" maxLength:"100" doc:"Only parts that fit this product model."`
	Limit int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type FindPartsOutput struct {
	Body struct {
		Items []core.Part `json:"items"`
	}
}

type PartCodeInput struct {
	Code string `path:"code" minLength:"1" maxLength:"64"`
}

type PartStockOutput struct {
	Body struct {
		Code       string            `json:"code"`
		Warehouses []core.StockLevel `json:"warehouses"`
	}
}

type ReservePartInput struct {
	Body struct {
		PartCode      string     `json:"part_code" minLength:"1" maxLength:"64"`
		WarehouseCode string     `json:"warehouse_code" minLength:"1" maxLength:"64"`
		Quantity      int        `json:"quantity" minimum:"1" maximum:"10000"`
		WorkOrderID   *uuid.UUID `json:"work_order_id,omitempty"`
	}
}

type ReservationOutput struct{ Body *core.Reservation }

type CreateRequisitionInput struct {
	Body struct {
		Lines       []core.RequisitionLine `json:"lines" minItems:"1" maxItems:"100"`
		WorkOrderID *uuid.UUID             `json:"work_order_id,omitempty"`
		DeliverTo   string                 `json:"deliver_to,omitempty" maxLength:"200"`
		Note        string                 `json:"note,omitempty" maxLength:"1000"`
	}
}

type RequisitionOutput struct{ Body *core.Requisition }

func registerPartsRoutes(api huma.API, s *Server, p PluginServices) {
	tags := []string{"Parts"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	errs := []int{http.StatusConflict}
	desc := "Asks the tenant's ERP through its parts plugin; 409 when the tenant has bound none."
	register(api, huma.Operation{OperationID: "find-parts", Method: http.MethodGet, Path: "/v1/parts",
		Summary: "Look up spare parts", Tags: tags, Errors: errs, Description: desc},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *FindPartsInput) (*FindPartsOutput, error) {
			items, err := p.Plugins.FindParts(ctx, unitOfWork(ctx), core.PartQuery{Query: in.Query, Model: in.Model, Limit: in.Limit})
			out := &FindPartsOutput{}
			out.Body.Items = items
			return out, err
		})
	register(api, huma.Operation{OperationID: "part-stock", Method: http.MethodGet, Path: "/v1/parts/{code}/stock",
		Summary: "A part's stock per warehouse", Tags: tags, Errors: append(errs, http.StatusNotFound), Description: desc},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *PartCodeInput) (*PartStockOutput, error) {
			levels, err := p.Plugins.PartStock(ctx, unitOfWork(ctx), in.Code)
			out := &PartStockOutput{}
			out.Body.Code, out.Body.Warehouses = in.Code, levels
			return out, err
		})
	register(api, huma.Operation{OperationID: "reserve-part", Method: http.MethodPost, Path: "/v1/parts/reservations",
		Summary: "Reserve stock of a part", Tags: tags, DefaultStatus: http.StatusCreated, Errors: errs,
		Description: desc + " 409 too when the ERP refuses the reservation (not enough stock), with its reason."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *ReservePartInput) (*ReservationOutput, error) {
			b := in.Body
			r, err := p.Plugins.ReservePart(ctx, unitOfWork(ctx), core.PartReservation{PartCode: b.PartCode, WarehouseCode: b.WarehouseCode,
				Quantity: b.Quantity, WorkOrderID: b.WorkOrderID, RequestedBy: principal(ctx).Name})
			return &ReservationOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "create-requisition", Method: http.MethodPost, Path: "/v1/parts/requisitions",
		Summary: "Request parts (在线申请备件)", Tags: tags, DefaultStatus: http.StatusCreated, Errors: errs, Description: desc},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateRequisitionInput) (*RequisitionOutput, error) {
			b := in.Body
			r, err := p.Plugins.CreateRequisition(ctx, unitOfWork(ctx), core.PartRequisition{Lines: b.Lines, WorkOrderID: b.WorkOrderID,
				DeliverTo: b.DeliverTo, Note: b.Note, RequestedBy: principal(ctx).Name})
			return &RequisitionOutput{Body: r}, err
		})
}

package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// pluginFor returns the client of the tenant's enabled binding of a kind,
// with a clear 409 when there is none.
func pluginFor[T any](ctx context.Context, p PluginServices, kind string, open func(context.Context, *core.PluginBinding) (T, error)) (T, error) {
	var zero T
	if p.Runtime == nil {
		return zero, errNoRuntime
	}
	b, err := p.Bindings.FindEnabledPluginBinding(ctx, kind)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return zero, core.Errorf(core.ECONFLICT, "%s", noBindingMessage[kind])
	}
	if err != nil {
		return zero, err
	}
	return open(ctx, b)
}

var noBindingMessage = map[string]string{
	core.PluginParts: "no parts catalogue bound for this tenant: a tenant admin binds the ERP's parts plugin " +
		"(POST /v1/plugin-bindings); the built-in inventory comes later",
	core.PluginCTI: "no CTI plugin bound for this tenant: a tenant admin binds the telephony plugin (POST /v1/plugin-bindings)",
}

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

func (p PluginServices) parts(ctx context.Context) (core.PartsPlugin, error) {
	return pluginFor(ctx, p, core.PluginParts, p.runtimeParts)
}

func (p PluginServices) runtimeParts(ctx context.Context, b *core.PluginBinding) (core.PartsPlugin, error) {
	return p.Runtime.Parts(ctx, b)
}

func registerPartsRoutes(api huma.API, s *Server, p PluginServices) {
	tags := []string{"Parts"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	errs := []int{http.StatusConflict}
	desc := "Asks the tenant's ERP through its parts plugin; 409 when the tenant has bound none."
	register(api, huma.Operation{OperationID: "find-parts", Method: http.MethodGet, Path: "/v1/parts",
		Summary: "Look up spare parts", Tags: tags, Errors: errs, Description: desc},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *FindPartsInput) (*FindPartsOutput, error) {
			pp, err := p.parts(ctx)
			if err != nil {
				return nil, err
			}
			items, err := pp.FindParts(ctx, core.PartQuery{Query: in.Query, Model: in.Model, Limit: in.Limit})
			out := &FindPartsOutput{}
			out.Body.Items = items
			if out.Body.Items == nil {
				out.Body.Items = []core.Part{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "part-stock", Method: http.MethodGet, Path: "/v1/parts/{code}/stock",
		Summary: "A part's stock per warehouse", Tags: tags, Errors: append(errs, http.StatusNotFound), Description: desc},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *PartCodeInput) (*PartStockOutput, error) {
			pp, err := p.parts(ctx)
			if err != nil {
				return nil, err
			}
			levels, err := pp.PartStock(ctx, in.Code)
			out := &PartStockOutput{}
			out.Body.Code, out.Body.Warehouses = in.Code, levels
			if levels == nil {
				out.Body.Warehouses = []core.StockLevel{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "reserve-part", Method: http.MethodPost, Path: "/v1/parts/reservations",
		Summary: "Reserve stock of a part", Tags: tags, DefaultStatus: http.StatusCreated, Errors: errs,
		Description: desc + " 409 too when the ERP refuses the reservation (not enough stock), with its reason."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *ReservePartInput) (*ReservationOutput, error) {
			pp, err := p.parts(ctx)
			if err != nil {
				return nil, err
			}
			b := in.Body
			r, err := pp.ReservePart(ctx, core.PartReservation{PartCode: b.PartCode, WarehouseCode: b.WarehouseCode,
				Quantity: b.Quantity, WorkOrderID: b.WorkOrderID, RequestedBy: principal(ctx).Name})
			return &ReservationOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "create-requisition", Method: http.MethodPost, Path: "/v1/parts/requisitions",
		Summary: "Request parts (在线申请备件)", Tags: tags, DefaultStatus: http.StatusCreated, Errors: errs, Description: desc},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateRequisitionInput) (*RequisitionOutput, error) {
			for i, l := range in.Body.Lines {
				if l.PartCode == "" || len(l.PartCode) > 64 || l.Quantity < 1 || l.Quantity > 10000 {
					return nil, core.FieldError(fmt.Sprintf("lines[%d]", i), "needs a part_code (1-64 characters) and a quantity of 1-10000")
				}
			}
			pp, err := p.parts(ctx)
			if err != nil {
				return nil, err
			}
			b := in.Body
			r, err := pp.CreateRequisition(ctx, core.PartRequisition{Lines: b.Lines, WorkOrderID: b.WorkOrderID,
				DeliverTo: b.DeliverTo, Note: b.Note, RequestedBy: principal(ctx).Name})
			return &RequisitionOutput{Body: r}, err
		})
}

package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/customer"
	"github.com/aftersales/aftersales/core/warranty"
)

type PoliciesOutput struct {
	Body struct {
		Items []*warranty.Policy `json:"items"`
	}
}

type PolicyOutput struct{ Body *warranty.Policy }

type PolicyKeyInput struct {
	Scope string `path:"scope" enum:"line,model" doc:"line: a product line's policy; model: a model's, overriding its line's."`
	Code  string `path:"code" minLength:"1" maxLength:"32" doc:"The product line's code, or the model's code."`
}

type PutPolicyInput struct {
	Scope string `path:"scope" enum:"line,model"`
	Code  string `path:"code" minLength:"1" maxLength:"32"`
	Body  struct {
		Version      int                  `json:"version,omitempty" minimum:"0" doc:"The version you read; a stale one gets 409. Omitted: no check."`
		RepairMonths int                  `json:"repair_months" minimum:"0" maximum:"240" doc:"Free repair term (包修) in months."`
		ReplaceDays  int                  `json:"replace_days" minimum:"0" maximum:"365" doc:"Replacement window (包换) in days, the purchase date being day 1."`
		RefundDays   int                  `json:"refund_days" minimum:"0" maximum:"365" doc:"Refund window (包退) in days, the purchase date being day 1; not longer than replace_days."`
		Components   []warranty.Component `json:"components,omitempty" maxItems:"50" doc:"Major components (主要部件) with their own terms."`
	}
}

type FeeScheduleOutput struct{ Body *warranty.FeeSchedule }

type PutFeeScheduleInput struct {
	Body struct {
		Version       int                     `json:"version,omitempty" minimum:"0" doc:"The version you read (0 while the tenant has none); a stale one gets 409. Omitted: no check."`
		Currency      string                  `json:"currency" pattern:"^[A-Z]{3}$" example:"CNY"`
		DefaultLabour int64                   `json:"default_labour" minimum:"0"`
		Labour        []warranty.LabourRate   `json:"labour,omitempty" maxItems:"1000"`
		Travel        []warranty.DistanceBand `json:"travel,omitempty" maxItems:"100"`
	}
}

type QuoteInput struct {
	Body struct {
		UnitID       *uuid.UUID          `json:"unit_id,omitempty" doc:"The caller's registered unit; or model_code and purchase_date."`
		ModelCode    string              `json:"model_code,omitempty" maxLength:"32"`
		PurchaseDate string              `json:"purchase_date,omitempty" format:"date" doc:"YYYY-MM-DD, with model_code."`
		ServiceType  string              `json:"service_type" minLength:"1" maxLength:"32" example:"repair"`
		DistanceKm   *float64            `json:"distance_km,omitempty" minimum:"0" maximum:"20000" doc:"One-way distance from the site; or site_id with address_id (or lat and lon). Omitted with no site: no travel fee."`
		SiteID       *uuid.UUID          `json:"site_id,omitempty" doc:"The site that would go, to measure the distance to the address."`
		AddressID    *uuid.UUID          `json:"address_id,omitempty" doc:"A customer address (with a location)."`
		Lat          *float64            `json:"lat,omitempty" minimum:"-90" maximum:"90"`
		Lon          *float64            `json:"lon,omitempty" minimum:"-180" maximum:"180"`
		Parts        []warranty.PartLine `json:"parts,omitempty" maxItems:"100" doc:"Parts expected, each with its component and sale price."`
	}
}

type QuoteOutput struct{ Body *warranty.Quote }

type OrderChargesOutput struct {
	Body struct {
		Charges *warranty.OrderCharges `json:"charges,omitempty" doc:"The charge items computed when the order was completed; absent before, or for an order without a unit."`
	}
}

const policyDoc = "A model's policy overrides its product line's; a model with neither has its warranty months as the repair term " +
	"and no refund or replacement window. Refund and replacement windows count the purchase date as day 1, in the tenant's time zone."

// registerWarrantyRoutes adds the 三包 policies, the fee schedule, quotes
// and the charges of a completed order. Policies and the schedule are
// catalogue data: read with catalog:read, changed with catalog:update,
// recorded in the audit log.
func registerWarrantyRoutes(api huma.API, s *Server, svc *warranty.Service, wo WorkOrderServices, customers *customer.Service) {
	tags := []string{"Warranty"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResCatalog, Action: a} }
	register(api, huma.Operation{OperationID: "list-warranty-policies", Method: http.MethodGet, Path: "/v1/warranty-policies",
		Summary: "List the 三包 warranty policies", Tags: tags, Description: policyDoc},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*PoliciesOutput, error) {
			ps, err := svc.FindPolicies(ctx, unitOfWork(ctx))
			out := &PoliciesOutput{}
			out.Body.Items = ps
			if out.Body.Items == nil {
				out.Body.Items = []*warranty.Policy{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "put-warranty-policy", Method: http.MethodPut, Path: "/v1/warranty-policies/{scope}/{code}",
		Summary: "Set the 三包 policy of a product line or a model", Tags: tags, Errors: []int{http.StatusConflict},
		Description: policyDoc + " An unknown line or model, negative terms or a component listed twice answer 422 naming the field."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *PutPolicyInput) (*PolicyOutput, error) {
			b := in.Body
			p := warranty.Policy{Scope: in.Scope, RepairMonths: b.RepairMonths, ReplaceDays: b.ReplaceDays, RefundDays: b.RefundDays,
				Components: b.Components}
			if in.Scope == warranty.ScopeModel {
				p.ModelCode = in.Code
			} else {
				p.ProductLine = in.Code
			}
			out, _, err := svc.PutPolicy(ctx, unitOfWork(ctx), p, b.Version)
			return &PolicyOutput{Body: out}, err
		})
	register(api, huma.Operation{OperationID: "delete-warranty-policy", Method: http.MethodDelete, Path: "/v1/warranty-policies/{scope}/{code}",
		Summary: "Delete the 三包 policy of a product line or a model", Tags: tags, DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusNotFound}, Description: "A model without its own policy falls back to its line's."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *PolicyKeyInput) (*struct{}, error) {
			return nil, svc.DeletePolicy(ctx, unitOfWork(ctx), in.Scope, in.Code)
		})
	register(api, huma.Operation{OperationID: "get-fee-schedule", Method: http.MethodGet, Path: "/v1/fee-schedule",
		Summary: "The tenant's fee schedule (收费标准)", Tags: tags,
		Description: "Version 0 and nothing charged while the tenant has set none."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*FeeScheduleOutput, error) {
			f, err := svc.FindFeeSchedule(ctx, unitOfWork(ctx))
			return &FeeScheduleOutput{Body: f}, err
		})
	register(api, huma.Operation{OperationID: "put-fee-schedule", Method: http.MethodPut, Path: "/v1/fee-schedule",
		Summary: "Set the tenant's fee schedule", Tags: tags, Errors: []int{http.StatusConflict},
		Description: "Labour by service type and model (falling back to the product line, then the service type alone, then " +
			"default_labour); travel by distance bands [from_km, to_km) that may not overlap; amounts in minor units. " +
			"An unknown service type, line or model, or overlapping bands, answer 422 naming the field (labour[0].model_code, travel[1].from_km)."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *PutFeeScheduleInput) (*FeeScheduleOutput, error) {
			b := in.Body
			f, err := svc.PutFeeSchedule(ctx, unitOfWork(ctx), warranty.FeeSchedule{Currency: b.Currency, DefaultLabour: b.DefaultLabour,
				Labour: b.Labour, Travel: b.Travel}, b.Version)
			return &FeeScheduleOutput{Body: f}, err
		})
	register(api, huma.Operation{OperationID: "create-quote", Method: http.MethodPost, Path: "/v1/quotes",
		Summary: "Quote a service for a caller before dispatch", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Prices a service for a unit (or a model and purchase date): labour, travel and parts, each free or " +
			"charged with the reason (refund_window, replacement_window, unit_term, component_term, expired…), and the total. " +
			"Nothing is stored. A unit the caller may not see answers 404. " + policyDoc},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *QuoteInput) (*QuoteOutput, error) {
			b := in.Body
			if b.UnitID != nil {
				v, err := s.viewer(ctx)
				if err != nil {
					return nil, err
				}
				if err := s.authorize(ctx, core.Permission{Resource: core.ResUnits, Action: core.ActRead}, core.Target{}); err != nil {
					return nil, err
				}
				if _, err := customers.FindUnitByID(ctx, unitOfWork(ctx), v, *b.UnitID, tenantToday(ctx)); err != nil {
					return nil, err
				}
			}
			q, err := svc.Quote(ctx, unitOfWork(ctx), warranty.QuoteRequest{UnitID: b.UnitID, ModelCode: b.ModelCode,
				PurchaseDate: b.PurchaseDate, ServiceType: b.ServiceType, DistanceKm: b.DistanceKm, SiteID: b.SiteID,
				AddressID: b.AddressID, Lat: b.Lat, Lon: b.Lon, Parts: b.Parts})
			return &QuoteOutput{Body: q}, err
		})
	register(api, huma.Operation{OperationID: "get-work-order-charges", Method: http.MethodGet, Path: "/v1/work-orders/{id}/charges",
		Summary: "The charge items of a completed work order", Tags: []string{"Work orders"}, Errors: []int{http.StatusNotFound},
		Description: "Computed when the order is completed, from the policy on that day, the fee schedule, the distance from " +
			"the site to the address and the parts of the service record. An order the caller may not see answers 404."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResWorkOrders, Action: core.ActRead}},
		func(ctx context.Context, in *WorkOrderIDInput) (*OrderChargesOutput, error) {
			w, _, err := wo.findWorkOrderInScope(ctx, s, in.ID, core.Permission{Resource: core.ResWorkOrders, Action: core.ActRead})
			if err != nil {
				return nil, err
			}
			c, err := svc.FindOrderCharges(ctx, unitOfWork(ctx), w.ID)
			out := &OrderChargesOutput{}
			if core.ErrorCode(err) == core.ENOTFOUND {
				return out, nil
			}
			out.Body.Charges = c
			return out, err
		})
}

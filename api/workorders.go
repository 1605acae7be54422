package api

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
	"github.com/aftersales/aftersales/core/parts"
)

type CreateWorkOrderInput struct {
	Body struct {
		Type        string     `json:"type" enum:"repair,installation,maintenance,consultation,complaint,suggestion,price_inquiry,parts_inquiry,purchase_lead"`
		Channel     string     `json:"channel" enum:"phone,portal,api,sms" default:"api"`
		CustomerID  uuid.UUID  `json:"customer_id"`
		UnitID      *uuid.UUID `json:"unit_id,omitempty"`
		ServiceType string     `json:"service_type,omitempty" maxLength:"32" doc:"Defaults to the type."`
		ProductLine string     `json:"product_line,omitempty" maxLength:"32" doc:"Defaults to the unit's product line."`
		Skills      []string   `json:"skills,omitempty" maxItems:"10" doc:"Skills the technician must have, e.g. [\"install\"]; automatic assignment picks only technicians with all of them."`
		Description string     `json:"description,omitempty" maxLength:"4000"`
		AddressID   *uuid.UUID `json:"address_id,omitempty" doc:"One of the customer's addresses; or give address, lat and lon."`
		Address     string     `json:"address,omitempty" maxLength:"500"`
		Lat         *float64   `json:"lat,omitempty"`
		Lon         *float64   `json:"lon,omitempty"`
		CoordSystem string     `json:"coord_system,omitempty" enum:"wgs84,gcj02,bd09" doc:"The system lat/lon are in (default wgs84); converted to WGS-84. A gcj02 or bd09 point outside China is refused."`
		CloseNow    bool       `json:"close_now,omitempty" doc:"Record a non-field request answered on the call as closed."`
	}
}

type WorkOrderOutput struct{ Body *core.WorkOrder }

// WorkOrderDetail is one order as its page shows it: with what the caller
// may do with it now.
type WorkOrderDetail struct {
	core.WorkOrder
	Actions []string `json:"actions" nullable:"false" doc:"The actions the caller may take on the order in its state (POST /v1/work-orders/{id}/{action}), as the state machine and the caller's permissions on the order's site allow. Each is checked again when made."`
	// Warnings are what an action accepted but the caller should know.
	Warnings []parts.FitWarning `json:"warnings,omitempty" doc:"complete: the recorded parts whose catalogue entry does not list the unit's model (accepted: a warning, not a refusal)."`
}

type WorkOrderDetailOutput struct{ Body *WorkOrderDetail }

type WorkOrderIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ListWorkOrdersInput struct {
	ListParams
	State        string    `query:"state" enum:"created,dispatched,assigned,accepted,en_route,on_site,waiting_parts,in_workshop,completed,confirmed,closed,cancelled,"`
	SiteID       string    `query:"site_id" format:"uuid"`
	TechnicianID string    `query:"technician_id" format:"uuid"`
	RegionID     string    `query:"region_id" format:"uuid" doc:"Orders of sites in this region's subtree."`
	From         time.Time `query:"from" doc:"Created at or after (RFC 3339)."`
	To           time.Time `query:"to" doc:"Created before (RFC 3339)."`
	SLAStatus    string    `query:"sla_status" enum:"none,on_track,at_risk,breached,met,"`
	Phone        string    `query:"phone" maxLength:"32" doc:"A customer phone, any format."`
	CustomerID   string    `query:"customer_id" format:"uuid" doc:"The orders of this customer."`
	Number       string    `query:"number" maxLength:"32" example:"WO-2611-000123"`
	ProductLine  string    `query:"product_line" maxLength:"32" doc:"Orders of this product line (its code)."`
}

type ListWorkOrdersOutput struct {
	Body struct {
		Items []*core.WorkOrder `json:"items"`
		Page
	}
}

type WorkOrderEventsOutput struct {
	Body struct {
		Items []*core.WorkOrderEvent `json:"items"`
	}
}

func registerWorkOrderRoutes(api huma.API, s *Server, wo WorkOrderServices) {
	tags := []string{"Work orders"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResWorkOrders, Action: a} }
	register(api, huma.Operation{OperationID: "create-work-order", Method: http.MethodPost, Path: "/v1/work-orders",
		Summary: "Take in a request (work order)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Records the request with its channel, computes warranty status and SLA deadlines (in the tenant's business " +
			"calendar) and, for field types, dispatches it at once: the response carries the decision with the whole ranking " +
			"and each candidate's reasons. With no candidate the order waits in the dispatcher queue with the reason."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateWorkOrderInput) (*WorkOrderOutput, error) {
			b := in.Body
			w, err := wo.Service.Intake(ctx, unitOfWork(ctx), core.NewWorkOrder{Type: b.Type, Channel: b.Channel,
				CustomerID: b.CustomerID, UnitID: b.UnitID, ServiceType: b.ServiceType, ProductLine: b.ProductLine, Skills: b.Skills,
				Description: b.Description, AddressID: b.AddressID, Address: b.Address, Lat: b.Lat, Lon: b.Lon,
				CoordSystem: b.CoordSystem, CloseNow: b.CloseNow}, actorOf(ctx))
			if err == nil {
				err = s.linkToActiveCall(ctx, call.LinkWorkOrder, w.ID, &w.CustomerID)
			}
			return &WorkOrderOutput{Body: w}, err
		})
	register(api, huma.Operation{OperationID: "get-work-order", Method: http.MethodGet, Path: "/v1/work-orders/{id}",
		Summary: "Get a work order", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "With its state, site, technician, SLA deadlines and status, warranty, the dispatch decision (why this site) " +
			"and `actions`, what the caller may do with it now. The caller sees the orders the list shows them (see list-work-orders); any other answers 404, as if it did not exist."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *WorkOrderIDInput) (*WorkOrderDetailOutput, error) {
			w, tech, err := wo.findWorkOrderInScope(ctx, s, in.ID, perm(core.ActRead))
			if err != nil {
				return nil, err
			}
			return s.detail(ctx, w, tech), nil
		})
	register(api, huma.Operation{OperationID: "list-work-orders", Method: http.MethodGet, Path: "/v1/work-orders",
		Summary: "List work orders", Tags: tags,
		Description: "Newest first. A caller with tenant-wide scope sees every order; a region manager the orders of the " +
			"sites in their regions' subtrees; site staff their sites' orders; a technician the orders assigned to them and " +
			"those offered to their site (dispatched there with no technician yet, which they may accept)."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListWorkOrdersInput) (*ListWorkOrdersOutput, error) {
			f, err := wo.workOrderFilter(ctx, s, in)
			if err != nil {
				return nil, err
			}
			items, next, err := wo.Service.FindWorkOrders(ctx, unitOfWork(ctx), f)
			if err != nil {
				return nil, err
			}
			out := &ListWorkOrdersOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "list-work-order-events", Method: http.MethodGet, Path: "/v1/work-orders/{id}/events",
		Summary: "The order's timeline", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Every event (transitions, queueing, urges, SLA breaches, SMS statuses) with actor, time, location and " +
			"payload, oldest first; the actor and the sites and technicians the payload refers to are named as they are called now. " +
			"An order the caller may not see (see list-work-orders) answers 404."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *WorkOrderIDInput) (*WorkOrderEventsOutput, error) {
			if _, _, err := wo.findWorkOrderInScope(ctx, s, in.ID, perm(core.ActRead)); err != nil {
				return nil, err
			}
			ev, err := wo.Service.FindWorkOrderEvents(ctx, unitOfWork(ctx), in.ID)
			out := &WorkOrderEventsOutput{}
			out.Body.Items = nonNil(ev)
			return out, err
		})
	registerWorkOrderActionRoutes(api, s, wo)
}

// actorOf names the caller in events: user:<id> or key:<id>.
func actorOf(ctx context.Context) string { return principal(ctx).Subject() }

// actorName is what the caller is called: the display name, or the
// username or key name.
func actorName(ctx context.Context) string {
	p := principal(ctx)
	return cmp.Or(p.DisplayName, p.Name)
}

// findWorkOrderInScope loads an order the caller may see (core.Viewer.Orders:
// a technician their own orders and those offered to their site, others
// the orders of the sites in their scope, tenant-wide scope every order).
// Outside: 404, as lists leave it out. It also returns the caller's
// technician record (nil when the caller is not a technician).
func (wo WorkOrderServices) findWorkOrderInScope(ctx context.Context, s *Server, id uuid.UUID, perm core.Permission) (*core.WorkOrder, *uuid.UUID, error) {
	w, err := wo.Service.FindWorkOrderByID(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.viewer(ctx)
	if err != nil {
		return nil, nil, err
	}
	inScope := func(site uuid.UUID) bool { return s.authorize(ctx, perm, core.Target{SiteID: &site}) == nil }
	if !v.Orders().Holds(w, inScope) {
		return nil, nil, core.Errorf(core.ENOTFOUND, "work order not found")
	}
	return w, technicianID(v), nil
}

// technicianID is the ID of the viewer's technician record, if any.
func technicianID(v core.Viewer) *uuid.UUID {
	if v.Technician == nil {
		return nil
	}
	return &v.Technician.ID
}

func (wo WorkOrderServices) workOrderFilter(ctx context.Context, s *Server, in *ListWorkOrdersInput) (core.WorkOrderFilter, error) {
	f := core.WorkOrderFilter{State: in.State, SLAStatus: in.SLAStatus, Number: in.Number, ProductLine: in.ProductLine, After: in.Cursor, Limit: in.Limit}
	for _, p := range []struct {
		name, v string
		dst     **uuid.UUID
	}{{"site_id", in.SiteID, &f.SiteID}, {"technician_id", in.TechnicianID, &f.TechnicianID}, {"region_id", in.RegionID, &f.RegionID},
		{"customer_id", in.CustomerID, &f.CustomerID}} {
		if p.v == "" {
			continue
		}
		id, err := uuid.Parse(p.v)
		if err != nil {
			return f, core.FieldError(p.name, "is not a UUID")
		}
		*p.dst = &id
	}
	if !in.From.IsZero() {
		f.From = &in.From
	}
	if !in.To.IsZero() {
		f.To = &in.To
	}
	if in.Phone != "" {
		phone, err := core.NormalizePhone(in.Phone, "CN")
		if err != nil {
			return f, core.FieldError("phone", "is not a phone number")
		}
		f.Phone = phone
	}
	v, err := s.viewer(ctx)
	f.Within = v.Orders()
	return f, err
}

package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type WorkOrderActionInput struct {
	ID     uuid.UUID `path:"id"`
	Action string    `path:"action" enum:"dispatch,reassign,assign,accept,decline,reject,start_travel,arrive,wait_parts,resume,take_to_workshop,complete,confirm,close,cancel"`
	Body   struct {
		Version      int                 `json:"version,omitempty" minimum:"0" doc:"The version you read; a stale one gets 409."`
		Reason       string              `json:"reason,omitempty" maxLength:"1000" doc:"Required to reassign, reject, decline or cancel, and for a dispatcher's site override."`
		SiteID       *uuid.UUID          `json:"site_id,omitempty" doc:"dispatch/reassign: the site chosen by the dispatcher (override)."`
		TechnicianID *uuid.UUID          `json:"technician_id,omitempty" doc:"assign: the technician."`
		Lat          *float64            `json:"lat,omitempty" doc:"arrive: where the technician is."`
		Lon          *float64            `json:"lon,omitempty"`
		Record       *core.ServiceRecord `json:"record,omitempty" doc:"complete: the service record."`
	}
}

type MyOrdersInput struct {
	ListParams
}

func registerWorkOrderActionRoutes(api huma.API, s *Server, wo WorkOrderServices) {
	tags := []string{"Work orders"}
	register(api, huma.Operation{OperationID: "work-order-action", Method: http.MethodPost, Path: "/v1/work-orders/{id}/{action}",
		Summary: "Move a work order through its states", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
		Description: "created → dispatched (site) → assigned (technician) → accepted → en_route → on_site → (waiting_parts | " +
			"in_workshop) → completed → confirmed → closed; cancel; reassign (改派) and reject pass the order to the next " +
			"candidate; a technician who declines hands the order back to the site. An illegal action answers 409 with the current state. Technician actions (accept, decline, start_travel, arrive, " +
			"wait_parts, resume, take_to_workshop, complete) are made by the technician; dispatch, reassign, assign and reject " +
			"need the dispatch permission. Every action appends an event to the timeline. An order the caller may not see " +
			"(see list-work-orders: for a technician, one assigned to a colleague) answers 404. complete consumes the parts " +
			"the record names from the order's field requests; for a tenant in erp parts mode through its ERP (409 naming " +
			"the part and what is available when the ERP has too few; 503 with Retry-After when it cannot be reached, and " +
			"the order stays as it was). complete answers warnings naming each recorded part whose catalogue entry does " +
			"not list the unit's model (part_not_fitting): the record is accepted all the same."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResWorkOrders, Action: core.ActRead}, Idempotent: true},
		func(ctx context.Context, in *WorkOrderActionInput) (*WorkOrderDetailOutput, error) {
			b := in.Body
			act := core.ActionInput{Action: in.Action, Version: b.Version, Reason: b.Reason, SiteID: b.SiteID,
				TechnicianID: b.TechnicianID, Lat: b.Lat, Lon: b.Lon, Record: b.Record, ActorName: actorName(ctx)}
			need := core.Permission{Resource: core.ResWorkOrders, Action: core.ActUpdate}
			if core.IsDispatchAction(in.Action) {
				need.Action = core.ActDispatch
			}
			w, tech, err := wo.findWorkOrderInScope(ctx, s, in.ID, need)
			if err != nil {
				return nil, err
			}
			if err := s.authorize(ctx, need, targetOf(w)); err != nil {
				return nil, err
			}
			if core.IsTechnicianAction(in.Action) {
				if tech == nil {
					return nil, core.Errorf(core.EFORBIDDEN, "only a technician can %s an order", in.Action)
				}
				if in.Action != core.ActionAccept && (w.TechnicianID == nil || *w.TechnicianID != *tech) {
					return nil, core.Errorf(core.EFORBIDDEN, "the order is assigned to another technician")
				}
				act.TechnicianID = tech
			} else if tech != nil {
				return nil, core.Errorf(core.EFORBIDDEN, "a technician cannot %s an order", in.Action)
			}
			if in.Action == core.ActionDispatch || in.Action == core.ActionReassign {
				if b.SiteID != nil {
					if err := s.authorize(ctx, need, core.Target{SiteID: b.SiteID}); err != nil {
						return nil, err
					}
				}
			}
			out, err := wo.Service.Act(ctx, unitOfWork(ctx), in.ID, act, actorOf(ctx))
			if err != nil {
				return nil, err
			}
			d := s.detail(ctx, out, tech)
			if in.Action == core.ActionComplete && b.Record != nil && s.deps.Stock != nil {
				if d.Body.Warnings, err = s.deps.Stock.FitWarnings(ctx, unitOfWork(ctx), out.UnitID, b.Record.Parts); err != nil {
					return nil, err
				}
			}
			return d, nil
		})
	register(api, huma.Operation{OperationID: "list-my-work-orders", Method: http.MethodGet, Path: "/v1/technician/orders",
		Summary: "My open orders (technician)", Tags: []string{"Technician"},
		Description: "The calling technician's orders that are assigned and not yet completed, closed or cancelled."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResWorkOrders, Action: core.ActRead}},
		func(ctx context.Context, in *MyOrdersInput) (*ListWorkOrdersOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			tech := technicianID(v)
			if tech == nil {
				return nil, core.Errorf(core.EFORBIDDEN, "the caller is not a technician")
			}
			out := &ListWorkOrdersOutput{}
			out.Body.Items = []*core.WorkOrder{}
			for _, st := range []string{core.StateAssigned, core.StateAccepted, core.StateEnRoute, core.StateOnSite,
				core.StateWaitingParts, core.StateInWorkshop} {
				items, _, err := wo.Service.FindWorkOrders(ctx, unitOfWork(ctx), core.WorkOrderFilter{State: st,
					Within: core.OrderReach{Technician: tech}, Limit: 500})
				if err != nil {
					return nil, err
				}
				out.Body.Items = append(out.Body.Items, items...)
			}
			return out, nil
		})
}

// detail is w with the actions the caller (tech: their technician record)
// may take on it now, by the state machine and the caller's permissions
// on the order's site.
func (s *Server) detail(ctx context.Context, w *core.WorkOrder, tech *uuid.UUID) *WorkOrderDetailOutput {
	may := func(a string) bool {
		return s.authorize(ctx, core.Permission{Resource: core.ResWorkOrders, Action: a}, targetOf(w)) == nil
	}
	return &WorkOrderDetailOutput{Body: &WorkOrderDetail{WorkOrder: *w, Actions: core.AllowedActions(w,
		core.ActionCaller{Technician: tech, MayUpdate: may(core.ActUpdate), MayDispatch: may(core.ActDispatch)})}}
}

func targetOf(w *core.WorkOrder) core.Target {
	if w.SiteID != nil {
		return core.Target{SiteID: w.SiteID}
	}
	return core.Target{}
}

package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type UrgeWorkOrderInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Note string `json:"note,omitempty" maxLength:"500" example:"客户第二次来电催促，请尽快联系" doc:"What the site should know; sent with the notice."`
	}
}

type UrgeOutput struct{ Body *core.Urge }

type SiteSLAMissesInput struct {
	ID uuid.UUID `path:"id"`
	ListParams
}

type SiteSLAMissesOutput struct {
	Body struct {
		Items  []*core.SiteSLAMiss     `json:"items"`
		Totals *core.SiteSLAMissCounts `json:"totals" doc:"All the site's misses by kind."`
		Page
	}
}

func registerUrgeRoutes(api huma.API, s *Server, wo WorkOrderServices) {
	update := core.Permission{Resource: core.ResWorkOrders, Action: core.ActUpdate}
	register(api, huma.Operation{OperationID: "urge-work-order", Method: http.MethodPost, Path: "/v1/work-orders/{id}/urge",
		Summary: "Urge the responsible site (催办)", Tags: []string{"Work orders"},
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusTooManyRequests},
		Description: "Records an \"urged\" event on the timeline and notifies the site responsible for the order (and its " +
			"technician, if assigned) through the work_order.urged message. For agents, dispatchers and tenant admins " +
			"(work_orders:update; technicians cannot urge). One manual urge per order per the tenant's urge_interval_minutes: " +
			"sooner answers 429 with Retry-After. 409 when no site is responsible (not dispatched yet, or finished). " +
			"The timers also urge once on their own when 80 % of a response or arrival window has passed."},
		access{Who: accessTenant, Perm: update, Idempotent: true},
		func(ctx context.Context, in *UrgeWorkOrderInput) (*UrgeOutput, error) {
			w, tech, err := wo.findWorkOrderInScope(ctx, s, in.ID, update)
			if err != nil {
				return nil, err
			}
			if tech != nil {
				return nil, core.Errorf(core.EFORBIDDEN, "a technician cannot urge an order")
			}
			if err := s.authorize(ctx, update, targetOf(w)); err != nil {
				return nil, err
			}
			u, err := wo.Service.Urge(ctx, unitOfWork(ctx), in.ID, in.Body.Note, actorOf(ctx))
			return &UrgeOutput{Body: u}, err
		})
}

// registerSiteSLAMissRoutes lists what the SLA timer recorded against a
// site.
func registerSiteSLAMissRoutes(api huma.API, s *Server, n NetworkServices) {
	read := core.Permission{Resource: core.ResSites, Action: core.ActRead}
	register(api, huma.Operation{OperationID: "list-site-sla-misses", Method: http.MethodGet, Path: "/v1/sites/{id}/sla-misses",
		Summary: "Deadlines the site missed", Tags: []string{"Sites"}, Errors: []int{http.StatusNotFound},
		Description: "Response and arrival deadlines of orders the site was responsible for, as recorded by the SLA timer, " +
			"newest first, with the site's totals."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, in *SiteSLAMissesInput) (*SiteSLAMissesOutput, error) {
			if _, err := n.findSiteInScope(ctx, s, in.ID, read); err != nil {
				return nil, err
			}
			items, next, totals, err := n.Network.FindSiteSLAMisses(ctx, unitOfWork(ctx), in.ID, in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &SiteSLAMissesOutput{}
			out.Body.Items, out.Body.Totals, out.Body.Next = nonNil(items), totals, next
			return out, nil
		})
}

package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

type ReassignComplaintInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Reason  string `json:"reason" minLength:"1" maxLength:"1000" doc:"Why the order is voided and dispatched anew; on both orders' timelines."`
		Version int    `json:"version,omitempty" doc:"The complaint's version read; 0: no check."`
	}
}

// ReassignedComplaint is the complaint after reassignment, with the old
// and the new order.
type ReassignedComplaint struct {
	Complaint *ComplaintDetail    `json:"complaint"`
	Orders    *complaint.Reissued `json:"orders"`
}

type ReassignComplaintOutput struct{ Body *ReassignedComplaint }

func registerComplaintReassignRoute(api huma.API, s *Server, svc *complaint.Service) {
	update := core.Permission{Resource: core.ResComplaints, Action: core.ActUpdate}
	register(api, huma.Operation{OperationID: "reassign-complaint-order", Method: http.MethodPost, Path: "/v1/complaints/{id}/reassign",
		Summary: "Reassign the complaint's order", Tags: []string{"Complaints"},
		Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Voids (cancels) the field order the complaint is about, with a reason naming the complaint, and takes in a " +
			"new order for the same customer, unit and problem, dispatched as any new order (or queued with its reason), in one " +
			"transaction. The complaint is then about the new order; its timeline has a `reassigned` event naming both orders, " +
			"the old order's `cancelled` event names the complaint and the new order, the new order's `created` event the " +
			"complaint and the order it replaces. 409 when the complaint is not active, is about no order, the order is not a " +
			"field order, or its state (completed, confirmed, closed, cancelled) no longer allows voiding it."},
		access{Who: accessTenant, Perm: update, Idempotent: true},
		func(ctx context.Context, in *ReassignComplaintInput) (*ReassignComplaintOutput, error) {
			if _, err := findComplaintInScope(ctx, s, svc, in.ID, update); err != nil {
				return nil, err
			}
			c, r, err := svc.Reassign(ctx, unitOfWork(ctx), in.ID, in.Body.Reason, in.Body.Version, actorOf(ctx))
			if err != nil {
				return nil, err
			}
			return &ReassignComplaintOutput{Body: &ReassignedComplaint{Complaint: complaintDetail(ctx, s, c, update), Orders: r}}, nil
		})
}

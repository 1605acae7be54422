package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
)

type ListFollowUpsInput struct {
	ListParams
	Status string `query:"status" enum:"open,done" doc:"Only tasks in this status."`
}

type ListFollowUpsOutput struct {
	Body struct {
		Items []*core.FollowUp `json:"items"`
		Page
	}
}

type FollowUpIDInput struct {
	ID uuid.UUID `path:"id"`
}

type CompleteFollowUpInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Note string `json:"note,omitempty" maxLength:"2000" doc:"What the call found."`
	}
}

type FollowUpOutput struct {
	Body *core.FollowUp
}

func registerFollowUpRoutes(api huma.API, s *Server, followUps *messaging.Service) {
	tags := []string{"Follow-ups"}
	read := core.Permission{Resource: core.ResWorkOrders, Action: core.ActRead}
	update := core.Permission{Resource: core.ResWorkOrders, Action: core.ActUpdate}
	register(api, huma.Operation{OperationID: "list-follow-ups", Method: http.MethodGet, Path: "/v1/follow-ups",
		Summary: "Call-centre follow-ups (回访)", Tags: tags,
		Description: "Tasks the platform opened for the call centre, e.g. a customer's low satisfaction score by SMS; " +
			"newest first, limited to orders of the caller's scope."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, in *ListFollowUpsInput) (*ListFollowUpsOutput, error) {
			sc, err := s.callerScope(ctx)
			if err != nil {
				return nil, err
			}
			items, next, err := followUps.FindFollowUps(ctx, unitOfWork(ctx), core.FollowUpFilter{Status: in.Status, Within: sc,
				Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListFollowUpsOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "complete-follow-up", Method: http.MethodPost, Path: "/v1/follow-ups/{id}/done",
		Summary: "Mark a follow-up done", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "With a note of what the call found; 409 when it is done already."},
		access{Who: accessTenant, Perm: update, Idempotent: true},
		func(ctx context.Context, in *CompleteFollowUpInput) (*FollowUpOutput, error) {
			f, err := followUps.FindFollowUpByID(ctx, unitOfWork(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			if err := s.authorize(ctx, update, core.Target{SiteID: f.SiteID}); err != nil {
				// Outside the caller's scope: as if it did not exist.
				return nil, core.Errorf(core.ENOTFOUND, "follow-up %s not found", in.ID)
			}
			f, err = followUps.CompleteFollowUp(ctx, unitOfWork(ctx), in.ID, in.Body.Note, actorOf(ctx))
			return &FollowUpOutput{Body: f}, err
		})
}

package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
)

type ListCallsInput struct {
	ListParams
	Number    string    `query:"number" maxLength:"40" doc:"Part of the caller's or the called number (at least 3 digits; other characters ignored)."`
	Agent     uuid.UUID `query:"agent" doc:"Only calls taken by this user."`
	Customer  uuid.UUID `query:"customer" doc:"Only calls of this customer."`
	WorkOrder uuid.UUID `query:"work_order" doc:"Only calls during which this work order was created."`
	Outcome   string    `query:"outcome" enum:"ringing,in_progress,answered,missed,abandoned"`
	Direction string    `query:"direction" enum:"inbound,outbound,click_to_dial"`
	From      time.Time `query:"from" doc:"Only calls offered at or after this time (RFC 3339)."`
	To        time.Time `query:"to" doc:"Only calls offered before this time (RFC 3339)."`
}

type ListMyCallsInput struct {
	ListParams
	Outcome string `query:"outcome" enum:"ringing,in_progress,answered,missed,abandoned"`
}

type ListCallsOutput struct {
	Body struct {
		Items []*call.Call `json:"items"`
		Page
	}
}

type CallIDInput struct {
	ID uuid.UUID `path:"id"`
}

type CallOutput struct{ Body *call.Call }

// callSight is what the caller may see of the call log: their viewer and,
// for a user, their own calls.
func (s *Server) callSight(ctx context.Context) (core.Viewer, *uuid.UUID, error) {
	v, err := s.viewer(ctx)
	if err != nil {
		return v, nil, err
	}
	if p := principal(ctx); p != nil && p.Kind == core.PrincipalUser {
		id := p.ID
		return v, &id, nil
	}
	return v, nil, nil
}

func optionalID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// linkToActiveCall links what the caller just created to the call they
// are on (or just finished), if any; API keys have no calls.
func (s *Server) linkToActiveCall(ctx context.Context, kind string, ref uuid.UUID, customer *uuid.UUID) error {
	p := principal(ctx)
	if s.deps.Calls == nil || p == nil || p.Kind != core.PrincipalUser {
		return nil
	}
	_, err := s.deps.Calls.LinkActiveCall(ctx, unitOfWork(ctx), p.ID, kind, ref, customer)
	return err
}

const callSightDoc = "The caller sees the calls of the customers they may see (see list-customers) and the calls they took."

func registerCallRoutes(api huma.API, s *Server, calls *call.Service) {
	tags := []string{"Calls"}
	read := core.Permission{Resource: core.ResCustomers, Action: core.ActRead}
	list := func(ctx context.Context, f call.Filter) (*ListCallsOutput, error) {
		v, self, err := s.callSight(ctx)
		if err != nil {
			return nil, err
		}
		items, next, err := calls.FindCalls(ctx, unitOfWork(ctx), v, self, f)
		if err != nil {
			return nil, err
		}
		out := &ListCallsOutput{}
		out.Body.Items, out.Body.Next = nonNil(items), next
		return out, nil
	}
	register(api, huma.Operation{OperationID: "list-calls", Method: http.MethodGet, Path: "/v1/calls",
		Summary: "The call log (通话记录)", Tags: tags,
		Description: "Every call the tenant's CTI plugin reported and every click-to-dial call, newest offered first, with " +
			"its agent, queue, times, outcome, recording and what was created during it (`links`). " + callSightDoc},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, in *ListCallsInput) (*ListCallsOutput, error) {
			return list(ctx, call.Filter{Number: in.Number, Agent: optionalID(in.Agent), Customer: optionalID(in.Customer),
				WorkOrder: optionalID(in.WorkOrder), Outcome: in.Outcome, Direction: in.Direction, From: optionalTime(in.From),
				To: optionalTime(in.To), After: in.Cursor, Limit: in.Limit})
		})
	register(api, huma.Operation{OperationID: "list-my-calls", Method: http.MethodGet, Path: "/v1/agents/me/calls",
		Summary: "The caller's own calls", Tags: tags,
		Description: "The calls the calling user took or dialled, newest first."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, in *ListMyCallsInput) (*ListCallsOutput, error) {
			p, err := agentUser(ctx)
			if err != nil {
				return nil, err
			}
			return list(ctx, call.Filter{Agent: &p.ID, Outcome: in.Outcome, After: in.Cursor, Limit: in.Limit})
		})
	register(api, huma.Operation{OperationID: "get-call", Method: http.MethodGet, Path: "/v1/calls/{id}",
		Summary: "Get a call", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "A call of the log with its links. " + callSightDoc + " Any other answers 404."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, in *CallIDInput) (*CallOutput, error) {
			v, self, err := s.callSight(ctx)
			if err != nil {
				return nil, err
			}
			c, err := calls.FindCall(ctx, unitOfWork(ctx), v, self, in.ID)
			return &CallOutput{Body: c}, err
		})
}

package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
)

type SetAgentStateInput struct {
	Body struct {
		State string `json:"state" enum:"available,away,offline" doc:"on_call and after_call_work follow the calls."`
	}
}

type AgentStateOutput struct{ Body *call.AgentState }

func registerAgentStateRoutes(api huma.API, calls *call.Service) {
	tags := []string{"Calls"}
	read := core.Permission{Resource: core.ResCustomers, Action: core.ActRead}
	register(api, huma.Operation{OperationID: "get-my-agent-state", Method: http.MethodGet, Path: "/v1/agents/me/state",
		Summary: "The caller's agent state", Tags: tags,
		Description: "available, on_call, after_call_work, away or offline (never set: offline), and since when."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, _ *struct{}) (*AgentStateOutput, error) {
			p, err := agentUser(ctx)
			if err != nil {
				return nil, err
			}
			st, err := calls.FindAgentState(ctx, unitOfWork(ctx), p.ID)
			return &AgentStateOutput{Body: st}, err
		})
	register(api, huma.Operation{OperationID: "set-my-agent-state", Method: http.MethodPut, Path: "/v1/agents/me/state",
		Summary: "Set the caller's agent state (示闲 / 示忙)", Tags: tags,
		Description: "An agent sets available, away or offline; a call answered at their extension makes them on_call, " +
			"its end after_call_work, until they set a state again."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, in *SetAgentStateInput) (*AgentStateOutput, error) {
			p, err := agentUser(ctx)
			if err != nil {
				return nil, err
			}
			st, err := calls.SetAgentState(ctx, unitOfWork(ctx), p.ID, in.Body.State)
			return &AgentStateOutput{Body: st}, err
		})
}

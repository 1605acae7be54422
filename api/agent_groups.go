package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
)

type AgentBoardOutput struct{ Body *call.Board }

type AgentGroupOutput struct{ Body *call.AgentGroup }

type ListAgentGroupsOutput struct {
	Body struct {
		Items []*call.AgentGroup `json:"items"`
	}
}

type AgentGroupIDInput struct {
	ID uuid.UUID `path:"id"`
}

type SaveAgentGroupInput struct {
	Body call.GroupInput
}

type UpdateAgentGroupInput struct {
	ID   uuid.UUID `path:"id"`
	Body call.GroupInput
}

type SetAgentGroupMembersInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		UserIDs []uuid.UUID `json:"user_ids" maxItems:"500" doc:"Users holding the agent role; replaces the members."`
	}
}

type AddAgentGroupMemberInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		UserID uuid.UUID `json:"user_id"`
	}
}

type AgentGroupMemberInput struct {
	ID     uuid.UUID `path:"id"`
	UserID uuid.UUID `path:"user_id"`
}

type AgentSyncOutput struct{ Body *call.SyncState }

const agentGroupDoc = "Agent groups (坐席组) by skill: repair, installation, complaints, consultation, or one of the tenant's " +
	"product lines (by code), optionally answering a queue of the phone system; members are active users holding the agent " +
	"role. Every change is audited, and the tenant's CTI plugin tells the phone system who is in which group and who is " +
	"available (GET /v1/agents/sync)."

// registerAgentGroupRoutes serves the agent groups, the supervisors'
// board by group and the state of the sync with the phone system.
func registerAgentGroupRoutes(api huma.API, calls *call.Service, groups *call.Groups) {
	tags := []string{"Calls"}
	read := core.Permission{Resource: core.ResUsers, Action: core.ActRead}
	admin := core.Permission{Resource: core.ResUsers, Action: core.ActUpdate}
	register(api, huma.Operation{OperationID: "get-agent-board", Method: http.MethodGet, Path: "/v1/agents/board",
		Summary: "The supervisors' board", Tags: tags,
		Description: "Every active user with a CTI extension, their state and since when; the calls waiting per " +
			"queue as the CTI plugin reported them (queued, not yet offered to an agent, not ended); and the agent groups " +
			"with their members' states and the calls waiting in each group's queue."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, _ *struct{}) (*AgentBoardOutput, error) {
			b, err := readBoard(ctx, unitOfWork(ctx), calls, groups)
			return &AgentBoardOutput{Body: b}, err
		})
	register(api, huma.Operation{OperationID: "get-agent-sync", Method: http.MethodGet, Path: "/v1/agents/sync",
		Summary: "The agent groups' sync with the phone system", Tags: tags,
		Description: "synced, not_supported (the tenant's CTI plugin does not sync agents), no_binding, failed (retried) or " +
			"pending, and whether changes wait to be sent."},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, _ *struct{}) (*AgentSyncOutput, error) {
			st, err := groups.FindSyncState(ctx, unitOfWork(ctx))
			return &AgentSyncOutput{Body: st}, err
		})
	register(api, huma.Operation{OperationID: "list-agent-groups", Method: http.MethodGet, Path: "/v1/agent-groups",
		Summary: "Agent groups", Tags: tags, Description: agentGroupDoc},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, _ *struct{}) (*ListAgentGroupsOutput, error) {
			gs, err := groups.FindAgentGroups(ctx, unitOfWork(ctx))
			out := &ListAgentGroupsOutput{}
			out.Body.Items = nonNil(gs)
			return out, err
		})
	register(api, huma.Operation{OperationID: "create-agent-group", Method: http.MethodPost, Path: "/v1/agent-groups",
		Summary: "Create an agent group", Tags: tags, DefaultStatus: http.StatusCreated, Description: agentGroupDoc,
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity}},
		access{Who: accessTenant, Perm: admin, Idempotent: true},
		func(ctx context.Context, in *SaveAgentGroupInput) (*AgentGroupOutput, error) {
			g, err := groups.SaveAgentGroup(ctx, unitOfWork(ctx), nil, in.Body)
			return &AgentGroupOutput{Body: g}, err
		})
	register(api, huma.Operation{OperationID: "get-agent-group", Method: http.MethodGet, Path: "/v1/agent-groups/{id}",
		Summary: "An agent group", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: read},
		func(ctx context.Context, in *AgentGroupIDInput) (*AgentGroupOutput, error) {
			g, err := groups.FindAgentGroup(ctx, unitOfWork(ctx), in.ID)
			return &AgentGroupOutput{Body: g}, err
		})
	register(api, huma.Operation{OperationID: "update-agent-group", Method: http.MethodPut, Path: "/v1/agent-groups/{id}",
		Summary: "Change an agent group's name, skill and queue", Tags: tags, Description: agentGroupDoc,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}},
		access{Who: accessTenant, Perm: admin},
		func(ctx context.Context, in *UpdateAgentGroupInput) (*AgentGroupOutput, error) {
			g, err := groups.SaveAgentGroup(ctx, unitOfWork(ctx), &in.ID, in.Body)
			return &AgentGroupOutput{Body: g}, err
		})
	register(api, huma.Operation{OperationID: "delete-agent-group", Method: http.MethodDelete, Path: "/v1/agent-groups/{id}",
		Summary: "Delete an agent group", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: admin},
		func(ctx context.Context, in *AgentGroupIDInput) (*struct{}, error) {
			return nil, groups.DeleteAgentGroup(ctx, unitOfWork(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "set-agent-group-members", Method: http.MethodPut, Path: "/v1/agent-groups/{id}/members",
		Summary: "Replace an agent group's members", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}},
		access{Who: accessTenant, Perm: admin},
		func(ctx context.Context, in *SetAgentGroupMembersInput) (*AgentGroupOutput, error) {
			g, err := groups.SetMembers(ctx, unitOfWork(ctx), in.ID, in.Body.UserIDs)
			return &AgentGroupOutput{Body: g}, err
		})
	register(api, huma.Operation{OperationID: "add-agent-group-member", Method: http.MethodPost, Path: "/v1/agent-groups/{id}/members",
		Summary: "Add an agent to a group", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}},
		access{Who: accessTenant, Perm: admin},
		func(ctx context.Context, in *AddAgentGroupMemberInput) (*AgentGroupOutput, error) {
			g, err := groups.AddMember(ctx, unitOfWork(ctx), in.ID, in.Body.UserID)
			return &AgentGroupOutput{Body: g}, err
		})
	register(api, huma.Operation{OperationID: "remove-agent-group-member", Method: http.MethodDelete,
		Path: "/v1/agent-groups/{id}/members/{user_id}", Summary: "Take an agent out of a group", Tags: tags,
		Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: admin},
		func(ctx context.Context, in *AgentGroupMemberInput) (*AgentGroupOutput, error) {
			g, err := groups.RemoveMember(ctx, unitOfWork(ctx), in.ID, in.UserID)
			return &AgentGroupOutput{Body: g}, err
		})
}

package api

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/customer"
	"github.com/aftersales/aftersales/core/plugin"
)

// defaultSSEKeepAlive is how often an idle event stream sends a comment,
// so that proxies and load balancers keep it open.
const defaultSSEKeepAlive = 15 * time.Second

type DialInput struct {
	Body struct {
		Number string `json:"number" minLength:"2" maxLength:"40" pattern:"^[+]?[0-9*#() -]+$" example:"+86 138 0013 8000" doc:"The number to call."`
	}
}

type DialOutput struct{ Body *core.DialResult }

type SetCTIExtensionInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Extension string `json:"extension" maxLength:"32" pattern:"^[0-9A-Za-z*#+._-]{0,32}$" doc:"The user's phone extension; empty clears it." example:"8001"`
	}
}

type CTIExtensionOutput struct {
	Body struct {
		UserID    uuid.UUID `json:"user_id"`
		Extension string    `json:"extension"`
	}
}

// agentUser returns the calling user: agent events and dialling belong to
// people, not API keys.
func agentUser(ctx context.Context) (*core.Principal, error) {
	p := principal(ctx)
	if p == nil || p.Kind != core.PrincipalUser {
		return nil, core.Errorf(core.EFORBIDDEN, "only a logged-in user has agent events and can dial")
	}
	return p, nil
}

// agentRoutes hold what the agents' event streams use: the plugins'
// services and the screen pop.
type agentRoutes struct {
	*Server
	plugins PluginServices
	pops    *customer.Service
}

func registerAgentRoutes(api huma.API, s *Server, ps PluginServices, pops *customer.Service) {
	a := agentRoutes{Server: s, plugins: ps, pops: pops}
	tags := []string{"CTI"}
	custRead := core.Permission{Resource: core.ResCustomers, Action: core.ActRead}
	// The events' data is documented as a schema of its own, so that
	// clients get its type although the stream itself is text.
	api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[core.AgentEvent](), true, "")
	register(api, huma.Operation{OperationID: "agent-events", Method: http.MethodGet, Path: "/v1/agents/me/events",
		Summary: "The caller's live events (server-sent events)", Tags: tags,
		Description: "A `text/event-stream` for the agent's open portal session: `event: screen_pop` when a call rings " +
			"at the agent's CTI extension (data: the call and the screen pop), `event: call` for later call states; the data " +
			"of both is an `AgentEvent` (#/components/schemas/AgentEvent). " +
			"Comments (`: keep-alive`) every 15 s keep the stream open. The caller's credentials are checked again at " +
			"each keep-alive: when the session ends (logout, password change, user disabled, tenant suspended, " +
			"permission withdrawn) the stream ends with `event: closed` (data: `{\"reason\": …}`).",
		Responses: map[string]*huma.Response{"200": {Description: "An event stream.",
			Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{Type: "string"}}}}}},
		access{Who: accessTenant, Perm: custRead, Stream: true},
		func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
			p, err := agentUser(ctx)
			if err != nil {
				return nil, err
			}
			if !ps.Plugins.StreamsAgentEvents() {
				return nil, plugin.ErrNoRuntime
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				a.streamAgentEvents(ctx, hctx, p, func(ctx context.Context) error {
					_, err := s.principal(ctx, hctx, access{Who: accessTenant, Perm: custRead})
					return err
				})
			}}, nil
		})
	register(api, huma.Operation{OperationID: "agent-dial", Method: http.MethodPost, Path: "/v1/agents/me/dial",
		Summary: "Click-to-dial", Tags: tags, Errors: []int{http.StatusConflict},
		Description: "The tenant's CTI plugin rings the caller's extension and connects it to the number. 409 when the " +
			"caller has no extension or the tenant no CTI binding."},
		access{Who: accessTenant, Perm: custRead},
		func(ctx context.Context, in *DialInput) (*DialOutput, error) {
			p, err := agentUser(ctx)
			if err != nil {
				return nil, err
			}
			res, err := ps.Plugins.Dial(ctx, unitOfWork(ctx), p.ID, in.Body.Number)
			return &DialOutput{Body: res}, err
		})
	register(api, huma.Operation{OperationID: "set-user-cti-extension", Method: http.MethodPut, Path: "/v1/users/{id}/cti-extension",
		Summary: "Set a user's CTI extension", Tags: []string{"Users"}, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Call events for this extension reach the user's portal sessions. Unique within the tenant."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResUsers, Action: core.ActUpdate}},
		func(ctx context.Context, in *SetCTIExtensionInput) (*CTIExtensionOutput, error) {
			if err := ps.Plugins.SetCTIExtension(ctx, unitOfWork(ctx), in.ID, in.Body.Extension); err != nil {
				return nil, err
			}
			out := &CTIExtensionOutput{}
			out.Body.UserID, out.Body.Extension = in.ID, in.Body.Extension
			return out, nil
		})
}

// CloseStreams ends the open event streams (they would hold a graceful
// shutdown until its deadline); register it with http.Server.RegisterOnShutdown.
func (s *Server) CloseStreams() { s.closeStream.Do(func() { close(s.streams) }) }

// streamAgentEvents writes the user's events until the client goes away
// or recheck, run at each keep-alive, fails. It runs outside any
// transaction; a screen pop is looked up in a short tenant transaction of
// its own.
func (s agentRoutes) streamAgentEvents(ctx context.Context, hctx huma.Context, p *core.Principal, recheck func(context.Context) error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := s.plugins.Plugins.SubscribeAgentEvents(ctx, p.TenantID, p.ID)
	if err != nil {
		huma.WriteErr(s.api, hctx, 0, "", err)
		return
	}
	runSSE(s.Server, ctx, hctx, s.plugins.SSEKeepAlive, recheck, events, nil, func(write sseWrite, e core.AgentEvent) bool {
		if e.Type == core.AgentEventScreenPop {
			e.ScreenPop = s.lookUpCaller(ctx, p, e.Call.Caller)
		}
		data, _ := json.Marshal(e)
		return write("event: %s\ndata: %s\n\n", e.Type, data)
	})
}

// lookUpCaller returns the screen pop of a caller, nil when the number is
// not a phone number or the lookup fails (the call event still goes out).
func (s agentRoutes) lookUpCaller(ctx context.Context, p *core.Principal, caller string) *core.ScreenPop {
	var pop *core.ScreenPop
	err := core.InUnitOfWork(ctx, s.deps.Tx, p.TenantID, func(u core.UnitOfWork) (err error) {
		v, err := s.viewerIn(ctx, u, p)
		if err != nil {
			return err
		}
		pop, err = s.pops.FindScreenPop(ctx, u, v, caller, phoneCountry(ctx), tenantToday(ctx))
		return err
	})
	if core.ErrorCode(err) == core.EINVALID {
		return nil
	}
	if err != nil {
		s.deps.Log.Warn("screen pop lookup failed", "tenant", p.TenantSlug, "err", err)
		return nil
	}
	return pop
}

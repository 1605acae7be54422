package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ctiMaxBody bounds a vendor's event payload.
const ctiMaxBody = 64 << 10

type CTIEventsInput struct {
	Binding     uuid.UUID `path:"binding" doc:"The CTI binding's ID."`
	Token       string    `header:"X-CTI-Token" doc:"The binding's CTI token (or ?token=)."`
	QueryToken  string    `query:"token" doc:"The binding's CTI token, for switches that cannot set headers."`
	ContentType string    `header:"Content-Type"`
	RawBody     []byte    `contentType:"application/octet-stream"`
}

type CTIEventsOutput struct {
	Body struct {
		Events    int `json:"events" doc:"Call events the payload held."`
		Delivered int `json:"delivered" doc:"Agent notifications sent (agents with the event's extension)."`
	}
}

// checkCallEvent refuses an answer from the plugin that is not a call event
// (the plugin's fault, not the vendor's).
func checkCallEvent(e core.CallEvent) error {
	switch e.Type {
	case core.CallRinging, core.CallAnswered, core.CallEnded:
	default:
		return core.Errorf(core.EUNPROCESSABLE, "the CTI plugin answered an unknown event type %q", e.Type)
	}
	for _, f := range []string{e.CallID, e.Caller, e.Called, e.AgentExtension} {
		if len(f) > 256 {
			return core.Errorf(core.EUNPROCESSABLE, "the CTI plugin answered a call event field over 256 characters")
		}
	}
	if len(e.RecordingURL) > 2048 {
		return core.Errorf(core.EUNPROCESSABLE, "the CTI plugin answered a recording URL over 2048 characters")
	}
	return nil
}

func registerCTIRoutes(api huma.API, s *Server, p PluginServices) {
	register(api, huma.Operation{OperationID: "post-cti-events", Method: http.MethodPost, Path: "/v1/cti/{binding}/events",
		Summary: "Telephony vendors post call events", Tags: []string{"CTI"}, MaxBodyBytes: ctiMaxBody,
		Errors: []int{http.StatusUnauthorized},
		Description: "Authenticated by the binding's CTI token (header `X-CTI-Token` or `?token=`), not a user login. " +
			"The body is the vendor's own payload; the tenant's CTI plugin translates it into call events. A payload " +
			"the plugin cannot read is a 422 and nothing else happens. A ringing call pops the caller's screen on the " +
			"portal sessions of the agent(s) with the event's extension (GET /v1/agents/me/events)."},
		access{Who: accessPublic}, func(ctx context.Context, in *CTIEventsInput) (*CTIEventsOutput, error) {
			tok := in.Token
			if tok == "" {
				tok = in.QueryToken
			}
			b, err := p.Bindings.AuthenticateCTIBinding(ctx, in.Binding, strings.TrimSpace(tok))
			if err != nil {
				return nil, err
			}
			if p.Runtime == nil {
				return nil, errNoRuntime
			}
			cti, err := p.Runtime.CTI(ctx, b)
			if err != nil {
				return nil, err
			}
			events, err := cti.TranslateEvents(ctx, core.CTIPayload{ContentType: in.ContentType, Body: in.RawBody})
			if err != nil {
				return nil, err
			}
			for _, e := range events {
				if err := checkCallEvent(e); err != nil {
					return nil, err
				}
			}
			out := &CTIEventsOutput{}
			out.Body.Events = len(events)
			err = s.deps.Tx.InTenant(ctx, b.TenantID, func(ctx context.Context) error {
				out.Body.Delivered = 0
				for _, e := range events {
					n, err := p.notifyAgents(ctx, b.TenantID, e)
					if err != nil {
						return err
					}
					out.Body.Delivered += n
				}
				return nil
			})
			return out, err
		})
}

var errNoRuntime = core.Errorf(core.EUNPROCESSABLE, "plugins are not available on this server")

// notifyAgents publishes a call event to the agents with its extension, in
// the tenant transaction of ctx (sent at commit).
func (p PluginServices) notifyAgents(ctx context.Context, tenant uuid.UUID, e core.CallEvent) (int, error) {
	if e.AgentExtension == "" {
		return 0, nil
	}
	users, err := p.CTIExtensions.FindUsersByCTIExtension(ctx, e.AgentExtension)
	if err != nil {
		return 0, err
	}
	typ := core.AgentEventCall
	if e.Type == core.CallRinging {
		typ = core.AgentEventScreenPop
	}
	for _, u := range users {
		if err := p.AgentEvents.PublishAgentEvent(ctx, tenant, u, core.AgentEvent{Type: typ, Call: e}); err != nil {
			return 0, err
		}
	}
	return len(users), nil
}

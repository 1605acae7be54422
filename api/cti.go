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
			got, err := p.Plugins.ReceiveCallEvents(ctx, in.Binding, strings.TrimSpace(tok),
				core.CTIPayload{ContentType: in.ContentType, Body: in.RawBody})
			if err != nil {
				return nil, err
			}
			out := &CTIEventsOutput{}
			out.Body.Events, out.Body.Delivered = len(got.Events), got.Delivered
			return out, nil
		})
}

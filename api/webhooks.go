package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type WebhookBody struct {
	URL         string   `json:"url" maxLength:"2000" doc:"http(s) URL receiving POSTs; must resolve to public addresses unless the platform allows private ones."`
	Description string   `json:"description,omitempty" maxLength:"500"`
	EventTypes  []string `json:"event_types" minItems:"1" maxItems:"20" doc:"Event types to receive, or [\"*\"] for all (see GET /v1/webhooks/event-types)."`
}

type CreateWebhookInput struct{ Body WebhookBody }

type UpdateWebhookInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		URL         *string   `json:"url,omitempty" maxLength:"2000"`
		Description *string   `json:"description,omitempty" maxLength:"500"`
		EventTypes  *[]string `json:"event_types,omitempty" minItems:"1" maxItems:"20"`
		Enabled     *bool     `json:"enabled,omitempty" doc:"true re-enables an endpoint the platform disabled and clears its failure record."`
	}
}

type WebhookIDInput struct {
	ID uuid.UUID `path:"id"`
}

type WebhookOutput struct{ Body *core.WebhookEndpoint }

type ListWebhooksOutput struct {
	Body struct {
		Items []*core.WebhookEndpoint `json:"items"`
		Page
	}
}

type WebhookEventTypesOutput struct {
	Body struct {
		Items []string `json:"items"`
	}
}

// webhookDocs explains the delivery contract once, on the create operation.
var webhookDocs = "Each event is POSTed as JSON {type, timestamp, data} and signed the Standard Webhooks way: headers " +
	"webhook-id (the delivery's ID, the same on retries and replays: deduplicate on it), webhook-timestamp (Unix seconds " +
	"of the attempt) and webhook-signature (\"v1,\" + base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\" keyed with the " +
	"base64-decoded part of the secret after \"whsec_\"). A 2xx answer within 10 s accepts it; anything else " +
	"(redirects are not followed) is retried " +
	"after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then the delivery fails. An endpoint is disabled, with " +
	"disabled_reason set, after 5 failed deliveries in a row or when no attempt has succeeded for a day; while " +
	"disabled it gets no new events and its pending deliveries fail; PATCH enabled=true re-enables it. The secret is shown only here and on rotation. Event types: " +
	strings.Join(core.WebhookEventTypes, ", ") + ", or \"*\" for all."

func registerWebhookRoutes(api huma.API, s *Server, m MessagingServices) {
	tags := []string{"Webhooks"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResWebhooks, Action: a} }
	notFound := []int{http.StatusNotFound}
	register(api, huma.Operation{OperationID: "list-webhook-event-types", Method: http.MethodGet, Path: "/v1/webhooks/event-types",
		Summary: "The event types a webhook can receive", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*WebhookEventTypesOutput, error) {
			out := &WebhookEventTypesOutput{}
			out.Body.Items = core.WebhookEventTypes
			return out, nil
		})
	register(api, huma.Operation{OperationID: "create-webhook", Method: http.MethodPost, Path: "/v1/webhooks",
		Summary: "Register a webhook endpoint", Tags: tags, DefaultStatus: http.StatusCreated, Description: webhookDocs},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true, SecretReplay: true},
		func(ctx context.Context, in *CreateWebhookInput) (*WebhookOutput, error) {
			n := core.NewWebhookEndpoint{URL: in.Body.URL, Description: in.Body.Description, EventTypes: in.Body.EventTypes}
			if err := n.Validate(); err != nil {
				return nil, err
			}
			e, err := m.Webhooks.CreateWebhook(ctx, unitOfWork(ctx), n)
			return &WebhookOutput{Body: e}, err
		})
	register(api, huma.Operation{OperationID: "list-webhooks", Method: http.MethodGet, Path: "/v1/webhooks",
		Summary: "List webhook endpoints", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListParams) (*ListWebhooksOutput, error) {
			items, next, err := m.Webhooks.FindWebhooks(ctx, unitOfWork(ctx), in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &ListWebhooksOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-webhook", Method: http.MethodGet, Path: "/v1/webhooks/{id}",
		Summary: "Get a webhook endpoint", Tags: tags, Errors: notFound,
		Description: "disabled_reason says why the platform disabled it."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *WebhookIDInput) (*WebhookOutput, error) {
			e, err := m.Webhooks.FindWebhookByID(ctx, unitOfWork(ctx), in.ID)
			return &WebhookOutput{Body: e}, err
		})
	register(api, huma.Operation{OperationID: "update-webhook", Method: http.MethodPatch, Path: "/v1/webhooks/{id}",
		Summary: "Update or re-enable a webhook endpoint", Tags: tags, Errors: notFound,
		Description: "Changes the fields given; enabled=true re-enables a disabled endpoint."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *UpdateWebhookInput) (*WebhookOutput, error) {
			b := in.Body
			u := core.WebhookEndpointUpdate{URL: b.URL, Description: b.Description, Enabled: b.Enabled}
			if b.EventTypes != nil {
				u.EventTypes = *b.EventTypes
			}
			if err := u.Validate(); err != nil {
				return nil, err
			}
			e, err := m.Webhooks.UpdateWebhook(ctx, unitOfWork(ctx), in.ID, u)
			return &WebhookOutput{Body: e}, err
		})
	register(api, huma.Operation{OperationID: "delete-webhook", Method: http.MethodDelete, Path: "/v1/webhooks/{id}",
		Summary: "Delete a webhook endpoint and its deliveries", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: notFound},
		access{Who: accessTenant, Perm: perm(core.ActDelete)},
		func(ctx context.Context, in *WebhookIDInput) (*struct{}, error) {
			return nil, m.Webhooks.DeleteWebhook(ctx, unitOfWork(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "rotate-webhook-secret", Method: http.MethodPost, Path: "/v1/webhooks/{id}/rotate-secret",
		Summary: "Replace a webhook's signing secret", Tags: tags, Errors: notFound,
		Description: "Returns the new secret, shown only here. Every attempt from now on (retries included) is signed with it " +
			"and, for 24 hours, with the previous one too (two signatures in webhook-signature), so receivers can switch over."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true, SecretReplay: true},
		func(ctx context.Context, in *WebhookIDInput) (*WebhookOutput, error) {
			e, err := m.Webhooks.RotateWebhookSecret(ctx, unitOfWork(ctx), in.ID)
			return &WebhookOutput{Body: e}, err
		})
	registerWebhookDeliveryRoutes(api, s, m)
}

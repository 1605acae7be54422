package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type ListWebhookDeliveriesInput struct {
	ID uuid.UUID `path:"id"`
	ListParams
}

type WebhookDeliveryInput struct {
	ID         uuid.UUID `path:"id"`
	DeliveryID uuid.UUID `path:"delivery_id"`
}

type WebhookDeliveryOutput struct{ Body *core.WebhookDelivery }

type ListWebhookDeliveriesOutput struct {
	Body struct {
		Items []*core.WebhookDelivery `json:"items"`
		Page
	}
}

func registerWebhookDeliveryRoutes(api huma.API, s *Server, m MessagingServices) {
	tags := []string{"Webhooks"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResWebhooks, Action: a} }
	notFound := []int{http.StatusNotFound}
	register(api, huma.Operation{OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/v1/webhooks/{id}/deliveries",
		Summary: "List a webhook's deliveries", Tags: tags, Errors: notFound,
		Description: "Newest first, with status, attempts so far, the last answer and the next attempt."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListWebhookDeliveriesInput) (*ListWebhookDeliveriesOutput, error) {
			items, next, err := m.Webhooks.FindWebhookDeliveries(ctx, unitOfWork(ctx), in.ID, in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &ListWebhookDeliveriesOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-webhook-delivery", Method: http.MethodGet,
		Path: "/v1/webhooks/{id}/deliveries/{delivery_id}", Summary: "Get a delivery with every attempt", Tags: tags, Errors: notFound,
		Description: "Each attempt with its time, HTTP status, duration, error and the start of the response body."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *WebhookDeliveryInput) (*WebhookDeliveryOutput, error) {
			d, err := m.Webhooks.FindWebhookDelivery(ctx, unitOfWork(ctx), in.ID, in.DeliveryID)
			return &WebhookDeliveryOutput{Body: d}, err
		})
	register(api, huma.Operation{OperationID: "replay-webhook-delivery", Method: http.MethodPost,
		Path: "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", Summary: "Send a delivery again", Tags: tags,
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Sends it again at once with the same webhook-id and a fresh retry schedule, whatever its status. " +
			"409 while an attempt is under way or the endpoint is disabled."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *WebhookDeliveryInput) (*WebhookDeliveryOutput, error) {
			d, err := m.Webhooks.ReplayWebhookDelivery(ctx, unitOfWork(ctx), in.ID, in.DeliveryID)
			return &WebhookDeliveryOutput{Body: d}, err
		})
}

package webhook

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// FindWebhookDeliveries lists an endpoint's deliveries, newest first:
// EINVALID for a bad cursor, ENOTFOUND for an unknown endpoint.
func (s *Service) FindWebhookDeliveries(ctx context.Context, u core.UnitOfWork, endpointID uuid.UUID, after string, limit int) ([]*core.WebhookDelivery, string, error) {
	repo := s.store.Webhooks(u)
	items, next, err := repo.FindWebhookDeliveries(ctx, endpointID, after, limit)
	if err != nil {
		return nil, "", err
	}
	if _, err := repo.FindWebhookByID(ctx, endpointID); err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// FindWebhookDelivery returns a delivery with its attempts: ENOTFOUND.
func (s *Service) FindWebhookDelivery(ctx context.Context, u core.UnitOfWork, endpointID, id uuid.UUID) (*core.WebhookDelivery, error) {
	return s.store.Webhooks(u).FindWebhookDelivery(ctx, endpointID, id)
}

// ReplayWebhookDelivery sends the delivery again, with the same ID, as
// soon as possible and with a fresh retry schedule: ENOTFOUND; ECONFLICT
// while an attempt is under way or the endpoint is disabled.
func (s *Service) ReplayWebhookDelivery(ctx context.Context, u core.UnitOfWork, endpointID, id uuid.UUID) (*core.WebhookDelivery, error) {
	repo := s.store.Webhooks(u)
	now := s.now()
	st, err := repo.LockDelivery(ctx, endpointID, id)
	if err != nil {
		return nil, err
	}
	if st.AttemptingUntil != nil && st.AttemptingUntil.After(now) {
		return nil, core.Errorf(core.ECONFLICT, "an attempt of this delivery is under way; replay it when it ends")
	}
	if !st.EndpointEnabled {
		return nil, core.Errorf(core.ECONFLICT, "the webhook is disabled; enable it before replaying")
	}
	return repo.RestartDelivery(ctx, id, now)
}

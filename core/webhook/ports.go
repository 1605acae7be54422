package webhook

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the webhook use cases their repository within a unit of
// work. The PostgreSQL adapter implements it; so does the in-memory fake
// of core/coretest.
type Store interface {
	// Audit records the changes the use cases make.
	audit.Store
	Webhooks(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's webhook endpoints and their
// deliveries within a unit of work. Methods without a context queue their
// write: it reaches the database with the unit's next read or its commit,
// and its error, if any, is returned there.
type Repository interface {
	// InsertWebhook stores a new endpoint, enabled, with its secret.
	InsertWebhook(e *core.WebhookEndpoint, secret string)
	// FindWebhooks lists endpoints in ID order, one page after the cursor
	// (an ID; EINVALID otherwise) of at most limit (clamped to 1-500; 0:
	// 50); returns the next cursor.
	FindWebhooks(ctx context.Context, after string, limit int) ([]*core.WebhookEndpoint, string, error)
	// FindWebhookByID: ENOTFOUND.
	FindWebhookByID(ctx context.Context, id uuid.UUID) (*core.WebhookEndpoint, error)
	// LockWebhook reads an endpoint under a row lock held to the end of
	// the unit; ENOTFOUND.
	LockWebhook(ctx context.Context, id uuid.UUID) (*core.WebhookEndpoint, error)
	// UpdateWebhook writes an endpoint's URL, description, event types,
	// enabled state (with the reason and time it was disabled) and
	// updated_at; clearFailures also clears its failure record (failed
	// deliveries in a row, failing since).
	UpdateWebhook(e *core.WebhookEndpoint, clearFailures bool)
	// DeleteWebhook deletes an endpoint and its deliveries; ENOTFOUND.
	DeleteWebhook(ctx context.Context, id uuid.UUID) error
	// RotateWebhookSecret makes secret the endpoint's secret, the current
	// one its previous secret until previousUntil, and sets updated_at.
	RotateWebhookSecret(id uuid.UUID, secret string, previousUntil, at time.Time)

	// FindWebhookDeliveries lists an endpoint's deliveries, newest first,
	// one page after the cursor (a delivery's ID; EINVALID otherwise) of
	// at most limit (clamped to 1-500; 0: 50); returns the next cursor.
	FindWebhookDeliveries(ctx context.Context, endpointID uuid.UUID, after string, limit int) ([]*core.WebhookDelivery, string, error)
	// FindWebhookDelivery returns an endpoint's delivery with its attempts;
	// ENOTFOUND.
	FindWebhookDelivery(ctx context.Context, endpointID, id uuid.UUID) (*core.WebhookDelivery, error)
	// LockDelivery reads under a row lock whether an endpoint's delivery
	// has an attempt leased (until when; nil: none) and whether its
	// endpoint is enabled; ENOTFOUND.
	LockDelivery(ctx context.Context, endpointID, id uuid.UUID) (DeliveryState, error)
	// RestartDelivery makes a delivery pending and due at at with a fresh
	// series of attempts, returns it, and wakes the deliverers once the
	// unit commits.
	RestartDelivery(ctx context.Context, id uuid.UUID, at time.Time) (*core.WebhookDelivery, error)
}

// DeliveryState is what a replay checks.
type DeliveryState struct {
	AttemptingUntil *time.Time // nil: no attempt leased
	EndpointEnabled bool
}

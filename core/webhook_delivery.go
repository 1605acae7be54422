package core

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// WebhookDue names a delivery that is due for an attempt.
type WebhookDue struct {
	TenantID uuid.UUID `json:"tenant_id"`
	ID       uuid.UUID `json:"id"`
}

// WebhookSend is what one attempt of a delivery sends.
type WebhookSend struct {
	ID         uuid.UUID
	EndpointID uuid.UUID
	URL        string
	Secret     string
	// PreviousSecret, when set, signs the attempt too: the secret was
	// rotated less than WebhookSecretOverlap ago.
	PreviousSecret string
	Body           json.RawMessage
	Attempt        int // of the current series: 1 for the first try (or a replay)
	N              int // of the delivery's whole life, replays included
}

// WebhookResult is the outcome of one attempt.
type WebhookResult struct {
	DeliveryID uuid.UUID
	EndpointID uuid.UUID
	N          int
	At         time.Time
	Duration   time.Duration
	StatusCode int // 0: no response
	Error      string
	Response   string
	// Delivered: a 2xx. Otherwise RetryAt is the next attempt, nil after
	// the last one (the delivery fails).
	Delivered bool
	RetryAt   *time.Time
}

// WebhookDisablePolicy says when an endpoint that keeps failing is
// disabled: after Deliveries failed deliveries in a row, or when it has
// answered no attempt since For ago.
type WebhookDisablePolicy struct {
	Deliveries int
	For        time.Duration
}

// WebhookDeliveryStore is what the webhook jobs need of the store.
// CreateWebhookDeliveries, StartWebhookAttempt and FinishWebhookAttempt run
// in the tenant unit of work u; ClaimDueWebhooks in a platform unit of
// work (tenant uuid.Nil).
type WebhookDeliveryStore interface {
	// CreateWebhookDeliveries creates a pending delivery of body, due now,
	// for each enabled endpoint subscribed to the message's type; the
	// message's second handling creates none (unique per message and
	// endpoint). Called by the outbox handler; the new deliveries wake
	// ListenWebhooks at commit. It may write only at commit, so its errors
	// may come from the commit.
	CreateWebhookDeliveries(ctx context.Context, u UnitOfWork, m OutboxMessage, body json.RawMessage) error
	// ClaimDueWebhooks returns up to limit pending deliveries of every
	// tenant that are due at now and were not handed out in the last
	// staleAfter, and records that they were. Rows stay locked until the
	// transaction ends (several sweepers skip each other's).
	ClaimDueWebhooks(ctx context.Context, u UnitOfWork, now time.Time, limit int, staleAfter time.Duration) ([]WebhookDue, error)
	// ListenWebhooks calls wake when deliveries may have become due, and
	// once after every (re)connection, until ctx ends.
	ListenWebhooks(ctx context.Context, wake func())
	// StartWebhookAttempt takes the delivery for an attempt lasting at most
	// lease: nil when it is not pending and due (done, gone, or taken by
	// another worker). A delivery whose endpoint is disabled fails without
	// an attempt (nil).
	StartWebhookAttempt(ctx context.Context, u UnitOfWork, id uuid.UUID, now time.Time, lease time.Duration) (*WebhookSend, error)
	// FinishWebhookAttempt logs the attempt, moves the delivery on, and
	// keeps the endpoint's failure record, disabling it by policy; it
	// returns the reason when it disabled it.
	FinishWebhookAttempt(ctx context.Context, u UnitOfWork, r WebhookResult, p WebhookDisablePolicy) (disabled string, err error)
}

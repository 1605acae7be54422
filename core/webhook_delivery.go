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

// WebhookFailures is an endpoint's failure record: its failed deliveries
// in a row, and since when no attempt has succeeded (nil: the last one
// did). webhook.NextFailures keeps it.
type WebhookFailures struct {
	Deliveries int
	Since      *time.Time
}

// Equal reports whether f and g are the same record.
func (f WebhookFailures) Equal(g WebhookFailures) bool {
	return f.Deliveries == g.Deliveries && (f.Since == nil) == (g.Since == nil) && (f.Since == nil || f.Since.Equal(*g.Since))
}

// WebhookHealth is an endpoint's failure record and whether it is enabled.
type WebhookHealth struct {
	Enabled  bool
	Failures WebhookFailures
}

// WebhookDeliveryStore is what the webhook jobs need of the store.
// CreateWebhookDeliveries, StartWebhookAttempt and FinishWebhookAttempt run
// in the tenant unit of work u; ClaimDueWebhooks in a platform unit of
// work (tenant uuid.Nil).
type WebhookDeliveryStore interface {
	// CreateWebhookDeliveries creates a pending delivery of body, due now,
	// for each enabled endpoint whose event types include any of the
	// message type's webhook.Subscriptions; the
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
	// RecordWebhookAttempt logs the attempt and moves the delivery to
	// status, due again at r.RetryAt (unless a later attempt of it was
	// started meanwhile), and returns its endpoint's health read without a
	// lock; ENOTFOUND when the endpoint is gone. One round trip.
	// webhook.FinishAttempt decides the rest.
	RecordWebhookAttempt(ctx context.Context, u UnitOfWork, r WebhookResult, status string) (WebhookHealth, error)
	// LockWebhookHealth reads an endpoint's health under its row lock,
	// held to the end of u; ENOTFOUND.
	LockWebhookHealth(ctx context.Context, u UnitOfWork, endpointID uuid.UUID) (WebhookHealth, error)
	// SetWebhookHealth writes an endpoint's failure record and, when
	// disabledReason is set, disables it for that reason at at. The write
	// is queued: it reaches the database with the commit.
	SetWebhookHealth(u UnitOfWork, endpointID uuid.UUID, f WebhookFailures, disabledReason string, at time.Time)
}

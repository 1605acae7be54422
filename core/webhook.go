package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// WebhookEventTypes are the event types an endpoint may subscribe to: the
// outbox message types, as documented in the API. "*" subscribes to all,
// including types added later. The SLA ones are spelled out because their
// constants come with the SLA timers.
var WebhookEventTypes = []string{
	OutboxWorkOrderCreated, OutboxWorkOrderDispatched, OutboxWorkOrderAssigned, OutboxWorkOrderAccepted,
	OutboxWorkOrderCompleted, "work_order.sla_breached", "work_order.urged",
	"complaint.opened", "complaint.escalated", "complaint.breached", "complaint.resolution_proposed", "complaint.closed",
	"claim.decided", "claim_statement.approved",
	"report_export.ready",
}

// WebhookAllEvents subscribes an endpoint to every event type.
const WebhookAllEvents = "*"

// Delivery statuses.
const (
	WebhookPending   = "pending"   // waiting for its first or next attempt
	WebhookDelivered = "delivered" // the endpoint answered 2xx
	WebhookFailed    = "failed"    // the last retry failed, or the endpoint was disabled
)

// WebhookEndpoint is a tenant's receiver of events.
type WebhookEndpoint struct {
	ID          uuid.UUID `json:"id"`
	URL         string    `json:"url"`
	Description string    `json:"description"`
	EventTypes  []string  `json:"event_types"`
	Enabled     bool      `json:"enabled"`
	// DisabledReason says why the platform disabled the endpoint (after
	// persistent failure); "" when enabled or disabled by the tenant.
	DisabledReason string     `json:"disabled_reason,omitempty"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	// Secret signs deliveries (Standard Webhooks, "whsec_" + base64). It is
	// returned only when created or rotated.
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// FailedDeliveries counts the deliveries in a row whose last retry
	// failed: the disable policy's count, so an admin sees it coming.
	FailedDeliveries int `json:"failed_deliveries" doc:"Deliveries in a row whose every attempt failed; the platform disables the endpoint after 5. A delivered one resets it."`
	// LastDelivery is the newest delivery; nil before the first one.
	LastDelivery *WebhookLastDelivery `json:"last_delivery,omitempty" doc:"The newest delivery, to see at a glance whether the endpoint receives; absent before the first."`
}

// WebhookLastDelivery is an endpoint's newest delivery in short.
type WebhookLastDelivery struct {
	ID         uuid.UUID `json:"id"`
	EventType  string    `json:"event_type"`
	Status     string    `json:"status" enum:"pending,delivered,failed"`
	Attempts   int       `json:"attempts"`
	LastStatus int       `json:"last_status_code,omitempty" doc:"HTTP status of its last attempt; absent when it got none."`
	CreatedAt  time.Time `json:"created_at"`
}

// NewWebhookEndpoint is what a tenant registers.
type NewWebhookEndpoint struct {
	URL         string
	Description string
	EventTypes  []string
}

// Validate checks the URL's form (not where it points: see EgressGuard)
// and the event types.
func (n NewWebhookEndpoint) Validate() error {
	if err := ValidateWebhookURL(n.URL); err != nil {
		return err
	}
	return ValidateWebhookEventTypes(n.EventTypes)
}

// WebhookEndpointUpdate changes the fields that are set. Enabled true
// re-enables an endpoint the platform disabled and clears its failures.
type WebhookEndpointUpdate struct {
	URL         *string
	Description *string
	EventTypes  []string // nil: unchanged
	Enabled     *bool
}

// Validate checks the fields that are set.
func (u WebhookEndpointUpdate) Validate() error {
	if u.URL != nil {
		if err := ValidateWebhookURL(*u.URL); err != nil {
			return err
		}
	}
	if u.EventTypes != nil {
		return ValidateWebhookEventTypes(u.EventTypes)
	}
	return nil
}

// ValidateWebhookURL checks that raw is an absolute http(s) URL with a host.
func ValidateWebhookURL(raw string) error { return ValidateEgressURL("url", raw) }

// ValidateWebhookEventTypes checks that types is a non-empty list of known
// event types (or "*"), without repeats.
func ValidateWebhookEventTypes(types []string) error {
	if len(types) == 0 {
		return FieldError("event_types", "must name at least one event type (or \"*\")")
	}
	for i, t := range types {
		if t != WebhookAllEvents && !slices.Contains(WebhookEventTypes, t) {
			return FieldError("event_types", "unknown event type %q; known: %s or \"*\"", t, strings.Join(WebhookEventTypes, ", "))
		}
		if slices.Contains(types[:i], t) {
			return FieldError("event_types", "%q is listed twice", t)
		}
	}
	return nil
}

// WebhookSecretOverlap is how long after a rotation deliveries are signed
// with the previous secret too (webhook-signature carries both).
const WebhookSecretOverlap = 24 * time.Hour

// NewWebhookSecret returns a fresh signing secret: "whsec_" and 24 random
// bytes in base64, as Standard Webhooks libraries expect.
func NewWebhookSecret() string {
	key := make([]byte, 24)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	return "whsec_" + base64.StdEncoding.EncodeToString(key)
}

// SignWebhook returns the webhook-signature header of a message: "v1,"
// and the base64 HMAC-SHA256 of "id.timestamp.body" keyed with the
// secret's decoded bytes.
func SignWebhook(secret, id string, timestamp time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", Errorf(EINTERNAL, "bad webhook secret")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// WebhookDelivery is one event for one endpoint, with its attempts. Its ID
// is the webhook-id header, the same on every retry and replay.
type WebhookDelivery struct {
	ID            uuid.UUID        `json:"id"`
	EndpointID    uuid.UUID        `json:"endpoint_id"`
	EventType     string           `json:"event_type"`
	Status        string           `json:"status" enum:"pending,delivered,failed"`
	Attempts      int              `json:"attempts" doc:"Attempts made, replays included."`
	NextAttemptAt *time.Time       `json:"next_attempt_at,omitempty"`
	LastStatus    int              `json:"last_status_code,omitempty" doc:"HTTP status of the last attempt; absent when it got none."`
	LastError     string           `json:"last_error,omitempty"`
	Body          json.RawMessage  `json:"body" doc:"What is POSTed: {type, timestamp, data}."`
	CreatedAt     time.Time        `json:"created_at"`
	DeliveredAt   *time.Time       `json:"delivered_at,omitempty"`
	AttemptLog    []WebhookAttempt `json:"attempt_log,omitempty" doc:"Every attempt, oldest first (single delivery only)."`
}

// WebhookAttempt is one POST of a delivery and what came back.
type WebhookAttempt struct {
	N          int       `json:"n"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	Error      string    `json:"error,omitempty"`
	Response   string    `json:"response,omitempty" doc:"The start of the response body."`
}

package jobs

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
)

// TypeWebhookDelivery is the task of one attempt of one webhook delivery;
// its ID is the delivery's.
const TypeWebhookDelivery = "webhook:deliver"

// DefaultWebhookSchedule is the wait before each retry of a failed
// delivery: eight attempts over about 28 hours.
var DefaultWebhookSchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// DefaultWebhookDisable disables an endpoint after five failed deliveries
// in a row, or when no attempt has succeeded for a day.
var DefaultWebhookDisable = core.WebhookDisablePolicy{Deliveries: 5, For: 24 * time.Hour}

// Webhooks fans outbox messages out to tenants' endpoints and delivers
// them. The database schedules every attempt: a delivery is created due
// now in the outbox handler's transaction, the sweeper (RunSweeper) hands
// due deliveries to Asynq, and each attempt reschedules its delivery. A
// lost task or a crash at any point delays a delivery, never drops it; a
// delivery taken for an attempt is leased, so two tasks never send it at
// once.
type Webhooks struct {
	tx     core.UnitsOfWork
	store  core.WebhookDeliveryStore
	client *asynq.Client
	http   *http.Client
	clock  core.Clock
	log    *slog.Logger
	// Schedule is the wait before each retry (DefaultWebhookSchedule);
	// Disable when a failing endpoint is disabled; Timeout the limit of one
	// attempt; ResponseLimit the bytes of a response kept in the log.
	Schedule      []time.Duration
	Disable       core.WebhookDisablePolicy
	Timeout       time.Duration
	ResponseLimit int64
	// Sweep is how often the sweeper looks for due deliveries besides its
	// wake-ups; StaleAfter when a delivery handed to Asynq but not started
	// is handed out again: its task was lost, or its ID was still taken by
	// the task of its previous attempt, which Asynq deletes a moment after
	// the handler returns (a retry or replay due at once meets it); Batch
	// the most per claim.
	Sweep      time.Duration
	StaleAfter time.Duration
	Batch      int
}

// NewWebhooks returns the webhook fan-out, deliverer and sweeper. client
// enqueues delivery tasks (the sweeper's); guard checks every address
// dialled.
func NewWebhooks(tx core.UnitsOfWork, store core.WebhookDeliveryStore, client *asynq.Client, guard *core.EgressGuard,
	clock core.Clock, log *slog.Logger) *Webhooks {
	return &Webhooks{tx: tx, store: store, client: client, clock: clock, log: log,
		http: &http.Client{Transport: newEgressTransport(guard),
			// A redirect is an answer, not an acceptance: the guard would not
			// see where it leads, and the signature is for this URL.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		Schedule: DefaultWebhookSchedule, Disable: DefaultWebhookDisable, Timeout: 10 * time.Second, ResponseLimit: 1024,
		Sweep: 5 * time.Second, StaleAfter: 30 * time.Second, Batch: 500}
}

// FanOut creates the message's deliveries in the outbox handler's unit of
// work u; the commit wakes the sweepers, which enqueue them. A nil
// Webhooks fans out nothing.
func (w *Webhooks) FanOut(ctx context.Context, u core.UnitOfWork, m core.OutboxMessage) error {
	if w == nil {
		return nil
	}
	body, err := webhookBody(m)
	if err != nil {
		return err
	}
	return w.store.CreateWebhookDeliveries(ctx, u, m, body)
}

// webhookBody is what every endpoint receives for the message: its type,
// when it happened, and its payload with the work order's ID.
func webhookBody(m core.OutboxMessage) (json.RawMessage, error) {
	data := map[string]any{}
	_ = json.Unmarshal(m.Payload, &data) // a payload that is not an object carries nothing to add
	// A complaint's payload names its case (complaint_id), a report
	// export's its schedule (schedule_id).
	if !strings.HasPrefix(m.Type, "complaint.") && !strings.HasPrefix(m.Type, "report_export.") {
		data["work_order_id"] = m.AggregateID
	}
	return json.Marshal(struct {
		Type      string         `json:"type"`
		Timestamp time.Time      `json:"timestamp"`
		Data      map[string]any `json:"data"`
	}{m.Type, m.CreatedAt.UTC(), data})
}

// retryAt is when the delivery is tried again after its attempt-th attempt
// (of the current series) failed; nil after the last.
func (w *Webhooks) retryAt(at time.Time, attempt int) *time.Time {
	if attempt < 1 || attempt > len(w.Schedule) {
		return nil
	}
	t := at.Add(w.Schedule[attempt-1])
	return &t
}

package core

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Outbox message types: what happened to a work order. The store writes
// them in the transaction of the change (DESIGN, "Outbox").
const (
	OutboxWorkOrderCreated    = "work_order.created"
	OutboxWorkOrderDispatched = "work_order.dispatched"
	OutboxWorkOrderAssigned   = "work_order.assigned"
	OutboxWorkOrderAccepted   = "work_order.accepted"
	OutboxWorkOrderCompleted  = "work_order.completed"
)

// Outbox message types of the timers and urges (core/timer.go).
const (
	// OutboxWorkOrderSLABreached: a deadline passed unmet; payload kind
	// (response, arrival), due_at, site_id (null while in the queue).
	OutboxWorkOrderSLABreached = "work_order.sla_breached"
	// OutboxWorkOrderUrged: the responsible site is urged (催办); payload
	// site_id, technician_id, note, count, auto (and kind, due_at when auto).
	OutboxWorkOrderUrged = "work_order.urged"
)

// OutboxMessage is a side effect waiting to be relayed to the job queue.
type OutboxMessage struct {
	TenantID    uuid.UUID       `json:"tenant_id"`
	ID          int64           `json:"id"`           // unique, increasing in write order
	AggregateID uuid.UUID       `json:"aggregate_id"` // the work order
	Type        string          `json:"type"`
	Payload     json.RawMessage `json:"payload"`
	CreatedAt   time.Time       `json:"created_at"`
}

// OutboxStore is what the relay needs of the store. ClaimOutbox and
// MarkRelayed run in one platform unit of work (tenant uuid.Nil): the
// claimed rows stay locked until it ends, so several relays never hand out
// the same message.
type OutboxStore interface {
	// ClaimOutbox locks up to limit relayable messages of every tenant,
	// oldest first: a message is relayable when no earlier message of its
	// work order is still waiting or being handled. A message relayed
	// longer than staleAfter ago and never done is offered again (its task
	// was lost); relaying it again must be harmless.
	ClaimOutbox(ctx context.Context, u UnitOfWork, limit int, staleAfter time.Duration) ([]OutboxMessage, error)
	// MarkRelayed records that the messages are on the job queue.
	MarkRelayed(ctx context.Context, u UnitOfWork, msgs []OutboxMessage) error
	// ListenOutbox calls wake whenever a message may have become
	// relayable (PostgreSQL NOTIFY), and once after every (re)connection.
	// It returns when ctx ends.
	ListenOutbox(ctx context.Context, wake func())
}

// EffectStore makes handlers idempotent. Its methods run in the tenant
// unit of work u, the same one as the handler's effect.
type EffectStore interface {
	// ClaimEffects records that the handlers have their effects for the
	// message and returns those that had not had them before (a task that
	// ran before finds none); the caller runs only the returned ones.
	ClaimEffects(ctx context.Context, u UnitOfWork, outboxID int64, handlers []string) ([]string, error)
	// ClaimEffectsBatch is ClaimEffects for every handler of every message
	// at once: the claimed handlers per message.
	ClaimEffectsBatch(ctx context.Context, u UnitOfWork, outboxIDs []int64, handlers []string) (map[int64][]string, error)
	// MarkOutboxDone records that every handler of the messages finished
	// (or gave up), so the next message of each work order may be
	// relayed. ENOTFOUND when one is not the tenant's.
	MarkOutboxDone(ctx context.Context, u UnitOfWork, outboxIDs ...int64) error
}

// AssignedPayload is what a work_order.assigned message says: the
// technician now holding the order and the one who held it before (nil:
// nobody).
type AssignedPayload struct {
	TechnicianID *uuid.UUID `json:"technician_id"`
	Previous     *uuid.UUID `json:"previous"`
}

// Unchanged reports whether the assignment gives the order back to the
// technician who already held it (a reassignment whose new dispatch chose
// the same person): nobody learns anything new, so nobody is texted.
func (a AssignedPayload) Unchanged() bool {
	return a.TechnicianID != nil && a.Previous != nil && *a.Previous == *a.TechnicianID
}

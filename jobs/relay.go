package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
)

// TypeOutboxMessage is the task that carries one outbox message to its
// handlers.
const TypeOutboxMessage = "outbox:message"

// Relay moves outbox messages to Asynq. Several relays (one per replica)
// may run at once: each batch is claimed with FOR UPDATE SKIP LOCKED, and
// each task's ID is the message's, so a message relayed twice (a crash
// between enqueue and commit) is one task.
type Relay struct {
	tx      core.TenantTx
	store   core.OutboxStore
	enqueue func(context.Context, core.OutboxMessage) error
	log     *slog.Logger
	// Batch is the most messages claimed per transaction; Poll the fallback
	// wake-up when no NOTIFY arrives; StaleAfter when a relayed message that
	// is still not done is relayed again.
	// Pause is the least time between two claims after one that emptied the
	// outbox: under load every commit notifies, and a claim per notice
	// would spend the database on scanning the pending rows.
	Batch      int
	Poll       time.Duration
	StaleAfter time.Duration
	Pause      time.Duration
}

// NewRelay returns a relay that enqueues with client.
func NewRelay(tx core.TenantTx, store core.OutboxStore, client *asynq.Client, log *slog.Logger) *Relay {
	return NewRelayFunc(tx, store, func(ctx context.Context, m core.OutboxMessage) error {
		return EnqueueOutbox(ctx, client, m)
	}, log)
}

// NewRelayFunc returns a relay that hands each message to enqueue (tests
// count the calls).
func NewRelayFunc(tx core.TenantTx, store core.OutboxStore, enqueue func(context.Context, core.OutboxMessage) error, log *slog.Logger) *Relay {
	return &Relay{tx: tx, store: store, enqueue: enqueue, log: log, Batch: 500, Poll: time.Second, StaleAfter: 5 * time.Minute,
		Pause: 10 * time.Millisecond}
}

// EnqueueOutbox puts a message on its queue as a task whose ID is the
// message's; an existing task with that ID means it is queued already.
func EnqueueOutbox(ctx context.Context, client *asynq.Client, m core.OutboxMessage) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	queue := "default"
	if m.Type == core.OutboxWorkOrderAssigned { // technician SMS first
		queue = "critical"
	}
	_, err = client.EnqueueContext(ctx, asynq.NewTask(TypeOutboxMessage, raw), asynq.TaskID(outboxTaskID(m.ID)),
		asynq.Queue(queue), asynq.MaxRetry(outboxMaxRetry))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

const outboxMaxRetry = 20

func outboxTaskID(id int64) string { return fmt.Sprintf("outbox-%d", id) }

// Run relays until ctx ends: whenever woken by NOTIFY, and every Poll.
func (r *Relay) Run(ctx context.Context) {
	pollLoop(ctx, r.store.ListenOutbox, r.Poll, r.Pause, r.Batch, r.RelayOnce, r.log, "outbox relay")
}

// RelayOnce claims one batch, enqueues it in order and marks what was
// enqueued as relayed, in one transaction. It returns how many it relayed.
func (r *Relay) RelayOnce(ctx context.Context) (int, error) {
	var relayed int
	var enqueueErr error
	err := r.tx.InPlatform(ctx, func(ctx context.Context) error {
		msgs, err := r.store.ClaimOutbox(ctx, r.Batch, r.StaleAfter)
		if err != nil {
			return err
		}
		for i, m := range msgs {
			if enqueueErr = r.enqueue(ctx, m); enqueueErr != nil {
				msgs = msgs[:i] // those before are queued: keep them marked
				break
			}
		}
		relayed = len(msgs)
		return r.store.MarkRelayed(ctx, msgs)
	})
	if err != nil {
		return 0, err
	}
	return relayed, enqueueErr
}

package jobs

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
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
	tx      core.UnitsOfWork
	store   core.OutboxStore
	enqueue func(context.Context, ...core.OutboxMessage) error
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
func NewRelay(tx core.UnitsOfWork, store core.OutboxStore, client *asynq.Client, log *slog.Logger) *Relay {
	return NewRelayFunc(tx, store, func(ctx context.Context, msgs ...core.OutboxMessage) error {
		return EnqueueOutbox(ctx, client, msgs...)
	}, log)
}

// NewRelayFunc returns a relay that hands each claimed batch to enqueue
// (tests count the messages).
func NewRelayFunc(tx core.UnitsOfWork, store core.OutboxStore, enqueue func(context.Context, ...core.OutboxMessage) error, log *slog.Logger) *Relay {
	return &Relay{tx: tx, store: store, enqueue: enqueue, log: log, Batch: 500, Poll: time.Second, StaleAfter: 5 * time.Minute,
		Pause: 10 * time.Millisecond}
}

// outboxTaskBatch is the most messages one task carries: a burst is
// handled in one transaction per batch, not per message.
const outboxTaskBatch = 100

// outboxTask is the payload of a task of several messages; a task of one
// is the message itself.
type outboxTask struct {
	Messages []core.OutboxMessage `json:"messages"`
}

func decodeOutboxTask(raw []byte) ([]core.OutboxMessage, error) {
	var t outboxTask
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, err
	}
	if len(t.Messages) > 0 {
		return t.Messages, nil
	}
	var m core.OutboxMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return []core.OutboxMessage{m}, nil
}

// EnqueueOutbox puts messages on their queues (assignments, which text
// technicians, on critical) as tasks of up to outboxTaskBatch messages of
// one tenant, in claim order. A task's ID is made of its messages' IDs, so
// relaying the same batch again (a crash between enqueue and commit) makes
// no second task, while a batch that holds more (another replica claimed
// them after the crash) is a new task: no message is left out of every
// task. A message in two tasks has its effects once anyway.
func EnqueueOutbox(ctx context.Context, client *asynq.Client, msgs ...core.OutboxMessage) error {
	type group struct {
		tenant uuid.UUID
		queue  string
	}
	order, groups := groupInOrder(msgs, func(m core.OutboxMessage) group {
		if m.Type == core.OutboxWorkOrderAssigned { // technician SMS first
			return group{m.TenantID, "critical"}
		}
		return group{m.TenantID, "default"}
	})
	for _, g := range order {
		for batch := range slices.Chunk(groups[g], outboxTaskBatch) {
			var raw []byte
			var err error
			if len(batch) == 1 {
				raw, err = json.Marshal(batch[0])
			} else {
				raw, err = json.Marshal(outboxTask{Messages: batch})
			}
			if err != nil {
				return err
			}
			_, err = client.EnqueueContext(ctx, asynq.NewTask(TypeOutboxMessage, raw), asynq.TaskID(outboxTaskID(batch)),
				asynq.Queue(g.queue), asynq.MaxRetry(outboxMaxRetry))
			if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
				return err
			}
		}
	}
	return nil
}

const outboxMaxRetry = 20

// outboxTaskID names a task by its messages: the first ID, how many, and a
// hash of them all.
func outboxTaskID(batch []core.OutboxMessage) string {
	h := fnv.New64a()
	var b [8]byte
	for _, m := range batch {
		binary.LittleEndian.PutUint64(b[:], uint64(m.ID))
		h.Write(b[:])
	}
	return fmt.Sprintf("outbox-%d-%d-%016x", batch[0].ID, len(batch), h.Sum64())
}

// Run relays until ctx ends: whenever woken by NOTIFY, and every Poll.
func (r *Relay) Run(ctx context.Context) {
	pollLoop(ctx, r.store.ListenOutbox, r.Poll, r.Pause, r.Batch, r.RelayOnce, r.log, "outbox relay")
}

// RelayOnce claims one batch, enqueues it in order and marks what was
// enqueued as relayed, in one transaction. It returns how many it relayed.
func (r *Relay) RelayOnce(ctx context.Context) (int, error) {
	var relayed int
	var enqueueErr error
	err := core.InUnitOfWork(ctx, r.tx, uuid.Nil, func(u core.UnitOfWork) error {
		msgs, err := r.store.ClaimOutbox(ctx, u, r.Batch, r.StaleAfter)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return nil
		}
		if enqueueErr = r.enqueue(ctx, msgs...); enqueueErr != nil {
			// Some may be queued: unmarked, they are claimed again, and a
			// task's ID (or the effects claimed once) keeps them single.
			return nil
		}
		relayed = len(msgs)
		return r.store.MarkRelayed(ctx, u, msgs)
	})
	if err != nil {
		return 0, err
	}
	return relayed, enqueueErr
}

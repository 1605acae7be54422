package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
)

// RunSweeper hands due deliveries to Asynq until ctx ends: whenever new
// ones commit (NOTIFY), and every Sweep for retries and lost tasks.
// Several sweepers (one per replica) may run: claims skip each other's
// rows, and a task ID is its delivery's.
func (w *Webhooks) RunSweeper(ctx context.Context) {
	pollLoop(ctx, w.store.ListenWebhooks, w.Sweep, 0, w.Batch, w.SweepOnce, w.log, "webhook sweep")
}

// SweepOnce enqueues one batch of due deliveries; it returns how many. A
// failed enqueue rolls the claim back, so the batch is offered again.
func (w *Webhooks) SweepOnce(ctx context.Context) (int, error) {
	var n int
	err := core.InUnitOfWork(ctx, w.tx, uuid.Nil, func(u core.UnitOfWork) error {
		due, err := w.store.ClaimDueWebhooks(ctx, u, w.clock.Now(), w.Batch, w.StaleAfter)
		if err != nil {
			return err
		}
		for _, d := range due {
			if err := w.enqueue(ctx, d); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

// enqueue puts a delivery on the default queue; a task with its ID
// already there is the same delivery waiting.
func (w *Webhooks) enqueue(ctx context.Context, d core.WebhookDue) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = w.client.EnqueueContext(ctx, asynq.NewTask(TypeWebhookDelivery, raw), asynq.TaskID(d.ID.String()),
		asynq.Queue("default"), asynq.MaxRetry(3), asynq.Timeout(w.Timeout+time.Minute))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
)

// Periodic is a task that runs once per period however many replicas run
// a scheduler. Every replica's Asynq scheduler enqueues it on Cron; the
// handler rounds the time to the period and claims (task, period) in
// PostgreSQL (core.PeriodicStore): one task of the period runs, the
// others return at once. Rounding to the nearest period start makes the
// replicas agree although their clocks and queues differ by up to half a
// period. A task that waits longer than that counts for the next period,
// whose own tasks then find it taken: a period may be skipped that way,
// never run twice. The tasks themselves are level-triggered (they act on
// what is due now), so a skipped or failed period is made up by the next.
type Periodic struct {
	Type  string        // the Asynq task type, also the claim's key
	Every time.Duration // the period
	Cron  string        // when schedulers enqueue it, aligned to Every (e.g. "* * * * *" for a minute)
	Queue string
	Run   func(ctx context.Context, period time.Time) error
}

// runner names this process in periodic_runs, for operators.
var runner = func() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}()

// handler claims the period and runs the task. A failed run gives the
// period back, so a task of it still waiting (another replica's) may run it.
func (p Periodic) handler(store core.PeriodicStore, clock core.Clock) asynq.HandlerFunc {
	return func(ctx context.Context, _ *asynq.Task) error {
		period := PeriodOf(clock.Now(), p.Every)
		ok, err := store.ClaimPeriod(ctx, p.Type, period, runner, p.Every)
		if err != nil || !ok {
			return err
		}
		if err := p.Run(ctx, period); err != nil {
			return errors.Join(err, store.ReleasePeriod(context.WithoutCancel(ctx), p.Type, period))
		}
		return store.FinishPeriod(ctx, p.Type, period)
	}
}

// PeriodOf is the start of the period of length every nearest to t.
func PeriodOf(t time.Time, every time.Duration) time.Time { return t.Round(every).UTC() }

// register adds the task to the mux and the scheduler. No retries: the
// next period is the retry. The timeout keeps a run from overlapping the
// next period's.
func (p Periodic) register(mux *asynq.ServeMux, sch *asynq.Scheduler, store core.PeriodicStore, clock core.Clock) error {
	mux.Handle(p.Type, p.handler(store, clock))
	_, err := sch.Register(p.Cron, asynq.NewTask(p.Type, nil), asynq.Queue(p.Queue), asynq.MaxRetry(0),
		asynq.Timeout(max(p.Every, time.Second)), asynq.Retention(0))
	return err
}

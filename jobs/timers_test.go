package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/jobs"
)

// TestWorkerRunsTimers: the worker handles the timers task (as its
// scheduler enqueues it each minute): an overdue order is flagged, and the
// flag's work_order.sla_breached message is relayed and handled.
func TestWorkerRunsTimers(t *testing.T) {
	t.Parallel()
	clock := &shiftClock{}
	store := pgtest.NewStore(t, clock)
	net := pgtest.NewNetwork(t, store, "acme", "")
	opt, err := jobs.RedisOpt(pgtest.NewRedis(t))
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := &testBundle{store: store, net: net, redis: opt, log: log,
		work: workorder.NewService(workorder.Config{Store: store, Units: store, Clock: clock})}
	w := b.intake(t)
	require.NotNil(t, w.RespondBy)
	clock.Advance(w.RespondBy.Sub(clock.Now()) + time.Minute)

	smsClient := asynq.NewClient(opt)
	t.Cleanup(func() { smsClient.Close() })
	texts := &jobs.Texts{Tx: store, Store: store, Settings: messagingOf(store), Provider: jobs.LogSMS{Log: log}, Clock: clock, Log: log,
		Enqueue: func(ctx context.Context, refs ...core.SMSRef) error { return jobs.EnqueueSMS(ctx, smsClient, refs...) }}
	outbox := &jobs.Outbox{Tx: store, Effects: store, Notes: store, Texts: texts, Clock: clock, Log: log}
	worker := jobs.NewWorker(opt, jobs.Deps{Clock: clock, Log: log, Concurrency: 2, Outbox: outbox, Periods: store, Timers: b.work,
		Texts: texts})
	require.NoError(t, worker.Start())
	t.Cleanup(worker.Stop)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	client := asynq.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	go jobs.NewRelay(store, store, client, log).Run(ctx)

	_, err = client.Enqueue(asynq.NewTask(jobs.TypeTimers, nil))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		flags := tenantQuery[[]string](t, b, `SELECT sla_flags FROM work_orders WHERE id = $1`, w.ID)
		return len(flags[0]) == 1 && flags[0][0] == core.TimerResponseOverdue
	}, 20*time.Second, 20*time.Millisecond)
	b.waitDrained(t)
	require.Equal(t, []int64{1}, tenantQuery[int64](t, b, `SELECT count(*) FROM outbox WHERE type = $1 AND done_at IS NOT NULL`,
		core.OutboxWorkOrderSLABreached))
	require.Equal(t, []int64{1}, tenantQuery[int64](t, b, `SELECT count(*) FROM site_sla_misses WHERE site_id = $1`, net.Site))

	// The minute is recorded as run, by this worker's claim.
	require.Equal(t, []int64{1}, tenantQuery[int64](t, b,
		`SELECT count(*) FROM periodic_runs WHERE task = $1 AND done_at IS NOT NULL`, jobs.TypeTimers))
}

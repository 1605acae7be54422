// Package jobs runs the platform's background work on Asynq: the worker,
// its queues and periodic tasks. Side effects of domain changes (SMS,
// webhooks, SLA timers) are added here as task types.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
)

// Queues and their priorities: technician SMS first, reports last.
var Queues = map[string]int{
	"critical":    6, // technician notifications
	"default":     3,
	"maintenance": 1, // housekeeping, reports
}

// TaskCheckInterval is how often an idle worker polls its queues: one
// Redis call per interval per worker process.
const TaskCheckInterval = 50 * time.Millisecond

// Task types.
const TypePurgeExpired = "maintenance:purge_expired"

// RedisOpt turns a REDIS_URL (redis://, rediss:// or unix:///path/to.sock)
// into Asynq's connection options.
func RedisOpt(raw string) (asynq.RedisConnOpt, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	if u.Scheme == "unix" {
		db := 0
		if v := u.Query().Get("db"); v != "" {
			if db, err = strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("REDIS_URL: bad db %q", v)
			}
		}
		pw, _ := u.User.Password()
		return asynq.RedisClientOpt{Network: "unix", Addr: u.Path, DB: db, Password: pw}, nil
	}
	return asynq.ParseRedisURI(raw)
}

// Worker processes tasks until stopped.
type Worker struct {
	srv       *asynq.Server
	scheduler *asynq.Scheduler
	mux       *asynq.ServeMux
	log       *slog.Logger
}

// Deps are what the handlers need.
type Deps struct {
	Housekeeper core.Housekeeper
	Clock       core.Clock
	Log         *slog.Logger
	Concurrency int
	Outbox      *Outbox // nil: outbox messages are not handled here
	Texts       *Texts  // nil: SMS send tasks are not handled here
}

// NewWorker builds a worker on Redis.
func NewWorker(redis asynq.RedisConnOpt, d Deps) *Worker {
	srv := asynq.NewServer(redis, asynq.Config{
		Concurrency:     d.Concurrency,
		Queues:          Queues,
		ShutdownTimeout: 20 * time.Second,
		// An idle worker looks for tasks this often (Asynq's default, 1s, would
		// be the lag of every outbox message on a quiet system).
		TaskCheckInterval: TaskCheckInterval,
		RetryDelayFunc:    retryDelay,
		IsFailure:         isFailure,
		Logger:            slogAdapter{d.Log},
	})
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypePurgeExpired, func(ctx context.Context, t *asynq.Task) error {
		n, err := d.Housekeeper.PurgeExpired(ctx, d.Clock.Now())
		if err == nil && n > 0 {
			d.Log.Info("purged expired rows", "rows", n)
		}
		return err
	})
	if d.Outbox != nil {
		mux.HandleFunc(TypeOutboxMessage, d.Outbox.HandleTask)
	}
	if d.Texts != nil {
		mux.HandleFunc(TypeSMSSend, d.Texts.HandleSend)
		mux.HandleFunc(TypeSMSSweep, d.Texts.HandleSweep)
	}
	sch := asynq.NewScheduler(redis, &asynq.SchedulerOpts{Logger: slogAdapter{d.Log}})
	// Hourly; Unique makes several replicas' schedulers enqueue it once per
	// hour between them.
	_, _ = sch.Register("@hourly", asynq.NewTask(TypePurgeExpired, nil),
		asynq.Queue("maintenance"), asynq.Unique(50*time.Minute))
	if d.Texts != nil {
		_, _ = sch.Register("@every 30s", asynq.NewTask(TypeSMSSweep, nil), asynq.Queue("default"),
			asynq.Unique(25*time.Second), asynq.MaxRetry(0))
	}
	return &Worker{srv: srv, scheduler: sch, mux: mux, log: d.Log}
}

// retryDelay retries outbox messages soon (1s, 2s, 4s… up to 10 min: a
// notification is worth little late), other tasks with Asynq's default.
// A task of a killed worker comes back as a retry too, once its lease
// expires and a worker's recoverer (every minute) finds it.
func retryDelay(n int, err error, t *asynq.Task) time.Duration {
	var limited errRateLimited
	if errors.As(err, &limited) {
		return limited.wait
	}
	if t.Type() != TypeOutboxMessage && t.Type() != TypeSMSSend {
		return asynq.DefaultRetryDelayFunc(n, err, t)
	}
	return min(time.Second<<min(n, 10), 10*time.Minute)
}

// isFailure: a text held back by its tenant's rate limit has not failed;
// its retry is not counted.
func isFailure(err error) bool {
	var limited errRateLimited
	return err != nil && !errors.As(err, &limited)
}

// Start starts processing and scheduling.
func (w *Worker) Start() error {
	if err := w.srv.Start(w.mux); err != nil {
		return err
	}
	return w.scheduler.Start()
}

// Stop waits for running tasks (up to the shutdown timeout) and stops.
func (w *Worker) Stop() {
	w.scheduler.Shutdown()
	w.srv.Shutdown()
}

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }

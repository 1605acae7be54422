// Package jobs runs the platform's background work on Asynq: the worker,
// its queues and periodic tasks. Side effects of domain changes (SMS,
// webhooks, SLA timers) are added here as task types.
package jobs

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
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
	// AuditLog is purged of events older than AuditRetention (0:
	// audit.DefaultRetention) with the expired rows; nil: not here.
	AuditLog       audit.Purger
	AuditRetention time.Duration
	Clock          core.Clock
	Log            *slog.Logger
	Concurrency    int
	Outbox         *Outbox   // nil: outbox messages are not handled here
	Webhooks       *Webhooks // nil: webhook deliveries are not handled here
	Texts          *Texts    // nil: SMS send tasks are not handled here
	// Periods decides which replica runs each period of a periodic task;
	// nil: no periodic tasks here.
	Periods core.PeriodicStore
	Timers  core.TimerStore // nil: no work-order timers
	// Periodic are more periodic tasks (tests).
	Periodic []Periodic
	// Reports refreshes the report aggregates; nil: not here.
	Reports ReportRefresher
	// AgentSyncs tell phone systems the agent groups; nil: not here.
	AgentSyncs *AgentSyncs
	// Reputation recomputes the site reputations; nil: not here.
	Reputation ReputationRefresher
	// Surveys advances the SMS surveys; nil: not here.
	Surveys SurveyRunner
	// Statements generates the monthly settlement statements; nil: not here.
	Statements StatementGenerator
	// ABC recomputes the parts' ABC classes; nil: not here.
	ABC ABCRefresher
	// ReportExports runs the due scheduled exports; nil: not here.
	ReportExports ReportExporter
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
	if d.Outbox != nil {
		mux.HandleFunc(TypeOutboxMessage, d.Outbox.HandleTask)
	}
	if d.Webhooks != nil {
		mux.HandleFunc(TypeWebhookDelivery, d.Webhooks.HandleTask)
	}
	if d.Texts != nil {
		mux.HandleFunc(TypeSMSSend, d.Texts.HandleSend)
		mux.HandleFunc(TypeSMSSweep, d.Texts.HandleSweep)
	}
	if d.AgentSyncs != nil {
		mux.HandleFunc(TypeAgentSync, d.AgentSyncs.HandleTask)
	}
	sch := asynq.NewScheduler(redis, &asynq.SchedulerOpts{Logger: slogAdapter{d.Log}})
	if d.Texts != nil { // idempotent: every replica may run it
		_, _ = sch.Register("@every 30s", asynq.NewTask(TypeSMSSweep, nil), asynq.Queue("default"),
			asynq.Unique(25*time.Second), asynq.MaxRetry(0))
	}
	// Every replica schedules the periodic tasks; the periodic_runs claim
	// runs each period once between them (periodic.go).
	periodic := slices.Clone(d.Periodic)
	if d.Housekeeper != nil {
		periodic = append(periodic, purgeTask(d.Housekeeper, d.AuditLog, d.AuditRetention, d.Clock, d.Log))
	}
	if d.Timers != nil {
		periodic = append(periodic, timersTask(d.Timers, d.Log))
	}
	if d.Reports != nil {
		periodic = append(periodic, reportsTask(d.Reports, d.Log))
	}
	if d.Reputation != nil {
		periodic = append(periodic, ReputationTask(d.Reputation, d.Log))
	}
	if d.Surveys != nil {
		periodic = append(periodic, surveysTask(d.Surveys, d.Log))
	}
	if d.AgentSyncs != nil && d.AgentSyncs.Stale != nil {
		periodic = append(periodic, agentSyncSweepTask(d.AgentSyncs, d.Log))
	}
	if d.Statements != nil {
		periodic = append(periodic, StatementsTask(d.Statements, d.Log))
	}
	if d.ABC != nil {
		periodic = append(periodic, ABCTask(d.ABC, d.Log))
	}
	if d.ReportExports != nil {
		periodic = append(periodic, ReportExportsTask(d.ReportExports, d.Log))
	}
	for _, p := range periodic {
		if d.Periods == nil {
			d.Log.Warn("periodic task not scheduled: no period store", "type", p.Type)
			continue
		}
		if err := p.register(mux, sch, d.Periods, d.Clock); err != nil {
			d.Log.Error("periodic task not scheduled", "type", p.Type, "cron", p.Cron, "err", err)
		}
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

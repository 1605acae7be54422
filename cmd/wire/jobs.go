package wire

import (
	"context"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/jobs"
)

// newTexts assembles the SMS pipeline: the configured provider, the
// per-tenant rate limit in Redis, and send tasks enqueued on Asynq.
func (a *App) newTexts(o Options, redisOpt asynq.RedisConnOpt, rdb redis.UniversalClient) *jobs.Texts {
	var provider core.SMSProvider = jobs.LogSMS{Log: o.Log}
	if o.SMS.Provider == "kannel" {
		provider = jobs.NewKannel(o.SMS.KannelSendURL, o.SMS.KannelUser, o.SMS.KannelPassword, o.SMS.CallbackBase, o.SMS.GatewaySecret)
	}
	client := asynq.NewClient(redisOpt)
	a.onClose(func() { _ = client.Close() })
	store := a.Store
	return &jobs.Texts{Tx: store, Store: store, Settings: a.Messaging, Provider: provider, Limiter: jobs.NewRateLimiter(rdb, o.Log),
		Clock: core.SystemClock{}, Log: o.Log, Enqueue: func(ctx context.Context, refs ...core.SMSRef) error {
			return jobs.EnqueueSMS(ctx, client, refs...)
		}}
}

// buildWorker assembles the job worker, the outbox relay and the webhook
// deliveries.
func (a *App) buildWorker(o Options, redisOpt asynq.RedisConnOpt, texts *jobs.Texts) {
	store := a.Store
	hookClient := asynq.NewClient(redisOpt)
	a.onClose(func() { _ = hookClient.Close() })
	a.Webhooks = jobs.NewWebhooks(store, store, hookClient, o.egress(),
		core.SystemClock{}, o.Log)
	outbox := &jobs.Outbox{Tx: store, Effects: store, Notes: store, Texts: texts,
		Clock: core.SystemClock{}, Log: o.Log, Webhooks: a.Webhooks, Callbacks: a.Callbacks}
	outbox.Complaints = store
	outbox.Claims = a.Claims
	a.Worker = jobs.NewWorker(redisOpt, jobs.Deps{Housekeeper: store, AuditLog: store, AuditRetention: o.AuditRetention, Clock: core.SystemClock{}, Log: o.Log,
		Concurrency: o.Workers, Outbox: outbox, Texts: texts, Periods: store, Timers: timers{a.WorkOrders, a.Complaints}, Webhooks: a.Webhooks,
		Reports: store, AgentSyncs: a.AgentSyncs,
		Reputation: a.Reputation, Surveys: a.Callbacks,
		Statements:    a.Statements,
		ABC:           &parts.PlanningService{Store: store, Units: store, Tenants: store.PlanningTenants, Clock: core.SystemClock{}},
		ReportExports: a.Exports})
	relayClient := asynq.NewClient(redisOpt)
	a.onClose(func() { _ = relayClient.Close() })
	a.Relay = jobs.NewRelay(store, store, relayClient, o.Log)
}

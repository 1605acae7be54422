package wire

import (
	"context"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/core/audit"
	"github.com/aftersales/aftersales/core/kb"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/report"
	"github.com/aftersales/aftersales/core/webhook"
	"github.com/aftersales/aftersales/jobs"
	"github.com/aftersales/aftersales/tenants"
	"github.com/aftersales/aftersales/web"
)

// newServer assembles the API, each feature given its services. With
// Redis it also answers the SMS gateway and serves the job monitor.
func (a *App) newServer(o Options, redisOpt asynq.RedisConnOpt, rdb redis.UniversalClient, texts *jobs.Texts) *api.Server {
	store := a.Store
	ready := []api.Checker{{Name: "postgres", Check: o.Pool.Ping}}
	ops := api.OpsDeps{Registry: a.Registry, Portal: web.Handler()}
	msg := api.MessagingServices{SMS: a.Messaging, Webhooks: webhook.New(webhook.Config{Store: store, Egress: o.egress(),
		Clock: o.Clock})}
	if rdb != nil {
		ready = append(ready, api.Checker{Name: "redis", Check: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }})
		ops.Monitor = asynqmon.New(asynqmon.Options{RootPath: api.MonitorPath, RedisConnOpt: redisOpt})
		msg.SMSGateway = messaging.New(messaging.Config{Store: store, Units: store, Clock: o.Clock, Texts: texts,
			Complaints: a.Complaints,
			Surveys:    a.Callbacks,
			WorkOrders: a.WorkOrders, Log: o.Log})
		msg.GatewaySecret = o.SMS.GatewaySecret
	}
	ops.Ready = ready
	return api.New(api.Deps{Tx: store, Authz: a.Authz, Idempotency: store, Log: o.Log, AllowedOrigins: o.CORSAllowedOrigins,
		Tenants: tenants.New(store, o.Clock), Platform: store, Identity: a.Identity, Attachments: a.Attachments,
		AgentGroups: a.AgentGroups, // agent groups, the board by group and their sync

		ReportExports: a.Exports, // scheduled report exports

		Audit:      audit.NewService(store),
		Settings:   a.Settings,
		Network:    api.NetworkServices{Network: a.Network},
		Customers:  a.Customers,
		Catalog:    a.Catalog,
		WorkOrders: api.WorkOrderServices{Service: a.WorkOrders, Technicians: store},
		FollowUps:  a.Messaging,
		Messaging:  msg,
		Plugins:    api.PluginServices{Plugins: a.Plugins, Dir: o.PluginDir, SSEKeepAlive: o.SSEKeepAlive},
		Ops:        ops,
		Callbacks:  a.Callbacks,
		Complaints: a.Complaints,
		Claims:     a.Claims,
		Calls:      a.Calls,
		KB:         kb.NewService(kb.Config{Store: store, Clock: o.Clock}),
		Reports:    api.ReportServices{Service: &report.Service{Store: store, Marker: store, Settings: store}, Drill: store, Reputation: a.Reputation},
		Warranty:   a.Warranty,
		FieldParts: a.PartRequests,
		Stock:      parts.NewService(parts.Config{Store: store, Clock: o.Clock}),
		Stocktake:  parts.NewStocktakeService(store, parts.NewService(parts.Config{Store: store, Clock: o.Clock})),
		Planning:   &parts.PlanningService{Store: store, Units: store, Tenants: store.PlanningTenants, Clock: o.Clock},
		PartsModes: a.PartsModes,
		Board:      a.PluginStore})
}

// Package wire assembles the platform from its parts; the aftersales
// command and the end-to-end tests share it, so tests run what ships.
package wire

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/authz"
	"github.com/aftersales/aftersales/core/identity"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/tenants"
)

// App is the assembled API side of the platform.
type App struct {
	Store   *postgres.Store
	Authz   *authz.Authorizer
	Server  *api.Server
	Plugins *postgres.PluginStore
	// WorkOrders are the work-order use cases the API runs.
	WorkOrders *workorder.Service
	// Identity are the identity and access use cases the API runs.
	Identity *identity.Service
	// WebhookGuard checks webhook URLs at registration; tests may allow
	// loopback receivers on it before the first request.
	WebhookGuard *core.WebhookGuard
}

// Options are the outside parts the app needs.
type Options struct {
	Pool     *pgxpool.Pool
	Store    *postgres.Store // optional: share the caller's store (its outbox wake-ups reach the caller's relay)
	Clock    core.Clock
	Log      *slog.Logger
	Registry *prometheus.Registry // nil: a fresh one
	Ready    []api.Checker        // besides PostgreSQL
	Extra    map[string]http.Handler
	Monitor  http.Handler // the job monitor, for platform admins only
	// WebhookAllowPrivate lets webhooks reach private and loopback
	// addresses (WEBHOOK_ALLOW_PRIVATE).
	WebhookAllowPrivate bool
	// PluginKey encrypts plugin binding secrets (32 bytes; nil: a random
	// key for this process, for tests). PluginDir holds the binaries
	// platform admins may register. PluginRuntime runs them (nil: plugins
	// are registered and bound but not run).
	PluginKey     []byte
	PluginDir     string
	PluginRuntime core.PluginRuntime
	Plugins       *postgres.PluginStore // optional: share the caller's (see NewPluginHost); PluginKey is then unused
	SSEKeepAlive  time.Duration         // agent event streams' keep-alive (0: the API's default)
	// SMSGateway answers the SMS gateway's callbacks (nil: they answer
	// 403), which authenticate with GatewaySecret.
	SMSGateway    core.SMSGatewayService
	GatewaySecret string
	// WorkOrders: share the caller's work-order use cases (nil: built
	// here, on Store with PluginRuntime's dispatch rules).
	WorkOrders *workorder.Service
	// LoginPolicy throttles failed logins and sets how long sessions
	// last (zero: identity.DefaultLoginPolicy).
	LoginPolicy identity.LoginPolicy
}

// NewApp wires the store, the authorizer, onboarding and the API. Call
// Watch to keep the authorizer in step with other replicas.
func NewApp(o Options) *App {
	if o.Clock == nil {
		o.Clock = core.SystemClock{}
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
		o.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	store := o.Store
	if store == nil {
		store = postgres.NewStore(o.Pool, o.Clock, o.Log)
	}
	o.Registry.MustRegister(postgres.NewPoolCollector(o.Pool))
	plugins := o.Plugins
	if plugins == nil {
		plugins = newPluginStore(store, o.PluginKey)
	}
	workOrders := o.WorkOrders
	if workOrders == nil {
		workOrders = NewWorkOrders(store, plugins, o.PluginRuntime, o.Clock, o.Log)
	}
	ids := identity.NewService(identity.Config{Store: store, Units: store, Clock: o.Clock, Policy: o.LoginPolicy, Log: o.Log})
	az := authz.New(store)
	guard := &core.WebhookGuard{AllowPrivate: o.WebhookAllowPrivate, Resolver: net.DefaultResolver}
	ready := append([]api.Checker{{Name: "postgres", Check: o.Pool.Ping}}, o.Ready...)
	srv := api.New(api.Deps{Tx: store, Tenants: tenants.New(store), Platform: store, Identity: ids,
		Regions: store, Authz: az, Idempotency: store, Log: o.Log,
		WorkOrders: workOrders, Technician: store, Settings: store, SMSSettings: store,
		Sites: store, Technicians: store,
		Customers: store, Products: store, Catalog: store, ScreenPop: store, FollowUps: store,
		SLAMisses: store,
		Webhooks:  store, WebhookGuard: guard,
		Plugins: plugins, PluginBindings: plugins, PluginRuntime: o.PluginRuntime, CTIExtensions: plugins,
		AgentEvents: plugins, PluginDir: o.PluginDir, SSEKeepAlive: o.SSEKeepAlive,
		SMSGateway: o.SMSGateway, GatewaySecret: o.GatewaySecret,
		Registry: o.Registry, Ready: ready, Extra: o.Extra, Monitor: o.Monitor})
	return &App{Store: store, Authz: az, Server: srv, WebhookGuard: guard, Plugins: plugins, WorkOrders: workOrders,
		Identity: ids}
}

// Watch reloads a tenant's access rules whenever any replica changes them
// (PostgreSQL NOTIFY), and carries agent events and plugin binding changes
// between replicas, until ctx ends.
func (a *App) Watch(ctx context.Context) {
	go a.Store.WatchAuthz(ctx, a.Authz.Invalidate, a.Authz.InvalidateAll)
	go a.Plugins.Listen(ctx)
}

// Package wire is the platform's one composition root: Build assembles,
// with constructors only, everything a role runs. The aftersales command
// and the tests share it, so tests run what ships.
package wire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/authz"
	"github.com/aftersales/aftersales/core/blob"
	"github.com/aftersales/aftersales/core/call"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/catalog"
	"github.com/aftersales/aftersales/core/claim"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/customer"
	"github.com/aftersales/aftersales/core/identity"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/network"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/plugin"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/report"
	"github.com/aftersales/aftersales/core/settings"
	"github.com/aftersales/aftersales/core/warranty"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/jobs"
	"github.com/aftersales/aftersales/plugins/host"
)

// Role is what a process runs.
type Role string

const (
	RoleAll    Role = "all"    // the API, the job worker and the outbox relay
	RoleAPI    Role = "api"    // the API only
	RoleWorker Role = "worker" // the job worker and the outbox relay only
)

func (r Role) api() bool    { return r == RoleAll || r == RoleAPI }
func (r Role) worker() bool { return r == RoleAll || r == RoleWorker }

// Options are the outside parts and the settings of a process.
type Options struct {
	Role  Role // "": RoleAPI
	Pool  *pgxpool.Pool
	Clock core.Clock // nil: the system clock
	Log   *slog.Logger
	// LoginPolicy throttles failed logins and sets how long sessions
	// last (zero: identity.DefaultLoginPolicy; tests shorten it).
	LoginPolicy identity.LoginPolicy
	// RedisURL is the job queue's Redis. The worker roles need it; the API
	// without it has no SMS gateway, job monitor or shared plugin statuses
	// (the API tests).
	RedisURL string
	// Workers is the job worker's concurrency.
	Workers int
	// AuthzCacheBytes bounds the estimated heap of the tenants whose access
	// rules are kept loaded (0: authz's default).
	AuthzCacheBytes int64
	// Egress is the policy of every outbound request made on a tenant's
	// behalf (webhooks, plugin bindings' URLs): EGRESS_ALLOW_PRIVATE,
	// EGRESS_ALLOWED_NETWORKS, EGRESS_ALLOWED_PORTS. Its Resolver is the
	// system's unless set (tests).
	Egress core.EgressGuard
	// CORSAllowedOrigins may call the API from browser pages of other
	// origins (CORS_ALLOWED_ORIGINS; none: same-origin only).
	CORSAllowedOrigins []string
	// PluginKey encrypts plugin binding secrets and webhook signing
	// secrets at rest (32 bytes; nil: a random key for this process, for
	// tests). PluginDir holds the binaries
	// platform admins may register.
	PluginKey []byte
	PluginDir string
	// PluginHost tunes the plugin host that runs tenants' plugins (its
	// logger, metrics and status board are filled in here).
	PluginHost host.Options
	// PluginRuntime replaces the plugin host (tests' fakes).
	PluginRuntime core.PluginRuntime
	// NoPluginRuntime: plugins are registered and bound but not run (the
	// API tests that need no plugins).
	NoPluginRuntime bool
	SSEKeepAlive    time.Duration // agent event streams' keep-alive (0: the API's default)
	// AuditRetention is how long audit events are kept (0:
	// audit.DefaultRetention, 400 days).
	AuditRetention time.Duration
	SMS            SMSOptions
	// Blobs: where attachments are stored (BLOB_URL, DATA_DIR/blobs).
	Blobs BlobOptions
	// PublicURL prefixes the download links of scheduled report exports
	// (e.g. https://service.example.com; "": the links are paths).
	PublicURL string
	// AgentSyncDelay is how long an agent groups' sync waits to gather a
	// burst of changes (0: jobs.DefaultAgentSyncDelay).
	AgentSyncDelay time.Duration
	// SessionPool reaches PostgreSQL directly for LISTEN when Pool goes
	// through a transaction pooler (DATABASE_SESSION_URL; nil: Pool).
	SessionPool *pgxpool.Pool
}

// SMSOptions choose how texts go out and how the gateway's callbacks
// authenticate.
type SMSOptions struct {
	Provider       string // "log" or "": texts go to the log; "kannel"
	KannelSendURL  string
	KannelUser     string
	KannelPassword string
	CallbackBase   string
	// GatewaySecret authenticates the gateway's callbacks ("": they
	// answer 403).
	GatewaySecret string
}

// App is the platform assembled for a role. The caller starts what it
// holds (Watch, Server's handler, Worker, Relay, Webhooks' sweeper) and
// calls Close when they have stopped.
type App struct {
	Role     Role
	Store    *postgres.Store
	Authz    *authz.Authorizer
	Registry *prometheus.Registry
	// PluginStore persists plugins and bindings, caches the enabled
	// bindings and carries agent events between replicas.
	PluginStore *postgres.PluginStore
	// PluginRuntime runs tenants' plugins next to whatever calls them: the
	// API (CTI, parts, dispatch at intake) and the worker (redispatch).
	PluginRuntime core.PluginRuntime
	// Plugins are the plugin use cases.
	Plugins *plugin.Service
	// WorkOrders are the work-order use cases.
	WorkOrders *workorder.Service
	// Identity are the identity and access use cases.
	Identity *identity.Service
	// Customers, Catalog and Settings are the use cases of customers and
	// their units, of the catalogues and of tenant settings.
	Customers *customer.Service
	Catalog   *catalog.Service
	Settings  *settings.Service
	// Network are the service network's use cases.
	Network *network.Service
	// Messaging are the SMS settings and follow-up use cases (the SMS
	// gateway's callbacks are built with the texts, in newServer).
	Messaging *messaging.Service
	// Callbacks are the callback use cases: questionnaires, rules, tasks.
	Callbacks *callback.Service
	// Attachments are the file use cases (photos, signatures, KB files)
	// over the object store; areas register their owner kinds on it.
	Attachments *blob.Service
	// Complaints are the complaint use cases.
	Complaints *complaint.Service
	// Claims are the warranty claim, audit and settlement use cases.
	Claims *claim.Service
	// Calls is the call log.
	Calls *call.Service
	// Reputation computes and serves the site reputations.
	Reputation *report.ReputationService
	// Statements generates last month's settlement statements on the 1st.
	Statements *claim.Monthly
	// Exports runs the scheduled report exports.
	Exports *report.ExportService
	// AgentGroups are the agent groups; AgentSyncs enqueue and run their
	// sync with the phone system (with Redis only).
	AgentGroups *call.Groups
	AgentSyncs  *jobs.AgentSyncs
	// Warranty are the 三包 policy, fee schedule and quote use cases; they
	// price an order when it is completed.
	Warranty *warranty.Service
	// PartRequests are the field requests for parts (在线申请备件).
	PartRequests *parts.Requests
	// PartsModes is the stock port of every tenant: the built-in ledger,
	// or the tenant's ERP through its parts plugin (erp parts mode).
	PartsModes parts.Modes

	// The API (roles all and api; nil otherwise).
	Server *api.Server

	// The worker side (roles all and worker; nil otherwise): the job
	// worker, the outbox relay and the webhook deliveries.
	Worker   *jobs.Worker
	Relay    *jobs.Relay
	Webhooks *jobs.Webhooks

	closers []func()
}

// Build assembles the platform for o.Role. Its plugin processes stop when
// ctx ends.
func Build(ctx context.Context, o Options) (*App, error) {
	if o.Role == "" {
		o.Role = RoleAPI
	}
	if !o.Role.api() && !o.Role.worker() {
		return nil, fmt.Errorf("role must be all, api or worker, not %q", o.Role)
	}
	if o.Clock == nil {
		o.Clock = core.SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	a := &App{Role: o.Role, Registry: prometheus.NewRegistry()}
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Store = postgres.NewStore(o.Pool, o.Clock, o.Log)
	if o.SessionPool != nil {
		a.Store.UseSessionPool(o.SessionPool)
	}
	a.Identity = identity.NewService(identity.Config{Store: a.Store, Units: a.Store, Clock: o.Clock, Policy: o.LoginPolicy, Log: o.Log})
	a.Customers = customer.NewService(customer.Config{Store: a.Store, Clock: o.Clock})
	a.Catalog = catalog.NewService(catalog.Config{Store: a.Store})
	a.Settings = settings.NewService(settings.Config{Store: a.Store, Clock: o.Clock})
	a.Network = network.NewService(network.Config{Store: a.Store, Clock: o.Clock})
	a.Reputation = &report.ReputationService{Store: a.Store, Units: a.Store, Clock: o.Clock}
	a.Registry.MustRegister(postgres.NewPoolCollector(o.Pool))
	var authzOpts []authz.Option
	if o.AuthzCacheBytes > 0 {
		authzOpts = append(authzOpts, authz.WithCacheBytes(o.AuthzCacheBytes))
	}
	a.Authz = authz.New(a.Store, authzOpts...)
	if err := a.Store.UseSecretKey(secretKey(o.PluginKey)); err != nil {
		return nil, err
	}
	ps, err := postgres.NewPluginStore(a.Store, secretKey(o.PluginKey))
	if err != nil {
		return nil, err
	}
	a.PluginStore = ps

	var redisOpt asynq.RedisConnOpt
	var rdb redis.UniversalClient
	if o.RedisURL != "" {
		if redisOpt, err = jobs.RedisOpt(o.RedisURL); err != nil {
			return nil, err
		}
		var ok bool
		if rdb, ok = redisOpt.MakeRedisClient().(redis.UniversalClient); !ok {
			return nil, errors.New("unsupported Redis connection")
		}
		a.onClose(func() { _ = rdb.Close() })
	} else if o.Role.worker() {
		return nil, fmt.Errorf("role %s needs Redis", o.Role)
	}

	a.PluginRuntime = o.PluginRuntime
	if a.PluginRuntime == nil && !o.NoPluginRuntime {
		a.PluginRuntime = newPluginHost(ctx, o, a.Registry, rdb)
	}
	a.AgentGroups = a.newAgentGroups(o, redisOpt)
	a.Calls = call.NewService(call.Config{Store: a.Store, Clock: o.Clock, Changes: a.AgentGroups, Board: ps})
	a.Plugins = plugin.NewService(plugin.Config{Store: ps, Units: a.Store, Runtime: a.PluginRuntime, Events: ps,
		Egress: o.egress(), Clock: o.Clock, Log: o.Log, Calls: a.Calls})
	a.WorkOrders = NewWorkOrders(a.Store, a.Plugins, a.PluginRuntime, o.Clock, o.Log)
	a.Warranty = warranty.NewService(warranty.Config{Store: a.Store, Clock: o.Clock})
	a.WorkOrders.SetCompleted(a.Warranty.ChargeOrder)
	a.PartRequests = parts.NewRequests(a.Store, parts.NewService(parts.Config{Store: a.Store, Clock: o.Clock}))
	a.WorkOrders.AddCompleted(a.PartRequests.ConsumeCompleted)
	a.Messaging = messaging.New(messaging.Config{Store: a.Store, Units: a.Store, Clock: o.Clock, Log: o.Log})
	a.Complaints = complaint.NewService(complaint.Config{Store: a.Store, Units: a.Store, Clock: o.Clock, Log: o.Log})
	a.Complaints.SetOrders(complaintOrders{a.WorkOrders})
	a.Claims = claim.NewService(a.Store, o.Clock)
	a.Warranty.SetPartPricer(parts.Prices{Store: a.Store})
	a.Claims.SetPartCoster(parts.Prices{Store: a.Store})
	a.PartRequests.UseReturns(a.Claims) // a field request's return marks the claim line returned
	a.Statements = &claim.Monthly{Claims: a.Claims, Units: a.Store, Periods: a.Store, Tenants: a.Store.ReputationTenants}
	a.Callbacks = newCallbacks(a.Store, a.WorkOrders, a.Complaints, o)
	if a.Attachments, err = a.newAttachments(ctx, o); err != nil {
		return nil, err
	}
	a.Exports = newReportExports(a.Store, a.Attachments.Objects(), o)
	a.PartsModes = newPartsModes(a.Store, a.Plugins, o.Clock) // the stock port: the ledger, or the tenant's ERP
	a.PartRequests.UseMover(a.PartsModes)
	a.Settings.SetPartsBindings(a.Plugins)
	a.Settings.SetFieldRequests(a.Store)
	wireClaimAudits(a.Claims, a.Callbacks)

	if a.AgentSyncs != nil {
		a.AgentSyncs.Target = agentSyncTarget{a.Plugins}
	}
	var texts *jobs.Texts
	if redisOpt != nil {
		texts = a.newTexts(o, redisOpt, rdb)
	}
	if texts != nil {
		a.Callbacks.SetSurveyTexts(surveyTexts{texts})
	}
	if o.Role.worker() {
		a.buildWorker(o, redisOpt, texts)
	}
	if o.Role.api() {
		a.Server = a.newServer(o, redisOpt, rdb, texts)
	}
	return a, nil
}

// onClose runs f on Close, the last registered first.
func (a *App) onClose(f func()) { a.closers = append(a.closers, f) }

// Close releases the app's clients; call it when what it runs has stopped.
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// Watch keeps this process in step with the other replicas until ctx
// ends: plugin binding changes and agent events (every role), and the
// tenants' access rules (the API).
func (a *App) Watch(ctx context.Context) {
	if a.Server != nil {
		go a.Store.WatchAuthz(ctx, a.Authz.Invalidate, a.Authz.InvalidateAll)
	}
	go a.PluginStore.Listen(ctx)
}

// statusBoardTTL is how long a replica's plugin statuses outlive its last
// report: a replica gone is no longer listed after it.
const statusBoardTTL = 30 * time.Second

// newPluginHost returns the plugin host, its processes stopped when ctx
// ends; with Redis the replicas share their plugins' statuses.
func newPluginHost(ctx context.Context, o Options, reg *prometheus.Registry, rdb redis.UniversalClient) *host.Host {
	ho := o.PluginHost
	ho.Logger, ho.Registry = o.Log, reg
	if rdb != nil {
		ho.Board = host.NewRedisBoard(rdb, "aftersales:", statusBoardTTL)
	}
	h := host.New(ho)
	context.AfterFunc(ctx, h.Close)
	return h
}

// egress is the egress guard of the options, resolving with the system's
// resolver unless they name another (tests).
func (o Options) egress() *core.EgressGuard {
	g := o.Egress
	if g.Resolver == nil {
		g.Resolver = net.DefaultResolver
	}
	return &g
}

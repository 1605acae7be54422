// Package api is the platform's HTTP API: Huma operations under /v1,
// authentication, the tenant transaction around each request, idempotency,
// problem details, and the operational endpoints.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/identity"
	"github.com/aftersales/aftersales/core/workorder"
)

// Version of the API, shown in the spec.
const Version = "1.0.0"

// TenantAdmin onboards and manages tenants (implemented by package tenants).
type TenantAdmin interface {
	Onboard(ctx context.Context, nt core.NewTenant) (*core.Tenant, *core.User, error)
	Suspend(ctx context.Context, id uuid.UUID, reason string) (*core.Tenant, error)
	Resume(ctx context.Context, id uuid.UUID) (*core.Tenant, error)
	List(ctx context.Context, f core.TenantFilter) ([]*core.Tenant, string, error)
	Get(ctx context.Context, id uuid.UUID) (*core.Tenant, error)
}

// TechnicianResolver finds the technician record of a user.
type TechnicianResolver interface {
	TechnicianIDForUser(ctx context.Context, userID uuid.UUID) (*uuid.UUID, error)
}

// Checker reports whether a dependency (PostgreSQL, Redis) is usable.
type Checker struct {
	Name  string
	Check func(ctx context.Context) error
}

// Deps are the services the API calls; cmd wires them.
type Deps struct {
	Tx          core.TenantTx
	Tenants     TenantAdmin
	Platform    core.PlatformService
	Identity    *identity.Service // logins, authentication, users, API keys, roles and grants
	Regions     core.RegionService
	Authz       core.Authorizer
	Idempotency core.IdempotencyStore
	WorkOrders  *workorder.Service
	Settings    core.SettingsService
	SMSSettings core.SMSSettingsStore
	Technician  TechnicianResolver
	Sites       core.SiteService
	Technicians core.TechnicianService
	Customers   core.CustomerService
	Products    core.ProductService
	Catalog     core.CatalogService
	ScreenPop   core.ScreenPopService
	SLAMisses   core.SiteSLAMissService
	FollowUps   core.FollowUpService
	// SMSGateway handles the SMS gateway's callbacks, which authenticate
	// with GatewaySecret; nil or "": the callbacks answer 403.
	SMSGateway    core.SMSGatewayService
	GatewaySecret string
	Ready         []Checker
	Log           *slog.Logger
	Registry      *prometheus.Registry // nil: metrics are not exposed
	// Extra mounts more handlers on the mux.
	Extra map[string]http.Handler
	// Monitor is the job monitor (asynqmon, rooted at MonitorPath), served
	// to platform admins only; nil: not mounted.
	Monitor http.Handler

	Webhooks core.WebhookService
	// WebhookGuard refuses webhook URLs that reach non-public addresses.
	WebhookGuard *core.WebhookGuard
	// Plugins: the registry, tenant bindings, the runtime (plugins/host),
	// agent extensions and the agent event bus. PluginDir is where
	// registered binaries must live ("": registration refused).
	Plugins        core.PluginRegistry
	PluginBindings core.PluginBindingService
	PluginRuntime  core.PluginRuntime
	CTIExtensions  core.CTIExtensionService
	AgentEvents    core.AgentEventBus
	PluginDir      string
	SSEKeepAlive   time.Duration // idle event streams send a comment this often (0: 15 s)
}

// Server is the HTTP side of the platform.
type Server struct {
	deps Deps
	api  huma.API
	mux  *http.ServeMux
	http http.Handler
	m    *metrics
	// streams is closed by CloseStreams: event streams end on shutdown.
	streams     chan struct{}
	closeStream sync.Once
}

// New builds the API and its HTTP handler.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	installProblems(d.Log)
	s := &Server{deps: d, mux: http.NewServeMux(), streams: make(chan struct{})}
	s.api = humago.New(s.mux, Config())
	s.m = newMetrics(d.Registry)
	s.api.UseMiddleware(s.m.middleware, s.checkBody, s.authenticate)
	s.registerRoutes()
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if d.Registry != nil {
		s.mux.Handle("GET /metrics", s.m.handler(d.Registry))
	}
	if d.Monitor != nil {
		s.mountMonitor(d.Monitor)
	}
	for path, h := range d.Extra {
		s.mux.Handle(path, h)
	}
	s.http = withRequestID(s.withAccessLog(s.withRecover(s.mux)))
	return s
}

// Config is the Huma configuration: spec at /openapi.json, docs at /docs.
func Config() huma.Config {
	c := huma.DefaultConfig("aftersales API", Version)
	c.Info.Description = "Multi-tenant platform for manufacturers' after-sales service networks. " +
		"Errors are RFC 9457 problem details; create and action endpoints accept Idempotency-Key; " +
		"lists are cursor-paginated."
	c.OpenAPIPath = "/openapi"
	c.DocsPath = "/docs"
	c.SchemasPath = "/schemas"
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "A login token (POST /v1/auth/login), an API key, or a platform-admin token."},
	}
	c.CreateHooks = nil // no $schema links in bodies: keeps responses stable for clients
	return c
}

// Handler is the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.http }

// API exposes the Huma API (for the spec and tests).
func (s *Server) API() huma.API { return s.api }

func (s *Server) registerRoutes() {
	s.registerAuthRoutes()
	s.registerPlatformRoutes()
	s.registerUserRoutes()
	s.registerRegionRoutes()
	s.registerAPIKeyRoutes()
	s.registerAccessRoutes()
	s.registerWorkOrderRoutes()
	s.registerSettingsRoutes()
	s.registerSMSSettingsRoutes()
	s.registerSiteRoutes()
	s.registerTechnicianRoutes()
	s.registerImportRoutes()
	s.registerCustomerRoutes()
	s.registerProductRoutes()
	s.registerCatalogRoutes()
	s.registerScreenPopRoutes()
	s.registerUrgeRoutes()
	s.registerWebhookRoutes()
	s.registerPluginRoutes()
	s.registerPluginBindingRoutes()
	s.registerCTIRoutes()
	s.registerAgentRoutes()
	s.registerPartsRoutes()
	s.registerSMSGatewayRoutes()
	s.registerFollowUpRoutes()
}

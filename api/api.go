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
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/webhook"
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

// Deps are the services the API calls, grouped by feature; cmd wires
// them. Each feature's routes get their group and nothing else.
type Deps struct {
	// The request's unit of work, access control and idempotency, used by
	// the middleware around every operation.
	Tx          core.TenantTx
	Authz       core.Authorizer
	Idempotency core.IdempotencyStore
	Log         *slog.Logger

	// Identity: tenants, platform admins; logins, authentication, users,
	// API keys, roles and grants.
	Tenants  TenantAdmin
	Platform core.PlatformService
	Identity *identity.Service

	Settings   core.SettingsService
	Network    NetworkServices
	Customers  CustomerServices
	Catalog    core.CatalogService
	WorkOrders WorkOrderServices
	FollowUps  *messaging.Service
	Messaging  MessagingServices
	Plugins    PluginServices
	Ops        OpsDeps
}

// NetworkServices serve the service network: regions, sites (with the
// deadlines they missed), technicians.
type NetworkServices struct {
	Regions     core.RegionService
	Sites       core.SiteService
	SLAMisses   core.SiteSLAMissService
	Technicians core.TechnicianService
}

// CustomerServices serve customers, their registered products and the
// screen pop that finds them by phone.
type CustomerServices struct {
	Customers core.CustomerService
	Products  core.ProductService
	ScreenPop core.ScreenPopService
}

// WorkOrderServices serve work orders: the use cases and the caller's
// technician record (nil: no caller is a technician).
type WorkOrderServices struct {
	Service     *workorder.Service
	Technicians TechnicianResolver
}

// MessagingServices serve SMS settings and templates, the SMS gateway's
// callbacks and webhooks.
type MessagingServices struct {
	// SMS serves the SMS settings and templates.
	SMS *messaging.Service
	// SMSGateway handles the SMS gateway's callbacks, which authenticate
	// with GatewaySecret; nil or "": the callbacks answer 403.
	SMSGateway    *messaging.Service
	GatewaySecret string
	Webhooks      *webhook.Service
	// WebhookGuard refuses webhook URLs that reach non-public addresses.
	WebhookGuard *core.WebhookGuard
}

// PluginServices serve plugins and what runs on them: the registry,
// tenant bindings, the runtime (plugins/host; nil: plugins are not run),
// CTI and parts, agent extensions and the agent event bus.
type PluginServices struct {
	Registry      core.PluginRegistry
	Bindings      core.PluginBindingService
	Runtime       core.PluginRuntime
	CTIExtensions core.CTIExtensionService
	AgentEvents   core.AgentEventBus
	// Dir is where registered binaries must live ("": registration
	// refused).
	Dir          string
	SSEKeepAlive time.Duration // idle event streams send a comment this often (0: 15 s)
}

// OpsDeps are the operational endpoints' parts.
type OpsDeps struct {
	Ready    []Checker
	Registry *prometheus.Registry // nil: metrics are not exposed
	// Extra mounts more handlers on the mux.
	Extra map[string]http.Handler
	// Monitor is the job monitor (asynqmon, rooted at MonitorPath), served
	// to platform admins only; nil: not mounted.
	Monitor http.Handler
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
	s.m = newMetrics(d.Ops.Registry)
	s.api.UseMiddleware(s.m.middleware, s.checkBody, s.authenticate)
	s.registerRoutes()
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if d.Ops.Registry != nil {
		s.mux.Handle("GET /metrics", s.m.handler(d.Ops.Registry))
	}
	if d.Ops.Monitor != nil {
		s.mountMonitor(d.Ops.Monitor)
	}
	for path, h := range d.Ops.Extra {
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

// registerRoutes registers the operations, a function per feature, each
// given that feature's services.
func (s *Server) registerRoutes() {
	d := s.deps
	s.registerAuthRoutes()
	s.registerPlatformRoutes()
	s.registerUserRoutes()
	registerRegionRoutes(s.api, s, d.Network)
	s.registerAPIKeyRoutes()
	s.registerAccessRoutes()
	registerWorkOrderRoutes(s.api, s, d.WorkOrders)
	registerSettingsRoutes(s.api, s, d.Settings)
	registerSMSSettingsRoutes(s.api, s, d.Messaging)
	registerSiteRoutes(s.api, s, d.Network)
	registerTechnicianRoutes(s.api, s, d.Network)
	registerImportRoutes(s.api, s, d.Network)
	registerCustomerRoutes(s.api, s, d.Customers)
	registerProductRoutes(s.api, s, d.Customers)
	registerCatalogRoutes(s.api, s, d.Catalog)
	registerScreenPopRoutes(s.api, s, d.Customers)
	registerUrgeRoutes(s.api, s, d.WorkOrders)
	registerSiteSLAMissRoutes(s.api, s, d.Network)
	registerWebhookRoutes(s.api, s, d.Messaging)
	registerPluginRoutes(s.api, s, d.Plugins)
	registerPluginBindingRoutes(s.api, s, d.Plugins)
	registerCTIRoutes(s.api, s, d.Plugins)
	registerAgentRoutes(s.api, s, d.Plugins, d.Customers.ScreenPop)
	registerPartsRoutes(s.api, s, d.Plugins)
	registerSMSGatewayRoutes(s.api, s, d.Messaging)
	registerFollowUpRoutes(s.api, s, d.FollowUps)
}

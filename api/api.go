// Package api is the platform's HTTP API: Huma operations under /v1,
// authentication, the tenant transaction around each request, idempotency,
// problem details, and the operational endpoints.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
	"github.com/aftersales/aftersales/core/blob"
	"github.com/aftersales/aftersales/core/call"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/catalog"
	"github.com/aftersales/aftersales/core/claim"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/customer"
	"github.com/aftersales/aftersales/core/identity"
	"github.com/aftersales/aftersales/core/kb"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/network"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/plugin"
	"github.com/aftersales/aftersales/core/settings"
	"github.com/aftersales/aftersales/core/warranty"
	"github.com/aftersales/aftersales/core/webhook"
	"github.com/aftersales/aftersales/core/workorder"
)

// Version of the API, shown in the spec.
const Version = "1.0.0"

// TenantAdmin onboards and manages tenants (implemented by package tenants).
type TenantAdmin interface {
	Onboard(ctx context.Context, u core.UnitOfWork, nt core.NewTenant) (*core.Tenant, *core.User, error)
	Suspend(ctx context.Context, u core.UnitOfWork, id uuid.UUID, reason string) (*core.Tenant, error)
	Resume(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.Tenant, error)
	List(ctx context.Context, f core.TenantFilter) ([]*core.Tenant, string, error)
	Get(ctx context.Context, id uuid.UUID) (*core.Tenant, error)
	// OnboardInvited is Onboard where an admin without a password is
	// invited (the invitation; nil when a password was given).
	OnboardInvited(ctx context.Context, u core.UnitOfWork, nt core.NewTenant) (*core.Tenant, *core.User, *core.Invitation, error)
	// Reinvite replaces the invitation of a tenant's invited admin.
	Reinvite(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.Tenant, *core.Invitation, error)
}

// TechnicianResolver finds the technician record of a user (nil: the user
// is not a technician).
type TechnicianResolver interface {
	TechnicianOfUser(ctx context.Context, u core.UnitOfWork, userID uuid.UUID) (*core.FieldTechnician, error)
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
	Tx          core.UnitsOfWork
	Authz       core.Authorizer
	Idempotency core.IdempotencyStore
	Log         *slog.Logger

	// Identity: tenants, platform admins; logins, authentication, users,
	// API keys, roles and grants.
	Tenants  TenantAdmin
	Platform core.PlatformService
	Identity *identity.Service
	// Audit reads the audit log (tenants' and the platform's).
	Audit *audit.Service

	// Settings: the tenant's dispatch weights, calendar and timer limits.
	Settings *settings.Service
	Network  NetworkServices
	// Customers: customers, their units and the screen pop.
	Customers *customer.Service
	// Catalog: product lines and models, service types, fault codes.
	Catalog    *catalog.Service
	WorkOrders WorkOrderServices
	// Complaints: complaint cases and their settings (nil: not served).
	Complaints *complaint.Service
	FollowUps  *messaging.Service
	Messaging  MessagingServices
	Plugins    PluginServices
	Ops        OpsDeps

	// Callbacks: questionnaires, callback rules and tasks.
	Callbacks *callback.Service
	// Claims: warranty claims, audit rules and settlement.
	Claims *claim.Service
	// Calls is the call log (nil: not served).
	Calls *call.Service
	// AgentGroups: agent groups, the board by group and their sync with
	// the phone system (nil: not served).
	AgentGroups *call.Groups
	// KB: the knowledge base's articles, categories, synonyms and public FAQ.
	KB *kb.Service
	// Reports: the metric catalogue, queries, drill-downs and exports.
	Reports ReportServices
	// ReportExports runs the scheduled exports; nil: no schedule routes.
	ReportExports *ReportExportService
	// AllowedOrigins may call the API from a browser page (CORS); none:
	// the API's own origin only (api/cors.go).
	AllowedOrigins []string
	// Attachments are the file use cases (photos, signatures, KB files);
	// the API registers the owner kinds it checks access for (work_order).
	Attachments *blob.Service
	// Warranty: the 三包 policies, the fee schedule, quotes and the
	// charges of completed orders.
	Warranty *warranty.Service
	// Stock: the built-in parts catalogue, warehouses, stock ledger,
	// documents and reservations.
	Stock *parts.Service
	// FieldParts: technicians' requests for parts for their orders.
	FieldParts *parts.Requests
	// Stocktake: count sheets, blind counts and posting their variances.
	Stocktake *parts.StocktakeService
	// Planning: ABC classes, stocktake cadence, reorder points, monthly
	// plans and campaign plans.
	Planning *parts.PlanningService
	// PartsModes: the tenant's stock port (parts.Modes), whose availability
	// comes from the ERP for a tenant in erp mode; nil: the ledger's.
	PartsModes StockModes
	// Board signals the supervisors' board streams of every replica's
	// changes; nil: the board is not streamed.
	Board BoardEvents
}

// NetworkServices serve the service network: regions, sites (with the
// deadlines they missed), technicians and their bulk import.
type NetworkServices struct {
	Network *network.Service
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
}

// PluginServices serve plugins and what runs on them: the registry,
// tenant bindings, CTI and parts, agent extensions and agent events.
type PluginServices struct {
	Plugins *plugin.Service
	// Dir is where registered binaries must live ("": registration
	// refused).
	Dir          string
	SSEKeepAlive time.Duration // idle event streams send a comment this often (0: 15 s)
}

// OpsDeps are the operational endpoints' parts.
type OpsDeps struct {
	Ready    []Checker
	Registry *prometheus.Registry // nil: metrics are not exposed
	// Portal serves GET and HEAD requests for every path that is not the
	// API's (the tenant portal's pages, assets and the docs viewer); nil
	// leaves them to the router's 404.
	Portal http.Handler
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
	declareTags(s.api.OpenAPI())
	confirmationNeedsProof(s.api)
	documentReasons(s.api)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if d.Ops.Registry != nil {
		s.mux.Handle("GET /metrics", s.platformBearer(s.m.handler(d.Ops.Registry), "metrics"))
	}
	if d.Ops.Monitor != nil {
		s.mountMonitor(d.Ops.Monitor)
	}
	for path, h := range d.Ops.Extra {
		s.mux.Handle(path, h)
	}
	s.http = withRequestID(s.withAccessLog(s.withRecover(withSafeHeaders(withCORS(d.AllowedOrigins,
		withPlainParameters(routerProblems(s.mux, d.Ops.Portal)))))))
	return s
}

// declareTags lists every tag the operations use at the top of the spec,
// sorted, as OpenAPI linters expect (Spectral's operation-tag-defined).
func declareTags(o *huma.OpenAPI) {
	seen := map[string]bool{}
	for _, item := range o.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			for _, t := range op.Tags {
				seen[t] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for t := range seen {
		names = append(names, t)
	}
	sort.Strings(names)
	o.Tags = o.Tags[:0]
	for _, t := range names {
		o.Tags = append(o.Tags, &huma.Tag{Name: t})
	}
}

// confirmationNeedsProof says in the spec, and so in the validation of
// requests, what core.ServiceRecord.Validate requires of a customer's
// confirmation: a signature or a code besides the name (Go's struct tags
// cannot say "one of").
func confirmationNeedsProof(a huma.API) {
	c := a.OpenAPI().Components.Schemas.Map()["Confirmation"]
	if c == nil {
		panic("api: no Confirmation schema")
	}
	bySignature, byCode := &huma.Schema{Required: []string{"signature"}}, &huma.Schema{Required: []string{"code"}}
	bySignature.PrecomputeMessages()
	byCode.PrecomputeMessages()
	c.AnyOf = []*huma.Schema{bySignature, byCode}
	c.Description = "The customer's sign-off: a name, and a signature image or a confirmation code (at least one)."
}

// Config is the Huma configuration: spec at /openapi.json. The docs viewer
// at /docs is the portal's (served offline from the binary), not Huma's,
// which loads its viewer from a CDN.
func Config() huma.Config {
	c := huma.DefaultConfig("aftersales API", Version)
	c.Info.Description = "Multi-tenant platform for manufacturers' after-sales service networks. " +
		"Errors are RFC 9457 problem details; create and action endpoints accept Idempotency-Key; " +
		"lists are cursor-paginated."
	c.Servers = []*huma.Server{{URL: "/", Description: "The server that serves this document."}}
	c.OpenAPIPath = "/openapi"
	c.DocsPath = ""
	c.SchemasPath = "/schemas"
	c.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaNamer)
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
	s.registerAuditRoutes()
	registerWorkOrderRoutes(s.api, s, d.WorkOrders)
	registerSettingsRoutes(s.api, s, d.Settings)
	registerSMSSettingsRoutes(s.api, s, d.Messaging)
	registerSiteRoutes(s.api, s, d.Network)
	registerTechnicianRoutes(s.api, s, d.Network)
	registerImportRoutes(s.api, s, d.Network)
	registerCustomerRoutes(s.api, s, d.Customers)
	registerProductRoutes(s.api, s, d.Catalog, d.Customers)
	registerCatalogRoutes(s.api, s, d.Catalog)
	registerScreenPopRoutes(s.api, s, d.Customers)
	registerUrgeRoutes(s.api, s, d.WorkOrders)
	registerSiteSLAMissRoutes(s.api, s, d.Network)
	registerWebhookRoutes(s.api, s, d.Messaging)
	registerPluginRoutes(s.api, s, d.Plugins)
	registerPluginBindingRoutes(s.api, s, d.Plugins)
	registerCTIRoutes(s.api, s, d.Plugins)
	registerAgentRoutes(s.api, s, d.Plugins, d.Customers)
	registerPartsRoutes(s.api, s, d.Plugins)
	registerSMSGatewayRoutes(s.api, s, d.Messaging)
	registerFollowUpRoutes(s.api, s, d.FollowUps)
	registerCallbackRoutes(s.api, s, d.Callbacks)
	registerDivisionRoutes(s.api, s)
	registerAttachmentRoutes(s.api, s, d.Attachments)
	registerComplaintRoutes(s.api, s, d.Complaints)
	registerClaimRoutes(s.api, s, d.Claims)
	registerCallRoutes(s.api, s, d.Calls)
	registerAgentStateRoutes(s.api, d.Calls)
	registerKBRoutes(s.api, s, d.KB)
	registerReportRoutes(s.api, s, d.Reports)
	registerSiteDistrictRoutes(s.api, s, d.Network)
	registerAgentGroupRoutes(s.api, d.Calls, d.AgentGroups)
	registerWarrantyRoutes(s.api, s, d.Warranty, d.WorkOrders, d.Customers)
	registerPartCatalogRoutes(s.api, d.Stock)
	registerWarehouseRoutes(s.api, s, d.Stock)
	registerStockRoutes(s.api, s, d.Stock)
	registerPartRequestRoutes(s.api, s, d.FieldParts)
	registerStocktakeRoutes(s.api, s, d.Stocktake)
	registerPlanningRoutes(s.api, s, d.Planning, d.Stock)
	registerAgentBoardStream(s.api, s, d.Calls, d.AgentGroups, d.Board, d.Plugins.SSEKeepAlive)
}

package core

import (
	"context"
	"sort"

	"github.com/google/uuid"
)

// Role names of the default roles every tenant gets on onboarding.
const (
	RoleTenantAdmin    = "tenant_admin"
	RoleAgent          = "agent"
	RoleDispatcher     = "dispatcher"
	RoleRegionManager  = "region_manager"
	RoleSiteManager    = "site_manager"
	RoleTechnician     = "technician"
	RolePartsClerk     = "parts_clerk"
	RoleKBEditor       = "kb_editor"
	RoleKBReviewer     = "kb_reviewer"
	RoleQualityAuditor = "quality_auditor"
	RoleAnalyst        = "analyst"
	RoleIntegration    = "integration"
)

// Resources that permissions are granted on.
const (
	ResTenant      = "tenant"
	ResUsers       = "users"
	ResRoles       = "roles"
	ResRegions     = "regions"
	ResAPIKeys     = "api_keys"
	ResSites       = "sites"
	ResTechnicians = "technicians"
	ResCustomers   = "customers"
	ResUnits       = "units"
	ResCatalog     = "catalog"
	ResWorkOrders  = "work_orders"
	ResComplaints  = "complaints"
	ResCallbacks   = "callbacks"
	ResClaims      = "claims"
	ResParts       = "parts"
	ResKB          = "kb"
	ResReports     = "reports"
	ResWebhooks    = "webhooks"
	ResPlugins     = "plugins"
	ResAccess      = "access"
	ResAudit       = "audit" // the audit log; read only
)

// Actions on resources. "*" in a rule grants every action.
const (
	ActRead     = "read"
	ActCreate   = "create"
	ActUpdate   = "update"
	ActDelete   = "delete"
	ActDispatch = "dispatch"
	ActApprove  = "approve"
	ActAll      = "*"
)

// Permission is one resource and action, such as work_orders:dispatch.
// The enum tags document Resources() and Actions() ("*": every one) in
// the API's spec; a test keeps them equal.
type Permission struct {
	Resource string `json:"resource" enum:"*,access,api_keys,audit,callbacks,catalog,claims,complaints,customers,kb,parts,plugins,regions,reports,roles,sites,technicians,tenant,units,users,webhooks,work_orders"`
	Action   string `json:"action" enum:"read,create,update,delete,dispatch,approve,*"`
}

func (p Permission) String() string { return p.Resource + ":" + p.Action }

// Resources lists every resource, sorted, for validation and docs.
func Resources() []string {
	r := []string{ResTenant, ResUsers, ResRoles, ResRegions, ResAPIKeys, ResSites,
		ResTechnicians, ResCustomers, ResUnits, ResCatalog, ResWorkOrders, ResComplaints,
		ResCallbacks, ResClaims, ResParts, ResKB, ResReports, ResWebhooks, ResPlugins, ResAccess, ResAudit}
	sort.Strings(r)
	return r
}

// Actions lists every action.
func Actions() []string {
	return []string{ActRead, ActCreate, ActUpdate, ActDelete, ActDispatch, ActApprove, ActAll}
}

// ValidPermission reports whether p names a known resource and action.
func ValidPermission(p Permission) bool {
	okRes, okAct := false, false
	for _, r := range Resources() {
		okRes = okRes || r == p.Resource || p.Resource == "*"
	}
	for _, a := range Actions() {
		okAct = okAct || a == p.Action
	}
	return okRes && okAct
}

func perms(resource string, actions ...string) []Permission {
	out := make([]Permission, len(actions))
	for i, a := range actions {
		out[i] = Permission{resource, a}
	}
	return out
}

func join(groups ...[]Permission) []Permission {
	var out []Permission
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// DefaultRoles returns the permissions of each default role. Onboarding
// writes them as the tenant's policies; tenant admins may change them later.
func DefaultRoles() map[string][]Permission {
	r := []string{ActRead}
	crud := []string{ActRead, ActCreate, ActUpdate, ActDelete}
	return map[string][]Permission{
		RoleTenantAdmin: perms("*", ActAll),
		RoleAgent: join(perms(ResCustomers, ActRead, ActCreate, ActUpdate), perms(ResUnits, ActRead, ActCreate, ActUpdate),
			perms(ResWorkOrders, ActRead, ActCreate, ActUpdate), perms(ResComplaints, ActRead, ActCreate, ActUpdate),
			perms(ResCallbacks, ActRead, ActUpdate), perms(ResKB, r...), perms(ResSites, r...), perms(ResRegions, r...),
			perms(ResCatalog, r...), perms(ResTechnicians, r...)),
		RoleDispatcher: join(perms(ResWorkOrders, ActRead, ActCreate, ActUpdate, ActDispatch), perms(ResSites, r...),
			perms(ResTechnicians, r...), perms(ResCustomers, r...), perms(ResUnits, r...), perms(ResRegions, r...),
			perms(ResCatalog, r...), perms(ResKB, r...), perms(ResParts, r...)),
		RoleRegionManager: join(perms(ResWorkOrders, ActRead, ActUpdate, ActDispatch), perms(ResSites, ActRead, ActUpdate),
			perms(ResTechnicians, ActRead, ActUpdate), perms(ResComplaints, ActRead, ActUpdate), perms(ResRegions, r...),
			perms(ResUsers, r...), perms(ResReports, r...), perms(ResClaims, ActRead, ActApprove), perms(ResCustomers, r...),
			perms(ResParts, r...)),
		RoleSiteManager: join(perms(ResWorkOrders, ActRead, ActUpdate, ActDispatch), perms(ResTechnicians, crud...),
			perms(ResSites, ActRead, ActUpdate), perms(ResClaims, ActRead, ActCreate), perms(ResParts, ActRead, ActCreate),
			perms(ResCustomers, r...), perms(ResUnits, r...), perms(ResCatalog, r...), perms(ResKB, r...),
			perms(ResComplaints, ActRead, ActUpdate), perms(ResReports, r...)),
		RoleTechnician: join(perms(ResWorkOrders, ActRead, ActUpdate), perms(ResParts, ActRead, ActCreate),
			perms(ResCustomers, r...), perms(ResUnits, r...), perms(ResCatalog, r...), perms(ResKB, r...)),
		RolePartsClerk: join(perms(ResParts, crud...), perms(ResClaims, r...), perms(ResSites, r...)),
		RoleKBEditor:   join(perms(ResKB, ActRead, ActCreate, ActUpdate)),
		RoleKBReviewer: join(perms(ResKB, ActRead, ActUpdate, ActApprove)),
		RoleQualityAuditor: join(perms(ResComplaints, ActRead, ActUpdate), perms(ResCallbacks, crud...),
			perms(ResClaims, ActRead, ActApprove), perms(ResWorkOrders, r...), perms(ResCustomers, r...), perms(ResReports, r...),
			// the callback rules editor picks regions, sites, product lines and models
			perms(ResRegions, r...), perms(ResSites, r...), perms(ResCatalog, r...)),
		RoleAnalyst: join(perms(ResReports, r...), perms(ResWorkOrders, r...), perms(ResSites, r...), perms(ResRegions, r...),
			perms(ResComplaints, r...), perms(ResCallbacks, r...), perms(ResClaims, r...),
			perms(ResCatalog, r...),      // product lines, models, service types: the report filters
			perms(ResTechnicians, r...)), // the technician view names them
		RoleIntegration: join(perms(ResWorkOrders, ActRead, ActCreate, ActUpdate), perms(ResCustomers, ActRead, ActCreate, ActUpdate),
			perms(ResUnits, ActRead, ActCreate, ActUpdate), perms(ResSites, ActRead, ActCreate, ActUpdate),
			perms(ResTechnicians, ActRead, ActCreate, ActUpdate), perms(ResParts, r...), perms(ResCatalog, r...), perms(ResRegions, r...),
			perms(ResWebhooks, crud...)),
	}
}

// RoleNames returns the default role names, sorted.
func RoleNames() []string {
	var names []string
	for n := range DefaultRoles() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Subject names of principals in access rules.
func UserSubject(id uuid.UUID) string   { return "user:" + id.String() }
func APIKeySubject(id uuid.UUID) string { return "key:" + id.String() }
func RoleSubject(name string) string    { return "role:" + name }
func RegionObject(id uuid.UUID) string  { return "region:" + id.String() }
func SiteObject(id uuid.UUID) string    { return "site:" + id.String() }

// ScopeAll is the scope object that covers the whole tenant.
const ScopeAll = "scope:all"

// Target is the object an action is performed on, for the scope check.
// A zero Target is tenant-wide (no region or site): only the permission counts.
type Target struct {
	RegionID *uuid.UUID
	SiteID   *uuid.UUID
}

// Scope is the set of regions and sites a principal may act in.
// All covers the whole tenant; a region covers its subtree.
type Scope struct {
	All     bool        `json:"all"`
	Regions []uuid.UUID `json:"regions"`
	Sites   []uuid.UUID `json:"sites"`
}

// Decision explains an access check: the permission and scope rules that
// allowed it, or why it was denied.
type Decision struct {
	Allowed bool `json:"allowed"`
	// PermissionRule is the matched rule as (subject, tenant, resource, action);
	// Via is the role or grant that carried it.
	PermissionRule []string `json:"permission_rule,omitempty"`
	Via            string   `json:"via,omitempty"`
	// ScopeRule says which scope grant covered the target.
	ScopeRule string `json:"scope_rule,omitempty"`
	Reason    string `json:"reason"`
}

// Authorizer decides whether a subject may perform a permission on a target
// within a tenant. Implementations keep tenant rules in memory and reload a
// tenant within a second of a change on any replica.
type Authorizer interface {
	// Authorize returns nil when allowed, EFORBIDDEN otherwise.
	Authorize(ctx context.Context, tenantID uuid.UUID, subject string, perm Permission, target Target) error
	// Explain returns the decision with the rules behind it.
	Explain(ctx context.Context, tenantID uuid.UUID, subject string, perm Permission, target Target) (Decision, error)
	// RolesOf returns the roles of subject in the tenant.
	RolesOf(ctx context.Context, tenantID uuid.UUID, subject string) ([]string, error)
	// PermissionsOf returns every concrete permission (no "*") subject
	// holds in the tenant, whatever the scope, sorted: what a portal may
	// offer the caller.
	PermissionsOf(ctx context.Context, tenantID uuid.UUID, subject string) ([]Permission, error)
	// ScopeOf returns the scope granted directly to subject.
	ScopeOf(ctx context.Context, tenantID uuid.UUID, subject string) (Scope, error)
	// Invalidate drops cached rules of the tenant; called on change notices.
	Invalidate(tenantID uuid.UUID)
}

// AuthzRule is one stored access rule, in Casbin's shape: PType is "p"
// (subject, resource, action), "g" (subject, role) or "g2" (scope parent,
// child), or one of the two kinds that relate a tenant to the platform's
// default roles: RuleDefaultRole and RuleRemoved. The tenant is implied by
// the loader.
type AuthzRule struct {
	PType string
	V     []string
}

// The rule kinds by which a tenant refers to the platform's default roles
// instead of holding a copy of them.
//
// A tenant's built-in role R (a role onboarding created) has the
// permissions of the platform's default role R, less the tenant's
// RuleRemoved rules on role:R, plus the tenant's p rules on role:R. A
// permission the platform later adds to R (a migration adding a row to
// the platform's default roles) thus reaches every tenant at once, except
// one that removed that very permission; a permission the platform drops
// is dropped everywhere except where a tenant had added it itself.
const (
	// RuleDefaultRole (V: role:<name>) says the tenant's role starts from
	// the platform's default role of that name.
	RuleDefaultRole = "d"
	// RuleRemoved (V: role:<name>, resource, action) removes one of the
	// platform default's permissions from the tenant's role.
	RuleRemoved = "p-"
)

// AuthzRuleSource loads a tenant's access rules: its own policies and
// grants, a RuleDefaultRole for each of its built-in roles, plus scope
// links derived from the region tree and site regions.
type AuthzRuleSource interface {
	LoadAuthzRules(ctx context.Context, tenantID uuid.UUID) ([]AuthzRule, error)
}

// DefaultRoleSource loads the platform's default roles and their
// permissions, shared by every tenant. An Authorizer whose rule source
// does not implement it uses DefaultRoles.
type DefaultRoleSource interface {
	LoadDefaultRoles(ctx context.Context) (map[string][]Permission, error)
}

// DefaultTenantRules returns the rules onboarding writes for a new tenant:
// the first admin's role and tenant-wide scope. The default roles'
// permissions are not copied: the tenant's built-in roles refer to the
// platform's (see RuleDefaultRole).
func DefaultTenantRules(admin uuid.UUID) []AuthzRule {
	subject := UserSubject(admin)
	return []AuthzRule{
		{PType: "g", V: []string{subject, RoleSubject(RoleTenantAdmin)}},
		{PType: "g2", V: []string{subject, ScopeAll}}}
}

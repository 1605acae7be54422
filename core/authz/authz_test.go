package authz

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// setup returns an Authorizer over a source holding rules for tenant "t1".
func setup(t *testing.T, rules ...[]core.AuthzRule) (*Authorizer, *memSource) {
	t.Helper()
	src := newMemSource()
	src.set(id("t1"), rules...)
	return New(src), src
}

// roleHolders gives user "<role>" the role of that name and tenant-wide scope.
func roleHolders() []core.AuthzRule {
	var out []core.AuthzRule
	for _, name := range core.RoleNames() {
		out = append(out, g(user(name), name), g2(user(name), core.ScopeAll))
	}
	return out
}

// grants reports whether perms contain a rule that covers want.
func grants(perms []core.Permission, want core.Permission) bool {
	for _, p := range perms {
		if (p.Resource == want.Resource || p.Resource == "*") && (p.Action == want.Action || p.Action == "*") {
			return true
		}
	}
	return false
}

// TestAuthorizeDefaultRoles checks every default role against every resource
// and action: allowed exactly when core.DefaultRoles lists the permission
// (or a "*" rule covering it).
func TestAuthorizeDefaultRoles(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(), roleHolders())
	ctx := context.Background()
	for _, role := range core.RoleNames() {
		for _, res := range core.Resources() {
			for _, act := range core.Actions() {
				want := grants(core.DefaultRoles()[role], perm(res, act))
				err := a.Authorize(ctx, id("t1"), user(role), perm(res, act), core.Target{})
				if want {
					require.NoError(t, err, "%s should hold %s:%s", role, res, act)
				} else {
					require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err), "%s should not hold %s:%s", role, res, act)
				}
			}
		}
	}
}

// TestAuthorizeRoleTable spells out, by hand, decisions that matter to the
// product, so a change to core.DefaultRoles that breaks one is caught even
// though the matrix test above follows DefaultRoles.
func TestAuthorizeRoleTable(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(), roleHolders())
	tests := []struct {
		name  string
		role  string
		perm  core.Permission
		allow bool
	}{
		{"tenant admin holds everything", core.RoleTenantAdmin, perm(core.ResAccess, core.ActUpdate), true},
		{"tenant admin holds an unlisted resource", core.RoleTenantAdmin, perm("gizmos", core.ActDelete), true},
		{"agent creates work orders", core.RoleAgent, perm(core.ResWorkOrders, core.ActCreate), true},
		{"agent does not dispatch", core.RoleAgent, perm(core.ResWorkOrders, core.ActDispatch), false},
		{"agent does not delete customers", core.RoleAgent, perm(core.ResCustomers, core.ActDelete), false},
		{"dispatcher dispatches", core.RoleDispatcher, perm(core.ResWorkOrders, core.ActDispatch), true},
		{"region manager approves claims", core.RoleRegionManager, perm(core.ResClaims, core.ActApprove), true},
		{"site manager manages technicians", core.RoleSiteManager, perm(core.ResTechnicians, core.ActDelete), true},
		{"site manager does not approve claims", core.RoleSiteManager, perm(core.ResClaims, core.ActApprove), false},
		{"site manager reads reports (scoped to its sites)", core.RoleSiteManager, perm(core.ResReports, core.ActRead), true},
		{"site manager does not rebuild reports", core.RoleSiteManager, perm(core.ResReports, core.ActUpdate), false},
		{"technician records parts", core.RoleTechnician, perm(core.ResParts, core.ActCreate), true},
		{"technician reads no reports", core.RoleTechnician, perm(core.ResReports, core.ActRead), false},
		{"parts clerk deletes parts", core.RolePartsClerk, perm(core.ResParts, core.ActDelete), true},
		{"kb editor does not approve", core.RoleKBEditor, perm(core.ResKB, core.ActApprove), false},
		{"kb reviewer approves", core.RoleKBReviewer, perm(core.ResKB, core.ActApprove), true},
		{"quality auditor deletes callbacks", core.RoleQualityAuditor, perm(core.ResCallbacks, core.ActDelete), true},
		{"analyst only reads", core.RoleAnalyst, perm(core.ResReports, core.ActCreate), false},
		{"analyst reads technicians (the technician view names them)", core.RoleAnalyst, perm(core.ResTechnicians, core.ActRead), true},
		{"analyst does not manage technicians", core.RoleAnalyst, perm(core.ResTechnicians, core.ActUpdate), false},
		{"integration does not touch access", core.RoleIntegration, perm(core.ResAccess, core.ActRead), false},
		{"no role holds a wildcard action it was not given", core.RoleAgent, perm(core.ResWorkOrders, core.ActAll), false},
		{"an empty permission is denied even to the tenant admin", core.RoleTenantAdmin, perm("", ""), false},
		{"an empty action is denied", core.RoleTenantAdmin, perm(core.ResKB, ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Authorize(context.Background(), id("t1"), user(tt.role), tt.perm, core.Target{})
			if tt.allow {
				require.NoError(t, err)
			} else {
				require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err))
			}
		})
	}
}

// TestAuthorizeUserGrants checks that per-user rules add to the roles and
// stay with their subject.
func TestAuthorizeUserGrants(t *testing.T) {
	t.Parallel()
	key := core.APIKeySubject(id("key1"))
	a, _ := setup(t, defaultRoleRules(), []core.AuthzRule{
		g(user("tech"), core.RoleTechnician), g2(user("tech"), core.ScopeAll),
		p(user("tech"), core.ResReports, core.ActRead),
		p(user("tech"), core.ResKB, core.ActAll),
		g(user("peer"), core.RoleTechnician), g2(user("peer"), core.ScopeAll),
		p(key, core.ResWorkOrders, core.ActCreate), g2(key, core.ScopeAll),
	})
	tests := []struct {
		name    string
		subject string
		perm    core.Permission
		allow   bool
	}{
		{"the role still counts", user("tech"), perm(core.ResWorkOrders, core.ActUpdate), true},
		{"a grant adds a permission", user("tech"), perm(core.ResReports, core.ActRead), true},
		{"a grant of * covers every action", user("tech"), perm(core.ResKB, core.ActApprove), true},
		{"a grant adds only what it names", user("tech"), perm(core.ResReports, core.ActDelete), false},
		{"a grant is not shared with the role", user("peer"), perm(core.ResReports, core.ActRead), false},
		{"an API key holds its grant", key, perm(core.ResWorkOrders, core.ActCreate), true},
		{"an API key holds nothing else", key, perm(core.ResWorkOrders, core.ActRead), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Authorize(context.Background(), id("t1"), tt.subject, tt.perm, core.Target{})
			if tt.allow {
				require.NoError(t, err)
			} else {
				require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err))
			}
		})
	}
}

// TestAuthorizeMessages checks that a denial says what is missing and
// nothing more.
func TestAuthorizeMessages(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(), testTree(), []core.AuthzRule{
		g(user("ann"), core.RoleAgent), g2(user("ann"), region("provA")),
	})
	tests := []struct {
		name    string
		subject string
		perm    core.Permission
		target  core.Target
		message string
	}{
		{"missing permission", user("ann"), perm(core.ResWorkOrders, core.ActDispatch), atSite("siteA1"),
			"Missing permission work_orders:dispatch."},
		{"site out of scope", user("ann"), perm(core.ResWorkOrders, core.ActRead), atSite("siteC1"),
			fmt.Sprintf("Site %s is outside your scope.", id("siteC1"))},
		{"region out of scope", user("ann"), perm(core.ResWorkOrders, core.ActRead), inRegion("north"),
			fmt.Sprintf("Region %s is outside your scope.", id("north"))},
		{"a role is not a principal", core.RoleSubject(core.RoleTenantAdmin), perm(core.ResKB, core.ActRead), core.Target{},
			"Unknown principal."},
		{"a scope is not a principal", region("provA"), perm(core.ResKB, core.ActRead), inRegion("provA"),
			"Unknown principal."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Authorize(context.Background(), id("t1"), tt.subject, tt.perm, tt.target)
			require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err))
			require.Equal(t, tt.message, core.ErrorMessage(err))
		})
	}
}

// TestUnknownResource checks that rules on resources this build does not
// list (and "*" rules) still apply: they live in the fallback section.
func TestUnknownResource(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, []core.AuthzRule{
		p(user("u"), "gizmos", core.ActRead), p(user("u"), "*", core.ActApprove),
	})
	ctx := context.Background()
	require.NoError(t, a.Authorize(ctx, id("t1"), user("u"), perm("gizmos", core.ActRead), core.Target{}))
	require.NoError(t, a.Authorize(ctx, id("t1"), user("u"), perm("gadgets", core.ActApprove), core.Target{}))
	require.NoError(t, a.Authorize(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActApprove), core.Target{}))
	require.Error(t, a.Authorize(ctx, id("t1"), user("u"), perm("gadgets", core.ActRead), core.Target{}))
}

// TestRolesOf checks role listing, including a role held through another.
func TestRolesOf(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, []core.AuthzRule{
		g(user("u"), core.RoleTechnician), g(user("u"), core.RoleAgent),
		g(user("lead"), "team_lead"), g(core.RoleSubject("team_lead"), core.RoleTechnician),
	})
	tests := []struct {
		name    string
		subject string
		want    []string
	}{
		{"direct roles, sorted", user("u"), []string{core.RoleAgent, core.RoleTechnician}},
		{"a role through another role", user("lead"), []string{"team_lead", core.RoleTechnician}},
		{"no roles", user("nobody"), []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.RolesOf(context.Background(), id("t1"), tt.subject)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestPermissionsOf lists what each default role holds, concretely (a "*"
// rule becomes every permission it covers), whatever the scope: a user with
// a role but no scope still holds its permissions.
func TestPermissionsOf(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(), roleHolders(), []core.AuthzRule{g(user("unscoped"), core.RoleAgent)})
	ctx := context.Background()
	for _, role := range core.RoleNames() {
		got, err := a.PermissionsOf(ctx, id("t1"), user(role))
		require.NoError(t, err)
		var want []core.Permission
		for _, res := range core.Resources() {
			for _, act := range core.Actions() {
				if act != core.ActAll && grants(core.DefaultRoles()[role], perm(res, act)) {
					want = append(want, perm(res, act))
				}
			}
		}
		require.Equal(t, want, got, role)
	}
	admin, err := a.PermissionsOf(ctx, id("t1"), user(core.RoleTenantAdmin))
	require.NoError(t, err)
	require.Len(t, admin, len(core.Resources())*(len(core.Actions())-1), "a tenant admin holds every permission")
	agent, err := a.PermissionsOf(ctx, id("t1"), user(core.RoleAgent))
	require.NoError(t, err)
	unscoped, err := a.PermissionsOf(ctx, id("t1"), user("unscoped"))
	require.NoError(t, err)
	require.Equal(t, agent, unscoped)
	require.NotContains(t, agent, perm(core.ResWorkOrders, core.ActDispatch), "an agent does not dispatch")
	nobody, err := a.PermissionsOf(ctx, id("t1"), user("nobody"))
	require.NoError(t, err)
	require.Empty(t, nobody)
	role, err := a.PermissionsOf(ctx, id("t1"), core.RoleSubject(core.RoleTenantAdmin))
	require.NoError(t, err)
	require.Empty(t, role, "a role is not a principal")
}

// TestMalformedRules checks that a bad rule fails the load loudly.
func TestMalformedRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule core.AuthzRule
	}{
		{"unknown type", core.AuthzRule{PType: "p2", V: []string{"a", "b", "c"}}},
		{"short p", core.AuthzRule{PType: "p", V: []string{user("u"), core.ResKB}}},
		{"long g", core.AuthzRule{PType: "g", V: []string{user("u"), "role:x", "extra"}}},
		{"empty value", g2(user("u"), "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := setup(t, []core.AuthzRule{tt.rule})
			err := a.Authorize(context.Background(), id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
			require.Error(t, err)
			require.Equal(t, core.EINTERNAL, core.ErrorCode(err))
		})
	}
}

// TestTenantsBeyondTheBoundAreDropped: beyond WithMaxTenants tenants are
// dropped down to keepShare of it, each the less recently checked of a random
// sample, never the one checked last; a dropped tenant loads again on its
// next check, a kept one does not.
func TestTenantsBeyondTheBoundAreDropped(t *testing.T) {
	src := newMemSource()
	a := New(src, WithMaxTenants(10))
	ctx := context.Background()
	ids := make([]uuid.UUID, 40)
	check := func(id uuid.UUID) {
		_ = a.Authorize(ctx, id, "user:nobody", core.Permission{Resource: core.ResUsers, Action: core.ActRead}, core.Target{})
	}
	for i := range ids {
		ids[i] = uuid.New()
		check(ids[i])
		a.mu.RLock()
		_, kept := a.tenants[ids[i]]
		loaded := len(a.tenants)
		a.mu.RUnlock()
		require.True(t, kept, "tenant %d, just loaded, stays", i)
		require.LessOrEqual(t, loaded, 10)
	}
	for i, id := range ids {
		a.mu.RLock()
		_, kept := a.tenants[id]
		a.mu.RUnlock()
		check(id)
		if kept {
			require.Equal(t, 1, src.loadCount(id), "tenant %d was kept and does not load again", i)
		} else {
			require.Equal(t, 2, src.loadCount(id), "tenant %d was dropped and loads again", i)
		}
	}
}

// TestARotationLargerThanTheCacheMostlyHits: 1,100 tenants checked in
// turn, again and again, with room for 1,000. Strict LRU would drop each
// tenant just before its next check, and every check would load (the
// reload storm issue 20 measured); sampled eviction keeps most of the
// rotation loaded.
func TestARotationLargerThanTheCacheMostlyHits(t *testing.T) {
	src := newMemSource()
	a := New(src, WithMaxTenants(1000))
	ctx := context.Background()
	ids := make([]uuid.UUID, 1100)
	for i := range ids {
		ids[i] = uuid.New()
	}
	loads := func() (n int) {
		for _, id := range ids {
			n += src.loadCount(id)
		}
		return n
	}
	for range 2 { // warm up
		for _, id := range ids {
			_ = a.Authorize(ctx, id, "user:nobody", core.Permission{Resource: core.ResUsers, Action: core.ActRead}, core.Target{})
		}
	}
	before := loads()
	const rounds = 5
	for range rounds {
		for _, id := range ids {
			_ = a.Authorize(ctx, id, "user:nobody", core.Permission{Resource: core.ResUsers, Action: core.ActRead}, core.Target{})
		}
	}
	missRate := float64(loads()-before) / float64(rounds*len(ids))
	t.Logf("miss rate %.3f over %d rounds of %d tenants with room for 1,000", missRate, rounds, len(ids))
	require.Less(t, missRate, 0.35, "most checks of the rotation find their tenant loaded")
}

// TestCacheBytesBoundTheLoadedTenants: WithCacheBytes bounds the tenants'
// estimated heap: tenants with many rules take more of it.
func TestCacheBytesBoundTheLoadedTenants(t *testing.T) {
	src := newMemSource()
	var rules []core.AuthzRule
	for i := range 300 {
		rules = append(rules, core.AuthzRule{PType: "p", V: []string{fmt.Sprintf("role:r%d", i), "users", "read"}})
	}
	one, err := newTenant(uuid.New(), rules, 10, mustDefaults(t))
	require.NoError(t, err)
	require.Greater(t, one.cost, int64(300*300), "each compiled role counts")
	bound := 20 * one.cost
	a := New(src, WithMaxTenants(1000), WithCacheBytes(bound))
	ctx := context.Background()
	for range 100 {
		id := uuid.New()
		src.set(id, rules)
		_ = a.Authorize(ctx, id, "user:nobody", core.Permission{Resource: core.ResUsers, Action: core.ActRead}, core.Target{})
		a.mu.RLock()
		loaded, bytes := len(a.tenants), a.bytes
		a.mu.RUnlock()
		require.LessOrEqual(t, bytes, bound)
		require.LessOrEqual(t, loaded, 20)
	}
	a.InvalidateAll()
	require.Zero(t, a.bytes)
}

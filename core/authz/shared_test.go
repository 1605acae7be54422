package authz

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	defaultrolemanager "github.com/casbin/casbin/v2/rbac/default-role-manager"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func mustDefaults(t testing.TB) *defaultRoles {
	d, err := newDefaultRoles(core.DefaultRoles())
	require.NoError(t, err)
	return d
}

// shared rewrites full rules (every default role's permissions copied as p
// rules, as tenants stored them before issue 20) the way the store now
// keeps them: a RuleDefaultRole per default role, the copy's differences
// from the default as p rules (added) and RuleRemoved rules (removed).
func shared(full []core.AuthzRule) []core.AuthzRule {
	defaults := map[[3]string]bool{}
	var out []core.AuthzRule
	for name, perms := range core.DefaultRoles() {
		out = append(out, core.AuthzRule{PType: core.RuleDefaultRole, V: []string{core.RoleSubject(name)}})
		for _, p := range perms {
			defaults[[3]string{core.RoleSubject(name), p.Resource, p.Action}] = true
		}
	}
	kept := map[[3]string]bool{}
	for _, r := range full {
		if r.PType == "p" && defaults[[3]string(r.V)] {
			kept[[3]string(r.V)] = true
			continue
		}
		out = append(out, r)
	}
	for k := range defaults {
		if !kept[k] {
			out = append(out, core.AuthzRule{PType: core.RuleRemoved, V: k[:]})
		}
	}
	return out
}

// oracle decides as the authorizer did before issue 20, from scratch: one
// Casbin enforcer with the whole rule set, roles of roles through g in the
// matcher on Casbin's own role manager, scope through a second one.
type oracle struct {
	e      *casbin.Enforcer
	scopes *defaultrolemanager.RoleManagerImpl
	dom    string
}

func newOracle(t testing.TB, dom string, rules []core.AuthzRule) *oracle {
	m, err := model.NewModelFromString(`[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = (p.act == r.act || p.act == "*") && (p.obj == r.obj || p.obj == "*") && p.dom == r.dom && g(r.sub, p.sub, r.dom)
`)
	require.NoError(t, err)
	e, err := casbin.NewEnforcer(m)
	require.NoError(t, err)
	o := &oracle{e: e, scopes: defaultrolemanager.NewRoleManagerImpl(10), dom: dom}
	for _, r := range rules {
		switch r.PType {
		case "p":
			_, err = e.AddPolicy(r.V[0], dom, r.V[1], r.V[2])
		case "g":
			_, err = e.AddGroupingPolicy(r.V[0], r.V[1], dom)
		case "g2":
			err = o.scopes.AddLink(r.V[0], r.V[1])
		}
		require.NoError(t, err)
	}
	return o
}

func (o *oracle) allowed(t testing.TB, sub string, pm core.Permission, target core.Target) bool {
	if pm.Resource == "" || pm.Action == "" || !(len(sub) > 5 && (sub[:5] == "user:" || sub[:4] == "key:")) {
		return false
	}
	ok, err := o.e.Enforce(sub, o.dom, pm.Resource, pm.Action)
	require.NoError(t, err)
	if !ok {
		return false
	}
	obj := scopeObjectOf(target)
	if obj == "" {
		return true
	}
	all, _ := o.scopes.HasLink(sub, core.ScopeAll)
	in, _ := o.scopes.HasLink(sub, obj)
	return all || in
}

// TestSharedDefaultsDecideAsCopies: random tenants with default roles
// (some changed: permissions removed and added), custom roles, roles of
// roles, direct grants and scopes. The same tenant loaded from full copies
// of the default roles and from references to the shared defaults with
// its differences must decide every check as the old design did (the
// oracle, Casbin over the whole rule set).
func TestSharedDefaultsDecideAsCopies(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	names := []string{"country", "north", "south", "provA", "provB", "provC", "cityA1", "cityA2", "cityB1", "cityC1", "ghost"}
	sites := []string{"siteA1", "siteA2", "siteB1", "siteC1", "nowhere"}
	resources := append(core.Resources(), "gizmos", "*")
	actions := append(core.Actions(), "fly")
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	roles := append(core.RoleNames(), "custom_a", "custom_b")
	ctx := context.Background()
	checked, allowed := 0, 0
	for range 25 {
		tid := uuid.New()
		var full []core.AuthzRule
		for _, r := range defaultRoleRules() {
			if rng.IntN(12) > 0 { // a tenant removed one default permission in twelve
				full = append(full, r)
			}
		}
		for range rng.IntN(6) { // added permissions, to default and custom roles
			full = append(full, p(core.RoleSubject(pick(roles)), pick(resources), pick(actions)))
		}
		if rng.IntN(2) == 0 {
			full = append(full, g(core.RoleSubject("custom_b"), pick(core.RoleNames())))
		}
		full = append(full, testTree()...)
		var subjects []string
		for u := range 12 {
			sub := user(string(rune('a' + u)))
			if u%4 == 3 {
				sub = core.APIKeySubject(id(sub))
			}
			subjects = append(subjects, sub)
			for range rng.IntN(3) {
				full = append(full, g(sub, pick(roles)))
			}
			for range rng.IntN(2) {
				full = append(full, p(sub, pick(resources), pick(actions)))
			}
			switch rng.IntN(4) {
			case 0:
				full = append(full, g2(sub, core.ScopeAll))
			case 1:
				full = append(full, g2(sub, region(pick(names))))
			case 2:
				full = append(full, g2(sub, site(pick(sites))), g2(sub, region(pick(names))))
			}
		}
		src := newMemSource()
		sharedID := uuid.New()
		src.set(tid, full)
		src.set(sharedID, shared(full))
		a := New(src)
		o := newOracle(t, tid.String(), full)
		subjects = append(subjects, user("stranger"), "role:agent")
		for range 400 {
			sub, pm := pick(subjects), perm(pick(resources), pick(actions))
			var target core.Target
			switch rng.IntN(4) {
			case 1:
				target = inRegion(pick(names))
			case 2:
				target = atSite(pick(sites))
			}
			want := o.allowed(t, sub, pm, target)
			got := a.Authorize(ctx, tid, sub, pm, target)
			require.Equal(t, want, got == nil, "copies: %s %s %+v: %v", sub, pm, target, got)
			got = a.Authorize(ctx, sharedID, sub, pm, target)
			require.Equal(t, want, got == nil, "shared: %s %s %+v: %v", sub, pm, target, got)
			checked++
			if want {
				allowed++
			}
		}
	}
	require.Greater(t, allowed, checked/20, "the random cases should allow often enough")
}

// TestDefaultRolesAreShared: tenants that did not change a default role
// use the very table the process compiled once; a tenant that changed it
// gets its own, and only it sees the change.
func TestDefaultRolesAreShared(t *testing.T) {
	t.Parallel()
	src := newMemSource()
	plain, changed := uuid.New(), uuid.New()
	holder := []core.AuthzRule{g(user("u"), core.RoleAgent)}
	src.set(plain, shared(defaultRoleRules()), holder)
	src.set(changed, shared(slices.Concat(
		slices.DeleteFunc(defaultRoleRules(), func(r core.AuthzRule) bool {
			return r.V[0] == core.RoleSubject(core.RoleAgent) && r.V[1] == core.ResKB
		}),
		[]core.AuthzRule{p(core.RoleSubject(core.RoleAgent), core.ResReports, core.ActRead)})), holder)
	a := New(src)
	ctx := context.Background()
	require.NoError(t, a.Authorize(ctx, plain, user("u"), perm(core.ResKB, core.ActRead), core.Target{}))
	require.Error(t, a.Authorize(ctx, plain, user("u"), perm(core.ResReports, core.ActRead), core.Target{}))
	require.Error(t, a.Authorize(ctx, changed, user("u"), perm(core.ResKB, core.ActRead), core.Target{}))
	require.NoError(t, a.Authorize(ctx, changed, user("u"), perm(core.ResReports, core.ActRead), core.Target{}))
	tp, err := a.tenant(ctx, plain)
	require.NoError(t, err)
	tc, err := a.tenant(ctx, changed)
	require.NoError(t, err)
	agent := core.RoleSubject(core.RoleAgent)
	np, _ := tp.roles.names.find(agent)
	nc, _ := tc.roles.names.find(agent)
	require.Same(t, a.defaults.tables[agent], tp.perms[np], "an unchanged default role is the shared table")
	require.NotSame(t, a.defaults.tables[agent], tc.perms[nc], "a changed one is the tenant's own")
	admin := core.RoleSubject(core.RoleTenantAdmin)
	na, _ := tc.roles.names.find(admin)
	require.Same(t, a.defaults.tables[admin], tc.perms[na], "the tenant shares the roles it did not change")
}

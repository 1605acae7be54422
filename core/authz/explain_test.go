package authz

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestExplain checks the rule, the role or grant, and the scope path that
// Explain reports.
func TestExplain(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(), testTree(), []core.AuthzRule{
		g(user("ann"), core.RoleAgent), g2(user("ann"), region("north")),
		p(user("ann"), core.ResReports, core.ActRead),
		g(user("bob"), core.RoleTenantAdmin), g2(user("bob"), core.ScopeAll),
	})
	t1 := id("t1").String()
	tests := []struct {
		name   string
		sub    string
		perm   core.Permission
		target core.Target
		want   core.Decision
	}{
		{"via a role, down the region tree", user("ann"), perm(core.ResWorkOrders, core.ActRead), atSite("siteA2"), core.Decision{
			Allowed:        true,
			PermissionRule: []string{"role:agent", t1, core.ResWorkOrders, core.ActRead},
			Via:            "role:agent",
			ScopeRule:      strings.Join([]string{user("ann"), region("north"), region("provA"), region("cityA2"), site("siteA2")}, " → "),
			Reason: "Allowed: role:agent gives work_orders:read, and " + site("siteA2") + " is in scope through " +
				strings.Join([]string{user("ann"), region("north"), region("provA"), region("cityA2"), site("siteA2")}, " → ") + ".",
		}},
		{"via a direct grant, tenant-wide", user("ann"), perm(core.ResReports, core.ActRead), core.Target{}, core.Decision{
			Allowed:        true,
			PermissionRule: []string{user("ann"), t1, core.ResReports, core.ActRead},
			Via:            ViaGrant,
			Reason:         "Allowed: a direct grant gives reports:read, and the target is tenant-wide.",
		}},
		{"via a wildcard rule and scope:all", user("bob"), perm(core.ResClaims, core.ActApprove), inRegion("cityC1"), core.Decision{
			Allowed:        true,
			PermissionRule: []string{"role:tenant_admin", t1, "*", "*"},
			Via:            "role:tenant_admin",
			ScopeRule:      user("bob") + " → scope:all",
			Reason:         "Allowed: role:tenant_admin gives claims:approve, and " + region("cityC1") + " is in scope through " + user("bob") + " → scope:all.",
		}},
		{"no permission", user("ann"), perm(core.ResWorkOrders, core.ActDispatch), atSite("siteA2"), core.Decision{
			Reason: "Denied: no rule of " + user("ann") + " or of its roles gives work_orders:dispatch.",
		}},
		{"out of scope", user("ann"), perm(core.ResWorkOrders, core.ActRead), atSite("siteC1"), core.Decision{
			PermissionRule: []string{"role:agent", t1, core.ResWorkOrders, core.ActRead},
			Via:            "role:agent",
			Reason:         "Denied: role:agent gives work_orders:read, but " + site("siteC1") + " is outside the scope of " + user("ann") + ".",
		}},
		{"not a principal", "role:agent", perm(core.ResWorkOrders, core.ActRead), core.Target{}, core.Decision{
			Reason: `Denied: "role:agent" is not a user or an API key.`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := a.Explain(context.Background(), id("t1"), tt.sub, tt.perm, tt.target)
			require.NoError(t, err)
			require.Equal(t, tt.want, d)
		})
	}
}

// TestExplainAgreesWithAuthorize draws random subjects, permissions and
// targets (known and unknown) over random rule sets and requires Explain and
// Authorize to make the same decision, Explain's details to fit it, and the
// same tenant kept as references to the shared default roles to decide the
// same.
func TestExplainAgreesWithAuthorize(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"country", "north", "south", "provA", "provB", "provC", "cityA1", "cityA2", "cityB1", "cityC1", "ghost"}
	sites := []string{"siteA1", "siteA2", "siteB1", "siteC1", "nowhere"}
	resources := append(core.Resources(), "gizmos")
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	ctx := context.Background()
	allowed := 0
	for tenant := range 20 {
		tid := uuid.New()
		rules := concat(defaultRoleRules(), testTree())
		var subjects []string
		for u := range 12 {
			sub := user(string(rune('a' + u)))
			if u%4 == 3 {
				sub = core.APIKeySubject(id(sub))
			}
			subjects = append(subjects, sub)
			for range rng.IntN(3) {
				rules = append(rules, g(sub, pick(core.RoleNames())))
			}
			for range rng.IntN(3) {
				rules = append(rules, p(sub, pick(append(resources, "*")), pick(core.Actions())))
			}
			switch rng.IntN(4) {
			case 0:
				rules = append(rules, g2(sub, core.ScopeAll))
			case 1:
				rules = append(rules, g2(sub, region(pick(names))))
			case 2:
				rules = append(rules, g2(sub, site(pick(sites))), g2(sub, region(pick(names))))
			}
		}
		src := newMemSource()
		src.set(tid, rules)
		sharedID := uuid.New()
		src.set(sharedID, shared(rules))
		a := New(src)
		subjects = append(subjects, user("stranger"), "role:agent")
		for range 500 {
			sub, pm := pick(subjects), perm(pick(resources), pick(core.Actions()))
			var target core.Target
			switch rng.IntN(4) {
			case 1:
				target = inRegion(pick(names))
			case 2:
				target = atSite(pick(sites))
			case 3:
				target = inRegion(pick(names))
				target.SiteID = atSite(pick(sites)).SiteID
			}
			err := a.Authorize(ctx, tid, sub, pm, target)
			d, derr := a.Explain(ctx, tid, sub, pm, target)
			require.NoError(t, derr)
			require.Equal(t, err == nil, d.Allowed, "tenant %d %s %s %+v: authorize %v, explain %+v", tenant, sub, pm, target, err, d)
			sd, derr := a.Explain(ctx, sharedID, sub, pm, target)
			require.NoError(t, derr)
			require.Equal(t, d.Allowed, sd.Allowed)
			require.Equal(t, d.ScopeRule, sd.ScopeRule)
			if err != nil {
				require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err))
			}
			if !d.Allowed {
				require.Empty(t, d.ScopeRule)
				continue
			}
			allowed++
			require.Len(t, d.PermissionRule, 4)
			require.Equal(t, tid.String(), d.PermissionRule[1])
			require.Contains(t, []string{pm.Resource, "*"}, d.PermissionRule[2])
			require.Contains(t, []string{pm.Action, "*"}, d.PermissionRule[3])
			if d.PermissionRule[0] == sub {
				require.Equal(t, ViaGrant, d.Via)
			} else {
				require.Equal(t, d.PermissionRule[0], d.Via)
				require.True(t, strings.HasPrefix(d.Via, "role:"))
			}
			if obj := scopeObjectOf(target); obj != "" {
				require.True(t, strings.HasPrefix(d.ScopeRule, sub+" → "), d.ScopeRule)
				require.True(t, strings.HasSuffix(d.ScopeRule, " → "+obj) || strings.HasSuffix(d.ScopeRule, " → "+core.ScopeAll), d.ScopeRule)
			} else {
				require.Empty(t, d.ScopeRule)
			}
		}
	}
	require.Greater(t, allowed, 400, "the random cases should allow often enough to test the details")
}

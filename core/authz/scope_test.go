package authz

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestAuthorizeScope checks scope on the test tree: a region grant covers its
// subtree and the sites in it and nothing beside or above it; a site grant
// covers that site only; scope:all covers everything.
func TestAuthorizeScope(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(), testTree(), []core.AuthzRule{
		g(user("prov"), core.RoleAgent), g2(user("prov"), region("provA")),
		g(user("site"), core.RoleAgent), g2(user("site"), site("siteB1")),
		g(user("two"), core.RoleAgent), g2(user("two"), region("cityA2")), g2(user("two"), site("siteC1")),
		g(user("all"), core.RoleAgent), g2(user("all"), core.ScopeAll),
		g(user("none"), core.RoleAgent),
	})
	siteC1, provA := id("siteC1"), id("provA")
	tests := []struct {
		name    string
		subject string
		target  core.Target
		allow   bool
	}{
		{"province grant covers the province", user("prov"), inRegion("provA"), true},
		{"province grant covers its cities", user("prov"), inRegion("cityA2"), true},
		{"province grant covers sites of its cities", user("prov"), atSite("siteA1"), true},
		{"province grant misses the sibling province", user("prov"), inRegion("provB"), false},
		{"province grant misses the sibling's sites", user("prov"), atSite("siteB1"), false},
		{"province grant misses the parent region", user("prov"), inRegion("north"), false},
		{"province grant misses another branch", user("prov"), atSite("siteC1"), false},
		{"province grant misses an unknown site", user("prov"), atSite("nowhere"), false},
		{"site grant covers the site", user("site"), atSite("siteB1"), true},
		{"site grant misses the site's city", user("site"), inRegion("cityB1"), false},
		{"site grant misses a sibling site", user("site"), atSite("siteA1"), false},
		{"two grants: the city", user("two"), atSite("siteA2"), true},
		{"two grants: the site", user("two"), atSite("siteC1"), true},
		{"two grants: neither", user("two"), atSite("siteA1"), false},
		{"scope:all covers a site", user("all"), atSite("siteC1"), true},
		{"scope:all covers the root region", user("all"), inRegion("country"), true},
		{"scope:all covers an unknown site", user("all"), atSite("nowhere"), true},
		{"no scope: tenant-wide target", user("none"), core.Target{}, true},
		{"no scope: a region", user("none"), inRegion("cityA1"), false},
		{"the site decides over the region", user("prov"), core.Target{SiteID: &siteC1, RegionID: &provA}, false},
		{"zero target needs no scope", user("site"), core.Target{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Authorize(context.Background(), id("t1"), tt.subject, perm(core.ResWorkOrders, core.ActRead), tt.target)
			if tt.allow {
				require.NoError(t, err)
			} else {
				require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err))
			}
		})
	}
}

// TestScopeDepth checks that a chain of links as deep as the configured
// depth is followed to the end, one link deeper is not, and that Explain
// agrees with Authorize on both. The default depth must cover the deepest
// real tree (user, four region levels, site) with room to spare.
func TestScopeDepth(t *testing.T) {
	t.Parallel()
	// chain returns links user -> r1 -> ... -> r(n-1) -> site: n links.
	chain := func(n int) []core.AuthzRule {
		out := []core.AuthzRule{p(user("u"), core.ResKB, core.ActRead)}
		prev := user("u")
		for i := 1; i < n; i++ {
			r := region("deep" + string(rune('a'+i)))
			out = append(out, g2(prev, r))
			prev = r
		}
		return append(out, g2(prev, site("deep")))
	}
	tests := []struct {
		name  string
		opts  []Option
		links int
		allow bool
	}{
		{"the real tree", nil, 6, true},
		{"as deep as the default", nil, 10, true},
		{"deeper than the default", nil, 11, false},
		{"depth below the minimum is raised", []Option{WithMaxDepth(2)}, MinDepth, true},
		{"a larger depth", []Option{WithMaxDepth(16)}, 16, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newMemSource()
			src.set(id("t1"), chain(tt.links))
			a := New(src, tt.opts...)
			ctx := context.Background()
			err := a.Authorize(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), atSite("deep"))
			d, derr := a.Explain(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), atSite("deep"))
			require.NoError(t, derr)
			require.Equal(t, tt.allow, err == nil, "authorize: %v", err)
			require.Equal(t, tt.allow, d.Allowed, d.Reason)
		})
	}
}

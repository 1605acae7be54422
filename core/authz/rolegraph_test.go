package authz

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	defaultrolemanager "github.com/casbin/casbin/v2/rbac/default-role-manager"
	"github.com/stretchr/testify/require"
)

// TestRoleGraphMatchesCasbin checks the compact role manager against
// Casbin's default one on random graphs with cycles, diamonds and chains
// longer than the depth: HasLink, walked either way, and the implicit roles
// and users must be the same.
func TestRoleGraphMatchesCasbin(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	const dom = "tenant"
	for round := range 30 {
		depth := 2 + rng.IntN(6)
		n := 5 + rng.IntN(25)
		name := func() string { return fmt.Sprintf("n%d", rng.IntN(n)) }
		casbinRM := defaultrolemanager.NewRoleManager(depth)
		down, up := newRoleGraph(dom, depth, false), newRoleGraph(dom, depth, true)
		seen := map[[2]string]bool{}
		for range n + rng.IntN(2*n) {
			l := [2]string{name(), name()}
			if seen[l] { // Casbin's model drops duplicate rules before they get here
				continue
			}
			seen[l] = true
			require.NoError(t, casbinRM.AddLink(l[0], l[1], dom))
			require.NoError(t, down.AddLink(l[0], l[1], dom))
			require.NoError(t, up.AddLink(l[0], l[1], dom))
		}
		for i := range n + 1 { // n+1: one name that has no links
			a := fmt.Sprintf("n%d", i)
			for j := range n + 1 {
				b := fmt.Sprintf("n%d", j)
				want, err := casbinRM.HasLink(a, b, dom)
				require.NoError(t, err)
				got, _ := down.HasLink(a, b, dom)
				require.Equal(t, want, got, "round %d down %s->%s depth %d", round, a, b, depth)
				got, _ = up.HasLink(a, b, dom)
				require.Equal(t, want, got, "round %d up %s->%s depth %d", round, a, b, depth)
				p := up.path(a, b)
				require.Equal(t, want, p != nil)
				if p != nil {
					require.Equal(t, a, p[0])
					require.Equal(t, b, p[len(p)-1])
					require.LessOrEqual(t, len(p)-1, depth)
					for k := 1; k < len(p); k++ {
						require.True(t, seen[[2]string{p[k-1], p[k]}], "path %v uses a link that does not exist", p)
					}
				}
			}
			want, _ := casbinRM.GetImplicitRoles(a, dom)
			got, _ := down.GetImplicitRoles(a, dom)
			require.ElementsMatch(t, without(want, a), without(got, a), "round %d roles of %s", round, a)
			want, _ = casbinRM.GetImplicitUsers(a, dom)
			got, _ = down.GetImplicitUsers(a, dom)
			require.ElementsMatch(t, without(want, a), without(got, a), "round %d users of %s", round, a)
		}
	}
}

// without drops name from names: in a cycle Casbin may list a name among
// its own implicit roles, which says nothing about a link.
func without(names []string, name string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == name })
}

// TestRoleGraphDomain checks that a role manager answers only for its tenant.
func TestRoleGraphDomain(t *testing.T) {
	t.Parallel()
	g := newRoleGraph("A", 10, false)
	require.NoError(t, g.AddLink("user:x", "role:admin", "A"))
	require.ErrorIs(t, g.AddLink("user:x", "role:admin", "B"), errOtherDomain)
	ok, err := g.HasLink("user:x", "role:admin", "A")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = g.HasLink("user:x", "role:admin", "B")
	require.NoError(t, err)
	require.False(t, ok)
	roles, err := g.GetRoles("user:x", "B")
	require.NoError(t, err)
	require.Empty(t, roles)
}

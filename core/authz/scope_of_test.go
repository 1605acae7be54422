package authz

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestScopeOf: a subject's direct scope grants, as the store would list
// them; other subjects' and the region tree's links are not included.
func TestScopeOf(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(),
		[]core.AuthzRule{{PType: "g2", V: []string{user("u"), region("gd")}}, {PType: "g2", V: []string{user("u"), site("s1")}},
			{PType: "g2", V: []string{region("gd"), region("sz")}}, {PType: "g2", V: []string{user("admin"), core.ScopeAll}}})
	ctx := context.Background()
	sc, err := a.ScopeOf(ctx, id("t1"), user("u"))
	require.NoError(t, err)
	require.False(t, sc.All)
	require.Len(t, sc.Regions, 1)
	require.Len(t, sc.Sites, 1)
	sc, err = a.ScopeOf(ctx, id("t1"), user("admin"))
	require.NoError(t, err)
	require.True(t, sc.All)
	sc, err = a.ScopeOf(ctx, id("t1"), user("nobody"))
	require.NoError(t, err)
	require.False(t, sc.All)
	require.Empty(t, sc.Regions)
	sc, err = a.ScopeOf(ctx, id("t2"), user("u"))
	require.NoError(t, err)
	require.Empty(t, sc.Regions, "another tenant's grants are not this tenant's")
}

package authz

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestExplainDoesNotLeakRules checks that changing a returned decision does
// not change what the Authorizer remembers or holds.
func TestExplainDoesNotLeakRules(t *testing.T) {
	t.Parallel()
	a, _ := setup(t, defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	ctx := context.Background()
	d, err := a.Explain(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	require.NoError(t, err)
	d.PermissionRule[0] = "user:mallory"
	d, err = a.Explain(ctx, id("t1"), user("u"), perm(core.ResKB, core.ActRead), core.Target{})
	require.NoError(t, err)
	require.Equal(t, "role:agent", d.PermissionRule[0])
}

package authz

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestInvalidateAll: every loaded tenant is reloaded after InvalidateAll.
func TestInvalidateAll(t *testing.T) {
	t.Parallel()
	a, src := setup(t, defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	src.set(id("t2"), defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleAgent)})
	ctx := context.Background()
	dispatch := perm(core.ResWorkOrders, core.ActDispatch)
	for _, tn := range []string{"t1", "t2"} {
		require.Error(t, a.Authorize(ctx, id(tn), user("u"), dispatch, core.Target{}))
		src.set(id(tn), defaultRoleRules(), []core.AuthzRule{g(user("u"), core.RoleDispatcher)})
	}
	a.InvalidateAll()
	for _, tn := range []string{"t1", "t2"} {
		require.NoError(t, a.Authorize(ctx, id(tn), user("u"), dispatch, core.Target{}))
		require.Equal(t, 2, src.loadCount(id(tn)))
	}
}

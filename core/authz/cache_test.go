package authz

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestDecisions checks the bounded verdict memory: it remembers denials as
// well as rules, forgets everything when full, and a nil one remembers
// nothing.
func TestDecisions(t *testing.T) {
	t.Parallel()
	d := newDecisions(3)
	rule := []string{"role:agent", "t", core.ResKB, core.ActRead}
	d.put(decisionKey{"user:a", core.ResKB, core.ActRead}, rule)
	d.put(decisionKey{"user:a", core.ResKB, core.ActDelete}, nil)
	got, ok := d.get(decisionKey{"user:a", core.ResKB, core.ActRead})
	require.True(t, ok)
	require.Equal(t, rule, got)
	got, ok = d.get(decisionKey{"user:a", core.ResKB, core.ActDelete})
	require.True(t, ok, "a denial is remembered too")
	require.Nil(t, got)
	_, ok = d.get(decisionKey{"user:b", core.ResKB, core.ActRead})
	require.False(t, ok)

	d.put(decisionKey{"user:b", core.ResKB, core.ActRead}, rule)
	d.put(decisionKey{"user:c", core.ResKB, core.ActRead}, rule) // the fourth: forget and start again
	_, ok = d.get(decisionKey{"user:a", core.ResKB, core.ActRead})
	require.False(t, ok)
	_, ok = d.get(decisionKey{"user:c", core.ResKB, core.ActRead})
	require.True(t, ok)

	none := newDecisions(0)
	none.put(decisionKey{"user:a", core.ResKB, core.ActRead}, rule)
	_, ok = none.get(decisionKey{"user:a", core.ResKB, core.ActRead})
	require.False(t, ok)
}

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

package api_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestEditingADefaultRoleChangesOnlyThatTenant: the default roles are
// shared by every tenant (issue 20); a tenant admin's edit of one through
// PUT /v1/roles/{name} changes that tenant's role alone, GET /v1/roles
// lists the edited permissions there and the defaults elsewhere, and
// putting the defaults back restores them.
func TestEditingADefaultRoleChangesOnlyThatTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, globex := b.onboard("acme"), b.onboard("globex")
	_, acmeAgent := b.createUser(acme.admin, "acme", "agent.li", []string{"agent"}, map[string]any{"all": true})
	_, globexAgent := b.createUser(globex.admin, "globex", "agent.li", []string{"agent"}, map[string]any{"all": true})
	me := b.mePermissions
	agentRole := func(admin string) []string {
		for _, r := range b.must(200, "GET", "/v1/roles", admin, nil).JSON["items"].([]any) {
			role := r.(map[string]any)
			if role["name"] != "agent" {
				continue
			}
			var out []string
			for _, p := range role["permissions"].([]any) {
				pm := p.(map[string]any)
				out = append(out, pm["resource"].(string)+":"+pm["action"].(string))
			}
			slices.Sort(out)
			return out
		}
		t.Fatal("no agent role")
		return nil
	}
	var defaults []string
	for _, p := range core.DefaultRoles()[core.RoleAgent] {
		defaults = append(defaults, p.String())
	}
	slices.Sort(defaults)
	require.Equal(t, defaults, agentRole(acme.admin))
	require.Equal(t, defaults, agentRole(globex.admin))

	b.must(200, "PUT", "/v1/roles/agent", acme.admin, map[string]any{"permissions": []map[string]string{
		{"resource": "work_orders", "action": "read"}, {"resource": "work_orders", "action": "dispatch"}}})
	require.Equal(t, []string{"work_orders:dispatch", "work_orders:read"}, agentRole(acme.admin))
	require.Equal(t, defaults, agentRole(globex.admin), "the other tenant's agent role is untouched")
	require.Eventually(t, func() bool {
		got := me(acmeAgent)
		return slices.Contains(got, "work_orders:dispatch") && !slices.Contains(got, "work_orders:create")
	}, 5*time.Second, 50*time.Millisecond, "the edited role applies in its tenant")
	got := me(globexAgent)
	require.Contains(t, got, "work_orders:create")
	require.NotContains(t, got, "work_orders:dispatch")

	var body []map[string]string
	for _, p := range core.DefaultRoles()[core.RoleAgent] {
		body = append(body, map[string]string{"resource": p.Resource, "action": p.Action})
	}
	b.must(200, "PUT", "/v1/roles/agent", acme.admin, map[string]any{"permissions": body})
	require.Equal(t, defaults, agentRole(acme.admin), "the defaults are back")
	require.Eventually(t, func() bool {
		got := me(acmeAgent)
		return slices.Contains(got, "work_orders:create") && !slices.Contains(got, "work_orders:dispatch")
	}, 5*time.Second, 50*time.Millisecond)
}

// mePermissions returns the permissions GET /v1/me lists for token.
func (b *testBundle) mePermissions(token string) []string {
	var out []string
	for _, p := range b.must(200, "GET", "/v1/me", token, nil).JSON["permissions"].([]any) {
		out = append(out, p.(string))
	}
	return out
}

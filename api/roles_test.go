package api_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRoleAuthorizationTable: each default role against the foundation's
// endpoints, as a table of expected outcomes (allowed = not 403).
func TestRoleAuthorizationTable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")

	type call struct{ method, path string }
	listUsers := call{"GET", "/v1/users"}
	createUser := call{"POST", "/v1/users"}
	listRegions := call{"GET", "/v1/regions"}
	createRegion := call{"POST", "/v1/regions"}
	createKey := call{"POST", "/v1/api-keys"}
	listRoles := call{"GET", "/v1/roles"}
	me := call{"GET", "/v1/me"}
	reports := call{"GET", "/v1/reports/reputation"}
	calls := []call{me, listUsers, createUser, listRegions, createRegion, createKey, listRoles, reports}

	allow := map[string][]call{
		"tenant_admin":    calls,
		"agent":           {me, listRegions},
		"dispatcher":      {me, listRegions},
		"region_manager":  {me, listUsers, listRegions, reports},
		"site_manager":    {me, reports},
		"technician":      {me},
		"parts_clerk":     {me},
		"kb_editor":       {me},
		"kb_reviewer":     {me},
		"quality_auditor": {me, listRegions, reports},
		"analyst":         {me, listRegions, reports},
		"integration":     {me, listRegions},
	}
	for role, allowed := range allow {
		_, tok := b.createUser(acme.admin, "acme", "u-"+role, []string{role}, map[string]any{"all": true})
		for i, c := range calls {
			var body any
			switch c {
			case createUser:
				body = map[string]any{"username": fmt.Sprintf("n%d-%s", i, role), "password": adminPassword, "roles": []string{}}
			case createRegion:
				body = map[string]any{"parent_id": cn.String(), "level": "province", "code": "P-" + role, "name": "p"}
			case createKey:
				body = map[string]any{"name": "k", "roles": []string{"analyst"}}
			}
			r := b.do(c.method, c.path, tok, body)
			want := false
			for _, a := range allowed {
				want = want || a == c
			}
			if want {
				require.NotEqual(t, 403, r.Status, "%s %s %s: %s", role, c.method, c.path, r.Raw)
				require.Less(t, r.Status, 300, "%s %s %s: %s", role, c.method, c.path, r.Raw)
			} else {
				require.Equal(t, 403, r.Status, "%s %s %s: %s", role, c.method, c.path, r.Raw)
			}
		}
	}
}

// TestMePermissionsFollowTheRoles: /v1/me lists what the caller holds, and
// a tenant admin's change to a role shows at the next call.
func TestMePermissionsFollowTheRoles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	_, agent := b.createUser(acme.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	perms := b.mePermissions
	got := perms(agent)
	require.Contains(t, got, "work_orders:create")
	require.Contains(t, got, "customers:read")
	require.NotContains(t, got, "work_orders:dispatch")
	require.NotContains(t, got, "users:read")
	require.Contains(t, perms(acme.admin), "users:create")

	b.must(200, "PUT", "/v1/roles/agent", acme.admin, map[string]any{"permissions": []map[string]string{
		{"resource": "work_orders", "action": "read"}, {"resource": "work_orders", "action": "dispatch"}}})
	require.Eventually(t, func() bool {
		got := perms(agent)
		return slices.Contains(got, "work_orders:dispatch") && !slices.Contains(got, "work_orders:create")
	}, 5*time.Second, 50*time.Millisecond, "the role's new permissions are listed")
}

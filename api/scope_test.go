package api_test

import (
	"encoding/hex"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func hexID(id uuid.UUID) string { return hex.EncodeToString(id[:]) }

// TestScopedUserSeesOnlyTheirSubtree: a region manager of one province sees
// that province and its cities, never a sibling province.
func TestScopedUserSeesOnlyTheirSubtree(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	south := b.createRegion(acme.admin, &cn, "region", "S", "华南")
	gd := b.createRegion(acme.admin, &south, "province", "GD", "广东省")
	gx := b.createRegion(acme.admin, &south, "province", "GX", "广西")
	sz := b.createRegion(acme.admin, &gd, "city", "GD-SZ", "深圳")
	nn := b.createRegion(acme.admin, &gx, "city", "GX-NN", "南宁")

	_, mgr := b.createUser(acme.admin, "acme", "gd.manager", []string{"region_manager"},
		map[string]any{"regions": []string{gd.String()}})

	list := b.must(200, "GET", "/v1/regions", mgr, nil)
	var codes []string
	for _, it := range list.JSON["items"].([]any) {
		codes = append(codes, it.(map[string]any)["code"].(string))
	}
	require.ElementsMatch(t, []string{"GD", "GD-SZ"}, codes)
	b.must(200, "GET", "/v1/regions/"+sz.String(), mgr, nil)
	b.must(404, "GET", "/v1/regions/"+nn.String(), mgr, nil)
	b.must(404, "GET", "/v1/regions/"+gx.String(), mgr, nil)
	b.must(404, "GET", "/v1/regions/"+cn.String(), mgr, nil)

	// A city created later under the province is in scope at once.
	zh := b.createRegion(acme.admin, &gd, "city", "GD-ZH", "珠海")
	b.must(200, "GET", "/v1/regions/"+zh.String(), mgr, nil)

	// Explain says why, and by which rule.
	ex := b.must(200, "GET", "/v1/access/explain?subject=user:"+uuidOf(b, mgr)+"&resource=regions&action=read&region_id="+zh.String(), acme.admin, nil)
	require.Equal(t, true, ex.JSON["allowed"])
	require.Contains(t, ex.str("via"), "region_manager")
	require.Contains(t, ex.str("scope_rule"), gd.String())
	ex = b.must(200, "GET", "/v1/access/explain?subject=user:"+uuidOf(b, mgr)+"&resource=regions&action=read&region_id="+nn.String(), acme.admin, nil)
	require.Equal(t, false, ex.JSON["allowed"])
	require.NotEmpty(t, ex.str("reason"))
}

// TestNoPrivilegeEscalation: a scoped manager cannot grant wider scope or
// roles with permissions they lack.
func TestNoPrivilegeEscalation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	gd := b.createRegion(acme.admin, &cn, "province", "GD", "广东省")
	gx := b.createRegion(acme.admin, &cn, "province", "GX", "广西")
	b.must(200, "PUT", "/v1/roles/hr_clerk", acme.admin, map[string]any{"permissions": []map[string]string{
		{"resource": "users", "action": "create"}, {"resource": "users", "action": "read"}, {"resource": "regions", "action": "read"}}})
	_, clerk := b.createUser(acme.admin, "acme", "clerk", []string{"hr_clerk"}, map[string]any{"regions": []string{gd.String()}})

	b.must(201, "POST", "/v1/users", clerk, map[string]any{"username": "c1", "password": adminPassword, "roles": []string{"hr_clerk"},
		"scope": map[string]any{"regions": []string{gd.String()}}})
	b.must(403, "POST", "/v1/users", clerk, map[string]any{"username": "c2", "password": adminPassword, "roles": []string{"hr_clerk"},
		"scope": map[string]any{"regions": []string{gx.String()}}})
	b.must(403, "POST", "/v1/users", clerk, map[string]any{"username": "c3", "password": adminPassword, "roles": []string{"hr_clerk"},
		"scope": map[string]any{"all": true}})
	b.must(403, "POST", "/v1/users", clerk, map[string]any{"username": "c4", "password": adminPassword, "roles": []string{"tenant_admin"},
		"scope": map[string]any{"regions": []string{gd.String()}}})
}

// TestNoEscalationThroughRolesOrGrants: whoever administers access hands
// out only what they hold, to users inside their scope, and only a
// tenant-wide administrator redefines a role (it applies everywhere).
func TestNoEscalationThroughRolesOrGrants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	gd := b.createRegion(acme.admin, &cn, "province", "GD", "广东省")
	gx := b.createRegion(acme.admin, &cn, "province", "GX", "广西")
	grant := func(res, act string) map[string]any {
		return map[string]any{"permissions": []map[string]string{{"resource": res, "action": act}}}
	}
	b.must(200, "PUT", "/v1/roles/access_clerk", acme.admin, map[string]any{"permissions": []map[string]string{
		{"resource": "access", "action": "read"}, {"resource": "access", "action": "update"},
		{"resource": "users", "action": "read"}, {"resource": "regions", "action": "read"}}})
	_, local := b.createUser(acme.admin, "acme", "gd.clerk", []string{"access_clerk"}, map[string]any{"regions": []string{gd.String()}})
	_, wide := b.createUser(acme.admin, "acme", "hq.clerk", []string{"access_clerk"}, map[string]any{"all": true})
	inGD, _ := b.createUser(acme.admin, "acme", "gd.agent", []string{"agent"}, map[string]any{"regions": []string{gd.String()}})
	inGX, _ := b.createUser(acme.admin, "acme", "gx.agent", []string{"agent"}, map[string]any{"regions": []string{gx.String()}})

	// Roles: scoped callers never; tenant-wide ones only with what they hold.
	b.must(403, "PUT", "/v1/roles/agent", local, grant("access", "read"))
	b.must(403, "PUT", "/v1/roles/superuser", wide, grant("*", "*"))
	b.must(403, "PUT", "/v1/roles/access_clerk", wide, grant("work_orders", "dispatch"))
	b.must(200, "PUT", "/v1/roles/auditor_lite", wide, grant("access", "read"))

	// Grants: only to users in scope, only what the caller holds.
	b.must(404, "PUT", "/v1/users/"+inGX.String()+"/grants", local, grant("access", "read"))
	b.must(404, "GET", "/v1/users/"+inGX.String()+"/grants", local, nil)
	b.must(403, "PUT", "/v1/users/"+inGD.String()+"/grants", local, grant("work_orders", "dispatch"))
	b.must(403, "PUT", "/v1/users/"+inGD.String()+"/grants", local, grant("*", "*"))
	b.must(200, "PUT", "/v1/users/"+inGD.String()+"/grants", local, grant("access", "read"))

	// Nothing refused was stored.
	g := b.must(200, "GET", "/v1/users/"+inGD.String()+"/grants", acme.admin, nil)
	require.Len(t, g.JSON["permissions"], 1)
	require.Len(t, b.must(200, "GET", "/v1/users/"+inGX.String()+"/grants", acme.admin, nil).JSON["permissions"], 0)
	names := map[string]int{}
	for _, it := range b.must(200, "GET", "/v1/roles", acme.admin, nil).JSON["items"].([]any) {
		r := it.(map[string]any)
		names[r["name"].(string)] = len(r["permissions"].([]any))
	}
	require.NotContains(t, names, "superuser")
	require.Equal(t, 4, names["access_clerk"], "the refused change left access_clerk as it was")
	require.Equal(t, 1, names["auditor_lite"])
}

func uuidOf(b *testBundle, token string) string {
	return b.must(200, "GET", "/v1/me", token, nil).str("id")
}

// TestScopedUserListsOnlyTheirUsers: a region manager sees the users whose
// scope lies inside their subtree, and no others.
func TestScopedUserListsOnlyTheirUsers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	gd := b.createRegion(acme.admin, &cn, "province", "GD", "广东省")
	gx := b.createRegion(acme.admin, &cn, "province", "GX", "广西")
	sz := b.createRegion(acme.admin, &gd, "city", "GD-SZ", "深圳")
	_, mgr := b.createUser(acme.admin, "acme", "gd.manager", []string{"region_manager"}, map[string]any{"regions": []string{gd.String()}})
	inSZ, _ := b.createUser(acme.admin, "acme", "sz.agent", []string{"agent"}, map[string]any{"regions": []string{sz.String()}})
	inGX, _ := b.createUser(acme.admin, "acme", "gx.agent", []string{"agent"}, map[string]any{"regions": []string{gx.String()}})
	both, _ := b.createUser(acme.admin, "acme", "both.agent", []string{"agent"}, map[string]any{"regions": []string{sz.String(), gx.String()}})

	var names []string
	for _, it := range b.must(200, "GET", "/v1/users", mgr, nil).JSON["items"].([]any) {
		names = append(names, it.(map[string]any)["username"].(string))
	}
	require.ElementsMatch(t, []string{"gd.manager", "sz.agent"}, names)
	b.must(200, "GET", "/v1/users/"+inSZ.String(), mgr, nil)
	b.must(404, "GET", "/v1/users/"+inGX.String(), mgr, nil)
	b.must(404, "GET", "/v1/users/"+both.String(), mgr, nil)
	all := b.must(200, "GET", "/v1/users", acme.admin, nil)
	require.Len(t, all.JSON["items"], 5)
}

package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTenantIsolation: with two tenants, every endpoint that takes an ID is
// tried with the other tenant's IDs: 404, and nothing changes.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("alpha"), b.onboard("omega")

	oCountry := b.createRegion(o.admin, nil, "country", "CN", "中国")
	oRegion := b.createRegion(o.admin, &oCountry, "region", "CN-E", "华东")
	oUser, _ := b.createUser(o.admin, "omega", "zhao", []string{"agent"}, map[string]any{"regions": []string{oRegion.String()}})
	oKey := b.must(201, "POST", "/v1/api-keys", o.admin, map[string]any{"name": "k", "roles": []string{"integration"}}).str("id")
	before := snapshot(b, o.admin, oUser.String(), oRegion.String())

	cases := []struct {
		name, method, path string
		body               any
	}{
		{"get user", "GET", "/v1/users/" + oUser.String(), nil},
		{"update user", "PATCH", "/v1/users/" + oUser.String(), map[string]any{"version": 1, "display_name": "hijacked"}},
		{"disable user", "PATCH", "/v1/users/" + oUser.String(), map[string]any{"version": 1, "status": "disabled"}},
		{"get grants", "GET", "/v1/users/" + oUser.String() + "/grants", nil},
		{"put grants", "PUT", "/v1/users/" + oUser.String() + "/grants", map[string]any{"permissions": []map[string]string{{"resource": "*", "action": "*"}}}},
		{"get region", "GET", "/v1/regions/" + oRegion.String(), nil},
		{"update region", "PATCH", "/v1/regions/" + oRegion.String(), map[string]any{"version": 1, "name": "hijacked"}},
		{"delete region", "DELETE", "/v1/regions/" + oRegion.String(), nil},
		{"child of other's region", "POST", "/v1/regions", map[string]any{"parent_id": oRegion.String(), "level": "province", "code": "X1", "name": "x"}},
		{"revoke key", "POST", "/v1/api-keys/" + oKey + "/revoke", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.do(c.method, c.path, a.admin, c.body)
			require.Contains(t, []int{404, 422}, r.Status, "%s", r.Raw)
			if c.name != "child of other's region" {
				require.Equal(t, 404, r.Status, "%s", r.Raw)
			}
		})
	}
	// Scope grants naming the other tenant's regions are refused.
	r := b.do("POST", "/v1/users", a.admin, map[string]any{"username": "spy", "password": adminPassword,
		"roles": []string{"region_manager"}, "scope": map[string]any{"regions": []string{oRegion.String()}}})
	require.Equal(t, 422, r.Status, "%s", r.Raw)

	// Lists never show the other tenant's rows.
	require.NotContains(t, string(b.must(200, "GET", "/v1/users", a.admin, nil).Raw), "zhao")
	require.NotContains(t, string(b.must(200, "GET", "/v1/regions", a.admin, nil).Raw), oRegion.String())
	require.NotContains(t, string(b.must(200, "GET", "/v1/api-keys", a.admin, nil).Raw), oKey)

	// The other tenant's key still works and its data is unchanged.
	require.Equal(t, before, snapshot(b, o.admin, oUser.String(), oRegion.String()))
	keys := b.must(200, "GET", "/v1/api-keys", o.admin, nil)
	require.Nil(t, keys.JSON["items"].([]any)[0].(map[string]any)["revoked_at"])
	// A token of one tenant with the other's ID in it is not accepted.
	forged := "ast_" + hexID(o.id) + a.admin[len("ast_")+32:]
	b.must(401, "GET", "/v1/me", forged, nil)
}

func snapshot(b *testBundle, token, user, region string) string {
	return string(b.must(200, "GET", "/v1/users/"+user, token, nil).Raw) +
		string(b.must(200, "GET", "/v1/users/"+user+"/grants", token, nil).Raw) +
		string(b.must(200, "GET", "/v1/regions/"+region, token, nil).Raw)
}

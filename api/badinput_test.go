package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBadInput: each malformed request gets a 4xx problem that says what is
// wrong, and changes nothing.
func TestBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	long := strings.Repeat("x", 300)
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		detail                    string
	}{
		{"malformed JSON", "POST", "/v1/regions", acme.admin, `{"level": "country",`, 400, ""},
		{"wrong type", "POST", "/v1/regions", acme.admin, `{"level": 5, "code": "CN", "name": "x"}`, 422, "level"},
		{"unknown level", "POST", "/v1/regions", acme.admin, map[string]any{"level": "galaxy", "code": "X", "name": "x"}, 422, "level"},
		{"missing parent", "POST", "/v1/regions", acme.admin, map[string]any{"level": "city", "code": "X", "name": "x"}, 422, "parent_id"},
		{"invalid UTF-8", "POST", "/v1/regions", acme.admin, []byte("{\"level\":\"country\",\"code\":\"CN\",\"name\":\"\xff\xfe\"}"), 422, ""},
		{"overlong name", "POST", "/v1/regions", acme.admin, map[string]any{"level": "country", "code": "CN", "name": long}, 422, "name"},
		{"injection-looking code", "POST", "/v1/regions", acme.admin, map[string]any{"level": "country", "code": "'; DROP TABLE regions;--", "name": "x"}, 422, "code"},
		{"oversize body", "POST", "/v1/regions", acme.admin, `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, 413, ""},
		{"bad uuid in path", "GET", "/v1/users/not-a-uuid", acme.admin, nil, 422, ""},
		{"bad cursor", "GET", "/v1/api-keys?cursor=zzz", acme.admin, nil, 422, "cursor"},
		{"limit too big", "GET", "/v1/users?limit=100000", acme.admin, nil, 422, "limit"},
		{"unknown tenant login", "POST", "/v1/auth/login", "", map[string]any{"tenant": "nobody", "username": "a", "password": "b"}, 401, ""},
		{"no token", "GET", "/v1/me", "", nil, 401, "bearer"},
		{"garbage token", "GET", "/v1/me", "abc", nil, 401, "malformed"},
		{"bad slug", "POST", "/v1/platform/tenants", b.platform, map[string]any{"slug": "A B", "name": "x", "locale": "en", "timezone": "UTC",
			"admin": map[string]any{"username": "admin", "password": adminPassword}}, 422, "slug"},
		{"bad time zone", "POST", "/v1/platform/tenants", b.platform, map[string]any{"slug": "tzz", "name": "x", "locale": "en", "timezone": "Mars/Base",
			"admin": map[string]any{"username": "admin", "password": adminPassword}}, 422, "timezone"},
		{"short password", "POST", "/v1/users", acme.admin, map[string]any{"username": "u1", "password": "short", "roles": []string{}}, 422, "password"},
		{"unknown role", "POST", "/v1/users", acme.admin, map[string]any{"username": "u2", "password": adminPassword, "roles": []string{"pope"}}, 422, "role"},
		{"bad email", "POST", "/v1/users", acme.admin, map[string]any{"username": "u3", "password": adminPassword, "roles": []string{}, "email": "no@"}, 422, "email"},
		{"unknown permission", "PUT", "/v1/roles/custom", acme.admin, map[string]any{"permissions": []map[string]string{{"resource": "moon", "action": "read"}}}, 422, "permission"},
		{"idempotency key with spaces", "POST", "/v1/regions", acme.admin, map[string]any{"level": "country", "code": "CN", "name": "x"}, 422, "Idempotency-Key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if strings.Contains(c.name, "idempotency") {
				hdr = []string{"Idempotency-Key", "has spaces in it"}
			}
			r := b.do(c.method, c.path, c.token, c.body, hdr...)
			require.Equal(t, c.status, r.Status, "%s", r.Raw)
			require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
			require.NotEmpty(t, r.str("detail")+string(r.Raw))
			if c.detail != "" {
				require.Contains(t, strings.ToLower(string(r.Raw)), strings.ToLower(c.detail))
			}
		})
	}
	// Nothing was created by any of it.
	require.Len(t, b.must(200, "GET", "/v1/regions", acme.admin, nil).JSON["items"], 0)
	require.Len(t, b.must(200, "GET", "/v1/users", acme.admin, nil).JSON["items"], 1)
	require.Len(t, b.must(200, "GET", "/v1/platform/tenants", b.platform, nil).JSON["items"], 1)
}

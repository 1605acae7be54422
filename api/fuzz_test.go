package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzCreateEndpoints sends arbitrary bodies and Idempotency-Keys to the
// create endpoints: the answer is always a problem or a success, never a
// 5xx (do() fails the test on any 5xx), and a 4xx is always problem+json.
func FuzzCreateEndpoints(f *testing.F) {
	for _, seed := range []string{
		`{"level":"country","code":"CN","name":"中国"}`,
		`{"level":"city","parent_id":"00000000-0000-0000-0000-000000000000","code":"X","name":"x"}`,
		`{"username":"a.b","password":"0123456789","roles":["agent"],"scope":{"regions":["not-a-uuid"]}}`,
		`{"name":"k","roles":[],"expires_at":"1999-01-01T00:00:00Z"}`,
		`{"slug":"x--y","name":"\u0000","locale":"en","timezone":"UTC","admin":{}}`,
		`[1,2,3]`, `null`, `{"a":`, "\xff", strings.Repeat("[", 5000),
	} {
		for _, path := range []string{"/v1/regions", "/v1/users", "/v1/api-keys", "/v1/platform/tenants", "/v1/auth/login"} {
			f.Add(path, seed, "key-1")
		}
	}
	b := setup(f)
	admin := b.onboard("fuzz").admin
	f.Fuzz(func(t *testing.T, path, body, key string) {
		b.t = t
		switch path {
		case "/v1/regions", "/v1/users", "/v1/api-keys", "/v1/platform/tenants", "/v1/auth/login":
		default:
			path = "/v1/regions"
		}
		if strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			key = "" // Go's HTTP client cannot send it; not the server's problem
		}
		token := admin
		if path == "/v1/platform/tenants" {
			token = b.platform
		}
		r := b.do("POST", path, token, body, "Idempotency-Key", key)
		if r.Status >= 400 {
			require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "%s", r.Raw)
			require.NotEmpty(t, r.str("detail"), "%s", r.Raw)
		}
	})
}

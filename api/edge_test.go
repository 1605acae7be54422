package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestControlCharactersAreRefusedAtTheEdge: a control character in a JSON
// string (escaped, as \u0000), a query parameter or the path is a 422 that
// names where it is, for public and authenticated operations alike, and
// changes nothing; text that only looks like an escape passes.
func TestControlCharactersAreRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")

	field := func(r resp) string {
		errs, _ := r.JSON["errors"].([]any)
		require.Len(t, errs, 1, "%s", r.Raw)
		return errs[0].(map[string]any)["location"].(string)
	}
	r := b.must(422, "POST", "/v1/auth/login", "", `{"tenant":"acme\u0000","username":"admin","password":"x"}`)
	require.Equal(t, "body.tenant", field(r))
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))

	for _, name := range []string{`"华南\u0000"`, `"华南\u0007区"`, `"\u007f"`, `"\u001F"`} {
		r = b.must(422, "POST", "/v1/regions", acme.admin, `{"level":"country","code":"CN","name":`+name+`}`)
		require.Equal(t, "body.name", field(r), name)
	}
	r = b.must(422, "POST", "/v1/users", acme.admin, `{"username":"li","password":"correct-horse-battery","roles":["agent\u0000"]}`)
	require.Equal(t, "body.roles[0]", field(r))
	require.Empty(t, b.must(200, "GET", "/v1/regions", acme.admin, nil).JSON["items"], "nothing was created")

	b.must(201, "POST", "/v1/regions", acme.admin, `{"level":"country","code":"CN","name":"中国 \\u0000 (CN)"}`)

	r = b.must(422, "GET", "/v1/work-orders?number=WO%00", acme.admin, nil)
	require.Equal(t, "query.number", field(r))
	r = b.must(422, "GET", "/v1/regions/%00", acme.admin, nil)
	require.Equal(t, "path", field(r))
}

// TestSafeHeaders: no answer may be sniffed; no API answer may be cached.
func TestSafeHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	me := b.must(200, "GET", "/v1/me", acme.admin, nil)
	require.Equal(t, "nosniff", me.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "no-store", me.Header.Get("Cache-Control"))
	denied := b.must(401, "GET", "/v1/me", "", nil)
	require.Equal(t, "no-store", denied.Header.Get("Cache-Control"))
	health := b.must(200, "GET", "/healthz", "", nil)
	require.Equal(t, "nosniff", health.Header.Get("X-Content-Type-Options"))
}

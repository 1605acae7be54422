package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// TestRouterRefusalsAreProblems: a path no operation serves and a method a
// path does not take are answered as problem+json, like every other error.
func TestRouterRefusalsAreProblems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.must(404, "GET", "/v1/no-such-thing", "", nil)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	require.Equal(t, "not_found", r.str("code"))
	require.Equal(t, "/v1/no-such-thing", r.str("instance"))
	require.NotEmpty(t, r.str("request_id"))

	r = b.must(405, "DELETE", "/v1/auth/login", "", nil)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	require.Equal(t, "method_not_allowed", r.str("code"))
	require.Contains(t, r.Header.Get("Allow"), "POST")
	require.Contains(t, r.str("detail"), "POST")
}

// TestPortalPagesAreNotAPIPaths: a GET of a path outside the API is the
// portal's (its page, or, in a binary built without it, the page saying how
// to build it), while unknown API paths and other methods stay problems.
func TestPortalPagesAreNotAPIPaths(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/", "/orders", "/m", "/docs"} {
		r := testkit.Do(t, httpClient, "GET", b.url+path, "", nil)
		require.Equal(t, 200, r.Status, path)
		require.Contains(t, r.Header.Get("Content-Type"), "text/html", path)
		require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"), path)
	}
	for _, path := range []string{"/v1/no-such-thing", "/v1", "/openapi.nope"} {
		r := b.must(404, "GET", path, "", nil)
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), path)
	}
	r := b.must(404, "POST", "/orders", "", nil)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "only GET and HEAD reach the portal")
}

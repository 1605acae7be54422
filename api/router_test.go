package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
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

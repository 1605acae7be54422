package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/cmd/wire"
)

const portal = "https://portal.example.com"

// TestCORSPolicy: by default the API answers browser pages of its own
// origin only: a foreign page's answers carry no
// Access-Control-Allow-Origin and its preflight is refused with a 403
// problem that says why; origins the platform lists
// (CORS_ALLOWED_ORIGINS) are allowed, without credentials.
func TestCORSPolicy(t *testing.T) {
	t.Parallel()
	closed := setup(t)
	open := setupOn(t, closed.pool, closed.dbURL, func(o *wire.Options) { o.CORSAllowedOrigins = []string{portal} })
	acme := closed.onboard("acme")
	preflight := func(origin string) []string {
		return []string{"Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization, content-type, idempotency-key"}
	}
	tests := []struct {
		name         string
		b            *testBundle
		method, path string
		hdr          []string
		status       int
		allowOrigin  string // the Access-Control-Allow-Origin expected ("" none)
		detail       string
	}{
		{name: "no Origin: not a CORS request", b: closed, method: "GET", path: "/v1/me", status: 200},
		{name: "foreign origin, default policy: answered, unreadable", b: closed, method: "GET", path: "/v1/me",
			hdr: []string{"Origin", "https://evil.example"}, status: 200},
		{name: "foreign preflight, default policy: refused", b: closed, method: "OPTIONS", path: "/v1/work-orders",
			hdr: preflight("https://evil.example"), status: 403, detail: "origin https://evil.example may not call this API"},
		{name: "the portal, default policy: refused", b: closed, method: "OPTIONS", path: "/v1/work-orders",
			hdr: preflight(portal), status: 403, detail: "CORS_ALLOWED_ORIGINS"},
		{name: "allowed origin's preflight", b: open, method: "OPTIONS", path: "/v1/work-orders",
			hdr: preflight(portal), status: 204, allowOrigin: portal},
		{name: "allowed origin's request", b: open, method: "GET", path: "/v1/me",
			hdr: []string{"Origin", portal}, status: 200, allowOrigin: portal},
		{name: "another origin, widened policy: refused", b: open, method: "OPTIONS", path: "/v1/work-orders",
			hdr: preflight("https://portal.example.com.evil.example"), status: 403, detail: "may not call this API"},
		{name: "another origin's request, widened policy: unreadable", b: open, method: "GET", path: "/v1/me",
			hdr: []string{"Origin", "http://portal.example.com"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.b.do(tt.method, tt.path, acme.admin, nil, tt.hdr...)
			require.Equal(t, tt.status, r.Status, "%s", r.Raw)
			require.Equal(t, tt.allowOrigin, r.Header.Get("Access-Control-Allow-Origin"))
			require.Empty(t, r.Header.Get("Access-Control-Allow-Credentials"), "credentials are bearer tokens, never cookies")
			if len(tt.hdr) > 0 {
				require.Contains(t, r.Header.Values("Vary"), "Origin", "caches keep answers per origin")
			}
			if tt.detail != "" {
				require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
				require.Contains(t, r.str("detail"), tt.detail)
			}
			if tt.status == 204 {
				require.Contains(t, r.Header.Get("Access-Control-Allow-Methods"), "POST")
				require.Contains(t, r.Header.Get("Access-Control-Allow-Headers"), "Idempotency-Key")
			}
		})
	}
}

// TestCORSSameOriginPreflight: a page of the API's own origin is never
// refused, whatever the list.
func TestCORSSameOriginPreflight(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do("OPTIONS", "/v1/work-orders", "", nil, "Origin", b.url, "Access-Control-Request-Method", "POST")
	require.Equal(t, 204, r.Status, "%s", r.Raw)
	require.Equal(t, b.url, r.Header.Get("Access-Control-Allow-Origin"))
}

func TestParseOrigins(t *testing.T) {
	t.Parallel()
	got, err := api.ParseOrigins(" https://Portal.Example.com , http://localhost:5173,")
	require.NoError(t, err)
	require.Equal(t, []string{"https://portal.example.com", "http://localhost:5173"}, got)
	none, err := api.ParseOrigins("")
	require.NoError(t, err)
	require.Empty(t, none)
	for _, bad := range []string{"portal.example.com", "https://portal.example.com/app", "ftp://portal.example.com",
		"https://u@portal.example.com", "https://portal.example.com?x=1", "*"} {
		_, err := api.ParseOrigins(bad)
		require.Error(t, err, bad)
	}
}

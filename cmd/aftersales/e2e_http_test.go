//go:build linux

package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// client talks to one running aftersales over real HTTP.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func newClient(t *testing.T, addr string) *client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &client{t: t, base: "http://" + addr, hc: &http.Client{Timeout: 15 * time.Second, Transport: testkit.ContractTransport(t, tr)}}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode unmarshals the body into v.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

// do sends a request with an optional bearer token, JSON body and extra
// header pairs. Every response must carry an X-Request-ID.
func (c *client) do(method, path, token string, body any, hdr ...string) response {
	c.t.Helper()
	r := testkit.Do(c.t, c.hc, method, c.base+path, token, body, hdr...)
	require.NotEmpty(c.t, r.Header.Get("X-Request-ID"), "%s %s answered %d without X-Request-ID", method, path, r.Status)
	return response(r)
}

// expect sends a request and requires the status.
func (c *client) expect(status int, method, path, token string, body any, hdr ...string) response {
	c.t.Helper()
	r := c.do(method, path, token, body, hdr...)
	require.Equal(c.t, status, r.Status, "%s %s: %s", method, path, r.Body)
	return r
}

// problem is the RFC 9457 body every error has.
type problem struct {
	Status    int    `json:"status"`
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	RequestID string `json:"request_id"`
}

// expectProblem requires an RFC 9457 problem with the status, whose
// request_id matches the header.
func (c *client) expectProblem(status int, method, path, token string, body any) problem {
	c.t.Helper()
	r := c.expect(status, method, path, token, body)
	require.Equal(c.t, "application/problem+json", r.Header.Get("Content-Type"), "%s %s", method, path)
	var p problem
	r.decode(c.t, &p)
	require.Equal(c.t, status, p.Status)
	require.NotEmpty(c.t, p.Detail)
	require.Equal(c.t, r.Header.Get("X-Request-ID"), p.RequestID)
	return p
}

const adminPassword = "correct-horse-battery"

type tenantCreated struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Admin struct {
		Username string   `json:"username"`
		Roles    []string `json:"roles"`
	} `json:"admin"`
}

// onboard creates a tenant with admin "admin", as the README's first step.
func (c *client) onboard(platformToken, slug string) tenantCreated {
	c.t.Helper()
	r := c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
		"slug": slug, "name": "Tenant " + slug, "locale": "en", "timezone": "Europe/Berlin",
		"admin": map[string]string{"username": "admin", "password": adminPassword},
	})
	var tc tenantCreated
	r.decode(c.t, &tc)
	require.Equal(c.t, slug, tc.Slug)
	require.NotEmpty(c.t, tc.ID)
	require.Equal(c.t, "admin", tc.Admin.Username)
	require.Contains(c.t, tc.Admin.Roles, "tenant_admin")
	return tc
}

// login returns a session token of a tenant user.
func (c *client) login(slug, username, password string) string {
	c.t.Helper()
	r := c.expect(http.StatusOK, "POST", "/v1/auth/login", "", map[string]string{
		"tenant": slug, "username": username, "password": password})
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	r.decode(c.t, &out)
	require.NotEmpty(c.t, out.Token)
	require.True(c.t, out.ExpiresAt.After(time.Now()), "expires_at %s is not in the future", out.ExpiresAt)
	return out.Token
}

type me struct {
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles"`
	Tenant      struct {
		Slug string `json:"slug"`
	} `json:"tenant"`
}

func (c *client) me(token string, hdr ...string) me {
	c.t.Helper()
	var m me
	c.expect(http.StatusOK, "GET", "/v1/me", token, nil, hdr...).decode(c.t, &m)
	return m
}

// usernames lists the tenant's users.
func (c *client) usernames(token string) []string {
	c.t.Helper()
	var out struct {
		Items []struct {
			Username string `json:"username"`
		} `json:"items"`
	}
	c.expect(http.StatusOK, "GET", "/v1/users", token, nil).decode(c.t, &out)
	var names []string
	for _, u := range out.Items {
		names = append(names, u.Username)
	}
	return names
}

// tenantSlugs lists the tenants a platform admin sees.
func (c *client) tenantSlugs(platformToken string) []string {
	c.t.Helper()
	var out struct {
		Items []struct {
			Slug string `json:"slug"`
		} `json:"items"`
	}
	r := c.expect(http.StatusOK, "GET", "/v1/platform/tenants", platformToken, nil)
	r.decode(c.t, &out)
	require.NotNil(c.t, out.Items, "items must be a list, also when empty: %s", r.Body)
	slugs := []string{}
	for _, tn := range out.Items {
		slugs = append(slugs, tn.Slug)
	}
	return slugs
}

// readToken reads a token file written by the first start.
func readToken(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	tok := strings.TrimSpace(string(raw))
	require.NotEmpty(t, tok, "%s is empty", path)
	return tok
}

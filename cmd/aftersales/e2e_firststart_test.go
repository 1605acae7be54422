//go:build linux

package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// TestFirstStartAndFirstSteps is a new operator's first hour: `serve` with
// nothing configured starts its own PostgreSQL and Redis, hands out the
// platform-admin token in a private file, and the first steps work over
// real HTTP with the observability an operator relies on.
func TestFirstStartAndFirstSteps(t *testing.T) {
	t.Parallel()
	dataDir := testkit.NewDataDir(t)
	p, addr := serveEmbedded(t, "serve", dataDir)

	// The token file is private, and the log says where it is.
	tokenPath := filepath.Join(dataDir, "platform-admin.token")
	fi, err := os.Stat(tokenPath)
	require.NoError(t, err, "first start must write the platform-admin token")
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the token file must be readable by its owner only")
	platformToken := readToken(t, tokenPath)
	firstStart := p.waitRecord(t, "the first-start record", func(r map[string]any) bool {
		msg, _ := r["msg"].(string)
		return strings.HasPrefix(msg, "first start:")
	})
	require.Equal(t, tokenPath, firstStart["file"], "the first-start log record names the token file")
	require.Contains(t, p.stderr.String(), "Platform admin token: "+tokenPath)
	require.NotContains(t, p.stderr.String(), platformToken, "the token itself must not be logged")
	up := p.waitRecord(t, "aftersales is up", func(r map[string]any) bool { return r["msg"] == "aftersales is up" })
	require.Equal(t, "all", up["role"])
	require.Equal(t, testVersion, up["version"])

	c := newClient(t, addr)
	c.expect(http.StatusOK, "GET", "/healthz", "", nil)
	c.expect(http.StatusOK, "GET", "/readyz", "", nil)

	// The README's first steps. 2: onboard a tenant (retry-safe with an
	// Idempotency-Key); without the platform token that is refused.
	onboarding := map[string]any{"slug": "acme", "name": "ACME 家电", "locale": "zh-CN", "timezone": "Asia/Shanghai",
		"admin": map[string]string{"username": "admin", "password": adminPassword}}
	c.expectProblem(http.StatusUnauthorized, "POST", "/v1/platform/tenants", "", onboarding)
	var tenant, replayed tenantCreated
	c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, onboarding,
		"Idempotency-Key", "onboard-acme").decode(t, &tenant)
	require.Equal(t, "acme", tenant.Slug)
	require.Contains(t, tenant.Admin.Roles, "tenant_admin")
	r := c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, onboarding, "Idempotency-Key", "onboard-acme")
	r.decode(t, &replayed)
	require.Equal(t, tenant.ID, replayed.ID, "a retried onboarding returns the first result")
	require.Equal(t, "true", r.Header.Get("Idempotent-Replayed"))
	require.Equal(t, []string{"acme"}, c.tenantSlugs(platformToken))

	// 3: the tenant admin logs in; a wrong password is a problem, not a token.
	c.expectProblem(http.StatusUnauthorized, "POST", "/v1/auth/login", "", map[string]string{
		"tenant": "acme", "username": "admin", "password": "not-the-password"})
	adminToken := c.login("acme", "admin", adminPassword)
	checkJobMonitor(t, c, platformToken, adminToken)

	// 4: who am I, the region tree, a user.
	const traceID = "e2e-first-steps-me"
	r = c.expect(http.StatusOK, "GET", "/v1/me", adminToken, nil, "X-Request-ID", traceID)
	require.Equal(t, traceID, r.Header.Get("X-Request-ID"), "a caller's request ID is echoed")
	var m me
	r.decode(t, &m)
	require.Equal(t, "user", m.Kind)
	require.Equal(t, "admin", m.Name)
	require.Equal(t, "acme", m.Tenant.Slug)
	require.Contains(t, m.Roles, "tenant_admin")
	c.expectProblem(http.StatusUnauthorized, "GET", "/v1/me", "", nil)

	type region struct {
		ID       string  `json:"id"`
		ParentID *string `json:"parent_id"`
		Code     string  `json:"code"`
	}
	var country, province region
	c.expect(http.StatusCreated, "POST", "/v1/regions", adminToken,
		map[string]string{"level": "country", "code": "CN", "name": "中国"}).decode(t, &country)
	c.expect(http.StatusCreated, "POST", "/v1/regions", adminToken, map[string]string{
		"parent_id": country.ID, "level": "province", "code": "CN-GD", "name": "广东省"}).decode(t, &province)
	require.NotNil(t, province.ParentID)
	require.Equal(t, country.ID, *province.ParentID)
	var regions struct{ Items []region }
	c.expect(http.StatusOK, "GET", "/v1/regions", adminToken, nil).decode(t, &regions)
	var codes []string
	for _, rg := range regions.Items {
		codes = append(codes, rg.Code)
	}
	require.ElementsMatch(t, []string{"CN", "CN-GD"}, codes)

	c.expect(http.StatusCreated, "POST", "/v1/users", adminToken, map[string]any{
		"username": "li.na", "password": "agent-password-1", "display_name": "李娜",
		"roles": []string{"agent"}, "scope": map[string]any{"all": true}})
	require.ElementsMatch(t, []string{"admin", "li.na"}, c.usernames(adminToken))
	require.Equal(t, []string{"agent"}, c.me(c.login("acme", "li.na", "agent-password-1")).Roles,
		"the new user logs in with the roles given")

	// 5: an API key; its secret, shown once, authenticates.
	var key struct {
		Secret string `json:"secret"`
	}
	c.expect(http.StatusCreated, "POST", "/v1/api-keys", adminToken,
		map[string]any{"name": "ERP bridge", "roles": []string{"integration"}}).decode(t, &key)
	require.NotEmpty(t, key.Secret)
	keyMe := c.me(key.Secret)
	require.Equal(t, "api_key", keyMe.Kind)
	require.Equal(t, "acme", keyMe.Tenant.Slug)

	// Documentation, spec and metrics. The docs viewer comes with the
	// portal's build, from the binary itself: nothing from the internet.
	checkDocs(t, c)
	var spec struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	c.expect(http.StatusOK, "GET", "/openapi.json", "", nil).decode(t, &spec)
	require.True(t, strings.HasPrefix(spec.OpenAPI, "3."), "openapi version %q", spec.OpenAPI)
	require.Contains(t, spec.Paths, "/v1/me")
	require.Equal(t, "application/problem+json", c.expect(http.StatusUnauthorized, "GET", "/metrics", "", nil).Header.Get("Content-Type"))
	c.expect(http.StatusUnauthorized, "GET", "/metrics", adminToken, nil) // a tenant's token is not enough
	metrics := string(c.expect(http.StatusOK, "GET", "/metrics", platformToken, nil).Body)
	require.Contains(t, metrics, "aftersales_http_request_duration_seconds")
	require.Contains(t, metrics, `operation="get-me"`)
	require.Contains(t, metrics, "aftersales_db_pool_")

	// Every stderr line is a JSON record or the banner (records checks), and
	// the access log ties a request to its ID and tenant.
	line := p.waitRecord(t, "the access log line of GET /v1/me", func(r map[string]any) bool {
		return r["msg"] == "request" && r["request_id"] == traceID
	})
	require.Equal(t, "acme", line["tenant"])
	require.Equal(t, "/v1/me", line["path"])
	require.EqualValues(t, http.StatusOK, line["status"])
	for _, rec := range p.findRecords(t, "request") {
		require.NotEmpty(t, rec["request_id"], "access log record without request_id: %v", rec)
		require.Contains(t, rec, "tenant", "access log record without tenant: %v", rec)
	}
	require.Empty(t, levelRecords(p.records(t), "ERROR"), "no errors were logged")
}

// levelRecords returns the records at level.
func levelRecords(recs []map[string]any, level string) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		if r["level"] == level {
			out = append(out, r)
		}
	}
	return out
}

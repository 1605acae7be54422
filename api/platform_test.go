package api_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOnboardLoginAndManage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")

	me := b.must(200, "GET", "/v1/me", acme.admin, nil)
	require.Equal(t, "admin", me.str("name"))
	require.Equal(t, []any{"tenant_admin"}, me.JSON["roles"])
	require.Equal(t, true, me.JSON["scope"].(map[string]any)["all"])
	require.Equal(t, "acme", me.JSON["tenant"].(map[string]any)["slug"])
	require.NotEmpty(t, me.Header.Get("X-Request-ID"))

	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	south := b.createRegion(acme.admin, &cn, "region", "CN-S", "华南")
	b.createRegion(acme.admin, &south, "province", "CN-GD", "广东省")
	list := b.must(200, "GET", "/v1/regions?limit=2", acme.admin, nil)
	require.Len(t, list.JSON["items"], 2)
	next := list.str("next_cursor")
	require.NotEmpty(t, next)
	list2 := b.must(200, "GET", "/v1/regions?limit=2&cursor="+next, acme.admin, nil)
	require.Len(t, list2.JSON["items"], 1)
	require.Empty(t, list2.str("next_cursor"))

	_, agentTok := b.createUser(acme.admin, "acme", "li.na", []string{"agent"}, map[string]any{"all": true})
	users := b.must(200, "GET", "/v1/users", acme.admin, nil)
	require.Len(t, users.JSON["items"], 2)
	agentMe := b.must(200, "GET", "/v1/me", agentTok, nil)
	require.Equal(t, []any{"agent"}, agentMe.JSON["roles"])
	// An agent may not manage users.
	b.must(403, "POST", "/v1/users", agentTok, map[string]any{"username": "x1", "password": adminPassword, "roles": []string{}})
	b.must(403, "GET", "/v1/users", agentTok, nil)

	// The platform lists and reads tenants; tenant tokens cannot.
	tl := b.must(200, "GET", "/v1/platform/tenants", b.platform, nil)
	require.Len(t, tl.JSON["items"], 1)
	b.must(403, "GET", "/v1/platform/tenants", acme.admin, nil)
	b.must(403, "GET", "/v1/me", b.platform, nil)
	b.must(200, "GET", "/v1/platform/tenants/"+acme.id.String(), b.platform, nil)

	// Logout revokes the token.
	b.must(204, "POST", "/v1/auth/logout", agentTok, nil)
	b.must(401, "GET", "/v1/me", agentTok, nil)
}

func TestDuplicateSlugAndUsername(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	r := b.must(409, "POST", "/v1/platform/tenants", b.platform, map[string]any{"slug": "acme", "name": "Other",
		"locale": "en", "timezone": "UTC", "admin": map[string]any{"username": "root", "password": adminPassword}})
	require.Equal(t, "conflict", r.str("code"))
	require.Contains(t, r.str("detail"), "tenant with slug acme already exists")
	b.createUser(acme.admin, "acme", "wang", []string{"agent"}, nil)
	b.must(409, "POST", "/v1/users", acme.admin, map[string]any{"username": "WANG", "password": adminPassword, "roles": []string{"agent"}})
}

func TestIdempotentOnboarding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := map[string]any{"slug": "beta", "name": "Beta", "locale": "en", "timezone": "Europe/Berlin",
		"admin": map[string]any{"username": "boss", "password": adminPassword}}
	first := b.must(201, "POST", "/v1/platform/tenants", b.platform, body, "Idempotency-Key", "k-1")
	again := b.must(201, "POST", "/v1/platform/tenants", b.platform, body, "Idempotency-Key", "k-1")
	require.Equal(t, first.str("id"), again.str("id"))
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.JSONEq(t, string(first.Raw), string(again.Raw))

	body["name"] = "Beta 2"
	r := b.must(422, "POST", "/v1/platform/tenants", b.platform, body, "Idempotency-Key", "k-1")
	require.Contains(t, r.str("detail"), "different request")

	// Concurrent requests with one key create one tenant.
	body = map[string]any{"slug": "gamma", "name": "Gamma", "locale": "en", "timezone": "UTC",
		"admin": map[string]any{"username": "boss", "password": adminPassword}}
	var wg sync.WaitGroup
	ids := make([]string, 5)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := b.do("POST", "/v1/platform/tenants", b.platform, body, "Idempotency-Key", "k-2")
			ids[i] = fmt.Sprint(r.Status, r.str("id"))
		}(i)
	}
	wg.Wait()
	for _, id := range ids {
		require.Equal(t, ids[0], id)
	}
	tl := b.must(200, "GET", "/v1/platform/tenants", b.platform, nil)
	require.Len(t, tl.JSON["items"], 2)

	// Tenant-side creates replay too, scoped to the caller.
	acme := b.onboard("acme")
	reg := map[string]any{"level": "country", "code": "CN", "name": "中国"}
	r1 := b.must(201, "POST", "/v1/regions", acme.admin, reg, "Idempotency-Key", "r-1")
	r2 := b.must(201, "POST", "/v1/regions", acme.admin, reg, "Idempotency-Key", "r-1")
	require.Equal(t, r1.str("id"), r2.str("id"))
	list := b.must(200, "GET", "/v1/regions", acme.admin, nil)
	require.Len(t, list.JSON["items"], 1)
}

func TestSuspendedTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	key := b.must(201, "POST", "/v1/api-keys", acme.admin, map[string]any{"name": "erp", "roles": []string{"integration"}}).str("secret")
	b.must(200, "GET", "/v1/me", key, nil)

	b.must(200, "POST", "/v1/platform/tenants/"+acme.id.String()+"/suspend", b.platform, map[string]any{"reason": "unpaid invoice"})
	for _, tok := range []string{acme.admin, key} {
		r := b.must(403, "GET", "/v1/me", tok, nil)
		require.Equal(t, "tenant_suspended", r.str("code"))
		require.Contains(t, r.str("detail"), "unpaid invoice")
	}
	r := b.must(403, "POST", "/v1/auth/login", "", map[string]any{"tenant": "acme", "username": "admin", "password": adminPassword})
	require.Equal(t, "tenant_suspended", r.str("code"))
	require.NotContains(t, string(r.Raw), "unpaid invoice", "whoever is not signed in does not learn the platform's reason")

	b.must(200, "POST", "/v1/platform/tenants/"+acme.id.String()+"/resume", b.platform, nil)
	b.must(200, "GET", "/v1/me", acme.admin, nil)
	b.must(200, "GET", "/v1/me", key, nil)
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	created := b.must(201, "POST", "/v1/api-keys", acme.admin, map[string]any{"name": "site 12", "roles": []string{"site_manager"}})
	secret := created.str("secret")
	require.NotEmpty(t, secret)
	id := created.str("id")

	me := b.must(200, "GET", "/v1/me", secret, nil)
	require.Equal(t, "api_key", me.str("kind"))
	require.Equal(t, []any{"site_manager"}, me.JSON["roles"])

	list := b.must(200, "GET", "/v1/api-keys", acme.admin, nil)
	require.NotContains(t, string(list.Raw), secret, "the secret is shown once only")
	require.Eventually(t, func() bool {
		l := b.must(200, "GET", "/v1/api-keys", acme.admin, nil)
		return l.JSON["items"].([]any)[0].(map[string]any)["last_used_at"] != nil
	}, 5e9, 2e7, "last use is recorded")

	// A key cannot be created with roles the caller lacks.
	b.must(403, "POST", "/v1/api-keys", secret, map[string]any{"name": "x", "roles": []string{"tenant_admin"}})

	b.must(200, "POST", "/v1/api-keys/"+id+"/revoke", acme.admin, nil)
	b.must(401, "GET", "/v1/me", secret, nil)
}

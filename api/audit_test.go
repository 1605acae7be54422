package api_test

import (
	"context"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// auditEvents pages through a list of audit events with limit per page
// and returns every item, checking that no page repeats an event.
func (b *testBundle) auditEvents(path, token string, query url.Values, limit string) []map[string]any {
	b.t.Helper()
	var out []map[string]any
	seen := map[string]bool{}
	query.Set("limit", limit)
	for {
		r := b.must(200, "GET", path+"?"+query.Encode(), token, nil)
		for _, it := range r.JSON["items"].([]any) {
			ev := it.(map[string]any)
			require.False(b.t, seen[ev["id"].(string)], "an event on two pages")
			seen[ev["id"].(string)] = true
			out = append(out, ev)
		}
		next := r.str("next_cursor")
		if next == "" {
			return out
		}
		query.Set("cursor", next)
	}
}

// TestAuditLogRecordsAdminChanges: an admin's changes of webhooks, API
// keys, users, roles, grants and settings appear in the tenant's audit log
// with who, from where, before and after, and no secret (webhook secret,
// API key, password) appears anywhere in it; filters and the cursor work;
// another tenant sees none of it; a user without the audit permission is
// refused; platform admins read every tenant's log, their suspensions
// included.
func TestAuditLogRecordsAdminChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, privateWebhooks)
	acme, bolt := b.onboard("acme"), b.onboard("bolt")

	hook := b.must(201, "POST", "/v1/webhooks", acme.admin, map[string]any{"url": "http://127.0.0.1:9999/hooks",
		"description": "ERP", "event_types": []string{"*"}}, "X-Request-ID", "audit-test-request-1")
	hookID := hook.str("id")
	b.must(200, "PATCH", "/v1/webhooks/"+hookID, acme.admin, map[string]any{"description": "ERP v2"})
	rotated := b.must(200, "POST", "/v1/webhooks/"+hookID+"/rotate-secret", acme.admin, nil)
	key := b.must(201, "POST", "/v1/api-keys", acme.admin, map[string]any{"name": "bridge", "roles": []string{core.RoleIntegration},
		"scope": map[string]any{"all": true}})
	b.must(200, "POST", "/v1/api-keys/"+key.str("id")+"/revoke", acme.admin, nil)
	agentID, _ := b.createUser(acme.admin, "acme", "agent", []string{core.RoleAgent}, map[string]any{"all": true})
	b.must(200, "PATCH", "/v1/users/"+agentID.String(), acme.admin, map[string]any{"version": 1, "password": "another-long-password",
		"display_name": "Agent Li"})
	agent := b.login("acme", "agent", "another-long-password") // the change revoked its sessions
	b.must(200, "PUT", "/v1/roles/auditor", acme.admin, map[string]any{"permissions": []map[string]string{{"resource": "audit", "action": "read"}}})
	b.must(200, "PUT", "/v1/users/"+agentID.String()+"/grants", acme.admin, map[string]any{"permissions": []map[string]string{{"resource": "reports", "action": "read"}}})
	b.must(200, "PUT", "/v1/settings", acme.admin, map[string]any{"dispatch_weights": map[string]any{"distance": 2, "load": 1, "reputation": 1, "sla_risk": 1}})

	r := b.must(200, "GET", "/v1/audit-events?limit=500", acme.admin, nil)
	raw := string(r.Raw)
	for what, secret := range map[string]string{"webhook secret": hook.str("secret"), "rotated secret": rotated.str("secret"),
		"API key": key.str("secret"), "password": adminPassword, "new password": "another-long-password"} {
		require.NotEmpty(t, secret, what)
		require.NotContains(t, raw, secret, "the %s is in the audit log", what)
	}
	events := b.auditEvents("/v1/audit-events", acme.admin, url.Values{}, "3")
	kinds := map[string]int{}
	for _, ev := range events {
		require.Equal(t, acme.id.String(), ev["tenant_id"])
		kinds[ev["resource_type"].(string)+":"+ev["action"].(string)]++
	}
	require.Equal(t, map[string]int{"tenant:create": 1, "webhook:create": 1, "webhook:update": 1, "webhook:rotate_secret": 1,
		"api_key:create": 1, "api_key:revoke": 1, "user:create": 1, "user:update": 1, "role:update": 1, "grants:update": 1,
		"settings:update": 1}, kinds)
	require.Equal(t, "settings", events[0]["resource_type"], "newest first")

	hooks := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"resource_type": {"webhook"}, "resource_id": {hookID}}, "50")
	require.Len(t, hooks, 3)
	created := hooks[2]
	require.Equal(t, "user", created["actor_kind"])
	require.Equal(t, "admin", created["actor_name"])
	require.Equal(t, "127.0.0.1", created["client"])
	require.Equal(t, "audit-test-request-1", created["request_id"])
	require.Nil(t, created["before"], "a create has no before")
	require.Equal(t, "[redacted]", created["after"].(map[string]any)["secret"])
	updated := hooks[1]
	require.Equal(t, "ERP", updated["before"].(map[string]any)["description"])
	require.Equal(t, "ERP v2", updated["after"].(map[string]any)["description"])

	users := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"resource_type": {"user"}, "action": {"update"}}, "50")
	require.Len(t, users, 1)
	require.Equal(t, "[redacted]", users[0]["after"].(map[string]any)["password"], "a password change shows, redacted")
	require.Equal(t, "Agent Li", users[0]["after"].(map[string]any)["display_name"])
	byAdmin := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"actor_id": {created["actor_id"].(string)}}, "50")
	require.Len(t, byAdmin, len(events)-1, "all but the platform's onboarding")

	for _, ev := range b.auditEvents("/v1/audit-events", bolt.admin, url.Values{}, "50") {
		require.Equal(t, bolt.id.String(), ev["tenant_id"], "another tenant's event leaked")
	}
	b.must(403, "GET", "/v1/audit-events", agent, nil)
	b.must(403, "GET", "/v1/audit-events", b.platform, nil)
	b.must(403, "GET", "/v1/platform/audit-events", acme.admin, nil)
	for _, q := range []string{"cursor=x", "actor_id=nope", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"} {
		r := b.must(422, "GET", "/v1/audit-events?"+q, acme.admin, nil)
		require.Contains(t, string(r.Raw), strings.SplitN(strings.Split(q, "&")[len(strings.Split(q, "&"))-1], "=", 2)[0], q)
	}

	// The platform: onboarding, suspension and resumption, by tenant.
	b.must(200, "POST", "/v1/platform/tenants/"+bolt.id.String()+"/suspend", b.platform, map[string]any{"reason": "unpaid"})
	b.must(200, "POST", "/v1/platform/tenants/"+bolt.id.String()+"/resume", b.platform, nil)
	boltEvents := b.auditEvents("/v1/platform/audit-events", b.platform, url.Values{"tenant_id": {bolt.id.String()}}, "2")
	require.Len(t, boltEvents, 3)
	require.Equal(t, "resume", boltEvents[0]["action"])
	suspended := boltEvents[1]
	require.Equal(t, "platform_admin", suspended["actor_kind"])
	require.Equal(t, "ops", suspended["actor_name"])
	require.Equal(t, "active", suspended["before"].(map[string]any)["status"])
	require.Equal(t, "suspended", suspended["after"].(map[string]any)["status"])
	require.Equal(t, "create", boltEvents[2]["action"])
	require.NotContains(t, boltEvents[2]["after"].(map[string]any)["admin"], "password")
	all := b.auditEvents("/v1/platform/audit-events", b.platform, url.Values{}, "500")
	require.Len(t, all, len(events)+len(boltEvents))
	// The tenant sees what the platform did to it.
	require.Len(t, b.auditEvents("/v1/audit-events", bolt.admin, url.Values{"resource_type": {"tenant"}}, "50"), 3)
	// A role granted audit:read reads the log too.
	_, auditor := b.createUser(acme.admin, "acme", "auditor", []string{"auditor"}, map[string]any{"all": true})
	b.must(200, "GET", "/v1/audit-events", auditor, nil) // a role granted audit:read
}

// refusingRuntime is the fake plugin runtime whose configuration check
// refuses while refuse is set.
type refusingRuntime struct {
	*fakeRuntime
	refuse atomic.Bool
}

func (r *refusingRuntime) CheckConfig(context.Context, *core.PluginBinding) error {
	if r.refuse.Load() {
		return core.FieldError("config", "refused by the plugin")
	}
	return nil
}

// TestAuditLogRollsBackWithTheChange: a binding the plugin refuses after
// it was written (and its audit event queued) rolls back with its event:
// the log holds only what was committed. The secrets of a binding that
// is saved are never in the log, only their names.
func TestAuditLogRollsBackWithTheChange(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	rt := &refusingRuntime{fakeRuntime: &fakeRuntime{}}
	b := start(t, pool, dbURL, 0, func(o *wire.Options) { o.PluginKey, o.PluginDir, o.PluginRuntime = pluginKey, dir, rt })
	acme := b.onboard("acme")
	id, _ := b.registerAndBind(dir, acme, core.PluginParts, map[string]string{"api_key": "erp-secret-value-1"})

	rt.refuse.Store(true)
	r := b.do("PATCH", "/v1/plugin-bindings/"+id, acme.admin, map[string]any{"config": map[string]any{"url": "https://other.example"},
		"secrets": map[string]string{"api_key": "erp-secret-value-2"}})
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	name, sum := writePlugin(t, dir, "fake-crm", "#!/bin/sh\n# crm")
	p := b.must(201, "POST", "/v1/platform/plugins", b.platform, map[string]any{"name": "fake-crm", "kind": core.PluginCTI,
		"version": "1.0.0", "path": name, "sha256": sum})
	r = b.do("POST", "/v1/plugin-bindings", acme.admin, map[string]any{"plugin_id": p.str("id"), "name": "crm",
		"config": map[string]any{}})
	require.Equal(t, 422, r.Status, "%s", r.Raw)

	bindings := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"resource_type": {"plugin_binding"}}, "50")
	require.Len(t, bindings, 1, "only the committed create")
	require.Equal(t, "create", bindings[0]["action"])
	require.Equal(t, []any{"api_key"}, bindings[0]["after"].(map[string]any)["secret_names"])
	n := pgtest.TenantRows[int](t, pool, acme.id, `SELECT count(*)::int FROM audit_events WHERE resource_type = 'plugin_binding'`)[0]
	require.Equal(t, 1, n)
	all := b.must(200, "GET", "/v1/audit-events?limit=500", acme.admin, nil)
	require.NotContains(t, string(all.Raw), "erp-secret-value")
}

package api_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// installPlugin builds a reference plugin and copies it into the plugin
// directory, as an operator would; it returns the file name and checksum.
func installPlugin(t *testing.T, dir, pkg, name string) (string, string) {
	raw, err := os.ReadFile(plugintest.Build(t, pkg))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), raw, 0o755))
	return writePlugin(t, dir, name, string(raw))
}

// bindReference installs the reference plugin of kind, registers it and
// binds it to the tenant with config; it returns the plugin's file name
// and the binding (with its CTI token).
func (b *testBundle) bindReference(t *testing.T, dir string, tenant tenantFixture, name, kind string, config map[string]any) (string, resp) {
	file, sum := installPlugin(t, dir, "../plugins/"+name, name)
	p := b.must(201, "POST", "/v1/platform/plugins", b.platform, map[string]any{"name": name, "kind": kind,
		"version": "1.0.0", "path": file, "sha256": sum})
	return file, b.must(201, "POST", "/v1/plugin-bindings", tenant.admin, map[string]any{"plugin_id": p.str("id"),
		"name": name, "config": config})
}

// TestScreenPopWithTheRealCTIPlugin: the reference CTI plugin, run by the
// real host, translates the vendor's payload on one replica; the agent's
// stream on another replica gets the screen pop within a second.
func TestScreenPopWithTheRealCTIPlugin(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	a := setupPlugins(t, pool, dbURL, dir, nil)
	b := setupPlugins(t, pool, dbURL, dir, nil)
	n := a.newNetwork("acme")
	_, bind := a.bindReference(t, dir, n.tenant, "cti-generic", "cti", nil)
	binding, tok := bind.str("id"), bind.str("cti_token")
	// A call-centre agent with tenant-wide scope: every caller is in sight.
	agentID, agent := a.createUser(n.tenant.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	a.must(200, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", n.tenant.admin, map[string]any{"extension": "801"})
	events := b.openEvents(agent)

	post := func(body any) resp {
		return a.do("POST", "/v1/cti/"+binding+"/events", "", body, "X-CTI-Token", tok)
	}
	for _, bad := range []any{"not json", map[string]any{"event": "ringing"}, []any{1, 2},
		map[string]any{"event": "exploded", "call_id": "x", "timestamp": "2026-11-23T09:30:00+08:00"}} {
		r := post(bad)
		require.True(t, r.Status >= 400 && r.Status < 500, "%v: %d %s", bad, r.Status, r.Raw)
	}
	noEvent(t, events)

	r := post(map[string]any{"event": "ringing", "call_id": "7f9c-0001", "caller": "13800138000", "called": "4008001234",
		"agent_extension": "801", "timestamp": time.Now().Format(time.RFC3339)})
	require.Equal(t, 200, r.Status, "%s", r.Raw)
	e := nextEvent(t, events)
	require.Equal(t, "screen_pop", e.Name)
	require.Equal(t, "7f9c-0001", e.Data["call"].(map[string]any)["call_id"])
	pop := e.Data["screen_pop"].(map[string]any)
	require.Equal(t, n.customer.String(), pop["customers"].([]any)[0].(map[string]any)["id"])

	st := a.must(200, "GET", "/v1/plugin-bindings/"+binding+"/status", n.tenant.admin, nil)
	require.Equal(t, "running", st.str("state"))
}

// TestDispatchFallsBackWhenThePluginFails: a dispatch-rules binary replaced
// after registration (wrong checksum) is refused; intake goes on with the
// built-in ranking, the decision says why, and the tenant admin sees the
// failure.
func TestDispatchFallsBackWhenThePluginFails(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	b := setupPlugins(t, pool, dbURL, dir, nil)
	n := b.newNetwork("acme")
	name, bind := b.bindReference(t, dir, n.tenant, "dispatch-rules", "dispatch_rules", nil)
	// Replaced behind the registry's back.
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".new"), []byte("#!/bin/sh\nexit 1\n"), 0o755))
	require.NoError(t, os.Rename(filepath.Join(dir, name+".new"), filepath.Join(dir, name)))

	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, n.near.String(), r.str("site_id"), "the built-in ranking chose")
	dec := r.JSON["dispatch_decision"].(map[string]any)
	require.Contains(t, dec["fallback"], "built-in ranking used")

	require.Eventually(t, func() bool {
		st := b.must(200, "GET", "/v1/plugin-bindings/"+bind.str("id")+"/status", n.tenant.admin, nil)
		return st.str("state") == "failed" && st.JSON["checksum_ok"] == false
	}, 5*time.Second, 50*time.Millisecond)
}

// TestDispatchFallsBackWhenTheRuntimeRefuses: the runtime cannot give the
// binding's rules at all; the decision records it and intake goes on.
func TestDispatchFallsBackWhenTheRuntimeRefuses(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	b := setupPlugins(t, pool, dbURL, dir, &fakeRuntime{rules: errPluginDown})
	n := b.newNetwork("acme")
	b.registerAndBind(dir, n.tenant, "dispatch_rules", nil)
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Contains(t, r.JSON["dispatch_decision"].(map[string]any)["fallback"], "plugin down")
	// Unbound, the built-in ranking runs without a fallback note.
	bindings := b.must(200, "GET", "/v1/plugin-bindings", n.tenant.admin, nil).JSON["items"].([]any)
	b.must(204, "DELETE", "/v1/plugin-bindings/"+bindings[0].(map[string]any)["id"].(string), n.tenant.admin, nil)
	require.Eventually(t, func() bool {
		r := b.intake(n, n.tenant.admin, nil)
		return r.Status == 201 && r.JSON["dispatch_decision"].(map[string]any)["fallback"] == nil
	}, 5*time.Second, 50*time.Millisecond, "the cached binding is dropped on change")
}

// TestDispatchRulesPluginPrefersTheSellingDealer: the reference rules
// plugin, with the facts the platform looks up, moves the dealer that sold
// the unit first; the decision says the rules ranked.
func TestDispatchRulesPluginPrefersTheSellingDealer(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	b := setupPlugins(t, pool, dbURL, dir, nil)
	n := b.newNetwork("acme")
	b.exec(n.tenant.id, `UPDATE sites SET kind = 'dealer', auto_assign = true WHERE id = $1`, n.far)
	b.exec(n.tenant.id, `UPDATE technicians SET site_id = $2 WHERE id = $1`, n.techFar, n.far)
	b.exec(n.tenant.id, `UPDATE units SET dealer_site_id = $2 WHERE id = $1`, n.unit, n.far)
	_, bind := b.bindReference(t, dir, n.tenant, "dispatch-rules", "dispatch_rules", map[string]any{"rules": []string{"prefer_selling_dealer"}})

	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	dec := r.JSON["dispatch_decision"].(map[string]any)
	require.Nil(t, dec["fallback"], "no fallback")
	require.Contains(t, dec["engine"], "+rules")
	require.Equal(t, n.far.String(), r.str("site_id"), "the selling dealer first: %s", r.Raw)
	// The dealer lets the platform assign: one Decide call ranks the sites
	// and the dealer's technicians, whose choice is the one assigned, not
	// asked for again.
	require.Equal(t, n.techFar.String(), r.str("technician_id"), "%s", r.Raw)
	st := b.must(200, "GET", "/v1/plugin-bindings/"+bind.str("id")+"/status", n.tenant.admin, nil)
	require.EqualValues(t, 1, st.JSON["calls"], "%s", st.Raw)
}

// TestVIPSeniorTechnicianWithTheRealRulesPlugin: the technicians' facts
// (their tags and skills) come with the sites' in the one lookup of a
// decision, and the reference plugin assigns a VIP customer's order to the
// senior technician rather than the nearest, whether the tenant tagged
// the senior "senior" through the API or gave the skill.
func TestVIPSeniorTechnicianWithTheRealRulesPlugin(t *testing.T) {
	t.Parallel()
	for name, markSenior := range map[string]func(b *testBundle, n *network){
		"tag": func(b *testBundle, n *network) {
			path := "/v1/technicians/" + n.techFar.String()
			far := b.must(200, "GET", path, n.tenant.admin, nil)
			tagged := b.must(200, "PATCH", path, n.tenant.admin, map[string]any{"version": far.JSON["version"], "tags": []string{"senior"}})
			require.Equal(t, []any{"senior"}, tagged.JSON["tags"])
			require.NotContains(t, tagged.JSON["skills"], "senior")
		},
		"skill": func(b *testBundle, n *network) {
			b.exec(n.tenant.id, `UPDATE technicians SET skills = '{senior}' WHERE id = $1`, n.techFar)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pool, dbURL := pgtest.NewPool(t)
			dir := t.TempDir()
			b := setupPlugins(t, pool, dbURL, dir, nil)
			n := b.newNetwork("acme")
			before := b.intake(n, n.tenant.admin, nil)
			require.Equal(t, 201, before.Status, "%s", before.Raw)
			require.Equal(t, n.techNear.String(), before.str("technician_id"), "the built-in choice: the nearer technician")

			b.exec(n.tenant.id, `UPDATE customers SET vip = true WHERE id = $1`, n.customer)
			markSenior(b, n)
			b.bindReference(t, dir, n.tenant, "dispatch-rules", "dispatch_rules", map[string]any{"rules": []string{"vip_senior_technicians"}})
			r := b.intake(n, n.tenant.admin, nil)
			require.Equal(t, 201, r.Status, "%s", r.Raw)
			require.Equal(t, n.techFar.String(), r.str("technician_id"), "%s", r.Raw)
			tech := r.JSON["dispatch_decision"].(map[string]any)["technicians"].(map[string]any)
			require.Empty(t, tech["fallback"])
			first := tech["ranking"].([]any)[0].(map[string]any)
			require.Contains(t, first["reasons"], "senior technician for a VIP customer")
		})
	}
}

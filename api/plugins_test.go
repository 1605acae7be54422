package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

func TestPluginRegistry(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	b := setupPlugins(t, pool, dbURL, dir, &fakeRuntime{})
	acme := b.onboard("acme")
	name, sum := writePlugin(t, dir, "cti-generic", "#!/bin/sh\necho plugin\n")
	elsewhere := t.TempDir()
	outside, outsideSum := writePlugin(t, elsewhere, "evil", "#!/bin/sh\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "not-exec"), []byte("x"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(elsewhere, outside), filepath.Join(dir, "link")))
	plugin := func(path, sum string) map[string]any {
		return map[string]any{"name": "cti-generic", "kind": "cti", "version": "1.0.0", "path": path, "sha256": sum}
	}
	for _, c := range []struct {
		name   string
		token  string
		body   map[string]any
		status int
		want   string
	}{
		{"wrong checksum", b.platform, plugin(name, strings.Repeat("0", 64)), 422, "does not match the file"},
		{"missing file", b.platform, plugin("nope", sum), 422, "no such file"},
		{"outside the plugin directory", b.platform, plugin(filepath.Join(elsewhere, outside), outsideSum), 422, "inside the plugin directory"},
		{"symlink out of it", b.platform, plugin("link", outsideSum), 422, "inside the plugin directory"},
		{"escaping by ..", b.platform, plugin("../"+filepath.Base(dir)+"/"+name, sum), 201, ""},
		{"not executable", b.platform, plugin("not-exec", strings.Repeat("a", 64)), 422, "executable"},
		{"bad kind", b.platform, map[string]any{"name": "x", "kind": "sms", "version": "1", "path": name, "sha256": sum}, 422, "kind"},
		{"tenant admin", acme.admin, plugin(name, sum), 403, ""},
		{"duplicate", b.platform, plugin(name, sum), 409, "already exists"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(c.status, "POST", "/v1/platform/plugins", c.token, c.body)
			require.Contains(t, string(r.Raw), c.want)
		})
	}
	list := b.must(200, "GET", "/v1/platform/plugins", b.platform, nil)
	items := list.JSON["items"].([]any)
	require.Len(t, items, 1)
	p := items[0].(map[string]any)
	require.Equal(t, filepath.Join(mustEval(t, dir), name), p["path"])
	id := p["id"].(string)

	// Tenants see enabled plugins, without paths; disabling hides it.
	seen := b.must(200, "GET", "/v1/plugins", acme.admin, nil)
	require.NotContains(t, string(seen.Raw), dir)
	require.Len(t, seen.JSON["items"], 1)
	b.must(200, "PATCH", "/v1/platform/plugins/"+id, b.platform, map[string]any{"enabled": false})
	require.Len(t, b.must(200, "GET", "/v1/plugins", acme.admin, nil).JSON["items"], 0)
	b.must(200, "PATCH", "/v1/platform/plugins/"+id, b.platform, map[string]any{"enabled": true})

	// A bound plugin cannot be deleted; unbound, it can.
	bind := b.must(201, "POST", "/v1/plugin-bindings", acme.admin, map[string]any{"plugin_id": id, "name": "switch"})
	b.must(409, "DELETE", "/v1/platform/plugins/"+id, b.platform, nil)
	b.must(204, "DELETE", "/v1/plugin-bindings/"+bind.str("id"), acme.admin, nil)
	b.must(204, "DELETE", "/v1/platform/plugins/"+id, b.platform, nil)
	b.must(404, "DELETE", "/v1/platform/plugins/"+id, b.platform, nil)
}

func mustEval(t *testing.T, p string) string {
	r, err := filepath.EvalSymlinks(p)
	require.NoError(t, err)
	return r
}

func TestPluginBindings(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	rt := &fakeRuntime{}
	b := setupPlugins(t, pool, dbURL, dir, rt)
	acme, other := b.onboard("acme"), b.onboard("other")
	const secret = "erp-password-s3cret"
	id, tok := b.registerAndBind(dir, acme, "parts", map[string]string{"password": secret})
	require.NotEmpty(t, tok)
	notLeaked := func(r resp) {
		t.Helper()
		require.NotContains(t, string(r.Raw), secret)
	}

	got := b.must(200, "GET", "/v1/plugin-bindings/"+id, acme.admin, nil)
	notLeaked(got)
	require.Equal(t, []any{"password"}, got.JSON["secret_names"])
	require.Equal(t, map[string]any{"url": "https://vendor.example"}, got.JSON["config"])
	require.Equal(t, "parts", got.JSON["kind"])
	require.NotContains(t, got.JSON, "cti_token")
	notLeaked(b.must(200, "GET", "/v1/plugin-bindings", acme.admin, nil))

	pluginID := got.str("plugin_id")
	for _, c := range []struct {
		name   string
		method string
		path   string
		body   map[string]any
		status int
		want   string
	}{
		{"second enabled binding of a kind", "POST", "/v1/plugin-bindings", map[string]any{"plugin_id": pluginID, "name": "again"}, 409, "already has an enabled parts binding"},
		{"a disabled second one is fine", "POST", "/v1/plugin-bindings", map[string]any{"plugin_id": pluginID, "name": "spare", "enabled": false}, 201, "spare"},
		{"unknown plugin", "POST", "/v1/plugin-bindings", map[string]any{"plugin_id": "00000000-0000-0000-0000-000000000001", "name": "x"}, 422, "no such plugin"},
		{"bad secret name", "POST", "/v1/plugin-bindings", map[string]any{"plugin_id": pluginID, "name": "x", "enabled": false, "secrets": map[string]any{"a b": "c"}}, 422, "secrets"},
		{"rename and add a secret", "PATCH", "/v1/plugin-bindings/" + id, map[string]any{"name": "ERP", "secrets": map[string]any{"token": "t0k3n"}}, 200, `"secret_names":["password","token"]`},
		{"delete a secret", "PATCH", "/v1/plugin-bindings/" + id, map[string]any{"secrets": map[string]any{"token": ""}}, 200, `"secret_names":["password"]`},
		{"status", "GET", "/v1/plugin-bindings/" + id + "/status", nil, 200, `"state":"failed"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(c.status, c.method, c.path, acme.admin, c.body)
			notLeaked(r)
			require.Contains(t, string(r.Raw), c.want)
		})
	}
	require.Contains(t, rt.stopped, uuid.MustParse(id), "a changed binding's process is stopped")
	require.Equal(t, float64(3), b.must(200, "GET", "/v1/plugin-bindings/"+id, acme.admin, nil).JSON["version"])

	// The secrets still reach the plugin (the fake ERP needs the password).
	b.must(201, "POST", "/v1/parts/requisitions", acme.admin, map[string]any{"lines": []map[string]any{{"part_code": "P-100", "quantity": 1}}})

	// Another tenant: 404 everywhere, and nothing changes.
	before := b.must(200, "GET", "/v1/plugin-bindings/"+id, acme.admin, nil).Raw
	for _, c := range []struct{ method, path string }{
		{"GET", "/v1/plugin-bindings/" + id}, {"GET", "/v1/plugin-bindings/" + id + "/status"},
		{"PATCH", "/v1/plugin-bindings/" + id}, {"DELETE", "/v1/plugin-bindings/" + id},
	} {
		b.must(404, c.method, c.path, other.admin, map[string]any{"name": "hijacked", "enabled": false})
	}
	require.Empty(t, b.must(200, "GET", "/v1/plugin-bindings", other.admin, nil).JSON["items"])
	require.Equal(t, string(before), string(b.must(200, "GET", "/v1/plugin-bindings/"+id, acme.admin, nil).Raw))

	// Agents may not manage bindings.
	_, agent := b.createUser(acme.admin, "acme", "agent.li", []string{"agent"}, nil)
	b.must(403, "GET", "/v1/plugin-bindings", agent, nil)
	b.must(204, "DELETE", "/v1/plugin-bindings/"+id, acme.admin, nil)
	b.must(404, "GET", "/v1/plugin-bindings/"+id, acme.admin, nil)
}

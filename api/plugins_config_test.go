package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestBindingConfigurationCheckedByThePlugin: a tenant admin who saves a
// configuration the plugin refuses learns it at once, with the plugin's
// reason (422), and nothing is saved; a plugin that cannot even start does
// not block the binding (its status shows why).
func TestBindingConfigurationCheckedByThePlugin(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	b := setupPlugins(t, pool, dbURL, dir, nil)
	n := b.newNetwork("acme")
	file, sum := installPlugin(t, dir, "../plugins/dispatch-rules", "dispatch-rules")
	p := b.must(201, "POST", "/v1/platform/plugins", b.platform, map[string]any{"name": "dispatch-rules",
		"kind": "dispatch_rules", "version": "1.0.0", "path": file, "sha256": sum})
	bind := func(config map[string]any) resp {
		return b.do("POST", "/v1/plugin-bindings", n.tenant.admin, map[string]any{"plugin_id": p.str("id"),
			"name": "rules", "config": config})
	}

	r := bind(map[string]any{"rules": []string{"sunday_only"}})
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, r.str("detail"), `refused by plugin dispatch-rules: configuration: unknown rule "sunday_only"`, "%s", r.Raw)
	require.Empty(t, b.must(200, "GET", "/v1/plugin-bindings", n.tenant.admin, nil).JSON["items"], "nothing saved")

	ok := bind(map[string]any{"rules": []string{"sunday_open_only"}})
	require.Equal(t, 201, ok.Status, "%s", ok.Raw)
	path := "/v1/plugin-bindings/" + ok.str("id")

	r = b.do("PATCH", path, n.tenant.admin, map[string]any{"config": map[string]any{"unknown_hours": "maybe"}})
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, r.str("detail"), "unknown_hours", "%s", r.Raw)
	after := b.must(200, "GET", path, n.tenant.admin, nil)
	require.Equal(t, ok.JSON["version"], after.JSON["version"], "the refused change left the binding as it was")
	require.Equal(t, ok.JSON["config"], after.JSON["config"])

	changed := b.must(200, "PATCH", path, n.tenant.admin, map[string]any{"config": map[string]any{"rules": []string{"prefer_selling_dealer"}}})
	require.Equal(t, map[string]any{"rules": []any{"prefer_selling_dealer"}}, changed.JSON["config"])

	// A binary that is no plugin: the binding is saved; its use falls back.
	name, broken := writePlugin(t, dir, "broken", "#!/bin/sh\nexit 3\n")
	bp := b.must(201, "POST", "/v1/platform/plugins", b.platform, map[string]any{"name": "broken",
		"kind": "parts", "version": "1.0.0", "path": name, "sha256": broken})
	b.must(201, "POST", "/v1/plugin-bindings", n.tenant.admin, map[string]any{"plugin_id": bp.str("id"), "name": "erp",
		"config": map[string]any{}})
}

//go:build linux

package main_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// TestPortalPartsMode: a tenant admin, in zh-CN and in en, opens the
// parts settings, sees the built-in ledger is the tenant's mode and
// chooses the ERP: without a parts plugin the server refuses, the reason
// shown beside the choice, and nothing is stored; once a parts plugin is
// bound the switch is saved, GET /v1/settings says erp and a reload shows
// it. axe-core finds no serious violation.
func TestPortalPartsMode(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	dataDir := testkit.NewDataDir(t)
	// A parts plugin the platform admin registers: binding it needs no
	// running process (the binding's status would show it failing).
	dir := filepath.Join(dataDir, "plugins")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	script := []byte("#!/bin/sh\nexit 1\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "erp-parts"), script, 0o755))
	sum := sha256.Sum256(script)
	_, addr := serveEmbedded(t, "serve", dataDir)
	c := newClient(t, addr)
	platform := readToken(t, filepath.Join(dataDir, "platform-admin.token"))
	var plugin struct{ ID string }
	c.expect(http.StatusCreated, "POST", "/v1/platform/plugins", platform, map[string]any{"name": "erp-parts", "kind": "parts",
		"version": "1.0.0", "path": "erp-parts", "sha256": hex.EncodeToString(sum[:])}).decode(t, &plugin)

	for _, tc := range []struct{ lang, tenant, builtIn, erp, saved string }{
		{"zh-CN", "pm-zh", "内置台账", "ERP（备件插件）", "备件模式已保存"},
		{"en", "pm-en", "Built-in ledger", "ERP (parts plugin)", "Parts mode saved"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platform, map[string]any{
				"slug": tc.tenant, "name": "Parts " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": dispatchPassword}})
			admin := c.login(tc.tenant, "admin", dispatchPassword)
			mode := func() string {
				var s struct {
					PartsMode string `json:"parts_mode"`
				}
				c.expect(http.StatusOK, "GET", "/v1/settings", admin, nil).decode(t, &s)
				return s.PartsMode
			}

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/parts/settings", tc.tenant, "admin")
			b.waitVisible(`[data-test="pm-current"]`)
			b.waitText(tc.builtIn)
			b.requireAccessible("the parts mode")

			b.click(`[data-test="pm-erp"]`)
			b.click(`[data-test="pm-save"]`)
			require.Contains(t, fieldError(b, `[data-test="pm-mode"]`), "parts plugin")
			require.Equal(t, "built_in", mode(), "nothing stored")

			c.expect(http.StatusCreated, "POST", "/v1/plugin-bindings", admin, map[string]any{"plugin_id": plugin.ID,
				"name": "ERP", "config": map[string]any{"note": "no URL: nothing to resolve"}})
			b.click(`[data-test="pm-save"]`)
			b.waitText(tc.saved)
			require.Equal(t, "erp", mode())
			b.open("/parts/settings")
			b.waitVisible(`[data-test="pm-current"]`)
			require.Contains(t, b.evalString(`document.querySelector('[data-test="pm-current"]').innerText`), tc.erp)
		})
	}
}

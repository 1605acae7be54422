//go:build linux

package main_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// TestRestartKeepsData stops the platform the way a service manager does
// and starts it again on the same DATA_DIR: the shutdown is clean and
// complete (no database server left behind), and everything an operator
// and a tenant had before is still there.
func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	dataDir := testkit.NewDataDir(t)
	tokenPath := filepath.Join(dataDir, "platform-admin.token")

	first, addr := serveEmbedded(t, "serve #1", dataDir)
	platformToken := readToken(t, tokenPath)
	tokenBefore, err := os.ReadFile(tokenPath)
	require.NoError(t, err)
	statBefore, err := os.Stat(tokenPath)
	require.NoError(t, err)
	c := newClient(t, addr)
	c.onboard(platformToken, "restart-co")
	session := c.login("restart-co", "admin", adminPassword)
	pgPID, redisPID := first.embeddedPIDs(t)

	require.Equal(t, 0, first.terminate(t), "SIGTERM is a clean shutdown")
	require.True(t, testkit.ProcessGone(pgPID), "embedded PostgreSQL (pid %d) outlived aftersales", pgPID)
	require.True(t, testkit.ProcessGone(redisPID), "embedded Redis (pid %d) outlived aftersales", redisPID)
	require.Empty(t, processesUsing(dataDir), "no process may still use the data directory")
	requireRefused(t, addr, "after shutdown")
	requireShutdownOrder(t, first)

	second, addr2 := serveEmbedded(t, "serve #2", dataDir)
	c2 := newClient(t, addr2)
	require.Equal(t, "restart-co", c2.me(session).Tenant.Slug, "a session from before the restart still works")
	c2.login("restart-co", "admin", adminPassword)
	require.Contains(t, c2.tenantSlugs(platformToken), "restart-co", "the platform token from the first start still works")

	// The second start is not a first start: no new admin, the file as it was.
	tokenAfter, err := os.ReadFile(tokenPath)
	require.NoError(t, err)
	require.Equal(t, string(tokenBefore), string(tokenAfter), "the token file must not be rewritten")
	statAfter, err := os.Stat(tokenPath)
	require.NoError(t, err)
	require.Equal(t, statBefore.ModTime(), statAfter.ModTime(), "the token file must not be touched")
	for _, r := range second.records(t) {
		require.NotContains(t, r["msg"], "first start", "second start logged %v", r)
	}
	require.Empty(t, second.findRecords(t, "migration applied"), "the schema was kept, nothing to migrate")
	c2.expect(http.StatusOK, "GET", "/healthz", "", nil)
}

// requireShutdownOrder checks the log of a stopped serve: requests drained
// and the worker stopped first, then Redis, then PostgreSQL.
func requireShutdownOrder(t *testing.T, p *proc) {
	t.Helper()
	order := []string{"shutting down: draining requests", "stopped", "embedded: Redis stopped", "embedded: PostgreSQL stopped"}
	at := map[string]int{}
	for i, r := range p.records(t) {
		msg, _ := r["msg"].(string)
		if containsString(order, msg) {
			at[msg] = i
			if msg == "embedded: Redis stopped" || msg == "embedded: PostgreSQL stopped" {
				require.Nil(t, r["error"], "%s with an error: %v", msg, r)
			}
		}
	}
	for i, msg := range order {
		require.Contains(t, at, msg, "shutdown log lacks %q", msg)
		if i > 0 {
			require.Greater(t, at[msg], at[order[i-1]], "%q must come after %q", msg, order[i-1])
		}
	}
}

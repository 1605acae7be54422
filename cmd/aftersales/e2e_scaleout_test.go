//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScaleOutRoles runs the scaled-out deployment: two API replicas and a
// worker on one PostgreSQL and Redis, all started at the same moment on an
// empty database. Migrations and the first platform admin happen exactly
// once between them, and either replica serves what the other wrote.
func TestScaleOutRoles(t *testing.T) {
	t.Parallel()
	dbURL, rURL := newDatabase(t), redisURL(t)
	type replica struct {
		role, addr, dataDir string
		p                   *proc
	}
	replicas := []*replica{{role: "api"}, {role: "api"}, {role: "worker"}}
	for _, r := range replicas {
		r.addr, r.dataDir = freeAddr(t), t.TempDir()
	}
	for i, r := range replicas {
		r.p = startProc(t, fmt.Sprintf("%s #%d", r.role, i+1), map[string]string{
			"DATABASE_URL": dbURL, "REDIS_URL": rURL, "ROLE": r.role, "HTTP_ADDR": r.addr,
			"DATA_DIR": r.dataDir, "DB_MAX_CONNS": "5", "MEMORY_LIMIT": fmt.Sprintf("%dMiB", 256*(i+1))}, "serve")
	}
	api1, api2, worker := replicas[0], replicas[1], replicas[2]
	api1.p.waitReady(t, "http://"+api1.addr)
	api2.p.waitReady(t, "http://"+api2.addr)
	worker.p.waitRecord(t, "job worker started", func(r map[string]any) bool { return r["msg"] == "job worker started" })

	// Each migration ran once, under the lock, and one replica created the
	// first platform admin.
	applied := map[int]string{}
	var tokens []string
	for _, r := range replicas {
		for _, rec := range r.p.findRecords(t, "migration applied") {
			v := intField(t, rec, "version")
			require.NotContains(t, applied, v, "migration %d applied by %s and %s", v, applied[v], r.p.name)
			applied[v] = r.p.name
		}
		if _, err := os.Stat(filepath.Join(r.dataDir, "platform-admin.token")); err == nil {
			tokens = append(tokens, readToken(t, filepath.Join(r.dataDir, "platform-admin.token")))
		}
		require.Empty(t, r.p.findRecords(t, "embedded PostgreSQL started"), "%s must use DATABASE_URL", r.p.name)
		require.Empty(t, r.p.findRecords(t, "embedded Redis started"), "%s must use REDIS_URL", r.p.name)
	}
	require.NotEmpty(t, applied, "the empty database was migrated")
	require.Len(t, tokens, 1, "exactly one replica writes the first platform-admin token")

	// Roles: the API replicas run no worker; the worker serves no HTTP.
	require.Empty(t, api1.p.findRecords(t, "job worker started"), "ROLE=api must not run the job worker")
	require.Empty(t, api2.p.findRecords(t, "job worker started"), "ROLE=api must not run the job worker")
	require.Empty(t, worker.p.findRecords(t, "aftersales is up"))
	requireRefused(t, worker.addr, "ROLE=worker must not listen on HTTP_ADDR")
	// Each process says at start which Go memory limit it runs with.
	for i, r := range replicas {
		recs := r.p.findRecords(t, "memory limit")
		require.Len(t, recs, 1, "%s logs its memory limit once", r.p.name)
		require.Equal(t, "MEMORY_LIMIT", recs[0]["source"])
		require.EqualValues(t, 256*(i+1)<<20, recs[0]["bytes"])
	}
	// The worker redispatches (a rejection, an acceptance timeout): tenants'
	// dispatch rules must apply there too.
	for _, r := range replicas {
		require.NotEmpty(t, r.p.findRecords(t, "tenant plugins run in this process"), "%s runs no plugins", r.p.name)
	}

	// Whatever one replica writes, the other serves.
	c1, c2 := newClient(t, api1.addr), newClient(t, api2.addr)
	c1.onboard(tokens[0], "scale-co")
	session := c2.login("scale-co", "admin", adminPassword)
	require.Equal(t, "scale-co", c2.me(session).Tenant.Slug)
	require.Equal(t, "scale-co", c1.me(session).Tenant.Slug, "a session from one replica works on the other")
	c2.expect(http.StatusCreated, "POST", "/v1/users", session, map[string]any{
		"username": "li.na", "password": "another-long-password", "roles": []string{"agent"}})
	require.ElementsMatch(t, []string{"admin", "li.na"}, c1.usernames(session))
	require.Contains(t, c2.tenantSlugs(tokens[0]), "scale-co")

	// Every role shuts down cleanly on SIGTERM.
	for _, r := range []*replica{worker, api1, api2} {
		require.Equal(t, 0, r.p.terminate(t), "%s exit code after SIGTERM", r.p.name)
		require.NotEmpty(t, r.p.findRecords(t, "stopped"), "%s logs that it stopped", r.p.name)
	}
	require.Empty(t, levelRecords(worker.p.records(t), "ERROR"), "the worker logged no errors")
}

//go:build linux

package main_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestServeBehindPgBouncer: the binary with DATABASE_URL at PgBouncer in
// transaction mode, DATABASE_POOLER=transaction and DATABASE_SESSION_URL at
// PostgreSQL migrates (under the session lock), says it is behind a
// pooler, and serves: a platform admin onboards a tenant whose admin logs
// in and reads its profile.
func TestServeBehindPgBouncer(t *testing.T) {
	if why := pgtest.PgBouncerMissing(); why != "" {
		t.Skip(why)
	}
	t.Parallel()
	dbURL := newDatabase(t)
	bouncer, err := pgtest.StartPgBouncer(backingDB, pgtest.BouncerOptions{PoolSize: 4})
	require.NoError(t, err)
	t.Cleanup(bouncer.Stop)
	vars := map[string]string{"DATABASE_URL": bouncer.URL(dbURL), "DATABASE_SESSION_URL": dbURL, "DATABASE_POOLER": "transaction"}
	res := runCmd(t, vars, "platform-admin", "create", "ops")
	require.Equal(t, 0, res.Code, "stderr: %s", res.Stderr)
	token := strings.TrimSpace(res.Stdout)

	addr := freeAddr(t)
	vars["REDIS_URL"], vars["DATA_DIR"], vars["HTTP_ADDR"] = redisURL(t), t.TempDir(), addr
	p := startProc(t, "serve", vars, "serve")
	p.waitReady(t, "http://"+addr)
	c := newClient(t, addr)
	c.onboard(token, "bouncer")
	admin := c.login("bouncer", "admin", adminPassword)
	c.expect(http.StatusOK, "GET", "/v1/me", admin, nil)
	require.Equal(t, []string{"bouncer"}, c.tenantSlugs(token))
	var behind bool
	for _, r := range p.records(t) {
		behind = behind || r["msg"] == "database behind a transaction pooler; LISTEN on the session URL"
	}
	require.True(t, behind, "serve did not log that it is behind a pooler")
}

package api_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestSuiteRunsBehindPgBouncer: where pgbouncer is installed (always in
// CI) this package's replicas reach PostgreSQL through PgBouncer in
// transaction mode, and the pool's connections keep no role of their own.
func TestSuiteRunsBehindPgBouncer(t *testing.T) {
	if why := pgtest.PgBouncerMissing(); why != "" {
		t.Skip(why)
	}
	tb := setup(t)
	require.True(t, pgtest.ThroughPgBouncer(tb.pool), "the api tests run directly although pgbouncer is installed")
	var user string
	require.NoError(t, tb.pool.QueryRow(context.Background(), `SELECT current_user`).Scan(&user))
	require.NotEqual(t, "aftersales_app", user, "behind a transaction pooler nothing sets the role on the session")
	tb.onboard("bouncer") // and the store works through it
}

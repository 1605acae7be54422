package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// session is what a server connection holds outside any transaction.
type session struct {
	pid    int
	user   string
	tenant string
}

func readSession(t *testing.T, pool *pgxpool.Pool) session {
	t.Helper()
	var s session
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT pg_backend_pid(), current_user,
		coalesce(current_setting('app.tenant_id', true), '')`, pgx.QueryExecModeExec).Scan(&s.pid, &s.user, &s.tenant))
	return s
}

// TestTransactionPoolerKeepsNothingOnTheSession: behind PgBouncer in
// transaction mode with one server connection, whatever the store sets in
// a transaction (the role, the tenant for row-level security) is gone for
// the next transaction on that same server connection, after a commit, a
// rollback, a failed statement and a statement sent outside a unit; and
// the store's statements run as aftersales_app all the same.
func TestTransactionPoolerKeepsNothingOnTheSession(t *testing.T) {
	ctx := context.Background()
	bouncer := pgtest.NewPgBouncer(t, pgtest.BouncerOptions{PoolSize: 1})
	dbURL := pgtest.NewDatabase(t)
	pool, err := postgres.OpenPoolWith(ctx, bouncer.URL(dbURL), postgres.PoolOptions{MaxConns: 4, Pooler: postgres.TransactionPooler})
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	// Another client of PgBouncer, which sets nothing, looks at the server
	// connection between the store's transactions.
	observer, err := pgxpool.New(ctx, bouncer.URL(dbURL))
	require.NoError(t, err)
	t.Cleanup(observer.Close)
	store := postgres.NewStore(pool, core.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	clean := readSession(t, observer)
	require.NotEqual(t, postgres.AppRole, clean.user)
	require.Empty(t, clean.tenant)

	tenant := uuid.New()
	inUnit := func(end func(core.OpenUnitOfWork)) {
		t.Helper()
		u := store.Begin(ctx, tenant)
		var pid int
		var user, got string
		require.NoError(t, postgres.UnitQueryRow(ctx, u, `SELECT pg_backend_pid(), current_user, current_setting('app.tenant_id')`, &pid, &user, &got))
		require.Equal(t, clean.pid, pid, "one server connection")
		require.Equal(t, postgres.AppRole, user)
		require.Equal(t, tenant.String(), got)
		end(u)
		require.Equal(t, clean, readSession(t, observer), "the unit's settings outlived it")
	}
	inUnit(func(u core.OpenUnitOfWork) { require.NoError(t, u.Commit(ctx)) })
	inUnit(func(u core.OpenUnitOfWork) { u.Rollback(ctx) })
	inUnit(func(u core.OpenUnitOfWork) {
		require.Error(t, postgres.UnitQueryRow(ctx, u, `SELECT 1/0`, new(int)))
		u.Rollback(ctx)
	})

	// Outside a unit: a row, rows, a statement.
	var user string
	require.NoError(t, postgres.StoreQueryRow(ctx, store, `SELECT current_user`, &user))
	require.Equal(t, postgres.AppRole, user)
	require.Equal(t, clean, readSession(t, observer))
	users, err := postgres.StoreQuery(ctx, store, `SELECT current_user::text FROM generate_series(1, 3)`)
	require.NoError(t, err)
	require.Equal(t, []string{postgres.AppRole, postgres.AppRole, postgres.AppRole}, users)
	require.Equal(t, clean, readSession(t, observer))
	require.NoError(t, postgres.StoreExec(ctx, store, `SELECT set_config('app.tenant_id', 'x', true)`))
	require.Equal(t, clean, readSession(t, observer))
	require.ErrorIs(t, postgres.StoreQueryRow(ctx, store, `SELECT 1 WHERE false`, new(int)), pgx.ErrNoRows)
	require.Equal(t, clean, readSession(t, observer))
}

// TestStoreRunsAsAppRoleDirectly: directly on PostgreSQL the store's
// statements outside a unit also run as aftersales_app, and a unit's
// tenant does not outlive it.
func TestStoreRunsAsAppRoleDirectly(t *testing.T) {
	ctx := context.Background()
	store := pgtest.NewStore(t, nil)
	var user string
	require.NoError(t, postgres.StoreQueryRow(ctx, store, `SELECT current_user`, &user))
	require.Equal(t, postgres.AppRole, user)
	u := store.Begin(ctx, uuid.New())
	require.NoError(t, postgres.UnitQueryRow(ctx, u, `SELECT current_user`, &user))
	require.Equal(t, postgres.AppRole, user)
	require.NoError(t, u.Commit(ctx))
	var tenant string
	require.NoError(t, store.Pool().QueryRow(ctx, `SELECT coalesce(current_setting('app.tenant_id', true), '')`).Scan(&tenant))
	require.Empty(t, tenant)
}

// TestPgBouncerDropsConnectionsAndThePoolRecovers: PgBouncer's admin
// console drops every connection to the database (KILL, as the failure
// drill does, then RESUME) and closes its server connections as they are
// released (RECONNECT); the store's pool answers again right after, each
// time on a new server connection.
func TestPgBouncerDropsConnectionsAndThePoolRecovers(t *testing.T) {
	ctx := context.Background()
	bouncer := pgtest.NewPgBouncer(t, pgtest.BouncerOptions{PoolSize: 1})
	dbURL := pgtest.NewDatabase(t)
	pool, err := postgres.OpenPoolWith(ctx, bouncer.URL(dbURL), postgres.PoolOptions{MaxConns: 2, Pooler: postgres.TransactionPooler})
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	db := pool.Config().ConnConfig.Database
	before := readSession(t, pool)

	require.NoError(t, bouncer.Admin(ctx, dbURL, "RECONNECT "+db))
	afterReconnect := readSession(t, pool)
	require.NotEqual(t, before.pid, afterReconnect.pid, "RECONNECT closes the server connection once released")

	require.NoError(t, bouncer.Admin(ctx, dbURL, "KILL "+db))
	require.NoError(t, bouncer.Admin(ctx, dbURL, "RESUME "+db))
	var s session
	require.Eventually(t, func() bool {
		err := pool.QueryRow(ctx, `SELECT pg_backend_pid()`, pgx.QueryExecModeExec).Scan(&s.pid)
		return err == nil
	}, 5*time.Second, 20*time.Millisecond, "the pool reconnects through PgBouncer after KILL and RESUME")
	require.NotEqual(t, afterReconnect.pid, s.pid, "KILL dropped the server connection")
}

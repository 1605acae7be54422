package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// roundTrips counts what a connection sends and waits for: each query
// outside a batch and each batch (one pipeline, one Sync).
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// TestUnitRoundTrips: a unit's BEGIN (role and tenant) goes with its first
// read, its writes with the COMMIT: a unit that reads once costs two round
// trips, one that only writes costs one, one that sends nothing none; and
// the tenant and role hold for what it reads, and not after it.
func TestUnitRoundTrips(t *testing.T) {
	ctx := context.Background()
	_, dbURL := pgtest.NewPool(t)
	cfg, err := pgxpool.ParseConfig(dbURL)
	require.NoError(t, err)
	cfg.MaxConns = 1 // one connection: its statement cache is warm after the first unit
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET ROLE "+postgres.AppRole)
		return err
	}
	trips := &roundTrips{}
	cfg.ConnConfig.Tracer = trips
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	store := postgres.NewStore(pool, core.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))

	tenant := uuid.New()
	readOnce := func() (string, string) {
		u := store.Begin(ctx, tenant)
		var got, role string
		require.NoError(t, postgres.UnitQueryRow(ctx, u, `SELECT current_setting('app.tenant_id'), current_user`, &got, &role))
		require.NoError(t, u.Commit(ctx))
		return got, role
	}
	readOnce() // warms the connection
	trips.n.Store(0)
	got, role := readOnce()
	require.Equal(t, tenant.String(), got)
	require.Equal(t, postgres.AppRole, role)
	require.Equal(t, int64(2), trips.n.Load(), "BEGIN with the read, then COMMIT")

	trips.n.Store(0)
	u := store.Begin(ctx, tenant)
	postgres.UnitWrite(u, `SELECT set_config('app.probe', 'x', true)`)
	require.NoError(t, u.Commit(ctx))
	require.Equal(t, int64(1), trips.n.Load(), "BEGIN, the writes and COMMIT in one")

	trips.n.Store(0)
	u = store.Begin(ctx, tenant)
	require.NoError(t, u.Commit(ctx))
	require.Equal(t, int64(0), trips.n.Load(), "nothing sent, nothing to end")

	// A failed write fails the commit and leaves nothing on the session.
	u = store.Begin(ctx, tenant)
	postgres.UnitWrite(u, `SELECT 1/0`)
	require.Error(t, u.Commit(ctx))
	var after string
	require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(current_setting('app.tenant_id', true), '')`).Scan(&after))
	require.Empty(t, after, "the tenant does not outlive the unit")
	got, _ = readOnce()
	require.Equal(t, tenant.String(), got, "the pool's connection serves the next unit")
}

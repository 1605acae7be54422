package pgtest

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// InTenant runs fn in a transaction on pool inside the tenant (with
// app.tenant_id set, as the store sets it, so row-level security shows and
// accepts that tenant's rows only) and commits when fn returns. Tests use
// it to read and write what the store does not offer; a test that fails
// inside fn leaves nothing behind.
func InTenant(t testing.TB, pool *pgxpool.Pool, tenant uuid.UUID, fn func(ctx context.Context, tx pgx.Tx)) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('role', 'aftersales_app', true), set_config('app.tenant_id', $1, true)`, tenant.String())
	require.NoError(t, err)
	fn(ctx, tx)
	require.NoError(t, tx.Commit(ctx))
}

// TenantRows runs a query of one column inside the tenant and collects it.
func TenantRows[T any](t testing.TB, pool *pgxpool.Pool, tenant uuid.UUID, sql string, args ...any) []T {
	t.Helper()
	var out []T
	InTenant(t, pool, tenant, func(ctx context.Context, tx pgx.Tx) {
		rows, err := tx.Query(ctx, sql, args...)
		require.NoError(t, err, sql)
		out, err = pgx.CollectRows(rows, pgx.RowTo[T])
		require.NoError(t, err, sql)
	})
	return out
}

// TenantExec runs a statement inside the tenant and returns the number of
// rows it affected.
func TenantExec(t testing.TB, pool *pgxpool.Pool, tenant uuid.UUID, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	InTenant(t, pool, tenant, func(ctx context.Context, tx pgx.Tx) {
		tag, err := tx.Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
		n = tag.RowsAffected()
	})
	return n
}

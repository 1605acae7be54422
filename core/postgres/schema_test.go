package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// Platform-level tables hold no tenant data and are exempt from RLS.
var platformTables = map[string]bool{"tenants": true, "platform_admins": true, "platform_tokens": true,
	"platform_idempotency_keys": true, "goose_db_version": true, "platform_role_permissions": true}

func TestMigrationsFromEmptyAndRerun(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	v1, err := postgres.MigrationVersion(ctx, dbURL)
	require.NoError(t, err)
	require.Greater(t, v1, int64(0))
	// Several replicas starting at once: concurrent re-runs are harmless.
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() { errs <- postgres.Migrate(ctx, dbURL, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	}
	for i := 0; i < 3; i++ {
		require.NoError(t, <-errs)
	}
	v2, err := postgres.MigrationVersion(ctx, dbURL)
	require.NoError(t, err)
	require.Equal(t, v1, v2)
}

// TestTenantTablesAreIsolated checks the schema rules for every table with a
// tenant_id column: RLS enabled and forced, and tenant_id leading its
// primary key, every index and every foreign key.
func TestTenantTablesAreIsolated(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)

	rows, err := conn.Query(ctx, `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')`)
	require.NoError(t, err)
	type tbl struct {
		name       string
		rls, force bool
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tbl, error) {
		var x tbl
		return x, r.Scan(&x.name, &x.rls, &x.force)
	})
	require.NoError(t, err)
	require.NotEmpty(t, tables)
	for _, tb := range tables {
		require.False(t, platformTables[tb.name], "%s has tenant_id but is listed as a platform table", tb.name)
		require.True(t, tb.rls, "%s: row-level security not enabled", tb.name)
		require.True(t, tb.force, "%s: row-level security not forced", tb.name)
	}

	// Every index (primary keys included) of a tenant table starts with tenant_id.
	rows, err = conn.Query(ctx, `SELECT i.indexrelid::regclass::text, a.attname
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
		WHERE n.nspname = 'public' AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'tenant_id')`)
	require.NoError(t, err)
	idx, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var x [2]string
		return x, r.Scan(&x[0], &x[1])
	})
	require.NoError(t, err)
	require.NotEmpty(t, idx)
	for _, x := range idx {
		require.Equal(t, "tenant_id", x[1], "index %s does not lead with tenant_id", x[0])
	}

	// Every foreign key of a tenant table to a tenant table starts with tenant_id.
	rows, err = conn.Query(ctx, `SELECT con.conname, a.attname FROM pg_constraint con
		JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
		WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
		  AND con.confrelid <> 'tenants'::regclass
		  AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = con.conrelid AND t.attname = 'tenant_id')`)
	require.NoError(t, err)
	fks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var x [2]string
		return x, r.Scan(&x[0], &x[1])
	})
	require.NoError(t, err)
	require.NotEmpty(t, fks)
	for _, x := range fks {
		require.Equal(t, "tenant_id", x[1], "foreign key %s does not lead with tenant_id", x[0])
	}
}

// TestAppRoleSeesNothingWithoutTenant: the application role cannot bypass
// RLS, sees no tenant rows without app.tenant_id, and only its tenant's with it.
func TestAppRoleSeesNothingWithoutTenant(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewPool(t)
	ctx := context.Background()
	var bypass, super bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&bypass, &super))
	require.False(t, bypass)
	require.False(t, super)

	a, b := uuid.New(), uuid.New()
	for _, id := range []uuid.UUID{a, b} {
		_, err := pool.Exec(ctx, `INSERT INTO tenants (id, slug, name, locale, timezone) VALUES ($1, $2, 'T', 'en', 'UTC')`, id, "t-"+id.String()[:8])
		require.NoError(t, err)
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, id.String())
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `INSERT INTO regions (tenant_id, id, level, code, name) VALUES ($1, $2, 'country', 'CN', 'China')`, id, uuid.New())
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
	}
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM regions`).Scan(&n))
	require.Equal(t, 0, n, "no tenant set: nothing visible")

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, a.String())
	require.NoError(t, err)
	require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM regions`).Scan(&n))
	require.Equal(t, 1, n)
	// Writing a row for another tenant is refused by the policy's WITH CHECK.
	_, err = tx.Exec(ctx, `INSERT INTO regions (tenant_id, id, level, code, name) VALUES ($1, $2, 'country', 'XX', 'X')`, b, uuid.New())
	require.ErrorContains(t, err, "row-level security")
}

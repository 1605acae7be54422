package postgres_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestMigrationGrantsRegionManagersParts: migration 00086 gives an
// existing tenant's built-in region_manager role parts:read, as new
// tenants get (core.DefaultRoles); a tenant whose region_manager role is
// its own (not built in) is left as it was; applying it twice adds
// nothing.
func TestMigrationGrantsRegionManagersParts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	builtin := pgtest.NewNetwork(t, s, "rmpa", "")
	custom := pgtest.NewNetwork(t, s, "rmpb", "")
	p := migratedDownTo(t, dbURL, 85)
	// As tenants made before region managers read parts: no grant; one
	// tenant's region_manager is its own role. (At 85 every tenant holds
	// a copy of its roles' permissions: the down of 00092 restored them.)
	for _, n := range []*pgtest.Network{builtin, custom} {
		pgtest.TenantExec(t, pool, n.Tenant, `DELETE FROM authz_rules
			WHERE ptype = 'p' AND v0 = 'role:region_manager' AND v1 = 'parts' AND v2 = 'read'`)
	}
	require.Equal(t, int64(1), pgtest.TenantExec(t, pool, custom.Tenant, `UPDATE roles SET builtin = false WHERE name = 'region_manager'`))
	// The role's permission as the tenant has it: its copy up to 00091,
	// the effective one (platform default and the tenant's changes) after.
	grants := func(n *pgtest.Network) int {
		sql := `SELECT v0 FROM authz_rules WHERE ptype = 'p' AND v0 = 'role:region_manager' AND v1 = 'parts' AND v2 = 'read'`
		if v, err := p.GetDBVersion(ctx); err == nil && v >= 91 {
			sql = `SELECT role FROM role_permissions WHERE role = 'region_manager' AND resource = 'parts' AND action = 'read'`
		}
		return len(pgtest.TenantRows[string](t, pool, n.Tenant, sql))
	}
	require.Zero(t, grants(builtin), "before the migration: an existing tenant without the grant")
	_, err := p.UpTo(ctx, 86)
	require.NoError(t, err)
	require.Equal(t, 1, grants(builtin))
	require.Zero(t, grants(custom), "a tenant's own role is not changed")

	_, err = p.DownTo(ctx, 85)
	require.NoError(t, err)
	require.Equal(t, 1, grants(builtin), "rolling back keeps the grant")
	_, err = p.Up(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, grants(builtin), "applied again: still one rule")
	require.Zero(t, grants(custom), "applied again: a tenant's own role is still not changed")
}

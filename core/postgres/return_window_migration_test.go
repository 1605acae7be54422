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

// TestMigrationOneReturnWindow: migration 00105 makes the tenant setting
// part_return_days the one defective-part return window. A tenant that
// set its claim window and left the tenant setting at its default keeps
// its claim window; a tenant that set the tenant setting keeps it; a
// tenant without claim settings is left as it was. Down and up again.
func TestMigrationOneReturnWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	claimOnly := pgtest.NewNetwork(t, s, "rwa", "")
	both := pgtest.NewNetwork(t, s, "rwb", "")
	neither := pgtest.NewNetwork(t, s, "rwc", "")
	p := migratedDownTo(t, dbURL, 104)
	pgtest.TenantExec(t, pool, claimOnly.Tenant, `INSERT INTO claim_settings (tenant_id, settings)
		VALUES (app_current_tenant(), '{"currency":"CNY","part_return_days":30}')`)
	pgtest.TenantExec(t, pool, both.Tenant, `INSERT INTO claim_settings (tenant_id, settings)
		VALUES (app_current_tenant(), '{"currency":"CNY","part_return_days":30}')`)
	pgtest.TenantExec(t, pool, both.Tenant, `INSERT INTO tenant_settings (tenant_id, part_return_days) VALUES (app_current_tenant(), 7)
		ON CONFLICT (tenant_id) DO UPDATE SET part_return_days = 7`)
	days := func(n *pgtest.Network) []int {
		return pgtest.TenantRows[int](t, pool, n.Tenant, `SELECT part_return_days FROM tenant_settings`)
	}
	before := days(neither)
	_, err := p.UpTo(ctx, 105)
	require.NoError(t, err)
	require.Equal(t, []int{30}, days(claimOnly), "the claim window, set, is kept")
	require.Equal(t, []int{7}, days(both), "the tenant setting, set, wins")
	require.Equal(t, before, days(neither))
	_, err = p.DownTo(ctx, 104)
	require.NoError(t, err)
	_, err = p.Up(ctx)
	require.NoError(t, err)
	require.Equal(t, []int{30}, days(claimOnly))
}

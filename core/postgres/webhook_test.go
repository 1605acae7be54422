package postgres_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestWebhookMigrationGrantsExistingIntegrationRoles: a tenant onboarded
// before webhooks existed gets them on its built-in integration role when
// the migration runs; the migration also rolls back and forth cleanly.
func TestWebhookMigrationGrantsExistingIntegrationRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(t)
	n := pgtest.NewNetwork(t, postgres.NewStore(pool, core.SystemClock{}, slog.New(slog.DiscardHandler)), "acme", "")
	inTenant := func(sql string) int64 { return pgtest.TenantExec(t, pool, n.Tenant, sql) }
	const effective = `role_permissions WHERE role = 'integration' AND resource = 'webhooks'`
	require.Equal(t, int64(4), inTenant(`SELECT * FROM `+effective), "new tenants get them at onboarding")

	p := migratedDownTo(t, dbURL, 10)
	// At 10 the tenant holds a copy of its roles' permissions (the down of
	// 00092 restored it); as before webhooks, the copy has none.
	const rules = `authz_rules WHERE ptype = 'p' AND v0 = 'role:integration' AND v1 = 'webhooks'`
	require.Equal(t, int64(4), inTenant(`DELETE FROM `+rules))
	_, err := p.Up(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(4), inTenant(`SELECT * FROM `+effective))
	require.Zero(t, inTenant(`SELECT * FROM `+rules), "equal to the platform's default: not copied")
}

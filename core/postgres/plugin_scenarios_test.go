package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestPluginScenarios runs the plugin use cases' scenarios against
// PostgreSQL: what core/plugin's tests check on the in-memory fake holds
// on the real adapter too, so the fake cannot drift from it.
func TestPluginScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.PluginScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			ps, err := postgres.NewPluginStore(s, newKey(t))
			require.NoError(t, err)
			e := coretest.PluginEnv{Units: s, Store: ps, Clock: clock, Tenant: uuid.New(), Other: uuid.New(),
				Users: [2]uuid.UUID{uuid.New(), uuid.New()}}
			for _, tenant := range []uuid.UUID{e.Tenant, e.Other} {
				admin := uuid.New()
				if tenant == e.Tenant {
					admin = e.Users[0]
				}
				require.NoError(t, s.InPlatform(ctx, func(ctx context.Context) error {
					return s.CreateTenant(ctx, &core.Tenant{ID: tenant, Slug: "t-" + tenant.String()[:8], Name: "T", Locale: "en",
						TimeZone: "UTC"}, &core.User{ID: admin, Username: "admin"}, "x", core.DefaultRoles(), core.DefaultTenantRules(admin))
				}))
			}
			pgtest.TenantExec(t, s.Pool(), e.Tenant, `INSERT INTO users (tenant_id, id, username, password_hash) VALUES ($1, $2, 'agent', 'x')`,
				e.Tenant, e.Users[1])
			e.Suspend = func() {
				_, err := s.SetTenantStatus(ctx, e.Tenant, core.TenantSuspended, "unpaid")
				require.NoError(t, err)
			}
			sc.Run(t, e)
		})
	}
}

package postgres_test

import (
	"context"
	"fmt"
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
			e := coretest.PluginEnv{Units: s, Store: ps, Clock: clock, Tenant: newTenant(t, s, "acme"),
				Other: newTenant(t, s, "other"), Users: [2]uuid.UUID{uuid.New(), uuid.New()}}
			for i, user := range e.Users {
				pgtest.TenantExec(t, s.Pool(), e.Tenant, `INSERT INTO users (tenant_id, id, username, password_hash)
					VALUES ($1, $2, $3, 'x')`, e.Tenant, user, fmt.Sprintf("agent%d", i))
			}
			e.Suspend = func() {
				err := core.InUnitOfWork(ctx, s, uuid.Nil, func(u core.UnitOfWork) error {
					_, err := s.SetTenantStatus(ctx, u, e.Tenant, core.TenantSuspended, "unpaid")
					return err
				})
				require.NoError(t, err)
			}
			sc.Run(t, e)
		})
	}
}

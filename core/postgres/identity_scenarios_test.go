package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestIdentityScenarios runs the identity use cases' scenarios against
// PostgreSQL: what core/identity's tests check on the in-memory fake holds
// on the real adapter too, so the fake cannot drift from it.
func TestIdentityScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.IdentityScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			tenant, admin := uuid.New(), uuid.New()
			pgtest.CreateTenant(t, s, &core.Tenant{ID: tenant, Slug: "acme", Name: "Acme", Locale: "zh-CN", TimeZone: "Asia/Shanghai"},
				admin, core.HashPassword(coretest.AdminPassword))
			n := pgtest.NetworkOf(tenant)
			pgtest.AddNetwork(t, s.Pool(), n)
			sc.Run(t, coretest.IdentityEnv{Units: s, Store: s, Clock: clock, Tenant: tenant, Slug: "acme", Admin: admin,
				Region: n.Region, Site: n.Site, Suspend: func(reason string) {
					err := core.InUnitOfWork(ctx, s, uuid.Nil, func(u core.UnitOfWork) error {
						_, err := s.SetTenantStatus(ctx, u, tenant, core.TenantSuspended, reason)
						return err
					})
					require.NoError(t, err)
				}})
		})
	}
}

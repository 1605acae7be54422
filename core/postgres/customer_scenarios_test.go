package postgres_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestCustomerScenarios runs the scenarios of customers, units, the screen
// pop, catalogues and settings against PostgreSQL: what the tests of
// core/customer, core/catalog and core/settings check on the in-memory
// fake holds on the real adapter too, so the fake cannot drift from it.
func TestCustomerScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range slices.Concat(coretest.CustomerScenarios(), coretest.CatalogScenarios(), coretest.SettingsScenarios()) {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			e := coretest.CustomerEnv{Units: s, Customers: s, Catalog: s, Settings: s, Clock: clock,
				Tenant: uuid.New(), Other: uuid.New(), Region: uuid.New(), Site: uuid.New()}
			for _, tenant := range []uuid.UUID{e.Tenant, e.Other} {
				pgtest.CreateTenant(t, s, &core.Tenant{ID: tenant, Slug: tenant.String()[:8], Name: "T", Locale: "zh-CN",
					TimeZone: "Asia/Shanghai"}, uuid.New(), "x")
			}
			pgtest.TenantExec(t, s.Pool(), e.Tenant, `INSERT INTO regions (tenant_id, id, level, code, name)
				VALUES ($1, $2, 'country', 'GD', '广东')`, e.Tenant, e.Region)
			pgtest.TenantExec(t, s.Pool(), e.Tenant, `INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km)
				VALUES ($1, $2, 'S-1', '深圳南山服务站', 'dealer', $3, 22.5, 114.0, 30)`, e.Tenant, e.Site, e.Region)
			sc.Run(t, e)
		})
	}
}

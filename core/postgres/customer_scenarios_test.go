package postgres_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

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
			e.Seed = pgCustomerSeed(s.Pool(), e.Tenant)
			sc.Run(t, e)
		})
	}
}

// pgCustomerSeed inserts the rows of other areas straight into the
// tenant's tables.
func pgCustomerSeed(pool *pgxpool.Pool, tenant uuid.UUID) coretest.CustomerSeed {
	insert := func(t *testing.T, sql string, args ...any) uuid.UUID {
		id := uuid.New()
		pgtest.TenantExec(t, pool, tenant, sql, append([]any{tenant, id}, args...)...)
		return id
	}
	return coretest.CustomerSeed{
		Region: func(t *testing.T, parent *uuid.UUID, code string) uuid.UUID {
			return insert(t, `INSERT INTO regions (tenant_id, id, parent_id, level, code, name) VALUES ($1, $2, $3, 'province', $4, $4)`,
				parent, code)
		},
		Site: func(t *testing.T, region uuid.UUID, code string) uuid.UUID {
			return insert(t, `INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km)
				VALUES ($1, $2, $3, $3, 'service_station', $4, 22.8, 108.3, 30)`, code, region)
		},
		Technician: func(t *testing.T, site uuid.UUID, code string) uuid.UUID {
			return insert(t, `INSERT INTO technicians (tenant_id, id, site_id, code, name, phone) VALUES ($1, $2, $3, $4, $4, '13900000000')`,
				site, code)
		},
		Order: func(t *testing.T, customer uuid.UUID, state string, site, technician *uuid.UUID) uuid.UUID {
			return insert(t, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, service_type, site_id,
				technician_id, created_by) VALUES ($1, $2::uuid, 'WO-' || left($2::uuid::text, 8), 'repair', 'phone', $3, $4, 'repair', $5, $6, 'test')`,
				state, customer, site, technician)
		},
	}
}

package postgres_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestCallScenarios runs the call log's scenarios against PostgreSQL:
// what core/call's tests check on the in-memory fake holds on the real
// adapter too.
func TestCallScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.CallScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			e := coretest.CallEnv{Units: s, Store: s, Clock: clock, Tenant: newTenant(t, s, "acme"), Other: newTenant(t, s, "other"),
				Agents: [2]uuid.UUID{uuid.New(), uuid.New()}, Customer: uuid.New(), Region: uuid.New()}
			exec := func(sql string, args ...any) { pgtest.TenantExec(t, s.Pool(), e.Tenant, sql, args...) }
			for i, user := range e.Agents {
				exec(`INSERT INTO users (tenant_id, id, username, password_hash, cti_extension) VALUES ($1, $2, $3, 'x', $4)`,
					e.Tenant, user, "agent"+string(rune('1'+i)), "800"+string(rune('1'+i)))
			}
			phone, err := core.NormalizePhone(coretest.CustomerPhone, core.DefaultPhoneCountry)
			require.NoError(t, err)
			exec(`INSERT INTO regions (tenant_id, id, level, code, name) VALUES ($1, $2, 'city', '310100', 'Shanghai')`, e.Tenant, e.Region)
			exec(`INSERT INTO customers (tenant_id, id, kind, name) VALUES ($1, $2, 'person', 'Wang')`, e.Tenant, e.Customer)
			exec(`INSERT INTO customer_phones (tenant_id, customer_id, phone) VALUES ($1, $2, $3)`, e.Tenant, e.Customer, phone)
			exec(`INSERT INTO customer_addresses (tenant_id, id, customer_id, region_id, address) VALUES ($1, $2, $3, $4, 'x')`,
				e.Tenant, uuid.New(), e.Customer, e.Region)
			sc.Run(t, e)
		})
	}
}

package postgres_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestNetworkScenarios runs the network use cases' scenarios against
// PostgreSQL: what core/network's tests check on the in-memory fake holds
// on the real adapter too, so the fake cannot drift from it.
func TestNetworkScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.NetworkScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			tenant := newTenant(t, s, "acme")
			sc.Run(t, coretest.NetworkEnv{Units: s, Store: s, Clock: clock, Tenant: tenant,
				AddUser: func(username string) uuid.UUID {
					id := uuid.New()
					pgtest.TenantExec(t, s.Pool(), tenant, `INSERT INTO users (tenant_id, id, username, password_hash)
						VALUES ($1, $2, $3, 'x')`, tenant, id, username)
					return id
				},
				GrantRegion: func(region uuid.UUID) {
					pgtest.TenantExec(t, s.Pool(), tenant, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1)
						VALUES ($1, 'g2', 'user:' || $2::text, 'region:' || $3::text)`, tenant, uuid.New(), region)
				}})
		})
	}
}

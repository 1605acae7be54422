package postgres_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestComplaintScenarios runs the complaint use cases' scenarios against
// PostgreSQL: what core/complaint's tests check on the in-memory fake
// holds on the real adapter too.
func TestComplaintScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.ComplaintScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			n := pgtest.NewNetwork(t, s, "acme", "")
			other := pgtest.NewNetwork(t, s, "bolt", "")
			sc.Run(t, coretest.ComplaintEnv{Units: s, Store: s, Clock: clock, Tenant: n.Tenant, Other: other.Tenant,
				Customer: n.Customer, Unit: n.Unit, Site: n.Site, Region: n.Region,
				SeedOrder:   func() uuid.UUID { return newOrder(t, s, n) },
				OutboxTypes: func(aggregate uuid.UUID) []string { return outboxTypes(t, s, n.Tenant, aggregate) }})
		})
	}
}

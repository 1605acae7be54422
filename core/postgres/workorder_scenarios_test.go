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

// TestWorkOrderScenarios runs the work-order use cases' scenarios against
// PostgreSQL: what core/workorder's tests check on the in-memory fake
// holds on the real adapter too, so the fake cannot drift from it.
func TestWorkOrderScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.WorkOrderScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			n := pgtest.NewNetwork(t, s, "acme", "")
			sc.Run(t, coretest.WorkOrderEnv{Units: s, Store: s, Clock: clock,
				Net: coretest.Net{Tenant: n.Tenant, Region: n.Region, Site: n.Site, Technician: n.Technician,
					Customer: n.Customer, Unit: n.Unit, Lat: n.Lat, Lon: n.Lon},
				OutboxTypes: func(order uuid.UUID) []string { return outboxTypes(t, s, n.Tenant, order) },
				Assignments: func(order uuid.UUID) (out []core.AssignedPayload) {
					for _, raw := range pgtest.TenantRows[[]byte](t, s.Pool(), n.Tenant,
						`SELECT payload FROM outbox WHERE aggregate_id = $1 AND type = $2 ORDER BY id`, order, core.OutboxWorkOrderAssigned) {
						out = append(out, coretest.DecodeAssigned(raw))
					}
					return out
				},
				Workload: func(tech uuid.UUID) int {
					var w int
					tx, err := s.Pool().Begin(context.Background())
					require.NoError(t, err)
					defer tx.Rollback(context.Background())
					_, err = tx.Exec(context.Background(), `SELECT set_config('app.tenant_id', $1, true)`, n.Tenant.String())
					require.NoError(t, err)
					require.NoError(t, tx.QueryRow(context.Background(), `SELECT open_workload FROM technicians WHERE id = $1`, tech).Scan(&w))
					return w
				}})
		})
	}
}

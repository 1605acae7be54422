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
	"github.com/aftersales/aftersales/core/workorder"
)

// TestMessagingScenarios runs the messaging use cases' scenarios against
// PostgreSQL: what core/messaging's tests check on the in-memory fake holds
// on the real adapter too.
func TestMessagingScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.MessagingScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			n := pgtest.NewNetwork(t, s, "acme", "")
			other := newSMSTenant(t, s, "bolt", "Europe/Berlin")
			sc.Run(t, coretest.MessagingEnv{Units: s, Store: s, Clock: clock, Tenant: n.Tenant, Other: other,
				Region: n.Region, Site: n.Site,
				SeedFollowUp: func(site *uuid.UUID) uuid.UUID {
					id, order := uuid.New(), newOrder(t, s, n)
					pgtest.TenantExec(t, s.Pool(), n.Tenant, `INSERT INTO callback_tasks (tenant_id, id, work_order_id, customer_id,
						site_id, source, score) SELECT tenant_id, $2, id, customer_id, $3, 'low_satisfaction', 1 FROM work_orders WHERE id = $1`,
						order, id, site)
					return id
				},
				SeedText: func(status string) uuid.UUID {
					id, order := uuid.New(), newOrder(t, s, n)
					pgtest.TenantExec(t, s.Pool(), n.Tenant, `INSERT INTO sms_messages (tenant_id, id, work_order_id, kind, recipient,
						locale, body, provider, status) VALUES (app_current_tenant(), $1, $2, 'customer_assigned', '8613800138000',
						'zh-CN', 'hi', 'log', $3)`, id, order, status)
					return id
				},
				Text: func(id uuid.UUID) (string, []string) {
					status := pgtest.TenantRows[string](t, s.Pool(), n.Tenant, `SELECT status FROM sms_messages WHERE id = $1`, id)
					events := pgtest.TenantRows[string](t, s.Pool(), n.Tenant, `SELECT payload->>'status' FROM work_order_events
						WHERE type = 'sms_status' AND payload->>'sms_id' = $1 ORDER BY seq`, id.String())
					return status[0], events
				}})
		})
	}
}

// newOrder takes in an order of the network and returns its ID.
func newOrder(t *testing.T, s *postgres.Store, n *pgtest.Network) uuid.UUID {
	t.Helper()
	var w *core.WorkOrder
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) (err error) {
		w, err = workorder.NewService(workorder.Config{Store: s, Units: s}).Intake(ctx, u, n.NewOrder(), "test")
		return err
	}))
	return w.ID
}

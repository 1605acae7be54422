package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
)

// outboxTypes lists a work order's outbox messages in order, as the owner
// of the tenant sees them.
func outboxTypes(t *testing.T, s *postgres.Store, tenant, order uuid.UUID) []string {
	t.Helper()
	return pgtest.TenantRows[string](t, s.Pool(), tenant, `SELECT type FROM outbox WHERE aggregate_id = $1 ORDER BY id`, order)
}

// TestOutboxIsWrittenInTheChangesTransaction: intake writes created,
// dispatched and assigned messages with the order, an action its own; an
// intake that rolls back leaves no message.
func TestOutboxIsWrittenInTheChangesTransaction(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	n := pgtest.NewNetwork(t, s, "acme", "")
	ctx := context.Background()

	var w *core.WorkOrder
	work := workorder.NewService(workorder.Config{Store: s, Units: s})
	require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		var err error
		w, err = work.Intake(ctx, u, n.NewOrder(), "agent")
		return err
	}))
	require.Equal(t, core.StateAssigned, w.State, "the fixture's site assigns its technician at intake")
	require.Equal(t, []string{core.OutboxWorkOrderCreated, core.OutboxWorkOrderDispatched, core.OutboxWorkOrderAssigned},
		outboxTypes(t, s, n.Tenant, w.ID))

	require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		_, err := work.Act(ctx, u, w.ID, core.ActionInput{Action: core.ActionAccept, TechnicianID: &n.Technician}, "tech")
		return err
	}))
	require.Equal(t, core.OutboxWorkOrderAccepted, outboxTypes(t, s, n.Tenant, w.ID)[3])

	var rolledBack *core.WorkOrder
	boom := errors.New("the request failed after intake")
	err := core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		var err error
		if rolledBack, err = work.Intake(ctx, u, n.NewOrder(), "agent"); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Empty(t, outboxTypes(t, s, n.Tenant, rolledBack.ID), "a rolled-back intake leaves no outbox message")
}

// claim runs one relay transaction: claim, then mark relayed.
func claim(t *testing.T, s *postgres.Store, limit int, stale time.Duration) []core.OutboxMessage {
	t.Helper()
	var msgs []core.OutboxMessage
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, s, uuid.Nil, func(u core.UnitOfWork) error {
		var err error
		if msgs, err = s.ClaimOutbox(ctx, u, limit, stale); err != nil {
			return err
		}
		return s.MarkRelayed(ctx, u, msgs)
	}))
	return msgs
}

func done(t *testing.T, s *postgres.Store, msgs ...core.OutboxMessage) {
	t.Helper()
	for _, m := range msgs {
		require.NoError(t, core.InUnitOfWork(context.Background(), s, m.TenantID, func(u core.UnitOfWork) error {
			return s.MarkOutboxDone(context.Background(), u, m.ID)
		}))
	}
}

// TestOutboxClaimKeepsEachWorkOrdersOrder: across tenants, only the oldest
// undone message of each work order is handed out; the next one once it is
// done. A relayed message that is never done is offered again only after
// the stale delay.
func TestOutboxClaimKeepsEachWorkOrdersOrder(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	a := pgtest.NewNetwork(t, s, "a-co", "")
	b := pgtest.NewNetwork(t, s, "b-co", "en")
	ctx := context.Background()
	orders := map[uuid.UUID]uuid.UUID{}
	work := workorder.NewService(workorder.Config{Store: s, Units: s})
	for _, n := range []*pgtest.Network{a, b, a} {
		require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			w, err := work.Intake(ctx, u, n.NewOrder(), "agent")
			orders[w.ID] = n.Tenant
			return err
		}))
	}
	seen := map[uuid.UUID][]string{}
	for step := 0; step < 3; step++ {
		msgs := claim(t, s, 100, time.Hour)
		require.Len(t, msgs, 3, "step %d: one message of each of the three orders", step)
		for _, m := range msgs {
			require.Equal(t, orders[m.AggregateID], m.TenantID)
			seen[m.AggregateID] = append(seen[m.AggregateID], m.Type)
		}
		require.Empty(t, claim(t, s, 100, time.Hour), "nothing more until the relayed ones are done")
		if step == 2 {
			// Lost tasks: relayed, never done, offered again when stale.
			again := claim(t, s, 100, 0)
			require.ElementsMatch(t, msgs, again)
		}
		done(t, s, msgs...)
	}
	for id, types := range seen {
		require.Equal(t, []string{core.OutboxWorkOrderCreated, core.OutboxWorkOrderDispatched, core.OutboxWorkOrderAssigned},
			types, "order %s", id)
	}
	require.Empty(t, claim(t, s, 100, 0))

	// Housekeeping removes messages done over a week ago.
	_, err := s.PurgeExpired(ctx, time.Now().Add(8*24*time.Hour))
	require.NoError(t, err)
	for id, tenant := range orders {
		require.Empty(t, outboxTypes(t, s, tenant, id))
	}
}

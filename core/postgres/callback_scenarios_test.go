package postgres_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestCallbackScenarios runs the callback use cases' scenarios against
// PostgreSQL: what core/callback's tests check on the in-memory fake holds
// on the real adapter too.
func TestCallbackScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.CallbackScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			n := pgtest.NewNetwork(t, s, "acme", "")
			other := pgtest.NewNetwork(t, s, "bolt", "")
			sc.Run(t, coretest.CallbackEnv{Units: s, Store: s, Clock: clock, Tenant: n.Tenant, Other: other.Tenant,
				SeedOrder: func(typ string, at time.Time) uuid.UUID {
					id := newOrder(t, s, n)
					pgtest.TenantExec(t, s.Pool(), n.Tenant, `UPDATE work_orders SET type = $2, state = 'completed',
						completed_at = $3 WHERE id = $1`, id, typ, at)
					return id
				}})
		})
	}
}

// TestCallbackMigrationKeepsFollowUps: the follow-ups a low SMS score
// opened before the callback model are callback tasks after it, every
// field kept, and go back unchanged when the migration is rolled back.
func TestCallbackMigrationKeepsFollowUps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	n := pgtest.NewNetwork(t, s, "acme", "")
	open, done := newOrder(t, s, n), newOrder(t, s, n)
	p := migratedDownTo(t, dbURL, 49)
	openID, doneID := uuid.New(), uuid.New()
	pgtest.TenantExec(t, pool, n.Tenant, `INSERT INTO follow_up_tasks (tenant_id, id, work_order_id, customer_id, site_id,
		reason, score, status, note, created_at, done_at, done_by)
		SELECT tenant_id, $2, id, customer_id, site_id, 'low_satisfaction', 1, 'open', '', '2026-11-01T10:00:00Z', NULL, NULL
		FROM work_orders WHERE id = $1`, open, openID)
	pgtest.TenantExec(t, pool, n.Tenant, `INSERT INTO follow_up_tasks (tenant_id, id, work_order_id, customer_id, site_id,
		reason, score, status, note, created_at, done_at, done_by)
		SELECT tenant_id, $2, id, customer_id, site_id, 'low_satisfaction', 2, 'done', 'called, fixed', '2026-11-02T10:00:00Z',
			'2026-11-03T10:00:00Z', 'user:li' FROM work_orders WHERE id = $1`, done, doneID)
	const before = `SELECT id::text || '|' || work_order_id || '|' || reason || '|' || score || '|' || status || '|' || note
		|| '|' || created_at || '|' || COALESCE(done_at::text, '-') || '|' || COALESCE(done_by, '-') FROM follow_up_tasks ORDER BY id`
	want := pgtest.TenantRows[string](t, pool, n.Tenant, before)
	require.Len(t, want, 2)

	_, err := p.Up(ctx)
	require.NoError(t, err)
	got := pgtest.TenantRows[string](t, pool, n.Tenant, `SELECT id::text || '|' || work_order_id || '|' || source || '|' || score
		|| '|' || status || '|' || note || '|' || created_at || '|' || COALESCE(done_at::text, '-') || '|'
		|| COALESCE(done_by, '-') FROM callback_tasks ORDER BY id`)
	require.Equal(t, want, got)
	// The old endpoints read them through the follow-up repository.
	ms := messaging.New(messaging.Config{Store: s, Units: s})
	require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		fs, _, err := ms.FindFollowUps(ctx, u, core.FollowUpFilter{Within: core.Scope{All: true}})
		require.Len(t, fs, 2)
		return err
	}))

	_, err = p.DownTo(ctx, 49)
	require.NoError(t, err)
	require.Equal(t, want, pgtest.TenantRows[string](t, pool, n.Tenant, before))
	_, err = p.Up(ctx)
	require.NoError(t, err)
}

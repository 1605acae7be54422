package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestDemoLoadsALivingSystem: the demo tenant has a real-sized network
// and orders in every state, made through the real intake; loading twice
// is a no-op.
func TestDemoLoadsALivingSystem(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewPool(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := postgres.NewStore(pool, core.SystemClock{}, log)
	ctx := context.Background()
	require.NoError(t, loadDemo(ctx, store, log))
	require.NoError(t, loadDemo(ctx, store, log), "second load is a no-op")

	tn, err := store.FindTenantBySlug(ctx, demoSlug)
	require.NoError(t, err)
	counts := map[string]int{"sites": 250, "technicians": 1000, "customers": 20000, "units": 20000,
		"regions": 40, "fault_codes": 20, "service_types": 5}
	pgtest.InTenant(t, pool, tn.ID, func(ctx context.Context, tx pgx.Tx) {
		for table, min := range counts {
			var n int
			require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
			require.GreaterOrEqual(t, n, min, table)
		}
		for _, st := range core.States() {
			var n int
			require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM work_orders WHERE state = $1`, st).Scan(&n))
			require.Greater(t, n, 0, "no demo order in state %s", st)
		}
		var queued int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM work_orders WHERE state = 'created' AND queue_reason <> ''`).Scan(&queued))
		require.Greater(t, queued, 0, "some orders wait in the dispatcher queue with a reason")
	})
}

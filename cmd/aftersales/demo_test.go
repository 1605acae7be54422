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

		// The README's caller: one customer with the number, an AC unit, and
		// an address that the technician user's site covers.
		var callers, units, covered int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM customer_phones WHERE phone = $1`, postgres.DemoCallerPhone).Scan(&callers))
		require.Equal(t, 1, callers, "one demo customer has the README's number")
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM units u JOIN customer_phones p USING (customer_id)
			JOIN product_models m ON m.id = u.model_id WHERE p.phone = $1 AND m.product_line = 'AC'`, postgres.DemoCallerPhone).Scan(&units))
		require.Equal(t, 1, units, "the README's caller has an air conditioner")
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM customer_addresses a JOIN customer_phones p USING (customer_id),
			technicians t JOIN sites s ON s.id = t.site_id
			WHERE p.phone = $1 AND t.code = 'T-GD-SZ-01-1' AND t.user_id IS NOT NULL AND 'AC' = ANY (s.product_lines)
			AND abs(a.lat - s.lat) < 0.01 AND abs(a.lon - s.lon) < 0.01`, postgres.DemoCallerPhone).Scan(&covered))
		require.Equal(t, 1, covered, "the README's caller lives beside the site of technician T-GD-SZ-01-1, who can log in")
	})
}

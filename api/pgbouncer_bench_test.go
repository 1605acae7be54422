package api_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// BenchmarkIntakeBehindPgBouncer: intake plus dispatch over HTTP with 8
// concurrent clients on one database, side by side: a replica whose pool
// reaches PostgreSQL directly (prepared statements, role set on connect)
// and a replica whose pool goes through PgBouncer in transaction mode
// (unnamed statements, their descriptions cached per connection:
// postgres.PooledExecMode), measured in six alternating rounds. Target: behind
// PgBouncer at least 0.8 of direct. (pgx's exec mode, which guesses
// parameter types from Go values instead of describing, cannot send the
// store's JSON maps: intake fails with it.)
func BenchmarkIntakeBehindPgBouncer(b *testing.B) {
	ctx := context.Background()
	bouncer := pgtest.NewPgBouncer(b, pgtest.BouncerOptions{})
	dbURL := pgtest.NewDatabase(b)
	direct, err := postgres.OpenPool(ctx, dbURL, 10)
	require.NoError(b, err)
	b.Cleanup(direct.Close)
	pooled := func(mode pgx.QueryExecMode) *testBundle {
		pool, err := postgres.OpenPoolWith(ctx, bouncer.URL(dbURL), postgres.PoolOptions{MaxConns: 10,
			Pooler: postgres.TransactionPooler, ExecMode: mode})
		require.NoError(b, err)
		b.Cleanup(pool.Close)
		return setupOn(b, pool, dbURL)
	}
	replicas := []struct {
		name string
		tb   *testBundle
	}{{"direct", setupOn(b, direct, dbURL)}, {"pgbouncer", pooled(postgres.PooledExecMode)}}
	n := replicas[0].tb.newNetwork("bench")
	replicas[0].tb.exec(n.tenant.id, `UPDATE sites SET daily_capacity = 100000000`)
	const clients = 8
	per := b.N/clients + 1
	run := func(tb *testBundle) (int64, time.Duration) {
		var wg sync.WaitGroup
		var done atomic.Int64
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					if r := tb.intake(n, n.tenant.admin, nil); r.Status != http.StatusCreated {
						b.Errorf("intake: %d %s", r.Status, r.Raw)
						return
					}
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		return done.Load(), time.Since(start)
	}
	for _, r := range replicas {
		run(r.tb) // warm: access rules, statement descriptions, connections
	}
	orders := make([]int64, len(replicas))
	took := make([]time.Duration, len(replicas))
	b.ResetTimer()
	// Six rounds, the order flipped each round (ABBAAB…), so the machine's
	// drift weighs on both alike.
	for round := 0; round < 6; round++ {
		for k := range replicas {
			i := k
			if round%2 == 1 {
				i = len(replicas) - 1 - k
			}
			n, d := run(replicas[i].tb)
			orders[i] += n
			took[i] += d
		}
	}
	b.StopTimer()
	rate := func(i int) float64 { return float64(orders[i]) / took[i].Seconds() }
	for i, r := range replicas {
		b.ReportMetric(rate(i), r.name+"_orders/s")
	}
	b.ReportMetric(rate(1)/rate(0), "ratio")
}

package api_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
//
// It also reports where the difference goes, in CPU milliseconds per
// order (read from /proc, so only when PostgreSQL runs on this machine):
// the database's server processes, PgBouncer's, and this process's (both
// replicas' API and the clients).
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
	obs, err := pgx.Connect(ctx, dbURL)
	require.NoError(b, err)
	b.Cleanup(func() { _ = obs.Close(ctx) })
	backends := func() []int {
		rows, _ := obs.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
		pids, _ := pgx.CollectRows(rows, pgx.RowTo[int])
		return pids
	}
	const clients = 8
	per := b.N/clients + 1
	cpu := make([][3]int64, len(replicas)) // clock ticks: database, PgBouncer, this process
	run := func(i int) (int64, time.Duration) {
		tb := replicas[i].tb
		before := [3]int64{cpuTicks(backends()), cpuTicks(processesNamed("pgbouncer")), cpuTicks([]int{os.Getpid()})}
		defer func() {
			after := [3]int64{cpuTicks(backends()), cpuTicks(processesNamed("pgbouncer")), cpuTicks([]int{os.Getpid()})}
			for k := range after {
				cpu[i][k] += after[k] - before[k]
			}
		}()
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
	for i := range replicas {
		run(i) // warm: access rules, statement descriptions, connections
	}
	cpu = make([][3]int64, len(replicas))
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
			n, d := run(i)
			orders[i] += n
			took[i] += d
		}
	}
	b.StopTimer()
	rate := func(i int) float64 { return float64(orders[i]) / took[i].Seconds() }
	for i, r := range replicas {
		b.ReportMetric(rate(i), r.name+"_orders/s")
		if cpu[i][0] > 0 {
			ms := func(ticks int64) float64 { return float64(ticks) * 1000 / clockTicks / float64(orders[i]) }
			b.ReportMetric(ms(cpu[i][0]), r.name+"_db_cpu_ms/order")
			b.ReportMetric(ms(cpu[i][1]), r.name+"_pgbouncer_cpu_ms/order")
			b.ReportMetric(ms(cpu[i][2]), r.name+"_app_cpu_ms/order")
		}
	}
	b.ReportMetric(rate(1)/rate(0), "ratio")
}

// clockTicks is Linux's USER_HZ, the unit of /proc/<pid>/stat's times.
const clockTicks = 100

// cpuTicks sums the user and system CPU time of pids (those gone or not
// readable count 0).
func cpuTicks(pids []int) int64 {
	var sum int64
	for _, p := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		s := string(raw)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // state is f[0]; utime, stime are fields 14, 15
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		k, _ := strconv.ParseInt(f[12], 10, 64)
		sum += u + k
	}
	return sum
}

// processesNamed lists the processes whose command name is name.
func processesNamed(name string) []int {
	var out []int
	comms, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, c := range comms {
		if raw, err := os.ReadFile(c); err == nil && strings.TrimSpace(string(raw)) == name {
			if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(c))); err == nil {
				out = append(out, pid)
			}
		}
	}
	return out
}

package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/jobs"
)

// TestPeriodicOncePerPeriodAcrossSchedulers: three workers, each with its
// own Asynq scheduler enqueueing the same task every second on one Redis
// and one database: every period runs exactly once, while the schedulers
// enqueue about three tasks per period.
func TestPeriodicOncePerPeriodAcrossSchedulers(t *testing.T) {
	t.Parallel()
	store := pgtest.NewStore(t, nil)
	opt, err := jobs.RedisOpt(pgtest.NewRedis(t))
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	var mu sync.Mutex
	runs := map[time.Time]int{}
	var handled atomic.Int64
	task := jobs.Periodic{Type: "test:tick", Every: time.Second, Cron: "@every 1s", Queue: "default",
		Run: func(_ context.Context, period time.Time) error {
			mu.Lock()
			defer mu.Unlock()
			runs[period]++
			return nil
		}}
	// Count every task handled, run or skipped, through the period store.
	periods := countingPeriods{PeriodicStore: store, claims: &handled}
	var workers []*jobs.Worker
	for range 3 {
		w := jobs.NewWorker(opt, jobs.Deps{Clock: core.SystemClock{}, Log: log, Concurrency: 2, Periods: periods,
			Periodic: []jobs.Periodic{task}})
		require.NoError(t, w.Start())
		workers = append(workers, w)
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs) >= 4
	}, 20*time.Second, 50*time.Millisecond)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() { defer wg.Done(); w.Stop() }()
	}
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	for period, n := range runs {
		require.Equal(t, 1, n, "period %s ran %d times", period, n)
		require.Equal(t, period, period.Truncate(time.Second), "periods start on the second")
	}
	t.Logf("%d periods ran once each; %d tasks handled", len(runs), handled.Load())
	require.Greater(t, handled.Load(), int64(len(runs)+2), "the other schedulers' tasks were handled and skipped")
}

// countingPeriods counts claims.
type countingPeriods struct {
	core.PeriodicStore
	claims *atomic.Int64
}

func (c countingPeriods) ClaimPeriod(ctx context.Context, task string, period time.Time, runner string, lease time.Duration) (bool, error) {
	c.claims.Add(1)
	return c.PeriodicStore.ClaimPeriod(ctx, task, period, runner, lease)
}

// TestClaimPeriod: one claim per period among concurrent claimers; a
// released period can be claimed again, a finished one cannot; an
// unfinished claim is taken over only after its lease.
func TestClaimPeriod(t *testing.T) {
	t.Parallel()
	store := pgtest.NewStore(t, nil)
	ctx := context.Background()
	period := jobs.PeriodOf(time.Now(), time.Minute)

	var won atomic.Int64
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := store.ClaimPeriod(ctx, "t", period, "r", time.Hour)
			require.NoError(t, err)
			if ok {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int64(1), won.Load())

	require.NoError(t, store.ReleasePeriod(ctx, "t", period))
	ok, err := store.ClaimPeriod(ctx, "t", period, "r", time.Hour)
	require.NoError(t, err)
	require.True(t, ok, "a released period is claimed again")
	require.NoError(t, store.FinishPeriod(ctx, "t", period))
	require.NoError(t, store.ReleasePeriod(ctx, "t", period)) // too late: finished
	ok, err = store.ClaimPeriod(ctx, "t", period, "r", 0)
	require.NoError(t, err)
	require.False(t, ok, "a finished period never runs again")

	next := period.Add(time.Minute)
	ok, err = store.ClaimPeriod(ctx, "t", next, "crashed", time.Hour)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = store.ClaimPeriod(ctx, "t", next, "r", time.Hour)
	require.NoError(t, err)
	require.False(t, ok, "a live claim holds")
	time.Sleep(10 * time.Millisecond)
	ok, err = store.ClaimPeriod(ctx, "t", next, "r", time.Millisecond)
	require.NoError(t, err)
	require.True(t, ok, "a claim unfinished past its lease is taken over")

	other, err := store.ClaimPeriod(ctx, "other task", period, "r", time.Hour)
	require.NoError(t, err)
	require.True(t, other, "periods are per task")
}

func TestPeriodOf(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"on time", base, base},
		{"late", base.Add(20 * time.Second), base},
		{"early (clock skew)", base.Add(-20 * time.Second), base},
		{"more than half late counts for the next", base.Add(40 * time.Second), base.Add(time.Minute)},
		{"other zone", base.In(time.FixedZone("CST", 8*3600)).Add(time.Second), base},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, jobs.PeriodOf(c.at, time.Minute))
		})
	}
}

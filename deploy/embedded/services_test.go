//go:build linux

package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

func TestStartAndStopServices(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	ctx := context.Background()
	s, err := Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Stop(ctx) })

	require.NoError(t, redisClient(t, s.Redis.URL()).Ping(ctx).Err())
	var db string
	require.NoError(t, connect(t, s.Postgres.URL()).QueryRow(ctx, `SELECT current_database()`).Scan(&db))
	require.Equal(t, "aftersales", db)

	require.NoError(t, s.Stop(ctx))
	require.NoError(t, s.Stop(ctx), "Stop is idempotent")
	requireGoneWithin(t, s.Postgres.PID(), time.Second, "postgres")
	requireGoneWithin(t, s.Redis.PID(), time.Second, "redis-server")
}

// A failed Start leaves nothing running: here Redis cannot start because
// another Redis holds the data directory, so PostgreSQL is stopped again.
func TestStartStopsPostgresWhenRedisFails(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	startTestRedis(t, cfg)

	cfg.LockWait = -1
	_, err := Start(context.Background(), cfg)
	require.ErrorContains(t, err, "Redis data directory is already in use")
	// PostgreSQL's lock is free again, so a new start succeeds at once.
	startTestPostgres(t, cfg)
}

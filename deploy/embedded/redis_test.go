//go:build linux

package embedded

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestRedisRestartKeepsData(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	ctx := context.Background()

	rd := startTestRedis(t, cfg)
	require.False(t, rd.InProcess())
	require.Equal(t, "unix://"+filepath.Join(cfg.DataDir, "run", "redis.sock"), rd.URL())
	if os.Geteuid() == 0 {
		require.NotEqual(t, "0", processUID(t, rd.PID()), "redis-server must not run as root")
	}
	c := redisClient(t, rd.URL())
	require.NoError(t, c.Set(ctx, "kept", "survives", 0).Err())
	port, err := c.ConfigGet(ctx, "port").Result()
	require.NoError(t, err)
	require.Equal(t, "0", port["port"], "no TCP listener")
	require.NoError(t, c.Close())

	require.NoError(t, rd.Stop(ctx))
	require.NoError(t, rd.Stop(ctx), "Stop is idempotent")
	requireGoneWithin(t, rd.PID(), time.Second, "stopped redis-server")

	rd2 := startTestRedis(t, cfg)
	v, err := redisClient(t, rd2.URL()).Get(ctx, "kept").Result()
	require.NoError(t, err)
	require.Equal(t, "survives", v)
}

func TestRedisRefusesDataDirInUse(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	rd := startTestRedis(t, cfg)

	cfg.LockWait = -1
	_, err := StartRedis(context.Background(), cfg)
	require.ErrorContains(t, err, "already in use by a running server")
	require.NoError(t, redisClient(t, rd.URL()).Ping(context.Background()).Err(), "the running server is unharmed")
}

func TestRedisLongDataDirUsesShortSocketDir(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, filepath.Join(testkit.NewDataDir(t), strings.Repeat("r", 110)))
	rd, err := StartRedis(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rd.Stop(context.Background()) })
	require.LessOrEqual(t, len(rd.Addr()), maxSocketPath)
	require.NoError(t, redisClient(t, rd.URL()).Ping(context.Background()).Err())

	require.NoError(t, rd.Stop(context.Background()))
	require.NoDirExists(t, filepath.Dir(rd.Addr()), "the temporary socket directory is removed")
}

func TestRedisFallsBackToInProcess(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, serverPath string }{
		{name: "forced with none", serverPath: "none"},
		{name: "missing redis-server", serverPath: "/nonexistent/bin/redis-server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, logs := testConfig(t, testkit.NewDataDir(t))
			cfg.RedisServerPath = tt.serverPath
			rd := startTestRedis(t, cfg)

			require.True(t, rd.InProcess())
			require.True(t, strings.HasPrefix(rd.URL(), "redis://127.0.0.1:"), rd.URL())
			require.Contains(t, logs.String(), "level=WARN")
			require.Contains(t, logs.String(), "QUEUED JOBS AND SCHEDULED TASKS DO NOT SURVIVE A RESTART")
			require.NoError(t, redisClient(t, rd.URL()).Ping(context.Background()).Err())
		})
	}
}

// The job system must run on whatever StartRedis returns, including the
// fallback, and over the Unix socket.
func TestAsynqRunsOnEmbeddedRedis(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, serverPath string }{
		{name: "redis-server"},
		{name: "in-process fallback", serverPath: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, _ := testConfig(t, testkit.NewDataDir(t))
			cfg.RedisServerPath = tt.serverPath
			rd := startTestRedis(t, cfg)
			opt := asynq.RedisClientOpt{Network: rd.Network(), Addr: rd.Addr()}

			got := make(chan string, 1)
			mux := asynq.NewServeMux()
			mux.HandleFunc("embedded:echo", func(_ context.Context, task *asynq.Task) error {
				got <- string(task.Payload())
				return nil
			})
			srv := asynq.NewServer(opt, asynq.Config{Concurrency: 1, ShutdownTimeout: time.Second, LogLevel: asynq.WarnLevel})
			require.NoError(t, srv.Start(mux))
			t.Cleanup(srv.Shutdown)

			client := asynq.NewClient(opt)
			t.Cleanup(func() { _ = client.Close() })
			_, err := client.Enqueue(asynq.NewTask("embedded:echo", []byte("processed")))
			require.NoError(t, err)
			select {
			case payload := <-got:
				require.Equal(t, "processed", payload)
			case <-time.After(20 * time.Second):
				t.Fatal("the task was not processed")
			}
		})
	}
}

//go:build linux

package embedded

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

func TestMain(m *testing.M) {
	// The parent-death test re-executes this binary as the "application".
	if dir := os.Getenv(childDataDirEnv); dir != "" {
		runParentDeathChild(dir)
		return
	}
	os.Exit(m.Run())
}

// testConfig is a Config whose launcher log goes to the test log and, for
// tests that assert on it, to the returned buffer.
func testConfig(t *testing.T, dataDir string) (Config, *testkit.SyncBuffer) {
	t.Helper()
	buf := &testkit.SyncBuffer{}
	w := io.MultiWriter(buf, testWriter{t})
	return Config{DataDir: dataDir, Logger: slog.New(slog.NewTextHandler(w, nil))}, buf
}

func startTestPostgres(t *testing.T, cfg Config) *Postgres {
	t.Helper()
	pg, err := StartPostgres(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, pg.Stop(context.Background())) })
	return pg
}

func startTestRedis(t *testing.T, cfg Config) *Redis {
	t.Helper()
	rd, err := StartRedis(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, rd.Stop(context.Background())) })
	return rd
}

func requireGoneWithin(t *testing.T, pid int, d time.Duration, what string) {
	t.Helper()
	require.Eventually(t, func() bool { return testkit.ProcessGone(pid) }, d, 50*time.Millisecond,
		"%s (pid %d) is still running", what, pid)
}

func itoa(n int) string { return strconv.Itoa(n) }

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

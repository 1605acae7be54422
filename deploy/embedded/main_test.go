//go:build linux

package embedded

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	// The parent-death test re-executes this binary as the "application".
	if dir := os.Getenv(childDataDirEnv); dir != "" {
		runParentDeathChild(dir)
		return
	}
	os.Exit(m.Run())
}

// newDataDir returns a fresh data directory. t.TempDir's parent is created
// 0700, and when we run as root the servers run as another user who must
// traverse it; the launcher never changes directories it did not create, so
// the test, which owns that parent, opens it up.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	}
	return dir
}

// testConfig is a Config whose launcher log goes to the test log and, for
// tests that assert on it, to the returned buffer.
func testConfig(t *testing.T, dataDir string) (Config, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
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

// processGone reports whether pid has exited; a zombie counts as exited,
// because orphans are reparented to a PID 1 that may never reap them.
func processGone(pid int) bool {
	stat, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

func requireGoneWithin(t *testing.T, pid int, d time.Duration, what string) {
	t.Helper()
	require.Eventually(t, func() bool { return processGone(pid) }, d, 50*time.Millisecond,
		"%s (pid %d) is still running", what, pid)
}

func itoa(n int) string { return strconv.Itoa(n) }

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

//go:build linux

package embedded

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// processUID reads the real UID of a running process.
func processUID(t *testing.T, pid int) string {
	t.Helper()
	status, err := os.ReadFile("/proc/" + itoa(pid) + "/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			return strings.Fields(rest)[0]
		}
	}
	t.Fatalf("no Uid in /proc/%d/status", pid)
	return ""
}

func TestPostgresRestartKeepsData(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	ctx := context.Background()

	pg := startTestPostgres(t, cfg)
	require.True(t, strings.HasPrefix(pg.URL(), "postgres://aftersales@/aftersales?host=/"), pg.URL())
	if os.Geteuid() == 0 {
		require.NotEqual(t, "0", processUID(t, pg.PID()), "postgres must not run as root")
	}
	conn := connect(t, pg.URL())
	var settings struct{ listen, fsync, maxConn, encoding string }
	require.NoError(t, conn.QueryRow(ctx, `SELECT current_setting('listen_addresses'), current_setting('fsync'),
		current_setting('max_connections'), current_setting('server_encoding')`).
		Scan(&settings.listen, &settings.fsync, &settings.maxConn, &settings.encoding))
	require.Equal(t, struct{ listen, fsync, maxConn, encoding string }{"", "on", "100", "UTF8"}, settings)
	_, err := conn.Exec(ctx, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')`)
	require.NoError(t, err)
	conn.Close(ctx)

	require.NoError(t, pg.Stop(ctx))
	require.NoError(t, pg.Stop(ctx), "Stop is idempotent")
	requireGoneWithin(t, pg.PID(), time.Second, "stopped postgres")

	pg2 := startTestPostgres(t, cfg)
	var v string
	require.NoError(t, connect(t, pg2.URL()).QueryRow(ctx, `SELECT v FROM kept`).Scan(&v))
	require.Equal(t, "survives", v)
}

// A throwaway cluster (the test environment's) runs without durability;
// the same directory started again as a kept cluster is durable again, so
// the setting cannot leak from a test run into data someone keeps.
func TestPostgresThrowawayIsNotDurable(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	ctx := context.Background()
	durability := func(url string) string {
		var s string
		require.NoError(t, connect(t, url).QueryRow(ctx, `SELECT current_setting('fsync') || ' ' ||
			current_setting('synchronous_commit') || ' ' || current_setting('full_page_writes')`).Scan(&s))
		return s
	}
	cfg.Throwaway = true
	pg := startTestPostgres(t, cfg)
	require.Equal(t, "off off off", durability(pg.URL()))
	require.NoError(t, pg.Stop(ctx))

	cfg.Throwaway = false
	require.Equal(t, "on on on", durability(startTestPostgres(t, cfg).URL()))
}

func TestPostgresSeparateDataDirsRunSideBySide(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, _ := testConfig(t, testkit.NewDataDir(t))
			pg := startTestPostgres(t, cfg)
			var dir string
			require.NoError(t, connect(t, pg.URL()).QueryRow(context.Background(),
				`SELECT current_setting('data_directory')`).Scan(&dir))
			require.Equal(t, filepath.Join(cfg.DataDir, "postgres"), dir, "each test reaches its own server")
		})
	}
}

func TestPostgresRefusesDataDirInUse(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	pg := startTestPostgres(t, cfg)

	cfg.LockWait = -1
	_, err := StartPostgres(context.Background(), cfg)
	require.ErrorContains(t, err, "already in use by a running server")
	var one int
	require.NoError(t, connect(t, pg.URL()).QueryRow(context.Background(), `SELECT 1`).Scan(&one),
		"the running server is unharmed")
}

func TestPostgresRefusesOtherMajorVersion(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	bins, err := findPGBinaries(context.Background(), "", debianPGRoot)
	require.NoError(t, err)
	pgdata := filepath.Join(cfg.DataDir, "postgres")
	require.NoError(t, os.MkdirAll(pgdata, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(pgdata, "PG_VERSION"), []byte("11\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(pgdata, "precious"), []byte("data"), 0o600))

	_, err = StartPostgres(context.Background(), cfg)
	require.ErrorContains(t, err, "PostgreSQL 11")
	require.ErrorContains(t, err, "PostgreSQL "+bins.Major)
	require.ErrorContains(t, err, "untouched")
	for name, want := range map[string]string{"PG_VERSION": "11\n", "precious": "data"} {
		b, err := os.ReadFile(filepath.Join(pgdata, name))
		require.NoError(t, err)
		require.Equal(t, want, string(b), "the cluster is never wiped")
	}
}

func TestPostgresLongDataDirUsesShortSocketDir(t *testing.T) {
	t.Parallel()
	long := filepath.Join(testkit.NewDataDir(t), strings.Repeat("d", 60), strings.Repeat("e", 60))
	cfg, _ := testConfig(t, long)
	pg, err := StartPostgres(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Stop(context.Background()) })

	sock := filepath.Join(pg.SocketDir(), ".s.PGSQL.5432")
	require.LessOrEqual(t, len(sock), maxSocketPath)
	require.True(t, strings.HasPrefix(pg.SocketDir(), os.TempDir()), pg.SocketDir())
	var one int
	require.NoError(t, connect(t, pg.URL()).QueryRow(context.Background(), `SELECT 1`).Scan(&one))

	require.NoError(t, pg.Stop(context.Background()))
	require.NoDirExists(t, pg.SocketDir(), "the temporary socket directory is removed")
}

// A postmaster killed outright leaves postmaster.pid behind; the next start
// must recover instead of refusing.
func TestPostgresRestartsAfterCrash(t *testing.T) {
	t.Parallel()
	cfg, buf := testConfig(t, testkit.NewDataDir(t))
	ctx := context.Background()
	pg := startTestPostgres(t, cfg)
	_, err := connect(t, pg.URL()).Exec(ctx, `CREATE TABLE kept AS SELECT 42 AS v`)
	require.NoError(t, err)

	require.NoError(t, syscall.Kill(pg.PID(), syscall.SIGKILL))
	<-pg.proc.done
	require.Eventually(t, func() bool { return strings.Contains(buf.String(), "exited unexpectedly") },
		5*time.Second, 10*time.Millisecond, "a crash is logged")
	require.FileExists(t, filepath.Join(cfg.DataDir, "postgres", "postmaster.pid"))
	require.NoError(t, pg.Stop(ctx))

	pg2 := startTestPostgres(t, cfg)
	var v int
	require.NoError(t, connect(t, pg2.URL()).QueryRow(ctx, `SELECT v FROM kept`).Scan(&v))
	require.Equal(t, 42, v)
	require.Contains(t, buf.String(), "stale postmaster.pid")
}

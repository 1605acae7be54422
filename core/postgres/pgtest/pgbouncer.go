package pgtest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/internal/testkit"
)

// PgBouncer is a PgBouncer process in transaction pooling mode in front of
// a PostgreSQL server: every database of the server is reachable through
// it under its own name.
type PgBouncer struct {
	cmd  *exec.Cmd
	dir  string
	port int
	done <-chan struct{}
}

// BouncerOptions tune StartPgBouncer.
type BouncerOptions struct {
	// PoolSize is the server connections per database (0: 20). One makes
	// every transaction share one server connection.
	PoolSize int
	// Port is the port to listen on (0: a free one); a restarted PgBouncer
	// takes its predecessor's.
	Port int
}

// PgBouncerMissing says why PgBouncer cannot run here ("": it can).
func PgBouncerMissing() string {
	if _, err := exec.LookPath("pgbouncer"); err != nil {
		return "the pgbouncer binary is not installed (Debian package pgbouncer; .ci/run installs it)"
	}
	return ""
}

// StartPgBouncer starts PgBouncer (pool_mode=transaction, clients
// trusted) in front of serverURL's server on a free loopback port. Stop it
// with Stop.
func StartPgBouncer(serverURL string, o BouncerOptions) (*PgBouncer, error) {
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, err
	}
	host, port := u.Hostname(), u.Port()
	if h := u.Query().Get("host"); h != "" {
		host = h
	}
	if host == "" {
		host = "/var/run/postgresql"
	}
	if port == "" {
		port = "5432"
	}
	if o.PoolSize == 0 {
		o.PoolSize = 20
	}
	dir, err := os.MkdirTemp("", "pgbouncer-")
	if err != nil {
		return nil, err
	}
	listen := o.Port
	if listen == 0 {
		if listen, err = freePort(); err != nil {
			return nil, err
		}
	}
	userName := u.User.Username()
	password, _ := u.User.Password()
	conf := fmt.Sprintf(`[databases]
* = host=%s port=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = %d
max_client_conn = 10000
max_db_connections = 0
server_reset_query =
ignore_startup_parameters = extra_float_digits
; After a failed server login (PostgreSQL restarting) retry in 1 s, not
; the default 15 s, and give up on a connect after 3 s (deploy/README.md).
server_login_retry = 1
server_connect_timeout = 3
; The admin console (database pgbouncer) for the user: KILL, RESUME,
; RECONNECT (DropConnections).
admin_users = %s
logfile = %s
pidfile = %s
`, host, port, listen, filepath.Join(dir, "users.txt"), o.PoolSize, userName, filepath.Join(dir, "pgbouncer.log"), filepath.Join(dir, "pgbouncer.pid"))
	users := fmt.Sprintf("%q %q\n", userName, password)
	if err := os.WriteFile(filepath.Join(dir, "pgbouncer.ini"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "users.txt"), []byte(users), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-q", filepath.Join(dir, "pgbouncer.ini")) // -q: it logs to its logfile only
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if os.Geteuid() == 0 {
		// PgBouncer does not run as root: it runs as the owner of the
		// server's socket directory (who may connect to it), else nobody.
		// (Not with its -u: a change of user clears the signal that ties
		// it to the test binary.)
		runAs, err := bouncerUser(host)
		if err != nil {
			return nil, err
		}
		uid, _ := strconv.Atoi(runAs.Uid)
		gid, _ := strconv.Atoi(runAs.Gid)
		if err := chownAll(dir, uid, gid); err != nil {
			return nil, err
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	b := &PgBouncer{dir: dir, port: listen}
	done, err := testkit.StartTied(cmd, syscall.SIGTERM, nil)
	if err != nil {
		return nil, err
	}
	b.cmd, b.done = cmd, done
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", b.addr(), time.Second)
		if err == nil {
			c.Close()
			return b, nil
		}
		select {
		case <-b.done:
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			return nil, fmt.Errorf("pgbouncer exited: %s", log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Stop()
			return nil, fmt.Errorf("pgbouncer did not listen on %s", b.addr())
		}
	}
}

func (b *PgBouncer) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)) }

// URL returns serverURL (a URL of the server PgBouncer fronts) routed
// through PgBouncer.
func (b *PgBouncer) URL(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Del("host")
	q.Del("port")
	u.RawQuery = q.Encode()
	u.Host = b.addr()
	return u.String()
}

// Admin runs command (KILL db, RESUME db, RECONNECT, SHOW POOLS…) on
// PgBouncer's admin console, the database pgbouncer, as serverURL's user
// (admin_users): the console speaks the simple query protocol only.
func (b *PgBouncer) Admin(ctx context.Context, serverURL, command string) error {
	u, err := url.Parse(b.URL(serverURL))
	if err != nil {
		return err
	}
	u.Path = "/pgbouncer"
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return err
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, command)
	return err
}

// Port is the port PgBouncer listens on.
func (b *PgBouncer) Port() int { return b.port }

// Kill kills PgBouncer (SIGKILL, as a crash or an OOM kill would) and
// removes its files; its clients' connections break.
func (b *PgBouncer) Kill() {
	_ = b.cmd.Process.Kill()
	<-b.done
	_ = os.RemoveAll(b.dir)
}

// Stop stops PgBouncer and removes its files.
func (b *PgBouncer) Stop() {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.done
	}
	_ = os.RemoveAll(b.dir)
}

// NewPgBouncer starts PgBouncer in front of the test server for one test,
// stopped when it ends; the test is skipped only when pgbouncer is not
// installed.
func NewPgBouncer(t testing.TB, o BouncerOptions) *PgBouncer {
	t.Helper()
	if why := PgBouncerMissing(); why != "" {
		t.Skip(why)
	}
	once.Do(start)
	require.NoError(t, startErr)
	b, err := StartPgBouncer(baseURL, o)
	require.NoError(t, err)
	t.Cleanup(b.Stop)
	return b
}

// The test binary's PgBouncer, when BehindPgBouncer chose it.
var (
	bouncerMu sync.Mutex
	bouncer   *PgBouncer
)

// BehindPgBouncer makes NewPool and NewStore of this test binary reach
// their databases through one PgBouncer in transaction mode, as a
// deployment with DATABASE_POOLER=transaction does (SessionPool and
// NewStore give the direct session pool for LISTEN). Call it from
// TestMain; the returned stop ends PgBouncer. Without the pgbouncer
// binary it says so and the tests run directly.
func BehindPgBouncer() (stop func()) {
	if why := PgBouncerMissing(); why != "" {
		fmt.Fprintln(os.Stderr, "pgtest: not behind PgBouncer:", why)
		return func() {}
	}
	once.Do(start)
	if startErr != nil {
		return func() {}
	}
	b, err := StartPgBouncer(baseURL, BouncerOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest: PgBouncer did not start:", err)
		os.Exit(1)
	}
	bouncerMu.Lock()
	bouncer = b
	bouncerMu.Unlock()
	return b.Stop
}

func currentBouncer() *PgBouncer {
	bouncerMu.Lock()
	defer bouncerMu.Unlock()
	return bouncer
}

// SessionPool returns a direct pool on dbURL (closed when the test ends)
// for LISTEN, when this binary's pools are behind PgBouncer; nil otherwise
// (the pool is the session pool).
func SessionPool(t testing.TB, dbURL string) *pgxpool.Pool {
	if currentBouncer() == nil {
		return nil
	}
	pool, err := postgres.OpenPool(context.Background(), dbURL, 6)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// openAppPool opens the application pool on dbURL: through this binary's
// PgBouncer when there is one.
func openAppPool(t testing.TB, dbURL string) *pgxpool.Pool {
	o := postgres.PoolOptions{MaxConns: 10, Pooler: postgres.NoPooler}
	if b := currentBouncer(); b != nil {
		dbURL, o.Pooler = b.URL(dbURL), postgres.TransactionPooler
	}
	pool, err := postgres.OpenPoolWith(context.Background(), dbURL, o)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// bouncerUser is who PgBouncer runs as when the tests run as root.
func bouncerUser(host string) (*user.User, error) {
	if strings.HasPrefix(host, "/") {
		if fi, err := os.Stat(host); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
				return user.LookupId(strconv.Itoa(int(st.Uid)))
			}
		}
	}
	return user.Lookup("nobody")
}

func chownAll(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, uid, gid)
	})
}

// ThroughPgBouncer says whether pool reaches its database through this
// binary's PgBouncer (BehindPgBouncer).
func ThroughPgBouncer(pool *pgxpool.Pool) bool {
	b := currentBouncer()
	cc := pool.Config().ConnConfig
	return b != nil && cc.Host == "127.0.0.1" && int(cc.Port) == b.port
}

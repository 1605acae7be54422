//go:build linux

package embedded

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgDatabase is the application database created in the private cluster.
const pgDatabase = "aftersales"

// Postgres is a private PostgreSQL server started by StartPostgres.
type Postgres struct {
	cfg    Config
	pgdata string
	run    runDir
	lock   *os.File
	proc   *process

	mu      sync.Mutex
	stopped bool
	stopErr error
}

// StartPostgres starts (creating on first use) the cluster in
// cfg.DataDir/postgres and returns once database "aftersales" accepts
// connections. It fails, without touching the files, when the cluster belongs
// to another major version or another server is running on it.
func StartPostgres(ctx context.Context, cfg Config) (*Postgres, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	bins, err := findPGBinaries(ctx, cfg.PGBinDir, debianPGRoot)
	if err != nil {
		return nil, err
	}
	p := &Postgres{cfg: cfg, pgdata: filepath.Join(cfg.DataDir, "postgres")}
	if err := checkClusterVersion(p.pgdata, bins); err != nil {
		return nil, err
	}
	if err := p.start(ctx, bins); err != nil {
		_ = p.Stop(context.WithoutCancel(ctx))
		return nil, err
	}
	cfg.Logger.Info("embedded: PostgreSQL started", "pid", p.PID(), "major", bins.Major, "dir", p.pgdata, "socket_dir", p.run.Path)
	return p, nil
}

func (p *Postgres) start(ctx context.Context, bins pgBinaries) error {
	log := p.cfg.Logger
	u, err := resolveServerUser(ctx, p.cfg.ServerUser, log)
	if err != nil {
		return err
	}
	if err := makeDataDir(p.cfg.DataDir, u); err != nil {
		return err
	}
	if p.lock, err = lockDataDir(ctx, filepath.Join(p.cfg.DataDir, "postgres.lock"), "PostgreSQL", p.cfg.LockWait, log); err != nil {
		return err
	}
	if err := ownedDir(p.pgdata, u); err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	if p.run, err = chooseRunDir(p.cfg.DataDir, ".s.PGSQL.5432", "aftersales-pg-"); err != nil {
		return err
	}
	if err := ownedDir(p.run.Path, u); err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	logPath := filepath.Join(p.cfg.DataDir, "postgres.log")
	logf, err := openLog(logPath)
	if err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	defer logf.Close() // the server keeps its own copy of the descriptor

	if !clusterExists(p.pgdata) {
		if err := initCluster(ctx, bins, p.pgdata, u, logf, log); err != nil {
			return errors.New(withTail(fmt.Sprintf("embedded: initdb failed: %v", err), logPath))
		}
	}
	if err := writeServerConfig(p.pgdata, u, p.cfg.Throwaway); err != nil {
		return err
	}
	if err := clearStalePidFile(p.pgdata, log); err != nil {
		return err
	}

	cmd := exec.Command(bins.Postgres, "-D", p.pgdata,
		"-c", "listen_addresses=",
		"-c", "unix_socket_directories="+quoteGUCPath(p.run.Path),
		"-c", "unix_socket_permissions=0700")
	cmd.Dir = p.pgdata
	cmd.Env = serverEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.ExtraFiles = []*os.File{p.lock}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.credential()}
	// SIGINT is PostgreSQL's fast shutdown: roll back, checkpoint, exit.
	if p.proc, err = startProcess("postgres", cmd, syscall.SIGINT); err != nil {
		return err
	}
	if err := p.waitReady(ctx); err != nil {
		return errors.New(withTail(err.Error(), logPath))
	}
	p.proc.watch(p.cfg.Logger, logPath)
	return nil
}

// waitReady polls until the server accepts connections, then makes sure the
// application database exists.
func (p *Postgres) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.StartTimeout)
	defer cancel()
	var lastErr error
	for {
		if p.proc.exited() {
			return fmt.Errorf("embedded: PostgreSQL exited during start: %v", p.proc.err)
		}
		connCtx, connCancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(connCtx, p.urlFor("postgres"))
		connCancel()
		if err == nil {
			err = ensureDatabase(ctx, conn)
			conn.Close(context.WithoutCancel(ctx))
			return err
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("embedded: PostgreSQL did not accept connections: %w (last error: %v)", ctx.Err(), lastErr)
		case <-p.proc.done:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func ensureDatabase(ctx context.Context, conn *pgx.Conn) error {
	var exists bool
	err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", pgDatabase).Scan(&exists)
	if err == nil && !exists {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{pgDatabase}.Sanitize())
	}
	if err != nil {
		return fmt.Errorf("embedded: create database %s: %w", pgDatabase, err)
	}
	return nil
}

// quoteGUCPath double-quotes a directory for unix_socket_directories, a
// comma-separated list, so a path with a comma or space stays one entry.
func quoteGUCPath(dir string) string {
	return `"` + strings.ReplaceAll(dir, `"`, `""`) + `"`
}

// escapeQueryPath percent-encodes everything but unreserved characters and
// "/", so the socket path stays readable and both pgx and libpq (which does
// not decode "+") read it back unchanged.
func escapeQueryPath(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '/' || c == '-' || c == '.' || c == '_' || c == '~' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func (p *Postgres) urlFor(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(pgSuperuser),
		Path:     "/" + db,
		RawQuery: "host=" + escapeQueryPath(p.run.Path) + "&sslmode=disable",
	}
	return u.String()
}

// URL is the connection string of database "aftersales" as the cluster's
// superuser, over the Unix socket, e.g.
// postgres://aftersales@/aftersales?host=/data/run&sslmode=disable.
func (p *Postgres) URL() string { return p.urlFor(pgDatabase) }

// SocketDir is the directory holding the server's Unix socket.
func (p *Postgres) SocketDir() string { return p.run.Path }

// PID is the postmaster's process ID.
func (p *Postgres) PID() int { return p.proc.pid() }

// Stop shuts the server down: SIGINT (fast shutdown), then after 10s SIGQUIT
// (immediate), then SIGKILL. It releases the data directory and removes a
// temporary socket directory. Calling it again returns the first result.
func (p *Postgres) Stop(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return p.stopErr
	}
	p.stopped = true
	var errs []error
	if p.proc != nil {
		p.cfg.Logger.Info("embedded: stopping PostgreSQL", "pid", p.PID())
		errs = append(errs, p.proc.stop(ctx, p.cfg.Logger, stopTimeout, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGKILL))
	}
	if p.lock != nil {
		errs = append(errs, p.lock.Close())
	}
	errs = append(errs, p.run.remove())
	p.stopErr = errors.Join(errs...)
	if p.proc != nil {
		p.cfg.Logger.Info("embedded: PostgreSQL stopped", "error", p.stopErr)
	}
	return p.stopErr
}

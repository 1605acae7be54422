//go:build linux

package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Redis is a private Redis started by StartRedis: a redis-server child on a
// Unix socket, or, without redis-server, an in-process miniredis on loopback.
type Redis struct {
	cfg    Config
	run    runDir
	socket string
	lock   *os.File
	proc   *process
	mini   *miniredis.Miniredis

	mu      sync.Mutex
	stopped bool
	stopErr error
}

// StartRedis runs redis-server (Config.RedisServerPath or PATH) privately
// with its append-only file in cfg.DataDir/redis, and returns once it answers
// PING. When there is no redis-server it starts the in-process fallback and
// logs a warning that queued jobs will not survive a restart.
func StartRedis(ctx context.Context, cfg Config) (*Redis, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	bin, reason := findRedisServer(cfg.RedisServerPath)
	if bin == "" {
		return startInProcessRedis(cfg, reason)
	}
	r := &Redis{cfg: cfg}
	if err := r.start(ctx, bin); err != nil {
		_ = r.Stop(context.WithoutCancel(ctx))
		return nil, err
	}
	cfg.Logger.Info("embedded: Redis started", "pid", r.PID(), "socket", r.socket)
	return r, nil
}

func (r *Redis) start(ctx context.Context, bin string) error {
	log := r.cfg.Logger
	u, err := resolveServerUser(ctx, r.cfg.ServerUser, log)
	if err != nil {
		return err
	}
	if err := makeDataDir(r.cfg.DataDir, u); err != nil {
		return err
	}
	if r.lock, err = lockDataDir(ctx, filepath.Join(r.cfg.DataDir, "redis.lock"), "Redis", r.cfg.LockWait, log); err != nil {
		return err
	}
	dir := filepath.Join(r.cfg.DataDir, "redis")
	if err := ownedDir(dir, u); err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	if r.run, err = chooseRunDir(r.cfg.DataDir, "redis.sock", "aftersales-redis-"); err != nil {
		return err
	}
	if err := ownedDir(r.run.Path, u); err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	r.socket = filepath.Join(r.run.Path, "redis.sock")
	confPath := filepath.Join(dir, "redis.conf")
	if err := writeOwned(confPath, []byte(redisConfig(dir, r.socket)), u); err != nil {
		return err
	}
	logPath := filepath.Join(r.cfg.DataDir, "redis.log")
	logf, err := openLog(logPath)
	if err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	defer logf.Close() // the server keeps its own copy of the descriptor

	cmd := exec.Command(bin, confPath)
	cmd.Dir = dir
	cmd.Env = serverEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.ExtraFiles = []*os.File{r.lock}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.credential()}
	// SIGTERM makes Redis flush the append-only file and exit.
	if r.proc, err = startProcess("redis-server", cmd, syscall.SIGTERM); err != nil {
		return err
	}
	if err := r.waitReady(ctx); err != nil {
		return errors.New(withTail(err.Error(), logPath))
	}
	r.proc.watch(log, logPath)
	return nil
}

// redisConfig: no TCP at all, a socket only the server user may open, every
// write in the append-only file (jobs must survive a restart), no RDB
// snapshots (the AOF already has everything).
func redisConfig(dir, socket string) string {
	return fmt.Sprintf(`# Written by the aftersales launcher on every start.
port 0
unixsocket %s
unixsocketperm 700
dir %s
appendonly yes
appendfsync everysec
save ""
daemonize no
supervised no
logfile ""
`, redisQuote(socket), redisQuote(dir))
}

// redisQuote writes a path as a double-quoted redis.conf string.
func redisQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (r *Redis) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.StartTimeout)
	defer cancel()
	client := redis.NewClient(&redis.Options{Network: "unix", Addr: r.socket, MaxRetries: -1})
	defer client.Close()
	var lastErr error
	for {
		if r.proc.exited() {
			return fmt.Errorf("embedded: redis-server exited during start: %v", r.proc.err)
		}
		pingCtx, pingCancel := context.WithTimeout(ctx, 2*time.Second)
		lastErr = client.Ping(pingCtx).Err()
		pingCancel()
		if lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("embedded: redis-server did not answer PING: %w (last error: %v)", ctx.Err(), lastErr)
		case <-r.proc.done:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// URL is "unix:///abs/path/redis.sock" for redis-server and
// "redis://127.0.0.1:PORT/0" for the in-process fallback; redis.ParseURL
// understands both.
func (r *Redis) URL() string {
	if r.mini != nil {
		return "redis://" + r.mini.Addr() + "/0"
	}
	return "unix://" + r.socket
}

// Network is "unix" or "tcp", and Addr the socket path or host:port, for
// clients such as asynq.RedisClientOpt that do not parse unix:// URLs.
func (r *Redis) Network() string {
	if r.mini != nil {
		return "tcp"
	}
	return "unix"
}

// Addr is the socket path (Network "unix") or host:port (Network "tcp").
func (r *Redis) Addr() string {
	if r.mini != nil {
		return r.mini.Addr()
	}
	return r.socket
}

// InProcess reports whether this is the in-memory fallback, whose data is
// lost when the process exits.
func (r *Redis) InProcess() bool { return r.mini != nil }

// PID is redis-server's process ID, or 0 for the in-process fallback.
func (r *Redis) PID() int {
	if r.proc == nil {
		return 0
	}
	return r.proc.pid()
}

// Stop shuts Redis down: SIGTERM (Redis flushes the AOF and exits), then
// after 10s SIGKILL. Calling it again returns the first result.
func (r *Redis) Stop(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return r.stopErr
	}
	r.stopped = true
	var errs []error
	if r.mini != nil {
		r.mini.Close()
	}
	if r.proc != nil {
		r.cfg.Logger.Info("embedded: stopping Redis", "pid", r.PID())
		errs = append(errs, r.proc.stop(ctx, r.cfg.Logger, stopTimeout, syscall.SIGTERM, syscall.SIGKILL))
	}
	if r.lock != nil {
		errs = append(errs, r.lock.Close())
	}
	errs = append(errs, r.run.remove())
	r.stopErr = errors.Join(errs...)
	r.cfg.Logger.Info("embedded: Redis stopped", "in_process", r.mini != nil, "error", r.stopErr)
	return r.stopErr
}

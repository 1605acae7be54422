package embedded

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"
)

// Config says where the private servers keep their data and how to find them.
type Config struct {
	// DataDir is the root the launcher owns: PostgreSQL's cluster lives in
	// DataDir/postgres, Redis's files in DataDir/redis, sockets in DataDir/run
	// (or a short private directory when that path is too long for a socket).
	DataDir string

	// PGBinDir, when set, is the only place initdb and postgres are looked for
	// (the caller passes env PG_BINDIR here).
	PGBinDir string

	// RedisServerPath overrides the redis-server lookup on PATH. "none", or a
	// path that does not exist, selects the in-process fallback.
	RedisServerPath string

	// ServerUser is the OS user the servers run as when we are root. Empty
	// means "aftersales" (created if missing), else "postgres", else "nobody".
	ServerUser string

	// StartTimeout bounds how long a server may take to accept connections
	// (crash recovery of a big cluster can be slow). Zero means 60s.
	StartTimeout time.Duration

	// LockWait is how long to wait for a server that still holds the data
	// directory, typically the previous run's, shutting down after its parent
	// died. Zero means 10s; negative means fail at once.
	LockWait time.Duration

	// Throwaway marks a cluster nobody needs after a crash, the test
	// environment's: PostgreSQL then runs with its documented non-durable
	// settings (fsync, synchronous_commit and full_page_writes off), which
	// make a suite that creates a database per test and commits thousands of
	// times several times faster. Behaviour is otherwise the same; never set
	// it for data anyone keeps.
	Throwaway bool

	// Logger receives the launcher's own messages. Nil means slog.Default(),
	// never a discard logger: the in-process Redis warning must be seen.
	Logger *slog.Logger
}

const (
	// redisNone forces the in-process Redis.
	redisNone           = "none"
	defaultStartTimeout = 60 * time.Second
	defaultLockWait     = 10 * time.Second
	// stopTimeout is how long a server gets for a clean shutdown before it is
	// asked harder.
	stopTimeout = 10 * time.Second
)

// normalized returns a copy with defaults filled in and DataDir made absolute,
// because the servers run with a different working directory than ours.
func (c Config) normalized() (Config, error) {
	if c.DataDir == "" {
		return c, errors.New("embedded: Config.DataDir is required")
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return c, fmt.Errorf("embedded: data directory %q: %w", c.DataDir, err)
	}
	c.DataDir = abs
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = defaultStartTimeout
	}
	if c.LockWait == 0 {
		c.LockWait = defaultLockWait
	}
	return c, nil
}

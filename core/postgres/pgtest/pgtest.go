// Package pgtest gives tests a fresh, migrated PostgreSQL database and a
// Redis URL. It uses TEST_DATABASE_URL and TEST_REDIS_URL (set by `make
// test` through `aftersales testenv`, or by the developer); without them it
// starts private servers once per test binary.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/deploy/embedded"
)

var (
	once     sync.Once
	baseURL  string
	redisURL string
	startErr error
)

func start() {
	baseURL, redisURL = os.Getenv("TEST_DATABASE_URL"), os.Getenv("TEST_REDIS_URL")
	if baseURL != "" && redisURL != "" {
		return
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		startErr = err
		return
	}
	cfg := embedded.Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Throwaway: true}
	if baseURL == "" {
		pg, err := embedded.StartPostgres(context.Background(), cfg)
		if err != nil {
			startErr = err
			return
		}
		baseURL = pg.URL()
	}
	if redisURL == "" {
		r, err := embedded.StartRedis(context.Background(), cfg)
		if err != nil {
			startErr = err
			return
		}
		redisURL = r.URL()
	}
}

// RedisURL returns the Redis to test against.
func RedisURL(t testing.TB) string {
	once.Do(start)
	require.NoError(t, startErr)
	return redisURL
}

// RedisClient returns a client of the Redis to test against, closed when
// the test ends.
func RedisClient(t testing.TB) *redis.Client {
	opt, err := redis.ParseURL(RedisURL(t))
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// NewDatabase creates a fresh migrated database, dropped when the test
// ends, and returns its owner URL. It is a copy of a template database
// migrated once per set of migrations (see template), which is much
// cheaper than running every migration for each test.
func NewDatabase(t testing.TB) string {
	t.Helper()
	once.Do(start)
	require.NoError(t, startErr)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, baseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	// Roles are cluster-wide and a template may have no other session while
	// it is copied: serialise with parallel test binaries.
	_, err = conn.Exec(ctx, "SELECT pg_advisory_lock(727274)")
	require.NoError(t, err)
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(727274)")
	tmpl, err := template(ctx, conn)
	require.NoError(t, err, "migrating the template database")
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), baseURL)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	return databaseURL(t, name)
}

// template returns the name of the migrated template database of this
// binary's migrations, creating it when missing; the caller holds the
// migration lock. It is built under another name and renamed once
// migrated, so a test binary killed half-way leaves no broken template.
// Templates of other migration sets stay until the server is dropped
// (`make test` runs on a private one).
func template(ctx context.Context, conn *pgx.Conn) (string, error) {
	digest, err := postgres.MigrationsDigest()
	if err != nil {
		return "", err
	}
	name := "tmpl_" + digest[:16]
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil || exists {
		return name, err
	}
	building := pgx.Identifier{name + "_building"}.Sanitize()
	for _, q := range []string{"DROP DATABASE IF EXISTS " + building + " WITH (FORCE)", "CREATE DATABASE " + building} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return "", err
		}
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name + "_building"
	if err := postgres.Migrate(ctx, u.String(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return "", err
	}
	_, err = conn.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+pgx.Identifier{name}.Sanitize())
	return name, err
}

// databaseURL is the owner URL of the database name on the test server.
func databaseURL(t testing.TB, name string) string {
	u, err := url.Parse(baseURL)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}

// NewPool returns an application pool on a fresh database and the
// database's direct owner URL. The pool's connections run as
// aftersales_app, unless the binary is BehindPgBouncer: then the pool goes
// through PgBouncer and the store sets the role per transaction.
func NewPool(t testing.TB) (*pgxpool.Pool, string) {
	dbURL := NewDatabase(t)
	return openAppPool(t, dbURL), dbURL
}

// NewStore returns a store on a fresh database with the given clock (nil:
// the system clock).
func NewStore(t testing.TB, clock core.Clock) *postgres.Store {
	pool, dbURL := NewPool(t)
	if clock == nil {
		clock = core.SystemClock{}
	}
	s := postgres.NewStore(pool, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if session := SessionPool(t, dbURL); session != nil {
		s.UseSessionPool(session)
	}
	return s
}

// NewRedis starts a private Redis for one test, stopped when it ends: for
// tests that run a job worker, which must not take other tests' tasks from
// a shared Redis (Asynq's queue names are global to a Redis database).
func NewRedis(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgtest-redis-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755)) // the server may run as another user
	r, err := embedded.StartRedis(context.Background(), embedded.Config{DataDir: dir + "/data",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return r.URL()
}

// KeptDatabase returns the owner URL of the database name on the test
// server, creating and migrating it when missing (created true). It is
// never dropped: benchmarks that load millions of rows keep their data
// across runs this way; drop it by hand when done.
func KeptDatabase(t testing.TB, name string) (dbURL string, created bool) {
	t.Helper()
	once.Do(start)
	require.NoError(t, startErr)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, baseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	require.NoError(t, conn.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&created))
	if created {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
		require.NoError(t, err)
	}
	dbURL = databaseURL(t, name)
	_, err = conn.Exec(ctx, "SELECT pg_advisory_lock(727274)")
	require.NoError(t, err)
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(727274)")
	require.NoError(t, postgres.Migrate(ctx, dbURL, slog.New(slog.NewTextHandler(io.Discard, nil))))
	return dbURL, created
}

// AppPool returns an application pool on the database of the owner URL
// dbURL (as NewPool's), closed when the test ends.
func AppPool(t testing.TB, dbURL string) *pgxpool.Pool { return openAppPool(t, dbURL) }

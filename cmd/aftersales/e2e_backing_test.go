//go:build linux

package main_test

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
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/deploy/embedded"
)

// Shared PostgreSQL and Redis for the tests that run the platform with
// DATABASE_URL / REDIS_URL: TEST_DATABASE_URL and TEST_REDIS_URL when set
// (make test sets them through `aftersales testenv`), else private servers
// started once for this test binary, like core/postgres/pgtest does.
var (
	backingOnce  sync.Once
	backingDB    string
	backingRedis string
	backingErr   error
	backingSvcs  []interface{ Stop(context.Context) error }
	backingDir   string
)

func startBacking() {
	backingDB, backingRedis = os.Getenv("TEST_DATABASE_URL"), os.Getenv("TEST_REDIS_URL")
	if backingDB != "" && backingRedis != "" {
		return
	}
	if backingDir, backingErr = os.MkdirTemp("", "aftersales-e2e-backing-"); backingErr != nil {
		return
	}
	// The servers may run as another user, who must traverse this directory.
	if backingErr = os.Chmod(backingDir, 0o755); backingErr != nil {
		return
	}
	cfg := embedded.Config{DataDir: backingDir + "/data", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Throwaway: true}
	ctx := context.Background()
	if backingDB == "" {
		pg, err := embedded.StartPostgres(ctx, cfg)
		if backingErr = err; err != nil {
			return
		}
		backingSvcs = append(backingSvcs, pg)
		backingDB = pg.URL()
	}
	if backingRedis == "" {
		rd, err := embedded.StartRedis(ctx, cfg)
		if backingErr = err; err != nil {
			return
		}
		backingSvcs = append(backingSvcs, rd)
		backingRedis = rd.URL()
	}
}

// stopBacking stops the private servers, if any were started.
func stopBacking() {
	for i := len(backingSvcs) - 1; i >= 0; i-- {
		_ = backingSvcs[i].Stop(context.Background())
	}
	if backingDir != "" {
		os.RemoveAll(backingDir)
	}
}

// redisURL is the shared Redis.
func redisURL(t *testing.T) string {
	t.Helper()
	backingOnce.Do(startBacking)
	require.NoError(t, backingErr, "starting the private Redis (set TEST_REDIS_URL to use another)")
	return backingRedis
}

// newDatabase creates an empty database (not migrated: the binary does
// that) on the shared server and drops it when the test ends. It never
// touches any other database.
func newDatabase(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return openDatabase(t, "e2e_"+hex.EncodeToString(b), false)
}

// openDatabase returns the URL of the database name on the shared server,
// created (empty) when it does not exist, and dropped when the test ends
// unless keep.
func openDatabase(t *testing.T, name string, keep bool) string {
	t.Helper()
	backingOnce.Do(startBacking)
	require.NoError(t, backingErr, "starting the private PostgreSQL (set TEST_DATABASE_URL to use another)")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, backingDB)
	require.NoError(t, err, "connecting to TEST_DATABASE_URL")
	defer conn.Close(context.Background())

	// The application role is cluster-wide, and two migrations of different
	// databases granting it at the same moment can collide. Under the lock
	// core/postgres/pgtest takes for the same reason, make sure it exists
	// and is granted, so the binary's own migration only finds it.
	_, err = conn.Exec(ctx, "SELECT pg_advisory_lock(727274)")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `DO $$ BEGIN CREATE ROLE aftersales_app NOLOGIN NOBYPASSRLS;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`)
	if err == nil {
		_, err = conn.Exec(ctx, "GRANT aftersales_app TO CURRENT_USER")
	}
	exists := false
	if err == nil {
		err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	}
	if err == nil && !exists {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	}
	_, unlockErr := conn.Exec(ctx, "SELECT pg_advisory_unlock(727274)")
	require.NoError(t, err)
	require.NoError(t, unlockErr)

	// Registered before any process starts, so it runs after they stopped.
	t.Cleanup(func() {
		if keep {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, backingDB)
		if err != nil {
			t.Errorf("dropping database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	u, err := url.Parse(backingDB)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}

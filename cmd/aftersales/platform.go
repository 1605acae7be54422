package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/deploy/embedded"
)

// backing is the database and Redis the platform runs on, started here
// when they are embedded.
type backing struct {
	databaseURL string
	// sessionURL reaches PostgreSQL without a transaction pooler (the
	// migrations' session lock, LISTEN); pooler is what databaseURL reaches.
	sessionURL string
	pooler     postgres.Pooler
	redisURL   string
	pg         *embedded.Postgres
	redis      *embedded.Redis
	log        *slog.Logger
}

// startBacking starts the private servers that the configuration leaves
// out, then applies migrations.
func startBacking(ctx context.Context, c config, log *slog.Logger, needRedis bool) (*backing, error) {
	b := &backing{databaseURL: c.DatabaseURL, sessionURL: c.DatabaseSessionURL, pooler: c.DatabasePooler, redisURL: c.RedisURL, log: log}
	ecfg := embedded.Config{DataDir: c.DataDir, PGBinDir: c.PGBinDir, Logger: log}
	if (b.databaseURL == "" || (needRedis && b.redisURL == "")) && c.DataDir != "" {
		abs, err := filepath.Abs(c.DataDir)
		if err != nil {
			return nil, err
		}
		ecfg.DataDir = abs
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return nil, fmt.Errorf("DATA_DIR: %w", err)
		}
	}
	if b.databaseURL == "" {
		pg, err := embedded.StartPostgres(ctx, ecfg)
		if err != nil {
			return nil, err
		}
		b.pg, b.databaseURL, b.sessionURL = pg, pg.URL(), pg.URL()
		log.Info("embedded PostgreSQL started", "data_dir", ecfg.DataDir, "pid", pg.PID())
	}
	if needRedis && b.redisURL == "" {
		r, err := embedded.StartRedis(ctx, ecfg)
		if err != nil {
			b.stop()
			return nil, err
		}
		b.redis, b.redisURL = r, r.URL()
		log.Info("embedded Redis started", "url", r.URL(), "in_process", r.InProcess())
	}
	if err := postgres.Migrate(ctx, b.sessionURL, log); err != nil {
		b.stop()
		return nil, err
	}
	return b, nil
}

// stop stops the embedded servers; it is the last step of a shutdown.
func (b *backing) stop() {
	ctx := context.Background()
	if b.redis != nil {
		if err := b.redis.Stop(ctx); err != nil {
			b.log.Error("stopping embedded Redis", "err", err)
		}
	}
	if b.pg != nil {
		if err := b.pg.Stop(ctx); err != nil {
			b.log.Error("stopping embedded PostgreSQL", "err", err)
		}
	}
}

func (b *backing) openPool(ctx context.Context, maxConns int) (*pgxpool.Pool, error) {
	return postgres.OpenPoolWith(ctx, b.databaseURL, postgres.PoolOptions{MaxConns: int32(maxConns), Pooler: b.pooler})
}

// openSessionPool opens the pool of LISTEN connections when the main pool
// goes through a transaction pooler (nil otherwise: the main pool serves).
func (b *backing) openSessionPool(ctx context.Context) (*pgxpool.Pool, error) {
	if b.pooler != postgres.TransactionPooler {
		return nil, nil
	}
	return postgres.OpenPool(ctx, b.sessionURL, sessionConns)
}

// sessionConns is the session pool's size: the listeners (access rules,
// plugin events, outbox, webhooks) and two spare.
const sessionConns = 6

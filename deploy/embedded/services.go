//go:build linux

package embedded

import (
	"context"
	"errors"
)

// Services are the private servers of one data directory.
type Services struct {
	Postgres *Postgres
	Redis    *Redis
}

// Start starts PostgreSQL, then Redis. If Redis fails, PostgreSQL is stopped
// again, so a failed Start leaves nothing running.
func Start(ctx context.Context, cfg Config) (*Services, error) {
	pg, err := StartPostgres(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rd, err := StartRedis(ctx, cfg)
	if err != nil {
		return nil, errors.Join(err, pg.Stop(context.WithoutCancel(ctx)))
	}
	return &Services{Postgres: pg, Redis: rd}, nil
}

// Stop stops Redis, then PostgreSQL (reverse start order), and reports both
// errors. It is idempotent.
func (s *Services) Stop(ctx context.Context) error {
	var errs []error
	if s.Redis != nil {
		errs = append(errs, s.Redis.Stop(ctx))
	}
	if s.Postgres != nil {
		errs = append(errs, s.Postgres.Stop(ctx))
	}
	return errors.Join(errs...)
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// periodicKeep is how long finished periods are remembered: far longer
// than any task of a period can still be waiting in a queue.
const periodicKeep = 7 * 24 * time.Hour

// ClaimPeriod implements core.PeriodicStore. The primary key (task,
// period_start) decides between replicas; a claim never finished whose
// lease ran out (by the database's clock, shared by all replicas) may be
// taken over. A successful claim also forgets the task's old periods.
func (s *Store) ClaimPeriod(ctx context.Context, task string, period time.Time, runner string, lease time.Duration) (bool, error) {
	var claimed bool
	err := s.pool.QueryRow(ctx, `INSERT INTO periodic_runs (task, period_start, runner) VALUES ($1, $2, $3)
		ON CONFLICT (task, period_start) DO UPDATE SET claimed_at = now(), runner = EXCLUDED.runner
			WHERE periodic_runs.done_at IS NULL AND periodic_runs.claimed_at < now() - $4::interval
		RETURNING true`, task, period, runner, lease).Scan(&claimed)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) { // claimed by another, or finished
			return false, nil
		}
		return false, err
	}
	_, err = s.pool.Exec(ctx, `DELETE FROM periodic_runs WHERE task = $1 AND period_start < $2`, task, period.Add(-periodicKeep))
	return true, err
}

// FinishPeriod implements core.PeriodicStore.
func (s *Store) FinishPeriod(ctx context.Context, task string, period time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE periodic_runs SET done_at = now() WHERE task = $1 AND period_start = $2`, task, period)
	return err
}

// ReleasePeriod implements core.PeriodicStore.
func (s *Store) ReleasePeriod(ctx context.Context, task string, period time.Time) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM periodic_runs WHERE task = $1 AND period_start = $2 AND done_at IS NULL`, task, period)
	return err
}

package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

// Idempotency records are kept a day: long enough for any client retry.
const idempotencyTTL = 24 * time.Hour

// PurgeExpired implements core.Housekeeper, tenant by tenant (row-level
// security allows no other way, and keeps each transaction small).
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM tenants`)
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return 0, err
	}
	var total int64
	for _, id := range ids {
		err := core.InUnitOfWork(ctx, s, id, func(u core.UnitOfWork) error {
			q, err := unitOf(u).conn(ctx)
			if err != nil {
				return err
			}
			for _, stmt := range []string{
				`DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1::timestamptz - interval '1 day'`,
				`DELETE FROM idempotency_keys WHERE created_at < $1::timestamptz - interval '24 hours'`,
				// Failed-login counters are forgotten a day after their last
				// failure; a familiar client (a login succeeded from it) keeps
				// its familiarity, unless unused for 180 days.
				`DELETE FROM login_attempts WHERE succeeded_at IS NULL AND last_failure_at < $1::timestamptz - interval '1 day'
					OR succeeded_at < $1::timestamptz - interval '180 days' AND (last_failure_at IS NULL OR last_failure_at < $1::timestamptz - interval '1 day')`,
				`UPDATE login_attempts SET failures = 0, last_failure_at = NULL
					WHERE succeeded_at IS NOT NULL AND last_failure_at < $1::timestamptz - interval '1 day'`,
				// Outbox messages done a week ago, with their effect records: a
				// task cannot come back that late (retries stop within hours).
				`DELETE FROM outbox_effects e USING outbox o WHERE o.tenant_id = e.tenant_id AND o.id = e.outbox_id
					AND o.done_at < $1::timestamptz - interval '7 days'`,
				`DELETE FROM outbox WHERE done_at < $1::timestamptz - interval '7 days'`,
				// Webhook deliveries (with their attempts) stay 30 days after
				// they end, for the log and replays; pending ones stay.
				`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1::timestamptz - interval '30 days'`,
			} {
				tag, err := q.Exec(ctx, stmt, now)
				if err != nil {
					return err
				}
				total += tag.RowsAffected()
			}
			// Late-arrival rates move as orders age out of their window.
			counts, err := findSiteLateCounts(ctx, q, network.LateRateSince(now), nil)
			if err != nil {
				return err
			}
			b := &pgx.Batch{}
			for _, c := range counts {
				if rate, changed := c.NewLateRate(); changed {
					b.Queue(setLateRateSQL, c.SiteID, rate)
				}
			}
			return q.SendBatch(ctx, b).Close()
		})
		if err != nil {
			return total, err
		}
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM platform_idempotency_keys WHERE created_at < $1`, now.Add(-idempotencyTTL))
	if err != nil {
		return total, err
	}
	return total + tag.RowsAffected(), nil
}

package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core/network"
)

// siteLateCountsSQL reads what the late-arrival rates are computed from
// (network.LateRate) for the sites of the tenant's transaction given an
// order after $1 - all of them, or only site $2 when it is not null: the
// orders given and the misses of kind $3 recorded after $1, with each
// site's rate now.
const siteLateCountsSQL = `SELECT o.site_id, o.orders, COALESCE(m.misses, 0), s.late_rate
	FROM (SELECT site_id, count(*) AS orders FROM work_orders
		WHERE site_id IS NOT NULL AND ($2::uuid IS NULL OR site_id = $2) AND created_at > $1
		GROUP BY site_id) o
	JOIN sites s ON s.id = o.site_id
	LEFT JOIN (SELECT site_id, count(*) AS misses FROM site_sla_misses
		WHERE kind = $3 AND ($2::uuid IS NULL OR site_id = $2) AND recorded_at > $1
		GROUP BY site_id) m ON m.site_id = o.site_id`

// findSiteLateCounts runs siteLateCountsSQL.
func findSiteLateCounts(ctx context.Context, q querier, since time.Time, site *uuid.UUID) ([]network.SiteLateCounts, error) {
	rows, err := q.Query(ctx, siteLateCountsSQL, since, site, network.LateRateMiss)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (network.SiteLateCounts, error) {
		var c network.SiteLateCounts
		return c, r.Scan(&c.SiteID, &c.Orders, &c.Misses, &c.Rate)
	})
}

// setLateRateSQL writes a site's late-arrival rate ($2).
const setLateRateSQL = `UPDATE sites SET late_rate = $2 WHERE id = $1`

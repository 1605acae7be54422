package postgres

import (
	"context"
	"math"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// routeToDealer hands a purchase lead to the nearest active dealer that
// sells the product line (DESIGN §1: leads go to the regional dealer). The
// order stays in state created, without dispatch; the dealer's staff see
// it in their lists and close it. With no dealer near, it waits in the
// queue with the reason.
func (s *Store) routeToDealer(ctx context.Context, q querier, w *core.WorkOrder, actor string) error {
	if w.Lat == nil {
		return s.queue(ctx, q, w, "a purchase lead without a geo point; route it by hand", actor)
	}
	lat, lon := *w.Lat, *w.Lon
	dLat := candidateRadiusKm / 111.0
	cos := math.Max(math.Cos(lat*math.Pi/180), 0.01)
	dLon := candidateRadiusKm / (111.0 * cos)
	var site, region uuid.UUID
	err := q.QueryRow(ctx, `SELECT id, region_id FROM sites
		WHERE status = 'active' AND kind = 'dealer' AND lat BETWEEN $1 AND $2 AND lon BETWEEN $3 AND $4
		  AND ($7 = '' OR $7 = ANY(product_lines) OR product_lines = '{}')
		ORDER BY (lat - $5) ^ 2 + ((lon - $6) * $8) ^ 2, code LIMIT 1`,
		lat-dLat, lat+dLat, lon-dLon, lon+dLon, lat, lon, w.ProductLine, cos).Scan(&site, &region)
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return s.queue(ctx, q, w, "no dealer near the address; route the lead by hand", actor)
	} else if err != nil {
		return err
	}
	now := s.now()
	if _, err := q.Exec(ctx, `UPDATE work_orders SET site_id = $2, region_id = $3, queue_reason = '', version = version + 1,
		updated_at = $4 WHERE id = $1`, w.ID, site, region, now); err != nil {
		return err
	}
	w.SiteID = &site
	return appendEvent(ctx, q, w.ID, "routed", "", "", actor, now, nil, nil,
		map[string]any{"site_id": site, "reason": "nearest dealer for the product line"})
}

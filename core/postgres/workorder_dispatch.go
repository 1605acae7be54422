package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

// SetDispatchRules is gone: the work-order service takes the tenants'
// rules at construction (workorder.Config.Rules).

// DispatchWeights implements workorder.Repository.
func (r workOrders) DispatchWeights(ctx context.Context) (dispatch.Weights, error) {
	var raw []byte
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&raw) },
		`SELECT dispatch_weights FROM tenant_settings WHERE tenant_id = app_current_tenant()`)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return dispatch.Weights{}, err
	}
	return decodeWeights(raw)
}

// decodeWeights reads stored dispatch weights ('{}' or NULL: defaults).
func decodeWeights(raw []byte) (dispatch.Weights, error) {
	var w dispatch.Weights
	if len(raw) > 2 {
		if err := json.Unmarshal(raw, &w); err != nil {
			return w, core.Errorf(core.EINVALID, "the tenant's dispatch weights are invalid: %v", err)
		}
	}
	return w, nil
}

// CountTaken implements workorder.Repository: the counter row is written
// last, so it stays locked only for the commit.
func (r workOrders) CountTaken(site uuid.UUID, at time.Time, delta int) {
	r.u.deferUntilCommit(`INSERT INTO site_daily_load (tenant_id, site_id, day, taken)
		SELECT t.id, $1, ($2::timestamptz AT TIME ZONE t.timezone)::date, GREATEST($3, 0) FROM tenants t WHERE t.id = app_current_tenant()
		ON CONFLICT (tenant_id, site_id, day) DO UPDATE SET taken = GREATEST(site_daily_load.taken + $3, 0)`, site, at, delta)
}

// Network implements workorder.Repository.
func (r workOrders) Network(ctx context.Context, lat, lon, radiusKm float64, division string, at time.Time) (*dispatch.Network, error) {
	return loadNetwork(ctx, r.u, lat, lon, radiusKm, division, at)
}

// NearestDealer implements workorder.Repository.
func (r workOrders) NearestDealer(ctx context.Context, lat, lon, radiusKm float64, line string) (uuid.UUID, error) {
	dLat, dLon, cos := box(lat, radiusKm)
	var site uuid.UUID
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&site) }, `SELECT id FROM sites
		WHERE status = 'active' AND kind = 'dealer' AND lat BETWEEN $1 AND $2 AND lon BETWEEN $3 AND $4
		  AND ($7 = '' OR $7 = ANY(product_lines) OR product_lines = '{}')
		ORDER BY (lat - $5) ^ 2 + ((lon - $6) * $8) ^ 2, code LIMIT 1`,
		lat-dLat, lat+dLat, lon-dLon, lon+dLon, lat, lon, line, cos)
	return site, translate(err, "dealer")
}

// box is the half-size in degrees of the square of radiusKm around a
// latitude, and the cosine of the latitude (floored) that scales
// longitude distances.
func box(lat, radiusKm float64) (dLat, dLon, cos float64) {
	cos = math.Max(math.Cos(lat*math.Pi/180), 0.01)
	return radiusKm / 111.0, radiusKm / (111.0 * cos), cos
}

// loadNetwork loads the active sites near a point and those covering the
// division code (its own, its city's or its province's; "" for none) by
// district wherever they are, their load today and their technicians, as
// a dispatch network, in one round trip. A site's Districts hold its
// coverage of those codes only: the decision reads no other.
func loadNetwork(ctx context.Context, u *unit, lat, lon, radiusKm float64, division string, now time.Time) (*dispatch.Network, error) {
	dLat, dLon, _ := box(lat, radiusKm)
	var codes []string
	for _, c := range dispatch.CoveringDivisions(division) {
		if c != "" {
			codes = append(codes, c)
		}
	}
	args := []any{lat - dLat, lat + dLat, lon - dLon, lon + dLon, codes}
	// A districts-only site (no radius, no polygon) near the point but not
	// covering its division is no candidate: it covers nothing there.
	const near = `s.status = 'active' AND (s.lat BETWEEN $1 AND $2 AND s.lon BETWEEN $3 AND $4
			AND (s.radius_km IS NOT NULL OR s.polygon IS NOT NULL)
		OR s.id IN (SELECT site_id FROM site_districts WHERE division_code = ANY($5)))`
	b := &pgx.Batch{}
	var sites []dispatch.Site
	b.Queue(`WITH cover AS (
			SELECT site_id, array_agg(division_code ORDER BY division_code) AS codes,
			       array_agg(coverage = 'secondary' ORDER BY division_code) AS secondary
			FROM site_districts WHERE division_code = ANY($5) GROUP BY site_id
		), cand AS (
			SELECT id FROM sites WHERE status = 'active' AND lat BETWEEN $1 AND $2 AND lon BETWEEN $3 AND $4
				AND (radius_km IS NOT NULL OR polygon IS NOT NULL)
			UNION SELECT site_id FROM cover
		)
		SELECT s.id, s.name, s.kind, s.status, s.lat, s.lon, COALESCE(s.radius_km, 0), s.polygon, s.product_lines,
			s.skills, s.daily_capacity, `+effectiveReputationSQL+`, s.late_rate, s.auto_assign,
			COALESCE(l.taken, 0), c.codes, c.secondary
		FROM cand JOIN sites s ON s.id = cand.id JOIN tenants t ON t.id = s.tenant_id
		LEFT JOIN site_daily_load l ON l.tenant_id = s.tenant_id AND l.site_id = s.id
			AND l.day = ($6::timestamptz AT TIME ZONE t.timezone)::date
		LEFT JOIN cover c ON c.site_id = s.id
		LEFT JOIN site_reputations r ON r.tenant_id = s.tenant_id AND r.site_id = s.id
		WHERE s.status = 'active'`, append(args, now)...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var st dispatch.Site
			var polygon []byte
			var lateRate float64
			var covered []string
			var secondary []bool
			if err := rows.Scan(&st.ID, &st.Name, &st.Kind, &st.Status, &st.Location.Lat, &st.Location.Lon, &st.Area.RadiusKm, &polygon,
				&st.AuthorizedLines, &st.Skills, &st.DailyCapacity, &st.Reputation, &lateRate, &st.AutoAssign, &st.OpenToday,
				&covered, &secondary); err != nil {
				return err
			}
			st.LateRate = &lateRate
			for i, c := range covered {
				st.Districts = append(st.Districts, dispatch.DistrictCoverage{Code: c, Secondary: secondary[i]})
			}
			if len(polygon) > 0 {
				var pts [][2]float64
				if err := json.Unmarshal(polygon, &pts); err == nil {
					for _, p := range pts {
						st.Area.Polygon = append(st.Area.Polygon, dispatch.Point{Lat: p[0], Lon: p[1]})
					}
				}
			}
			sites = append(sites, st)
		}
		return rows.Err()
	})
	var techs []dispatch.Technician
	b.Queue(`SELECT t.id, t.name, t.site_id, t.skills, t.status, COALESCE(t.lat, 0), COALESCE(t.lon, 0), t.location_at, t.open_workload
		FROM technicians t JOIN sites s ON s.tenant_id = t.tenant_id AND s.id = t.site_id WHERE `+near, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var t dispatch.Technician
			var at *time.Time
			if err := rows.Scan(&t.ID, &t.Name, &t.SiteID, &t.Skills, &t.Status, &t.Location.Lat, &t.Location.Lon, &at, &t.OpenWorkload); err != nil {
				return err
			}
			if at != nil {
				t.LocationAt = *at
			}
			techs = append(techs, t)
		}
		return rows.Err()
	})
	if err := u.read(ctx, b); err != nil {
		return nil, err
	}
	return dispatch.NewNetwork(sites, techs)
}

package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

// candidateRadiusKm bounds the sites loaded for a decision: a site whose
// location is farther than this from the address is not considered (no
// service area is that large in practice).
const candidateRadiusKm = 300

// SetDispatchRules installs the tenant-plugin seam of the dispatch engine:
// rules returns a tenant's rules (nil: the built-in ranking only). The
// engine calls them under the request's deadline and falls back to the
// built-in ranking on error, timeout or panic.
func (s *Store) SetDispatchRules(rules func(tenant uuid.UUID) dispatch.Rules) { s.rules = rules }

// dispatch runs the engine for w and applies its decision: dispatched to
// the chosen site (and assigned to a technician when the site lets the
// platform assign), or queued with the reason. overrideSite forces a site
// (a dispatcher's decision, with reason).
// weights are the tenant's dispatch weights when the caller has them (nil:
// read them).
func (s *Store) dispatch(ctx context.Context, q querier, w *core.WorkOrder, overrideSite *uuid.UUID, reason, actor string, weightsJSON []byte) error {
	var excluded []uuid.UUID
	if w.Version > 1 { // a new order has excluded no site yet
		if err := q.QueryRow(ctx, `SELECT excluded_sites FROM work_orders WHERE id = $1`, w.ID).Scan(&excluded); err != nil {
			return err
		}
	}
	if w.Lat == nil && overrideSite == nil {
		return s.queue(ctx, q, w, "the address has no geo point; dispatch by hand", actor)
	}
	var order dispatch.Order
	var net *dispatch.Network
	if w.Lat != nil {
		order = dispatch.Order{ID: w.ID, Location: dispatch.Point{Lat: *w.Lat, Lon: *w.Lon}, ProductLine: w.ProductLine,
			Skills: w.Skills, ServiceType: w.ServiceType, At: s.now(), ExcludedSiteIDs: excluded}
		var err error
		if net, err = loadNetwork(ctx, q, *w.Lat, *w.Lon, order.At); err != nil {
			return err
		}
	}
	var weights dispatch.Weights
	if weightsJSON == nil {
		err := q.QueryRow(ctx, `SELECT dispatch_weights FROM tenant_settings WHERE tenant_id = app_current_tenant()`).Scan(&weightsJSON)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
	}
	if len(weightsJSON) > 2 {
		if err := json.Unmarshal(weightsJSON, &weights); err != nil {
			return core.Errorf(core.EINVALID, "the tenant's dispatch weights are invalid: %v", err)
		}
	}
	engine := dispatch.Engine{Weights: weights}
	if s.rules != nil {
		engine.Rules = s.rules(tenantOf(ctx))
	}
	var dec dispatch.Decision
	if net != nil {
		var err error
		if dec, err = engine.Decide(ctx, net, order); err != nil {
			return core.Errorf(core.EINVALID, "cannot dispatch: %v", err)
		}
	}
	chosen := dec.Chosen
	if overrideSite != nil {
		if err := checkSiteForOverride(ctx, q, *overrideSite); err != nil {
			return err
		}
		chosen = overrideSite
		dec.Summary = fmt.Sprintf("dispatcher override to site %s: %s (engine suggested %v)", overrideSite, reason, dec.Chosen)
	}
	decJSON, err := json.Marshal(dec)
	if err != nil {
		return err
	}
	if chosen == nil {
		if _, err := q.Exec(ctx, `UPDATE work_orders SET decision = $2 WHERE id = $1`, w.ID, decJSON); err != nil {
			return err
		}
		return s.queue(ctx, q, w, dec.NoCandidateReason, actor)
	}
	now := s.now()
	markOutbox(ctx)
	b := &pgx.Batch{}
	b.Queue(`UPDATE work_orders w SET state = 'dispatched', site_id = $2, technician_id = NULL, decision = $3,
		queue_reason = '', region_id = s.region_id, version = w.version + 1, updated_at = $4
		FROM sites s WHERE w.id = $1 AND s.id = $2`, w.ID, *chosen, decJSON, now)
	payload := map[string]any{"site_id": chosen, "summary": dec.Summary, "engine": dec.Engine, "fallback": dec.Fallback}
	if overrideSite != nil {
		payload["override_reason"] = reason
	}
	if err := queueEvent(b, w.ID, "dispatched", core.StateCreated, core.StateDispatched, actor, now, nil, nil, payload); err != nil {
		return err
	}
	w.State, w.SiteID, w.TechnicianID = core.StateDispatched, chosen, nil
	countTaken(ctx, *chosen, now, 1)
	// A site that lets the platform assign gets its best technician in the
	// same round trip: the decision's when the site is the engine's choice
	// (the tenant rules were asked then), chosen now for a dispatcher's.
	if net != nil {
		if site, ok := net.Site(*chosen); ok && site.AutoAssign {
			td, err := dec.Technician, error(nil)
			if dec.Chosen == nil || *dec.Chosen != *chosen {
				td, err = engine.ChooseTechnician(ctx, net, *chosen, order)
			}
			if err == nil && td.Chosen != nil {
				if err := s.queueAssign(b, w, *td.Chosen, "auto-assigned by the platform", actor); err != nil {
					return err
				}
			}
		}
	}
	return translate(q.SendBatch(ctx, b).Close(), "work order")
}

func checkSiteForOverride(ctx context.Context, q querier, id uuid.UUID) error {
	var status string
	err := q.QueryRow(ctx, `SELECT status FROM sites WHERE id = $1`, id).Scan(&status)
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return core.FieldError("site_id", "no such site")
	} else if err != nil {
		return err
	}
	if status != "active" {
		return core.FieldError("site_id", "site is %s", status)
	}
	return nil
}

// countTaken adds d to the orders the site has taken on now's day in the
// tenant's zone; the counter row is locked only for the commit.
func countTaken(ctx context.Context, site uuid.UUID, now time.Time, d int) {
	deferUntilCommit(ctx, `INSERT INTO site_daily_load (tenant_id, site_id, day, taken)
		SELECT t.id, $1, ($2::timestamptz AT TIME ZONE t.timezone)::date, GREATEST($3, 0) FROM tenants t WHERE t.id = app_current_tenant()
		ON CONFLICT (tenant_id, site_id, day) DO UPDATE SET taken = GREATEST(site_daily_load.taken + $3, 0)`, site, now, d)
}

// queue leaves w in the dispatcher queue with the reason.
func (s *Store) queue(ctx context.Context, q querier, w *core.WorkOrder, reason, actor string) error {
	if reason == "" {
		reason = "no suitable site"
	}
	if _, err := q.Exec(ctx, `UPDATE work_orders SET queue_reason = $2, updated_at = $3 WHERE id = $1`, w.ID, reason, s.now()); err != nil {
		return err
	}
	return appendEvent(ctx, q, w.ID, "queued", "", "", actor, s.now(), nil, nil, map[string]any{"reason": reason})
}

// loadNetwork loads the active sites near a point, their load today and
// their technicians, as a dispatch network, in one round trip.
func loadNetwork(ctx context.Context, q querier, lat, lon float64, now time.Time) (*dispatch.Network, error) {
	dLat := candidateRadiusKm / 111.0
	dLon := candidateRadiusKm / (111.0 * math.Max(math.Cos(lat*math.Pi/180), 0.01))
	box := []any{lat - dLat, lat + dLat, lon - dLon, lon + dLon}
	const near = `s.status = 'active' AND s.lat BETWEEN $1 AND $2 AND s.lon BETWEEN $3 AND $4`
	b := &pgx.Batch{}
	var sites []dispatch.Site
	b.Queue(`SELECT s.id, s.kind, s.status, s.lat, s.lon, COALESCE(s.radius_km, 0), s.polygon, s.product_lines,
			s.skills, s.daily_capacity, s.reputation, s.late_rate, s.auto_assign,
			COALESCE(l.taken, 0)
		FROM sites s JOIN tenants t ON t.id = s.tenant_id
		LEFT JOIN site_daily_load l ON l.tenant_id = s.tenant_id AND l.site_id = s.id
			AND l.day = ($5::timestamptz AT TIME ZONE t.timezone)::date
		WHERE `+near, append(box, now)...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var st dispatch.Site
			var polygon []byte
			var lateRate float64
			if err := rows.Scan(&st.ID, &st.Kind, &st.Status, &st.Location.Lat, &st.Location.Lon, &st.Area.RadiusKm, &polygon,
				&st.AuthorizedLines, &st.Skills, &st.DailyCapacity, &st.Reputation, &lateRate, &st.AutoAssign, &st.OpenToday); err != nil {
				return err
			}
			st.LateRate = &lateRate
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
	b.Queue(`SELECT t.id, t.site_id, t.skills, t.status, COALESCE(t.lat, 0), COALESCE(t.lon, 0), t.location_at, t.open_workload
		FROM technicians t JOIN sites s ON s.tenant_id = t.tenant_id AND s.id = t.site_id WHERE `+near, box...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var t dispatch.Technician
			var at *time.Time
			if err := rows.Scan(&t.ID, &t.SiteID, &t.Skills, &t.Status, &t.Location.Lat, &t.Location.Lon, &at, &t.OpenWorkload); err != nil {
				return err
			}
			if at != nil {
				t.LocationAt = *at
			}
			techs = append(techs, t)
		}
		return rows.Err()
	})
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return dispatch.NewNetwork(sites, techs)
}

package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// Site reputations (migration 00075): the job's scores in site_reputations
// with the sites' manual adjustments; the report settings in tenant_settings.

// effectiveReputationSQL is what dispatch ranks by (report.EffectiveReputation)
// for the site s and its reputation row r (LEFT JOINed).
const effectiveReputationSQL = `LEAST(100, GREATEST(0, COALESCE(r.score, s.reputation) + COALESCE(r.adjustment, 0)))`

// FindReportSettings implements report.ReputationStore.
func (s *Store) FindReportSettings(ctx context.Context, u core.UnitOfWork) (report.Settings, error) {
	var out report.Settings
	var rep []byte
	err := unitOf(u).queryRow(ctx, func(r pgx.Row) error {
		return r.Scan(&out.ResponseMinutes, &out.ServiceLevelSeconds, &rep, &out.MaxPeriodDays)
	}, `SELECT coalesce(t.report_response_minutes, 120), coalesce(t.report_service_level_seconds, 20),
			coalesce(t.reputation, '{}'), coalesce(t.report_max_period_days, 366)
		FROM (SELECT 1) one LEFT JOIN tenant_settings t ON t.tenant_id = app_current_tenant()`)
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(rep, &out.Reputation); err != nil {
		return out, err
	}
	return out, nil
}

// SaveReportSettings implements report.ReputationStore; the triggers of
// migrations 00075 and 00126 mark the aggregates for rebuild when the
// response target or the service-level threshold changes.
func (s *Store) SaveReportSettings(ctx context.Context, u core.UnitOfWork, set report.Settings) error {
	rep, err := json.Marshal(set.Reputation)
	if err != nil {
		return err
	}
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	limit := set.WithDefaults().MaxPeriodDays
	_, err = q.Exec(ctx, `INSERT INTO tenant_settings (tenant_id, report_response_minutes, report_service_level_seconds, reputation,
			report_max_period_days)
		VALUES (app_current_tenant(), $1, $2, $3, $4) ON CONFLICT (tenant_id) DO UPDATE
		SET report_response_minutes = EXCLUDED.report_response_minutes,
			report_service_level_seconds = EXCLUDED.report_service_level_seconds, reputation = EXCLUDED.reputation,
			report_max_period_days = EXCLUDED.report_max_period_days`,
		set.ResponseMinutes, set.ServiceLevelSeconds, rep, limit)
	return translate(err, "settings")
}

// ReputationInputs implements report.ReputationStore.
func (s *Store) ReputationInputs(ctx context.Context, u core.UnitOfWork, now time.Time, windowDays int) (time.Time, time.Time, []report.SiteSums, error) {
	sums := make([]string, len(reportCols))
	for i, c := range reportCols {
		sums[i] = "coalesce(sum(d." + c + "), 0)::bigint"
	}
	var from, to time.Time
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return from, to, nil, err
	}
	if err := q.QueryRow(ctx, `SELECT ($1::timestamptz AT TIME ZONE timezone)::date - ($2::int - 1),
			($1::timestamptz AT TIME ZONE timezone)::date FROM tenants WHERE id = app_current_tenant()`,
		now, windowDays).Scan(&from, &to); err != nil {
		return from, to, nil, err
	}
	rows, err := q.Query(ctx, `SELECT s.id, `+strings.Join(sums, ", ")+`
		FROM sites s LEFT JOIN report_daily_by_site d ON d.tenant_id = s.tenant_id AND d.site_id = s.id AND d.day BETWEEN $1 AND $2
		WHERE s.tenant_id = app_current_tenant() GROUP BY s.id`, from, to)
	if err != nil {
		return from, to, nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (report.SiteSums, error) {
		var ss report.SiteSums
		return ss, r.Scan(append([]any{&ss.SiteID}, sumsTargets(&ss.Sums)...)...)
	})
	return from, to, out, err
}

// SaveReputations implements report.ReputationStore, in one statement.
func (s *Store) SaveReputations(ctx context.Context, u core.UnitOfWork, from, to, at time.Time, rs []report.SiteReputation) error {
	ids := make([]uuid.UUID, len(rs))
	scores := make([]*float64, len(rs))
	comps := make([]string, len(rs))
	orders := make([]int64, len(rs))
	for i, r := range rs {
		c, err := json.Marshal(r.Components)
		if err != nil {
			return err
		}
		ids[i], scores[i], comps[i], orders[i] = r.SiteID, r.Score, string(c), r.Orders
	}
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO site_reputations (tenant_id, site_id, score, components, orders, window_from, window_to, computed_at)
		SELECT app_current_tenant(), x.id, x.score, x.comps::jsonb, x.orders, $5, $6, $7
		FROM unnest($1::uuid[], $2::float8[], $3::text[], $4::bigint[]) AS x (id, score, comps, orders)
		ON CONFLICT (tenant_id, site_id) DO UPDATE SET score = EXCLUDED.score, components = EXCLUDED.components,
			orders = EXCLUDED.orders, window_from = EXCLUDED.window_from, window_to = EXCLUDED.window_to,
			computed_at = EXCLUDED.computed_at`,
		ids, scores, comps, orders, from.Format(time.DateOnly), to.Format(time.DateOnly), at)
	return err
}

// FindReputations implements report.ReputationStore.
func (s *Store) FindReputations(ctx context.Context, u core.UnitOfWork, re report.Reach, site *uuid.UUID, limit int) ([]report.SiteReputation, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"s.tenant_id = app_current_tenant()"}
	if !re.All {
		if len(re.Regions)+len(re.Sites) == 0 {
			return []report.SiteReputation{}, nil
		}
		where = append(where, "(s.id = ANY("+arg(nonNilIDs(re.Sites))+") OR s.region_id IN "+regionSubtreeSQL(arg(nonNilIDs(re.Regions)))+")")
	}
	if site != nil {
		where = append(where, "s.id = "+arg(*site))
	}
	if limit <= 0 {
		limit = 100
	}
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT s.id, s.code, s.name, s.region_id, r.score, coalesce(r.components, '[]'), coalesce(r.orders, 0),
			r.window_from, r.window_to, r.computed_at, coalesce(r.adjustment, 0), coalesce(r.adjustment_note, ''), s.reputation,
			`+effectiveReputationSQL+` AS effective
		FROM sites s LEFT JOIN site_reputations r ON r.tenant_id = s.tenant_id AND r.site_id = s.id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY effective DESC, s.code LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (report.SiteReputation, error) {
		var r report.SiteReputation
		var comps []byte
		var from, to *time.Time
		if err := row.Scan(&r.SiteID, &r.SiteCode, &r.SiteName, &r.RegionID, &r.Score, &comps, &r.Orders, &from, &to,
			&r.ComputedAt, &r.Adjustment, &r.AdjustmentNote, &r.Typed, &r.Effective); err != nil {
			return r, err
		}
		if from != nil {
			r.WindowFrom, r.WindowTo = from.Format(time.DateOnly), to.Format(time.DateOnly)
		}
		r.Components = []report.Component{}
		return r, json.Unmarshal(comps, &r.Components)
	})
}

// SetReputationAdjustment implements report.ReputationStore.
func (s *Store) SetReputationAdjustment(ctx context.Context, u core.UnitOfWork, site uuid.UUID, points float64, note string) error {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `INSERT INTO site_reputations (tenant_id, site_id, adjustment, adjustment_note)
		SELECT s.tenant_id, s.id, $2, $3 FROM sites s WHERE s.tenant_id = app_current_tenant() AND s.id = $1
		ON CONFLICT (tenant_id, site_id) DO UPDATE SET adjustment = EXCLUDED.adjustment, adjustment_note = EXCLUDED.adjustment_note`,
		site, points, note)
	if err != nil {
		return translate(err, "site")
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "site not found")
	}
	return nil
}

// ReputationTenants implements report.ReputationStore.
func (s *Store) ReputationTenants(ctx context.Context) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

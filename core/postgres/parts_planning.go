package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

type planningRepo struct{ u *unit }

// Planning implements parts.PlanningStore.
func (s *Store) Planning(u core.UnitOfWork) parts.PlanningRepository { return planningRepo{unitOf(u)} }

// PlanningTenants lists the tenants the ABC job recomputes: every one
// (a tenant without parts costs one empty query).
func (s *Store) PlanningTenants(ctx context.Context) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// FindPlanningSettings implements parts.PlanningRepository.
func (r planningRepo) FindPlanningSettings(ctx context.Context) (parts.PlanningSettings, error) {
	s := parts.DefaultPlanningSettings
	q, err := r.u.conn(ctx)
	if err != nil {
		return s, err
	}
	err = q.QueryRow(ctx, `SELECT a_percent, b_percent, cadence_days_a, cadence_days_b, cadence_days_c, lead_time_days,
		safety_days, history_days FROM stock_planning_settings`).Scan(&s.APercent, &s.BPercent, &s.CadenceDaysA,
		&s.CadenceDaysB, &s.CadenceDaysC, &s.LeadTimeDays, &s.SafetyDays, &s.HistoryDays)
	if err == pgx.ErrNoRows {
		return parts.DefaultPlanningSettings, nil
	}
	return s, err
}

// SavePlanningSettings implements parts.PlanningRepository.
func (r planningRepo) SavePlanningSettings(ctx context.Context, s parts.PlanningSettings, at time.Time) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO stock_planning_settings (tenant_id, a_percent, b_percent, cadence_days_a, cadence_days_b,
		cadence_days_c, lead_time_days, safety_days, history_days, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (tenant_id) DO UPDATE SET a_percent = EXCLUDED.a_percent, b_percent = EXCLUDED.b_percent,
		cadence_days_a = EXCLUDED.cadence_days_a, cadence_days_b = EXCLUDED.cadence_days_b, cadence_days_c = EXCLUDED.cadence_days_c,
		lead_time_days = EXCLUDED.lead_time_days, safety_days = EXCLUDED.safety_days, history_days = EXCLUDED.history_days,
		updated_at = EXCLUDED.updated_at`,
		s.APercent, s.BPercent, s.CadenceDaysA, s.CadenceDaysB, s.CadenceDaysC, s.LeadTimeDays, s.SafetyDays, s.HistoryDays, at)
	return translate(err, "planning settings")
}

// ConsumptionValues implements parts.PlanningRepository: the quantity
// consumption movements took out of any warehouse since since, times the
// part's current cost (the ledger keeps no cost per movement).
func (r planningRepo) ConsumptionValues(ctx context.Context, since time.Time) ([]parts.PartValue, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT p.id, COALESCE(c.q, 0) * p.cost_minor FROM parts p
		LEFT JOIN (SELECT m.part_id, sum(m.quantity) AS q FROM stock_movements m
			WHERE m.to_bucket = 'consumption' AND m.at >= $1 GROUP BY m.part_id) c ON c.part_id = p.id`, since)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (parts.PartValue, error) {
		var v parts.PartValue
		return v, row.Scan(&v.PartID, &v.ValueMinor)
	})
}

// SaveClasses implements parts.PlanningRepository.
func (r planningRepo) SaveClasses(ctx context.Context, classes map[uuid.UUID]string, values []parts.PartValue, at time.Time) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	ids, cs, vs := make([]uuid.UUID, 0, len(values)), make([]string, 0, len(values)), make([]int64, 0, len(values))
	for _, v := range values {
		ids, cs, vs = append(ids, v.PartID), append(cs, classes[v.PartID]), append(vs, v.ValueMinor)
	}
	if _, err := q.Exec(ctx, `DELETE FROM part_abc_classes WHERE part_id <> ALL($1)`, ids); err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO part_abc_classes (tenant_id, part_id, class, value_minor, computed_at)
		SELECT app_current_tenant(), k.p, k.c, k.v, $4 FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS k (p, c, v)
		ON CONFLICT (tenant_id, part_id) DO UPDATE SET class = EXCLUDED.class, value_minor = EXCLUDED.value_minor,
		computed_at = EXCLUDED.computed_at`, ids, cs, vs, at)
	return translate(err, "ABC class")
}

// FindClasses implements parts.PlanningRepository.
func (r planningRepo) FindClasses(ctx context.Context, class string) ([]parts.PartClass, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT p.id, p.number, p.name_zh, p.name_en, c.class, c.value_minor, p.currency, c.computed_at
		FROM part_abc_classes c JOIN parts p ON p.id = c.part_id WHERE $1 = '' OR c.class = $1
		ORDER BY c.value_minor DESC, p.number LIMIT 5000`, class)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (parts.PartClass, error) {
		var c parts.PartClass
		return c, row.Scan(&c.PartID, &c.PartNumber, &c.PartNameZh, &c.PartNameEn, &c.Class, &c.ValueMinor, &c.Currency, &c.ComputedAt)
	})
}

// DueCounts implements parts.PlanningRepository. A part without a class
// yet is C.
func (r planningRepo) DueCounts(ctx context.Context, within parts.Reach, warehouseID *uuid.UUID, s parts.PlanningSettings, now time.Time) ([]parts.DueCount, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	a := &sqlArgs{}
	where := warehouseReachSQL("w", within, a)
	if warehouseID != nil {
		where += " AND w.id = " + a.add(*warehouseID)
	}
	nowArg, ca, cb, cc := a.add(now), a.add(s.CadenceDaysA), a.add(s.CadenceDaysB), a.add(s.CadenceDaysC)
	rows, err := q.Query(ctx, `SELECT * FROM (
		SELECT w.id, w.code, p.id, p.number, COALESCE(c.class, 'C') AS class, b.available + b.reserved,
			(SELECT max(s.posted_at) FROM stocktakes s JOIN stocktake_lines l ON l.stocktake_id = s.id AND l.part_id = b.part_id
			 WHERE s.warehouse_id = b.warehouse_id AND s.state = 'posted' AND l.counted IS NOT NULL) AS last
		FROM stock_balances b JOIN warehouses w ON w.id = b.warehouse_id JOIN parts p ON p.id = b.part_id
		LEFT JOIN part_abc_classes c ON c.part_id = b.part_id
		WHERE b.available + b.reserved <> 0 AND `+where+`) d
		WHERE d.last IS NULL OR d.last < `+nowArg+`::timestamptz - make_interval(days => CASE d.class WHEN 'A' THEN `+ca+`::int
			WHEN 'B' THEN `+cb+`::int ELSE `+cc+`::int END)
		ORDER BY d.class, d.code, d.number LIMIT 5000`, a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (parts.DueCount, error) {
		var d parts.DueCount
		return d, row.Scan(&d.WarehouseID, &d.WarehouseCode, &d.PartID, &d.PartNumber, &d.Class, &d.OnHand, &d.LastCountedAt)
	})
}

// PlanInputs implements parts.PlanningRepository: the parts consumption
// took out of warehouses within reach since since, with their stock.
func (r planningRepo) PlanInputs(ctx context.Context, within parts.Reach, warehouseID *uuid.UUID, since time.Time) ([]parts.PlanInput, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	a := &sqlArgs{}
	sinceArg := a.add(since)
	where := warehouseReachSQL("w", within, a)
	if warehouseID != nil {
		where += " AND w.id = " + a.add(*warehouseID)
	}
	rows, err := q.Query(ctx, `SELECT w.id, w.code, p.id, p.number, c.q, COALESCE(b.available + b.reserved, 0), COALESCE(b.in_transit, 0)
		FROM (SELECT m.from_warehouse_id AS w, m.part_id AS p, sum(m.quantity) AS q FROM stock_movements m
			WHERE m.to_bucket = 'consumption' AND m.from_warehouse_id IS NOT NULL AND m.at >= `+sinceArg+` GROUP BY 1, 2) c
		JOIN warehouses w ON w.id = c.w JOIN parts p ON p.id = c.p
		LEFT JOIN stock_balances b ON b.warehouse_id = c.w AND b.part_id = c.p
		WHERE `+where+` LIMIT 100000`, a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (parts.PlanInput, error) {
		var in parts.PlanInput
		return in, row.Scan(&in.WarehouseID, &in.WarehouseCode, &in.PartID, &in.PartNumber, &in.Consumed, &in.OnHand, &in.InTransit)
	})
}

// InsertCampaign implements parts.PlanningRepository.
func (r planningRepo) InsertCampaign(ctx context.Context, c *parts.Campaign) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO stock_campaign_plans (tenant_id, id, name, warehouse_id, starts_on, ends_on, lines, created_by,
		created_at) VALUES (app_current_tenant(), $1, $2, $3, $4::date, $5::date, $6, $7, $8)`,
		c.ID, c.Name, c.WarehouseID, c.StartsOn, c.EndsOn, c.Lines, c.CreatedBy, c.CreatedAt)
	return translate(err, "campaign plan")
}

// FindCampaigns implements parts.PlanningRepository.
func (r planningRepo) FindCampaigns(ctx context.Context, within parts.Reach, activeOn *time.Time) ([]*parts.Campaign, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	a := &sqlArgs{}
	where := warehouseReachSQL("w", within, a)
	if activeOn != nil {
		d := a.add(*activeOn)
		where += " AND c.starts_on <= " + d + "::date AND c.ends_on >= " + d + "::date"
	}
	rows, err := q.Query(ctx, `SELECT c.id, c.name, c.warehouse_id, c.starts_on::text, c.ends_on::text, c.lines, c.created_by, c.created_at
		FROM stock_campaign_plans c JOIN warehouses w ON w.id = c.warehouse_id WHERE `+where+`
		ORDER BY c.starts_on DESC, c.id LIMIT 1000`, a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.Campaign, error) {
		c := &parts.Campaign{}
		err := row.Scan(&c.ID, &c.Name, &c.WarehouseID, &c.StartsOn, &c.EndsOn, &c.Lines, &c.CreatedBy, &c.CreatedAt)
		if c.Lines == nil {
			c.Lines = []parts.CampaignLine{}
		}
		return c, err
	})
}

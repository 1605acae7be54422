package postgres

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/warranty"
)

// warrantyRepo implements warranty.Repository on a unit of work.
type warrantyRepo struct{ u *unit }

// Warranty implements warranty.Store.
func (s *Store) Warranty(u core.UnitOfWork) warranty.Repository { return warrantyRepo{unitOf(u)} }

func (r warrantyRepo) TimeZone(ctx context.Context) (string, error) {
	var tz string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&tz) },
		`SELECT timezone FROM tenants WHERE id = app_current_tenant()`)
	return tz, err
}

const policyColumns = `p.scope, p.product_line, p.model_id, coalesce(m.code, ''), p.repair_months, p.replace_days, p.refund_days,
	p.components, p.version, p.updated_at`

const policyFrom = ` FROM warranty_policies p LEFT JOIN product_models m ON m.tenant_id = p.tenant_id AND m.id = p.model_id`

func scanPolicy(row pgx.Row) (*warranty.Policy, error) {
	p := &warranty.Policy{}
	var model *uuid.UUID
	var comps []byte
	if err := row.Scan(&p.Scope, &p.ProductLine, &model, &p.ModelCode, &p.RepairMonths, &p.ReplaceDays, &p.RefundDays,
		&comps, &p.Version, &p.UpdatedAt); err != nil {
		return nil, err
	}
	if model != nil {
		p.ModelID = model.String()
	}
	if err := json.Unmarshal(comps, &p.Components); err != nil {
		return nil, err
	}
	if p.Components == nil {
		p.Components = []warranty.Component{}
	}
	return p, nil
}

func (r warrantyRepo) FindPolicies(ctx context.Context) ([]*warranty.Policy, error) {
	return readAll(ctx, r.u, scanPolicy, `SELECT `+policyColumns+policyFrom+
		` ORDER BY p.scope, p.product_line, coalesce(m.code, '')`)
}

func (r warrantyRepo) FindPolicy(ctx context.Context, scope, key string) (*warranty.Policy, error) {
	p, err := readOne(ctx, r.u, scanPolicy, `SELECT `+policyColumns+policyFrom+` WHERE p.scope = $1 AND p.key = $2`, scope, key)
	return p, translate(err, "policy")
}

func (r warrantyRepo) SavePolicy(p *warranty.Policy) {
	comps, _ := json.Marshal(p.Components)
	key, model := p.ProductLine, (*uuid.UUID)(nil)
	if p.Scope == warranty.ScopeModel {
		id := uuid.MustParse(p.ModelID)
		key, model = p.ModelID, &id
	}
	r.u.write(`INSERT INTO warranty_policies (tenant_id, scope, key, product_line, model_id, repair_months, replace_days,
			refund_days, components, version, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (tenant_id, scope, key) DO UPDATE SET product_line = EXCLUDED.product_line, model_id = EXCLUDED.model_id,
			repair_months = EXCLUDED.repair_months, replace_days = EXCLUDED.replace_days, refund_days = EXCLUDED.refund_days,
			components = EXCLUDED.components, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
		p.Scope, key, p.ProductLine, model, p.RepairMonths, p.ReplaceDays, p.RefundDays, comps, p.Version, p.UpdatedAt)
}

func (r warrantyRepo) DeletePolicy(ctx context.Context, scope, key string) error {
	var n int
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) },
		`WITH d AS (DELETE FROM warranty_policies WHERE scope = $1 AND key = $2 RETURNING 1) SELECT count(*) FROM d`, scope, key)
	if err == nil && n == 0 {
		return core.Errorf(core.ENOTFOUND, "policy not found")
	}
	return err
}

func (r warrantyRepo) FindFeeSchedule(ctx context.Context) (*warranty.FeeSchedule, error) {
	f := &warranty.FeeSchedule{}
	var doc []byte
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&doc, &f.Version, &f.UpdatedAt) },
		`SELECT schedule, version, updated_at FROM fee_schedules`)
	if err != nil {
		return nil, translate(err, "fee schedule")
	}
	v, at := f.Version, f.UpdatedAt
	if err := json.Unmarshal(doc, f); err != nil {
		return nil, err
	}
	f.Version, f.UpdatedAt = v, at
	return f, nil
}

func (r warrantyRepo) SaveFeeSchedule(f *warranty.FeeSchedule) {
	doc, _ := json.Marshal(f)
	r.u.write(`INSERT INTO fee_schedules (tenant_id, schedule, version, updated_at) VALUES (app_current_tenant(), $1, $2, $3)
		ON CONFLICT (tenant_id) DO UPDATE SET schedule = EXCLUDED.schedule, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
		doc, f.Version, f.UpdatedAt)
}

func scanWarrantyModel(row pgx.Row) (*warranty.Model, error) {
	m := &warranty.Model{}
	return m, row.Scan(&m.ID, &m.Code, &m.ProductLine, &m.WarrantyMonths)
}

func (r warrantyRepo) ModelByCode(ctx context.Context, code string) (*warranty.Model, error) {
	m, err := readOne(ctx, r.u, scanWarrantyModel, `SELECT id, code, product_line, warranty_months FROM product_models WHERE code = $1`, code)
	return m, translate(err, "model")
}

func (r warrantyRepo) ModelByID(ctx context.Context, id uuid.UUID) (*warranty.Model, error) {
	m, err := readOne(ctx, r.u, scanWarrantyModel, `SELECT id, code, product_line, warranty_months FROM product_models WHERE id = $1`, id)
	return m, translate(err, "model")
}

var codeTables = map[string]string{
	"service_type": `SELECT code FROM service_types WHERE code = ANY($1)`,
	"product_line": `SELECT code FROM product_lines WHERE code = ANY($1)`,
	"model":        `SELECT code FROM product_models WHERE code = ANY($1)`,
}

func (r warrantyRepo) Codes(ctx context.Context, kind string, codes []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(codes) == 0 {
		return out, nil
	}
	found, err := readAll(ctx, r.u, func(row pgx.Row) (string, error) {
		var c string
		return c, row.Scan(&c)
	}, codeTables[kind], codes)
	for _, c := range found {
		out[c] = true
	}
	return out, err
}

func (r warrantyRepo) Unit(ctx context.Context, id uuid.UUID) (model uuid.UUID, purchase string, err error) {
	err = r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&model, &purchase) },
		`SELECT model_id, to_char(purchase_date, 'YYYY-MM-DD') FROM units WHERE id = $1`, id)
	return model, purchase, translate(err, "unit")
}

func (r warrantyRepo) SiteLocation(ctx context.Context, id uuid.UUID) (lat, lon float64, err error) {
	err = r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&lat, &lon) }, `SELECT lat, lon FROM sites WHERE id = $1`, id)
	return lat, lon, translate(err, "site")
}

func (r warrantyRepo) AddressLocation(ctx context.Context, id uuid.UUID) (lat, lon *float64, err error) {
	err = r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&lat, &lon) },
		`SELECT lat, lon FROM customer_addresses WHERE id = $1`, id)
	return lat, lon, translate(err, "address")
}

func (r warrantyRepo) SaveOrderCharges(c *warranty.OrderCharges) {
	doc, _ := json.Marshal(c.Quote)
	r.u.write(`INSERT INTO work_order_charges (tenant_id, work_order_id, currency, total, quote, computed_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5)
		ON CONFLICT (tenant_id, work_order_id) DO UPDATE SET currency = EXCLUDED.currency, total = EXCLUDED.total,
			quote = EXCLUDED.quote, computed_at = EXCLUDED.computed_at`,
		c.WorkOrderID, c.Currency, c.Total, doc, c.ComputedAt)
}

func (r warrantyRepo) FindOrderCharges(ctx context.Context, order uuid.UUID) (*warranty.OrderCharges, error) {
	c := &warranty.OrderCharges{WorkOrderID: order}
	var doc []byte
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&doc, &c.ComputedAt) },
		`SELECT quote, computed_at FROM work_order_charges WHERE work_order_id = $1`, order)
	if err != nil {
		return nil, translate(err, "charges")
	}
	return c, json.Unmarshal(doc, &c.Quote)
}

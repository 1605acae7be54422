package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// CreateProductLine implements core.ProductService.
func (s *Store) CreateProductLine(ctx context.Context, l core.ProductLine) (*core.ProductLine, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	_, err = q.Exec(ctx, `INSERT INTO product_lines (tenant_id, code, name_zh, name_en) VALUES ($1, $2, $3, $4)`,
		tenantOf(ctx), l.Code, l.NameZh, l.NameEn)
	if err != nil {
		return nil, translate(err, "product line "+l.Code)
	}
	return &l, nil
}

// FindProductLines implements core.ProductService.
func (s *Store) FindProductLines(ctx context.Context, after string, limit int) ([]*core.ProductLine, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := q.Query(ctx, `SELECT code, name_zh, name_en FROM product_lines WHERE code > $1 ORDER BY code LIMIT $2`, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.ProductLine, error) {
		l := &core.ProductLine{}
		return l, r.Scan(&l.Code, &l.NameZh, &l.NameEn)
	})
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.ProductLine) string { return r.Code })
	return out, next, nil
}

const productModelColumns = `id, product_line, code, name, warranty_months, labour_hours`

func scanProductModel(row pgx.Row) (*core.ProductModel, error) {
	m := &core.ProductModel{}
	return m, row.Scan(&m.ID, &m.ProductLine, &m.Code, &m.Name, &m.WarrantyMonths, &m.LabourHours)
}

// CreateProductModel implements core.ProductService.
func (s *Store) CreateProductModel(ctx context.Context, nm core.NewProductModel) (*core.ProductModel, error) {
	if err := nm.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM product_lines WHERE code = $1)`, nm.ProductLine).Scan(&ok); err != nil {
		return nil, err
	}
	if !ok {
		return nil, core.FieldError("product_line", "no product line %q", nm.ProductLine)
	}
	m, err := scanProductModel(q.QueryRow(ctx, `INSERT INTO product_models (tenant_id, id, product_line, code, name,
		warranty_months, labour_hours) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+productModelColumns,
		tenantOf(ctx), uuid.New(), nm.ProductLine, nm.Code, nm.Name, nm.WarrantyMonths, *nm.LabourHours))
	return m, translate(err, "product model "+nm.Code)
}

// FindProductModels implements core.ProductService.
func (s *Store) FindProductModels(ctx context.Context, f core.ProductModelFilter) ([]*core.ProductModel, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+productModelColumns+` FROM product_models
		WHERE code > $1 AND ($2 = '' OR product_line = $2) ORDER BY code LIMIT $3`, f.After, f.ProductLine, limit+1)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.ProductModel, error) { return scanProductModel(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.ProductModel) string { return r.Code })
	return out, next, nil
}

// unitSelect reads units with what they show of their model and line.
const unitSelect = `SELECT u.id, u.customer_id, u.model_id, u.serial, u.purchase_date, u.dealer_site_id, u.created_at,
		m.code, m.name, m.product_line, l.name_zh, l.name_en, m.warranty_months
	FROM units u
	JOIN product_models m ON m.tenant_id = u.tenant_id AND m.id = u.model_id
	JOIN product_lines l ON l.tenant_id = m.tenant_id AND l.code = m.product_line`

func scanUnit(row pgx.Row) (*core.Unit, error) {
	u := &core.Unit{}
	var purchase time.Time
	err := row.Scan(&u.ID, &u.CustomerID, &u.ModelID, &u.Serial, &purchase, &u.DealerSiteID, &u.CreatedAt,
		&u.Model.Code, &u.Model.Name, &u.Model.ProductLine, &u.Model.ProductLineNameZh, &u.Model.ProductLineNameEn,
		&u.Model.WarrantyMonths)
	u.PurchaseDate = purchase.Format(time.DateOnly)
	return u, err
}

// RegisterUnit implements core.ProductService.
func (s *Store) RegisterUnit(ctx context.Context, nu core.NewUnit, today time.Time) (*core.Unit, error) {
	if err := nu.Validate(today); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	// Row-level security hides other tenants' rows, so their IDs are
	// "no such" here, like IDs that never existed.
	var customer, model, site bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1),
		EXISTS (SELECT 1 FROM product_models WHERE id = $2),
		$3::uuid IS NULL OR EXISTS (SELECT 1 FROM sites WHERE id = $3)`,
		nu.CustomerID, nu.ModelID, nu.DealerSiteID).Scan(&customer, &model, &site); err != nil {
		return nil, err
	}
	switch {
	case !customer:
		return nil, core.FieldError("customer_id", "no such customer")
	case !model:
		return nil, core.FieldError("model_id", "no such product model")
	case !site:
		return nil, core.FieldError("dealer_site_id", "no such site")
	}
	purchase, _ := time.Parse(time.DateOnly, nu.PurchaseDate) // checked by Validate
	id := uuid.New()
	if _, err := q.Exec(ctx, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date, dealer_site_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tenantOf(ctx), id, nu.CustomerID, nu.ModelID, nu.Serial,
		purchase, nu.DealerSiteID, s.now()); err != nil {
		return nil, translate(err, "unit with serial "+nu.Serial)
	}
	u, err := s.FindUnitByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u.SetWarranty(today)
	return u, nil
}

// FindUnitByID implements core.ProductService.
func (s *Store) FindUnitByID(ctx context.Context, id uuid.UUID) (*core.Unit, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	u, err := scanUnit(q.QueryRow(ctx, unitSelect+` WHERE u.id = $1`, id))
	return u, translate(err, "unit")
}

// FindUnits implements core.ProductService.
func (s *Store) FindUnits(ctx context.Context, f core.UnitFilter) ([]*core.Unit, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	conds := []string{}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Serial != "" {
		conds = append(conds, `u.serial = `+arg(f.Serial))
	}
	if f.CustomerID != nil {
		conds = append(conds, `u.customer_id = `+arg(*f.CustomerID))
	}
	if f.After != "" {
		conds = append(conds, `u.serial > `+arg(f.After))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, unitSelect+where+` ORDER BY u.serial LIMIT `+arg(limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Unit, error) { return scanUnit(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Unit) string { return r.Serial })
	return out, next, nil
}

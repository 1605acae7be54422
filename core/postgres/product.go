package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const productLineColumns = `code, name_zh, name_en, status, version`

func scanProductLine(row pgx.Row) (*core.ProductLine, error) {
	l := &core.ProductLine{}
	return l, row.Scan(&l.Code, &l.NameZh, &l.NameEn, &l.Status, &l.Version)
}

func (r catalogRepo) InsertProductLine(ctx context.Context, l *core.ProductLine) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO product_lines (tenant_id, `+productLineColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		r.u.tenantID, l.Code, l.NameZh, l.NameEn, l.Status, l.Version)
	return translate(r.u.read(ctx, b), "product line "+l.Code)
}

func (r catalogRepo) FindProductLines(ctx context.Context, f core.ProductLineFilter) ([]*core.ProductLine, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+productLineColumns+` FROM product_lines
		WHERE code > $1 AND ($2 = '' OR status = $2) ORDER BY code LIMIT $3`, f.After, f.Status, limit+1)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.ProductLine, error) { return scanProductLine(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.ProductLine) string { return r.Code })
	return out, next, nil
}

func (r catalogRepo) FindProductLine(ctx context.Context, code string) (*core.ProductLine, error) {
	l, err := readOne(ctx, r.u, scanProductLine, `SELECT `+productLineColumns+` FROM product_lines WHERE code = $1`, code)
	return l, translate(err, "product line")
}

func (r catalogRepo) UpdateProductLine(ctx context.Context, l *core.ProductLine) (*core.ProductLine, error) {
	out, err := readOne(ctx, r.u, scanProductLine, `UPDATE product_lines SET name_zh = $2, name_en = $3, status = $4,
		version = version + 1 WHERE code = $1 AND version = $5 RETURNING `+productLineColumns,
		l.Code, l.NameZh, l.NameEn, l.Status, l.Version)
	return out, translate(err, "product line")
}

const productModelColumns = `id, product_line, code, name, warranty_months, labour_hours, status, version`

func scanProductModel(row pgx.Row) (*core.ProductModel, error) {
	m := &core.ProductModel{}
	return m, row.Scan(&m.ID, &m.ProductLine, &m.Code, &m.Name, &m.WarrantyMonths, &m.LabourHours, &m.Status, &m.Version)
}

func (r catalogRepo) InsertProductModel(ctx context.Context, nm *core.ProductModel) (*core.ProductModel, error) {
	m, err := readOne(ctx, r.u, scanProductModel, `INSERT INTO product_models (tenant_id, `+productModelColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+productModelColumns,
		r.u.tenantID, nm.ID, nm.ProductLine, nm.Code, nm.Name, nm.WarrantyMonths, nm.LabourHours, nm.Status, nm.Version)
	return m, translate(err, "product model "+nm.Code)
}

func (r catalogRepo) FindProductModels(ctx context.Context, f core.ProductModelFilter) ([]*core.ProductModel, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+productModelColumns+` FROM product_models
		WHERE code > $1 AND ($2 = '' OR product_line = $2) AND ($3 = '' OR status = $3) ORDER BY code LIMIT $4`,
		f.After, f.ProductLine, f.Status, limit+1)
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

func (r catalogRepo) FindProductModelByID(ctx context.Context, id uuid.UUID) (*core.ProductModel, error) {
	m, err := readOne(ctx, r.u, scanProductModel, `SELECT `+productModelColumns+` FROM product_models WHERE id = $1`, id)
	return m, translate(err, "product model")
}

func (r catalogRepo) UpdateProductModel(ctx context.Context, m *core.ProductModel) (*core.ProductModel, error) {
	out, err := readOne(ctx, r.u, scanProductModel, `UPDATE product_models SET code = $2, name = $3, warranty_months = $4,
		labour_hours = $5, status = $6, version = version + 1 WHERE id = $1 AND version = $7 RETURNING `+productModelColumns,
		m.ID, m.Code, m.Name, m.WarrantyMonths, m.LabourHours, m.Status, m.Version)
	return out, translate(err, "product model "+m.Code) // ECONFLICT: "product model X already exists"
}

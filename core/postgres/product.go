package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

func (r catalogRepo) InsertProductLine(ctx context.Context, l *core.ProductLine) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO product_lines (tenant_id, code, name_zh, name_en) VALUES ($1, $2, $3, $4)`,
		r.u.tenantID, l.Code, l.NameZh, l.NameEn)
	return translate(r.u.read(ctx, b), "product line "+l.Code)
}

func (r catalogRepo) FindProductLines(ctx context.Context, after string, limit int) ([]*core.ProductLine, string, error) {
	q, err := r.u.conn(ctx)
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

func (r catalogRepo) InsertProductModel(ctx context.Context, nm *core.ProductModel) (*core.ProductModel, error) {
	var m *core.ProductModel
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		m, err = scanProductModel(row)
		return err
	}, `INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months, labour_hours)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+productModelColumns,
		r.u.tenantID, nm.ID, nm.ProductLine, nm.Code, nm.Name, nm.WarrantyMonths, nm.LabourHours)
	return m, translate(err, "product model "+nm.Code)
}

func (r catalogRepo) FindProductModels(ctx context.Context, f core.ProductModelFilter) ([]*core.ProductModel, string, error) {
	q, err := r.u.conn(ctx)
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

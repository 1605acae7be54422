package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

type partsRepo struct{ u *unit }

// Parts implements parts.Store.
func (s *Store) Parts(u core.UnitOfWork) parts.Repository { return partsRepo{unitOf(u)} }

// sqlArgs numbers the arguments of a query built piece by piece.
type sqlArgs struct{ list []any }

func (a *sqlArgs) add(v any) string {
	a.list = append(a.list, v)
	return "$" + strconv.Itoa(len(a.list))
}

const partColumns = `p.id, p.number, p.name_zh, p.name_en, p.models, p.unit, p.cost_minor, p.sale_minor, p.currency,
	p.warranty_months, p.must_return, p.version, p.created_at, p.updated_at, p.component`

func scanPart(row pgx.Row) (*parts.Part, error) {
	p := &parts.Part{}
	err := row.Scan(&p.ID, &p.Number, &p.NameZh, &p.NameEn, &p.Models, &p.Unit, &p.CostMinor, &p.SaleMinor, &p.Currency,
		&p.WarrantyMonths, &p.MustReturn, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.Component)
	if p.Models == nil {
		p.Models = []string{}
	}
	return p, err
}

// InsertPart implements parts.Repository.
func (r partsRepo) InsertPart(ctx context.Context, p *parts.Part) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO parts (tenant_id, id, number, name_zh, name_en, models, unit, cost_minor, sale_minor,
		currency, warranty_months, must_return, version, created_at, updated_at, component)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (tenant_id, number) DO NOTHING`,
		p.ID, p.Number, p.NameZh, p.NameEn, p.Models, p.Unit, p.CostMinor, p.SaleMinor, p.Currency, p.WarrantyMonths,
		p.MustReturn, p.Version, p.CreatedAt, p.UpdatedAt, p.Component)
	return r.inserted(ctx, err, "parts", p.ID, "part")
}

// inserted tells a conflict on the unique key (ON CONFLICT DO NOTHING
// inserted nothing, without aborting the transaction) from success.
func (r partsRepo) inserted(ctx context.Context, err error, table string, id uuid.UUID, what string) error {
	if err != nil {
		return translate(err, what)
	}
	var ok bool
	if err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ok) },
		`SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = $1)`, id); err != nil {
		return err
	}
	if !ok {
		return core.Errorf(core.ECONFLICT, "%s already exists", what)
	}
	return nil
}

// UpdatePart implements parts.Repository.
func (r partsRepo) UpdatePart(ctx context.Context, p *parts.Part) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	var taken bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM parts WHERE number = $1 AND id <> $2)`, p.Number, p.ID).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return core.Errorf(core.ECONFLICT, "part already exists")
	}
	tag, err := q.Exec(ctx, `UPDATE parts SET number = $2, name_zh = $3, name_en = $4, models = $5, unit = $6, cost_minor = $7,
		sale_minor = $8, currency = $9, warranty_months = $10, must_return = $11, version = $12, updated_at = $13,
		component = $14
		WHERE id = $1 AND version = $12 - 1`,
		p.ID, p.Number, p.NameZh, p.NameEn, p.Models, p.Unit, p.CostMinor, p.SaleMinor, p.Currency, p.WarrantyMonths,
		p.MustReturn, p.Version, p.UpdatedAt, p.Component)
	if err != nil {
		return translate(err, "part")
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ECONFLICT, "the part was changed by someone else; reload it")
	}
	return nil
}

// DeletePart implements parts.Repository.
func (r partsRepo) DeletePart(ctx context.Context, id uuid.UUID) error {
	var found, moved bool
	if err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&found, &moved) },
		`SELECT EXISTS (SELECT 1 FROM parts WHERE id = $1), EXISTS (SELECT 1 FROM stock_movements WHERE part_id = $1)
		OR EXISTS (SELECT 1 FROM stock_documents d, jsonb_array_elements(d.lines) l WHERE (l->>'part_id')::uuid = $1)`, id); err != nil {
		return err
	}
	switch {
	case !found:
		return core.Errorf(core.ENOTFOUND, "part not found")
	case moved:
		return core.Errorf(core.ECONFLICT, "the part has stock movements; it stays in the catalogue")
	}
	r.u.write(`DELETE FROM stock_balances WHERE part_id = $1`, id)
	r.u.write(`DELETE FROM parts WHERE id = $1`, id)
	return nil
}

// FindPart implements parts.Repository.
func (r partsRepo) FindPart(ctx context.Context, id uuid.UUID) (*parts.Part, error) {
	var p *parts.Part
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) { p, err = scanPart(row); return err },
		`SELECT `+partColumns+` FROM parts p WHERE p.id = $1`, id)
	return p, translate(err, "part")
}

// FindParts implements parts.Repository.
func (r partsRepo) FindParts(ctx context.Context, f parts.PartFilter) ([]*parts.Part, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	a := &sqlArgs{}
	where := []string{"true"}
	if f.Query != "" {
		like := arg2like(a, f.Query)
		where = append(where, "(p.number ILIKE "+like+" OR p.name_zh ILIKE "+like+" OR p.name_en ILIKE "+like+")")
	}
	if f.Model != "" {
		where = append(where, "p.models @> ARRAY["+a.add(f.Model)+"]::text[]")
	}
	if f.After != "" {
		where = append(where, "p.number > "+a.add(f.After))
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+partColumns+` FROM parts p WHERE `+strings.Join(where, " AND ")+
		` ORDER BY p.number LIMIT `+a.add(limit+1), a.list...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.Part, error) { return scanPart(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(p *parts.Part) string { return p.Number })
	return out, next, nil
}

func arg2like(a *sqlArgs, s string) string { return a.add("%" + escapeLike(s) + "%") }

// UnknownModels implements parts.Repository.
func (r partsRepo) UnknownModels(ctx context.Context, codes []string) ([]string, error) {
	var out []string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&out) },
		`SELECT COALESCE(array_agg(c ORDER BY c), '{}') FROM unnest($1::text[]) c
		WHERE NOT EXISTS (SELECT 1 FROM product_models m WHERE m.code = c)`, codes)
	return out, err
}

// UnknownParts implements parts.Repository.
func (r partsRepo) UnknownParts(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	var out []uuid.UUID
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&out) },
		`SELECT COALESCE(array_agg(i), '{}') FROM unnest($1::uuid[]) i WHERE NOT EXISTS (SELECT 1 FROM parts p WHERE p.id = i)`, ids)
	return out, err
}

// UnfittingParts implements parts.Repository.
func (r partsRepo) UnfittingParts(ctx context.Context, unit uuid.UUID, numbers []string) (string, []string, error) {
	var model *string
	var out []string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&model, &out) },
		`SELECT m.code, ARRAY(SELECT p.number FROM parts p WHERE p.number = ANY($2::text[]) AND cardinality(p.models) > 0
			AND NOT (m.code = ANY (p.models)) ORDER BY p.number)
		FROM (SELECT 1) one LEFT JOIN units u ON u.id = $1 LEFT JOIN product_models m ON m.id = u.model_id`, unit, numbers)
	if err != nil || model == nil {
		return "", nil, err
	}
	return *model, out, nil
}

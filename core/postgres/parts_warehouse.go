package postgres

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

const warehouseColumns = `w.id, w.code, w.name, w.kind, w.region_id, w.site_id, w.allow_negative, w.version, w.created_at, w.updated_at`

func scanWarehouse(row pgx.Row) (*parts.Warehouse, error) {
	w := &parts.Warehouse{}
	return w, row.Scan(&w.ID, &w.Code, &w.Name, &w.Kind, &w.RegionID, &w.SiteID, &w.AllowNegative, &w.Version, &w.CreatedAt, &w.UpdatedAt)
}

// warehouseReachSQL is the condition on the warehouses row aliased w for
// being in r: a site warehouse of a site in r.Sites or in r.Regions'
// subtrees, or a regional warehouse in those subtrees.
func warehouseReachSQL(w string, r parts.Reach, a *sqlArgs) string {
	if r.All {
		return "true"
	}
	var or []string
	if len(r.Sites) > 0 {
		or = append(or, w+".site_id = ANY("+a.add(nonNilIDs(r.Sites))+")")
	}
	if len(r.Regions) > 0 {
		sub := regionSubtreeSQL(a.add(nonNilIDs(r.Regions)))
		or = append(or, w+".region_id IN "+sub, w+".site_id IN (SELECT s.id FROM sites s WHERE s.region_id IN "+sub+")")
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// InsertWarehouse implements parts.Repository.
func (r partsRepo) InsertWarehouse(ctx context.Context, w *parts.Warehouse) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO warehouses (tenant_id, id, code, name, kind, region_id, site_id, allow_negative, version,
		created_at, updated_at) VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (tenant_id, code) DO NOTHING`,
		w.ID, w.Code, w.Name, w.Kind, w.RegionID, w.SiteID, w.AllowNegative, w.Version, w.CreatedAt, w.UpdatedAt)
	return r.inserted(ctx, err, "warehouses", w.ID, "warehouse")
}

// UpdateWarehouse implements parts.Repository.
func (r partsRepo) UpdateWarehouse(ctx context.Context, w *parts.Warehouse) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	var taken bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM warehouses WHERE code = $1 AND id <> $2)`, w.Code, w.ID).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return core.Errorf(core.ECONFLICT, "warehouse already exists")
	}
	tag, err := q.Exec(ctx, `UPDATE warehouses SET code = $2, name = $3, allow_negative = $4, version = $5, updated_at = $6
		WHERE id = $1 AND version = $5 - 1`, w.ID, w.Code, w.Name, w.AllowNegative, w.Version, w.UpdatedAt)
	if err != nil {
		return translate(err, "warehouse")
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ECONFLICT, "the warehouse was changed by someone else; reload it")
	}
	return nil
}

// FindWarehouse implements parts.Repository.
func (r partsRepo) FindWarehouse(ctx context.Context, id uuid.UUID, within parts.Reach) (*parts.Warehouse, error) {
	a := &sqlArgs{}
	cond := "w.id = " + a.add(id) + " AND " + warehouseReachSQL("w", within, a)
	var w *parts.Warehouse
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) { w, err = scanWarehouse(row); return err },
		`SELECT `+warehouseColumns+` FROM warehouses w WHERE `+cond, a.list...)
	return w, translate(err, "warehouse")
}

// FindWarehouses implements parts.Repository.
func (r partsRepo) FindWarehouses(ctx context.Context, f parts.WarehouseFilter) ([]*parts.Warehouse, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	a := &sqlArgs{}
	where := []string{warehouseReachSQL("w", f.Within, a)}
	if f.Kind != "" {
		where = append(where, "w.kind = "+a.add(f.Kind))
	}
	if f.SiteID != nil {
		where = append(where, "w.site_id = "+a.add(*f.SiteID))
	}
	if f.Query != "" {
		like := arg2like(a, f.Query)
		where = append(where, "(w.code ILIKE "+like+" OR w.name ILIKE "+like+")")
	}
	if f.After != "" {
		where = append(where, "w.code > "+a.add(f.After))
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+warehouseColumns+` FROM warehouses w WHERE `+strings.Join(where, " AND ")+
		` ORDER BY w.code LIMIT `+a.add(limit+1), a.list...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.Warehouse, error) { return scanWarehouse(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(w *parts.Warehouse) string { return w.Code })
	return out, next, nil
}

// RegionExists implements parts.Repository.
func (r partsRepo) RegionExists(ctx context.Context, id uuid.UUID) (bool, error) {
	var ok bool
	return ok, r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ok) }, `SELECT EXISTS (SELECT 1 FROM regions WHERE id = $1)`, id)
}

// SiteExists implements parts.Repository.
func (r partsRepo) SiteExists(ctx context.Context, id uuid.UUID) (bool, error) {
	var ok bool
	return ok, r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ok) }, `SELECT EXISTS (SELECT 1 FROM sites WHERE id = $1)`, id)
}

// WorkOrderExists implements parts.Repository.
func (r partsRepo) WorkOrderExists(ctx context.Context, id uuid.UUID) (bool, error) {
	var ok bool
	return ok, r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ok) }, `SELECT EXISTS (SELECT 1 FROM work_orders WHERE id = $1)`, id)
}

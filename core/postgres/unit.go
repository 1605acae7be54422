package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/customer"
)

// unitSelect reads units with what they show of their model and line.
const unitSelect = `SELECT u.id, u.customer_id, u.model_id, u.serial, u.purchase_date, u.dealer_site_id, u.version,
		u.created_at, u.updated_at, m.code, m.name, m.product_line, l.name_zh, l.name_en, m.warranty_months
	FROM units u
	JOIN product_models m ON m.tenant_id = u.tenant_id AND m.id = u.model_id
	JOIN product_lines l ON l.tenant_id = m.tenant_id AND l.code = m.product_line`

func scanUnit(row pgx.Row) (*core.Unit, error) {
	u := &core.Unit{}
	var purchase time.Time
	err := row.Scan(&u.ID, &u.CustomerID, &u.ModelID, &u.Serial, &purchase, &u.DealerSiteID, &u.Version, &u.CreatedAt,
		&u.UpdatedAt, &u.Model.Code, &u.Model.Name, &u.Model.ProductLine, &u.Model.ProductLineNameZh, &u.Model.ProductLineNameEn,
		&u.Model.WarrantyMonths)
	u.PurchaseDate = purchase.Format(time.DateOnly)
	return u, err
}

// UnitRefs implements customer.Repository. Row-level security hides other
// tenants' rows, so their IDs are "no such" here, like IDs that never
// existed.
func (r customerRepo) UnitRefs(ctx context.Context, n *core.NewUnit) (refs customer.UnitRefs, err error) {
	err = r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&refs.Customer, &refs.Model, &refs.DealerSite)
	}, `SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1),
		EXISTS (SELECT 1 FROM product_models WHERE id = $2),
		$3::uuid IS NULL OR EXISTS (SELECT 1 FROM sites WHERE id = $3)`, n.CustomerID, n.ModelID, n.DealerSiteID)
	return refs, err
}

// InsertUnit implements customer.Repository.
func (r customerRepo) InsertUnit(ctx context.Context, u *core.Unit) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date, dealer_site_id, version,
			created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, r.u.tenantID, u.ID, u.CustomerID, u.ModelID, u.Serial,
		u.PurchaseDate, u.DealerSiteID, u.Version, u.CreatedAt, u.UpdatedAt)
	return translate(r.u.read(ctx, b), "unit with serial "+u.Serial)
}

// UpdateUnit implements customer.Repository: the write and the read
// back in one round trip.
func (r customerRepo) UpdateUnit(ctx context.Context, next *core.Unit) (*core.Unit, error) {
	var out *core.Unit
	b := &pgx.Batch{}
	b.Queue(`UPDATE units SET model_id = $3, serial = $4, purchase_date = $5, dealer_site_id = $6, updated_at = $7,
		version = version + 1 WHERE id = $1 AND version = $2`, next.ID, next.Version, next.ModelID, next.Serial,
		next.PurchaseDate, next.DealerSiteID, next.UpdatedAt).Exec(func(tag pgconn.CommandTag) error {
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return nil
	})
	b.Queue(unitSelect+` WHERE u.id = $1`, next.ID).QueryRow(func(row pgx.Row) (err error) {
		out, err = scanUnit(row)
		return err
	})
	if err := r.u.read(ctx, b); err != nil {
		return nil, translate(err, "unit with serial "+next.Serial)
	}
	return out, nil
}

// FindUnitByID implements customer.Repository.
func (r customerRepo) FindUnitByID(ctx context.Context, id uuid.UUID) (*core.Unit, error) {
	var u *core.Unit
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		u, err = scanUnit(row)
		return err
	}, unitSelect+` WHERE u.id = $1`, id)
	return u, translate(err, "unit")
}

// FindUnits implements customer.Repository.
func (r customerRepo) FindUnits(ctx context.Context, f core.UnitFilter) ([]*core.Unit, string, error) {
	q, err := r.u.conn(ctx)
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
	if in := customerReachSQL("u.customer_id", f.Within, arg); in != "true" {
		conds = append(conds, in)
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

package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const regionColumns = `id, parent_id, level, code, name, version, created_at, updated_at, COALESCE(division_code, '')`

func scanRegion(row pgx.Row) (*core.Region, error) {
	r := &core.Region{}
	err := row.Scan(&r.ID, &r.ParentID, &r.Level, &r.Code, &r.Name, &r.Version, &r.CreatedAt, &r.UpdatedAt, &r.DivisionCode)
	return r, err
}

func (r networkRepo) InsertRegion(ctx context.Context, nr *core.Region) (*core.Region, error) {
	out, err := readOne(ctx, r.u, scanRegion, `INSERT INTO regions (tenant_id, id, parent_id, level, code, name, created_at, updated_at, division_code)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$7,NULLIF($8,'')) RETURNING `+regionColumns,
		r.u.tenantID, nr.ID, nr.ParentID, nr.Level, nr.Code, nr.Name, nr.CreatedAt, nr.DivisionCode)
	return out, translate(err, "region with code "+nr.Code)
}

func (r networkRepo) FindRegions(ctx context.Context, f core.RegionFilter, within core.Scope) ([]*core.Region, string, error) {
	limit := clampLimit(f.Limit)
	// Out-of-scope callers see the subtrees of their region grants only.
	out, err := readAll(ctx, r.u, scanRegion, `WITH RECURSIVE visible AS (
			SELECT id FROM regions WHERE $1 OR id = ANY($2)
			UNION SELECT r.id FROM regions r JOIN visible v ON r.parent_id = v.id WHERE NOT $1
		)
		SELECT `+regionColumns+` FROM regions
		WHERE id IN (SELECT id FROM visible) AND code > $3
		  AND ($4::uuid IS NULL OR parent_id = $4) AND ($5 = '' OR level = $5)
		ORDER BY code LIMIT $6`, within.All, within.Regions, f.After, f.ParentID, f.Level, limit+1)
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Region) string { return r.Code })
	return out, next, nil
}

func (r networkRepo) FindRegionByID(ctx context.Context, id uuid.UUID) (*core.Region, error) {
	out, err := readOne(ctx, r.u, scanRegion, `SELECT `+regionColumns+` FROM regions WHERE id = $1`, id)
	return out, translate(err, "region")
}

func (r networkRepo) UpdateRegion(ctx context.Context, next *core.Region) (*core.Region, error) {
	out, err := readOne(ctx, r.u, scanRegion, `UPDATE regions SET code = $2, name = $3, version = version + 1, updated_at = $5,
		division_code = NULLIF($6, '') WHERE id = $1 AND version = $4 RETURNING `+regionColumns,
		next.ID, next.Code, next.Name, next.Version, next.UpdatedAt, next.DivisionCode)
	return out, translate(err, "region with code "+next.Code)
}

func (r networkRepo) CountRegionDependants(ctx context.Context, id uuid.UUID) (children, grants int, err error) {
	err = r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&children, &grants) },
		`SELECT (SELECT count(*) FROM regions WHERE parent_id = $1),
		(SELECT count(*) FROM authz_rules WHERE ptype = 'g2' AND v1 = 'region:' || $1::text)`, id)
	return children, grants, err
}

func (r networkRepo) DeleteRegion(ctx context.Context, id uuid.UUID) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM regions WHERE id = $1`, id)
	return translate(err, "region")
}

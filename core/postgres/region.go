package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const regionColumns = `id, parent_id, level, code, name, version, created_at, updated_at`

func scanRegion(row pgx.Row) (*core.Region, error) {
	r := &core.Region{}
	err := row.Scan(&r.ID, &r.ParentID, &r.Level, &r.Code, &r.Name, &r.Version, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

// CreateRegion implements core.RegionService.
func (s *Store) CreateRegion(ctx context.Context, nr core.NewRegion) (*core.Region, error) {
	if err := nr.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	if nr.ParentID != nil {
		var level string
		if err := q.QueryRow(ctx, `SELECT level FROM regions WHERE id = $1`, *nr.ParentID).Scan(&level); err != nil {
			if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
				return nil, core.FieldError("parent_id", "no such region")
			}
			return nil, err
		}
		if err := core.CheckRegionParent(level, nr.Level); err != nil {
			return nil, err
		}
	}
	r, err := scanRegion(q.QueryRow(ctx, `INSERT INTO regions (tenant_id, id, parent_id, level, code, name, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$7) RETURNING `+regionColumns,
		tenantOf(ctx), uuid.New(), nr.ParentID, nr.Level, nr.Code, nr.Name, s.now()))
	return r, translate(err, "region with code "+nr.Code)
}

// FindRegions implements core.RegionService.
func (s *Store) FindRegions(ctx context.Context, f core.RegionFilter, within core.Scope) ([]*core.Region, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	// Out-of-scope callers see the subtrees of their region grants only.
	rows, err := q.Query(ctx, `WITH RECURSIVE visible AS (
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
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Region, error) { return scanRegion(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Region) string { return r.Code })
	return out, next, nil
}

// FindRegionByID implements core.RegionService.
func (s *Store) FindRegionByID(ctx context.Context, id uuid.UUID) (*core.Region, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	r, err := scanRegion(q.QueryRow(ctx, `SELECT `+regionColumns+` FROM regions WHERE id = $1`, id))
	return r, translate(err, "region")
}

// UpdateRegion implements core.RegionService.
func (s *Store) UpdateRegion(ctx context.Context, id uuid.UUID, u core.RegionUpdate) (*core.Region, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	cur, err := s.FindRegionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Version != 0 && u.Version != cur.Version {
		return nil, staleVersion("region", cur.Version, u.Version)
	}
	code, name := cur.Code, cur.Name
	if u.Code != nil {
		code = *u.Code
	}
	if u.Name != nil {
		name = *u.Name
	}
	q, _ := s.q(ctx)
	r, err := scanRegion(q.QueryRow(ctx, `UPDATE regions SET code = $2, name = $3, version = version + 1, updated_at = $5
		WHERE id = $1 AND version = $4 RETURNING `+regionColumns, id, code, name, cur.Version, s.now()))
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return nil, staleVersion("region", cur.Version+1, cur.Version)
	}
	return r, translate(err, "region with code "+code)
}

// staleVersion is the conflict of an update sent with an old version.
func staleVersion(what string, have, sent int) *core.Error {
	return core.Errorf(core.ECONFLICT, "%s was changed by someone else (version %d, you sent %d); reload and retry", what, have, sent)
}

// DeleteRegion implements core.RegionService.
func (s *Store) DeleteRegion(ctx context.Context, id uuid.UUID, version int) error {
	cur, err := s.FindRegionByID(ctx, id)
	if err != nil {
		return err
	}
	if version != 0 && version != cur.Version {
		return staleVersion("region", cur.Version, version)
	}
	q, _ := s.q(ctx)
	var children, grants int
	if err := q.QueryRow(ctx, `SELECT (SELECT count(*) FROM regions WHERE parent_id = $1),
		(SELECT count(*) FROM authz_rules WHERE ptype = 'g2' AND v1 = 'region:' || $1::text)`, id).Scan(&children, &grants); err != nil {
		return err
	}
	if children > 0 {
		return core.Errorf(core.ECONFLICT, "region has %d child regions; delete or move them first", children)
	}
	if grants > 0 {
		return core.Errorf(core.ECONFLICT, "region is in the scope of %d users or keys; change their scope first", grants)
	}
	_, err = q.Exec(ctx, `DELETE FROM regions WHERE id = $1`, id)
	return translate(err, "region")
}

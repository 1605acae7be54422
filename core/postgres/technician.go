package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

const technicianColumns = `id, site_id, user_id, code, name, phone, skills, tags, status, lat, lon, location_at,
	open_workload, version, created_at, updated_at`

func scanTechnician(row pgx.Row) (*core.Technician, error) {
	t := &core.Technician{}
	var lat, lon *float64
	err := row.Scan(&t.ID, &t.SiteID, &t.UserID, &t.Code, &t.Name, &t.Phone, &t.Skills, &t.Tags, &t.Status, &lat, &lon,
		&t.LocationAt, &t.OpenWorkload, &t.Version, &t.CreatedAt, &t.UpdatedAt)
	if lat != nil && lon != nil {
		t.Location = &core.GeoPoint{Lat: *lat, Lon: *lon}
	}
	return t, err
}

func (r networkRepo) FindTechnicianRefs(ctx context.Context, site uuid.UUID, user *uuid.UUID, self uuid.UUID) (network.TechnicianRefs, error) {
	var refs network.TechnicianRefs
	var linkedTo *string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&refs.SiteExists, &refs.UserExists, &linkedTo) },
		`SELECT EXISTS (SELECT 1 FROM sites WHERE id = $1),
		$2::uuid IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $2),
		(SELECT code FROM technicians WHERE user_id = $2 AND id <> $3)`, site, user, self)
	if linkedTo != nil {
		refs.LinkedTo = *linkedTo
	}
	return refs, err
}

func (r networkRepo) InsertTechnician(ctx context.Context, t *core.Technician) (*core.Technician, error) {
	out, err := readOne(ctx, r.u, scanTechnician, `INSERT INTO technicians
		(tenant_id, id, site_id, user_id, code, name, phone, skills, tags, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING `+technicianColumns,
		r.u.tenantID, t.ID, t.SiteID, t.UserID, t.Code, t.Name, t.Phone, t.Skills, t.Tags, t.Status, t.CreatedAt)
	return out, translate(err, "technician with code "+t.Code)
}

func (r networkRepo) FindTechnicians(ctx context.Context, f core.TechnicianFilter, within core.Scope) ([]*core.Technician, string, error) {
	limit := clampLimit(f.Limit)
	out, err := readAll(ctx, r.u, scanTechnician, `WITH RECURSIVE `+scopeRegionsCTE+`
		SELECT `+technicianColumns+` FROM technicians
		WHERE site_id IN (SELECT id FROM sites WHERE `+siteInScope+`)
		  AND ($4::uuid IS NULL OR site_id = $4) AND ($5 = '' OR status = $5) AND ($6 = '' OR $6 = ANY(skills))
		  AND ($7 = '' OR code ILIKE '%' || $7 || '%' OR name ILIKE '%' || $7 || '%' OR phone ILIKE '%' || $7 || '%')
		  AND code > $8 AND ($10 = '' OR $10 = ANY(tags))
		ORDER BY code LIMIT $9`,
		within.All, within.Regions, within.Sites, f.SiteID, f.Status, f.Skill, escapeLike(f.Query), f.After, limit+1, f.Tag)
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Technician) string { return r.Code })
	return out, next, nil
}

func (r networkRepo) FindTechnicianByID(ctx context.Context, id uuid.UUID) (*core.Technician, error) {
	t, err := readOne(ctx, r.u, scanTechnician, `SELECT `+technicianColumns+` FROM technicians WHERE id = $1`, id)
	return t, translate(err, "technician")
}

func (r networkRepo) UpdateTechnician(ctx context.Context, next *core.Technician) (*core.Technician, error) {
	out, err := readOne(ctx, r.u, scanTechnician, `UPDATE technicians
		SET (site_id, user_id, code, name, phone, skills, tags, status) = ($4, $5, $6, $7, $8, $9, $10, $11),
		    version = version + 1, updated_at = $3
		WHERE id = $1 AND version = $2 RETURNING `+technicianColumns,
		next.ID, next.Version, next.UpdatedAt, next.SiteID, next.UserID, next.Code, next.Name, next.Phone, next.Skills,
		next.Tags, next.Status)
	return out, translate(err, "technician with code "+next.Code)
}

func (r networkRepo) UpdateTechnicianLocation(ctx context.Context, id uuid.UUID, l core.GeoPoint, at time.Time) (*core.Technician, error) {
	t, err := readOne(ctx, r.u, scanTechnician, `UPDATE technicians SET lat = $2, lon = $3, location_at = $4
		WHERE id = $1 AND (location_at IS NULL OR location_at <= $4) RETURNING `+technicianColumns,
		id, l.Lat, l.Lon, at.Truncate(time.Microsecond))
	return t, translate(err, "technician")
}

// technicianRecord is a technician as one element of a bulk write.
type technicianRecord struct {
	ID      uuid.UUID  `json:"id"`
	Version int        `json:"version"`
	SiteID  uuid.UUID  `json:"site_id"`
	UserID  *uuid.UUID `json:"user_id"`
	Code    string     `json:"code"`
	Name    string     `json:"name"`
	Phone   string     `json:"phone"`
	Skills  []string   `json:"skills"`
	Tags    []string   `json:"tags"`
	Status  string     `json:"status"`
}

func (r networkRepo) FindTechnicianImportRefs(ctx context.Context, sites, users network.Keys, codes []string) (*network.TechnicianImportRefs, error) {
	refs := &network.TechnicianImportRefs{}
	keys := func(dst *[]network.Key) func(pgx.Rows) error {
		return func(rows pgx.Rows) (err error) {
			*dst, err = collectKeys(rows)
			return err
		}
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, code FROM sites WHERE code = ANY($1) OR id = ANY($2)`, sites.Codes, sites.IDs).Query(keys(&refs.Sites))
	b.Queue(`SELECT id, username FROM users WHERE username = ANY($1) OR id = ANY($2)`, users.Codes, users.IDs).
		Query(keys(&refs.Users))
	b.Queue(`SELECT `+technicianColumns+` FROM technicians WHERE code = ANY($1)`, codes).Query(func(rows pgx.Rows) (err error) {
		refs.Existing, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Technician, error) { return scanTechnician(r) })
		return err
	})
	b.Queue(`SELECT user_id, code FROM technicians WHERE user_id IN (SELECT id FROM users WHERE username = ANY($1) OR id = ANY($2))`,
		users.Codes, users.IDs).Query(keys(&refs.Links))
	return refs, r.u.read(ctx, b)
}

func (r networkRepo) UpsertTechnicians(ctx context.Context, techs []*core.Technician, at time.Time) (map[string]bool, error) {
	records := make([]technicianRecord, len(techs))
	for i, t := range techs {
		records[i] = technicianRecord{ID: t.ID, Version: t.Version, SiteID: t.SiteID, UserID: t.UserID,
			Code: t.Code, Name: t.Name, Phone: t.Phone, Skills: t.Skills, Tags: t.Tags, Status: t.Status}
	}
	return upsertChunks(ctx, r.u, records, func(ctx context.Context, q querier, chunk []technicianRecord) (map[string]bool, error) {
		return upsertTechnicians(ctx, q, r.u.tenantID, chunk, at)
	})
}

// upsertTechnicians writes records in one statement and returns, for each
// code written, whether it was inserted.
func upsertTechnicians(ctx context.Context, q querier, tenant uuid.UUID, records []technicianRecord, now time.Time) (map[string]bool, error) {
	payload, err := json.Marshal(records)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `INSERT INTO technicians AS t
		(tenant_id, id, version, site_id, user_id, code, name, phone, skills, tags, status, created_at, updated_at)
		SELECT $1, r.id, r.version, r.site_id, r.user_id, r.code, r.name, r.phone, r.skills, r.tags, r.status, $3, $3
		FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, version int, site_id uuid, user_id uuid, code text,
		     name text, phone text, skills text[], tags text[], status text)
		ON CONFLICT (tenant_id, code) DO UPDATE SET (site_id, user_id, name, phone, skills, tags, status) =
		     (EXCLUDED.site_id, EXCLUDED.user_id, EXCLUDED.name, EXCLUDED.phone, EXCLUDED.skills, EXCLUDED.tags,
		     EXCLUDED.status),
		     version = t.version + 1, updated_at = EXCLUDED.updated_at
		WHERE t.id = EXCLUDED.id AND t.version = EXCLUDED.version
		RETURNING code, xmax = 0`, tenant, payload, now)
	if err != nil {
		return nil, translate(err, "technician")
	}
	written := make(map[string]bool, len(records))
	var code string
	var inserted bool
	_, err = pgx.ForEachRow(rows, []any{&code, &inserted}, func() error {
		written[code] = inserted
		return nil
	})
	return written, translate(err, "technician")
}

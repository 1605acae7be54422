package postgres

import (
	"context"
	"encoding/json"
	"maps"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

const siteColumns = `id, code, name, kind, region_id, address, phone, lat, lon, radius_km, polygon, product_lines, skills,
	tags, daily_capacity, working_hours, status, reputation, auto_assign, late_rate, version, created_at, updated_at`

// siteFields are the columns a client sets, in the order of siteArgs.
const siteFields = `code, name, kind, region_id, address, phone, lat, lon, radius_km, polygon, product_lines, skills,
	tags, daily_capacity, working_hours, status, reputation, auto_assign`

func scanSite(row pgx.Row) (*core.Site, error) {
	s := &core.Site{}
	var radius *float64
	err := row.Scan(&s.ID, &s.Code, &s.Name, &s.Kind, &s.RegionID, &s.Address, &s.Phone, &s.Location.Lat, &s.Location.Lon,
		&radius, &s.Area.Polygon, &s.ProductLines, &s.Skills, &s.Tags, &s.DailyCapacity, &s.WorkingHours, &s.Status,
		&s.Reputation, &s.AutoAssign, &s.LateRate, &s.Version, &s.CreatedAt, &s.UpdatedAt)
	if radius != nil {
		s.Area.RadiusKm = *radius
	}
	return s, err
}

// siteRecord is a site as one element of the JSON array that bulk writes
// expand with jsonb_to_recordset; a nil polygon or radius becomes NULL.
type siteRecord struct {
	ID            uuid.UUID         `json:"id"`
	Code          string            `json:"code"`
	Name          string            `json:"name"`
	Kind          string            `json:"kind"`
	RegionID      uuid.UUID         `json:"region_id"`
	Address       string            `json:"address"`
	Phone         string            `json:"phone"`
	Lat           float64           `json:"lat"`
	Lon           float64           `json:"lon"`
	RadiusKm      *float64          `json:"radius_km"`
	Polygon       []core.GeoPoint   `json:"polygon"`
	ProductLines  []string          `json:"product_lines"`
	Skills        []string          `json:"skills"`
	Tags          []string          `json:"tags"`
	DailyCapacity int               `json:"daily_capacity"`
	WorkingHours  core.WorkingHours `json:"working_hours"`
	Status        string            `json:"status"`
	Reputation    float64           `json:"reputation"`
	AutoAssign    bool              `json:"auto_assign"`
	Version       int               `json:"version"`
}

func recordOfSite(s *core.Site) siteRecord {
	r := siteRecord{ID: s.ID, Code: s.Code, Name: s.Name, Kind: s.Kind, RegionID: s.RegionID, Address: s.Address,
		Phone: s.Phone, Lat: s.Location.Lat, Lon: s.Location.Lon, Polygon: s.Area.Polygon, ProductLines: s.ProductLines,
		Skills: s.Skills, Tags: s.Tags, DailyCapacity: s.DailyCapacity, WorkingHours: s.WorkingHours, Status: s.Status,
		Reputation: s.Reputation, AutoAssign: s.AutoAssign, Version: s.Version}
	if s.Area.RadiusKm != 0 {
		r.RadiusKm = &s.Area.RadiusKm
	}
	if len(r.Polygon) == 0 {
		r.Polygon = nil
	}
	return r
}

// siteArgs are the values of siteFields.
func siteArgs(s *core.Site) []any {
	r := recordOfSite(s)
	var poly any
	if r.Polygon != nil {
		poly = r.Polygon
	}
	return []any{r.Code, r.Name, r.Kind, r.RegionID, r.Address, r.Phone, r.Lat, r.Lon, r.RadiusKm, poly,
		r.ProductLines, r.Skills, r.Tags, r.DailyCapacity, r.WorkingHours, r.Status, r.Reputation, r.AutoAssign}
}

func (r networkRepo) RegionExists(ctx context.Context, id uuid.UUID) (bool, error) {
	var ok bool
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ok) },
		`SELECT EXISTS (SELECT 1 FROM regions WHERE id = $1)`, id)
	return ok, err
}

func (r networkRepo) InsertSite(ctx context.Context, site *core.Site) (*core.Site, error) {
	args := append([]any{r.u.tenantID, site.ID, site.CreatedAt}, siteArgs(site)...)
	out, err := readOne(ctx, r.u, scanSite, `INSERT INTO sites (tenant_id, id, created_at, updated_at, `+siteFields+`)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		RETURNING `+siteColumns, args...)
	return out, translate(err, "site with code "+site.Code)
}

// scopeRegionsCTE is the recursive CTE of the regions in the subtrees of
// the scope's regions ($2); $1 is scope.All and $3 its sites, used by the
// caller's WHERE clause through siteInScope.
const scopeRegionsCTE = `scope_regions AS (
		SELECT id FROM regions WHERE id = ANY($2)
		UNION SELECT r.id FROM regions r JOIN scope_regions v ON r.parent_id = v.id
	)`

// siteInScope is the condition on a sites row (its id and region_id) for
// being inside the scope.
const siteInScope = `($1 OR id = ANY($3) OR region_id IN (SELECT id FROM scope_regions))`

func (r networkRepo) FindSites(ctx context.Context, f core.SiteFilter, within core.Scope) ([]*core.Site, string, error) {
	limit := clampLimit(f.Limit)
	out, err := readAll(ctx, r.u, scanSite, `WITH RECURSIVE `+scopeRegionsCTE+`, wanted AS (
			SELECT id FROM regions WHERE id = $4
			UNION SELECT r.id FROM regions r JOIN wanted w ON r.parent_id = w.id
		)
		SELECT `+siteColumns+` FROM sites
		WHERE `+siteInScope+`
		  AND ($4::uuid IS NULL OR region_id IN (SELECT id FROM wanted))
		  AND ($5 = '' OR status = $5) AND ($6 = '' OR kind = $6) AND ($7 = '' OR $7 = ANY(product_lines))
		  AND ($8 = '' OR code ILIKE '%' || $8 || '%' OR name ILIKE '%' || $8 || '%' OR address ILIKE '%' || $8 || '%')
		  AND code > $9 AND ($11 = '' OR $11 = ANY(tags))
		ORDER BY code LIMIT $10`,
		within.All, within.Regions, within.Sites, f.RegionID, f.Status, f.Kind, f.ProductLine, escapeLike(f.Query), f.After, limit+1, f.Tag)
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Site) string { return r.Code })
	return out, next, nil
}

func (r networkRepo) FindSiteByID(ctx context.Context, id uuid.UUID) (*core.Site, error) {
	site, err := readOne(ctx, r.u, scanSite, `SELECT `+siteColumns+` FROM sites WHERE id = $1`, id)
	return site, translate(err, "site")
}

func (r networkRepo) UpdateSite(ctx context.Context, next *core.Site) (*core.Site, error) {
	args := append([]any{next.ID, next.Version, next.UpdatedAt}, siteArgs(next)...)
	out, err := readOne(ctx, r.u, scanSite, `UPDATE sites SET (`+siteFields+`) =
		($4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21),
		version = version + 1, updated_at = $3
		WHERE id = $1 AND version = $2 RETURNING `+siteColumns, args...)
	return out, translate(err, "site with code "+next.Code)
}

func (r networkRepo) FindSiteImportRefs(ctx context.Context, regions network.Keys, codes []string) (*network.SiteImportRefs, error) {
	refs := &network.SiteImportRefs{}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, code FROM regions WHERE code = ANY($1) OR id = ANY($2)`, regions.Codes, regions.IDs).
		Query(func(rows pgx.Rows) (err error) {
			refs.Regions, err = collectKeys(rows)
			return err
		})
	b.Queue(`SELECT `+siteColumns+` FROM sites WHERE code = ANY($1)`, codes).Query(func(rows pgx.Rows) (err error) {
		refs.Existing, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Site, error) { return scanSite(r) })
		return err
	})
	return refs, r.u.read(ctx, b)
}

// collectKeys reads rows of (id, code).
func collectKeys(rows pgx.Rows) ([]network.Key, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (network.Key, error) {
		var k network.Key
		return k, r.Scan(&k.ID, &k.Code)
	})
}

// importChunk bounds the rows of one bulk statement.
const importChunk = 2000

func (r networkRepo) UpsertSites(ctx context.Context, sites []*core.Site, at time.Time) (map[string]bool, error) {
	records := make([]siteRecord, len(sites))
	for i, s := range sites {
		records[i] = recordOfSite(s)
	}
	return upsertChunks(ctx, r.u, records, func(ctx context.Context, q querier, chunk []siteRecord) (map[string]bool, error) {
		return upsertSites(ctx, q, r.u.tenantID, chunk, at)
	})
}

// upsertChunks writes records a chunk per statement and merges what each
// chunk wrote.
func upsertChunks[T any](ctx context.Context, u *unit, records []T,
	upsert func(context.Context, querier, []T) (map[string]bool, error)) (map[string]bool, error) {
	written := make(map[string]bool, len(records))
	if len(records) == 0 {
		return written, nil
	}
	q, err := u.conn(ctx)
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(records); start += importChunk {
		w, err := upsert(ctx, q, records[start:min(start+importChunk, len(records))])
		if err != nil {
			return nil, err
		}
		maps.Copy(written, w)
	}
	return written, nil
}

// upsertSites writes records in one statement and returns, for each code
// written, whether it was inserted (false: updated).
func upsertSites(ctx context.Context, q querier, tenant uuid.UUID, records []siteRecord, now time.Time) (map[string]bool, error) {
	payload, err := json.Marshal(records)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `INSERT INTO sites AS s (tenant_id, id, version, created_at, updated_at, `+siteFields+`)
		SELECT $1, r.id, r.version, $3, $3, r.code, r.name, r.kind, r.region_id, r.address, r.phone, r.lat, r.lon,
		       r.radius_km, r.polygon, r.product_lines, r.skills, r.tags, r.daily_capacity, r.working_hours, r.status,
		       r.reputation, r.auto_assign
		FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, version int, code text, name text, kind text, region_id uuid,
		     address text, phone text, lat float8, lon float8, radius_km float8, polygon jsonb, product_lines text[],
		     skills text[], tags text[], daily_capacity int, working_hours jsonb, status text, reputation float8,
		     auto_assign bool)
		ON CONFLICT (tenant_id, code) DO UPDATE SET (`+siteFields+`) = (EXCLUDED.code, EXCLUDED.name, EXCLUDED.kind,
		     EXCLUDED.region_id, EXCLUDED.address, EXCLUDED.phone, EXCLUDED.lat, EXCLUDED.lon, EXCLUDED.radius_km,
		     EXCLUDED.polygon, EXCLUDED.product_lines, EXCLUDED.skills, EXCLUDED.tags, EXCLUDED.daily_capacity,
		     EXCLUDED.working_hours, EXCLUDED.status, EXCLUDED.reputation, EXCLUDED.auto_assign),
		     version = s.version + 1, updated_at = EXCLUDED.updated_at
		WHERE s.id = EXCLUDED.id AND s.version = EXCLUDED.version
		RETURNING code, xmax = 0`, tenant, payload, now)
	if err != nil {
		return nil, translate(err, "site")
	}
	written := make(map[string]bool, len(records))
	var code string
	var inserted bool
	_, err = pgx.ForEachRow(rows, []any{&code, &inserted}, func() error {
		written[code] = inserted
		return nil
	})
	return written, translate(err, "site")
}

func (r networkRepo) FindNetwork(ctx context.Context, siteStatus string) ([]*core.Site, []*core.Technician, error) {
	var sites []*core.Site
	var techs []*core.Technician
	b := &pgx.Batch{}
	b.Queue(`SELECT `+siteColumns+` FROM sites WHERE status = $1 ORDER BY code`, siteStatus).
		Query(func(rows pgx.Rows) (err error) {
			sites, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Site, error) { return scanSite(r) })
			return err
		})
	b.Queue(`SELECT `+technicianColumns+` FROM technicians
		WHERE site_id IN (SELECT id FROM sites WHERE status = $1) ORDER BY code`, siteStatus).
		Query(func(rows pgx.Rows) (err error) {
			techs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Technician, error) { return scanTechnician(r) })
			return err
		})
	if err := r.u.read(ctx, b); err != nil {
		return nil, nil, err
	}
	return sites, techs, nil
}

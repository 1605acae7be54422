package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
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

// checkRegion turns a region that is not in the tenant into a field error.
func checkRegion(ctx context.Context, q querier, id uuid.UUID) error {
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM regions WHERE id = $1)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return core.FieldError("region_id", "no such region")
	}
	return nil
}

// CreateSite implements core.SiteService.
func (s *Store) CreateSite(ctx context.Context, n core.NewSite) (*core.Site, error) {
	site := core.NewSiteDefaults(uuid.New())
	n.Apply(site)
	if err := site.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkRegion(ctx, q, site.RegionID); err != nil {
		return nil, err
	}
	args := append([]any{tenantOf(ctx), site.ID, s.now()}, siteArgs(site)...)
	out, err := scanSite(q.QueryRow(ctx, `INSERT INTO sites (tenant_id, id, created_at, updated_at, `+siteFields+`)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		RETURNING `+siteColumns, args...))
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

// FindSites implements core.SiteService.
func (s *Store) FindSites(ctx context.Context, f core.SiteFilter, within core.Scope) ([]*core.Site, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `WITH RECURSIVE `+scopeRegionsCTE+`, wanted AS (
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
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Site, error) { return scanSite(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Site) string { return r.Code })
	return out, next, nil
}

// FindSiteByID implements core.SiteService.
func (s *Store) FindSiteByID(ctx context.Context, id uuid.UUID) (*core.Site, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	site, err := scanSite(q.QueryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE id = $1`, id))
	return site, translate(err, "site")
}

// UpdateSite implements core.SiteService.
func (s *Store) UpdateSite(ctx context.Context, id uuid.UUID, u core.SiteUpdate) (*core.Site, error) {
	cur, err := s.FindSiteByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Version != 0 && u.Version != cur.Version {
		return nil, staleVersion("site", cur.Version, u.Version)
	}
	next := *cur
	u.Apply(&next)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	q, _ := s.q(ctx)
	if next.RegionID != cur.RegionID {
		if err := checkRegion(ctx, q, next.RegionID); err != nil {
			return nil, err
		}
	}
	args := append([]any{id, cur.Version, s.now()}, siteArgs(&next)...)
	out, err := scanSite(q.QueryRow(ctx, `UPDATE sites SET (`+siteFields+`) =
		($4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21),
		version = version + 1, updated_at = $3
		WHERE id = $1 AND version = $2 RETURNING `+siteColumns, args...))
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return nil, staleVersion("site", cur.Version+1, cur.Version)
	}
	return out, translate(err, "site with code "+next.Code)
}

// importChunk bounds the rows of one bulk statement.
const importChunk = 2000

// ImportSites implements core.SiteService: it resolves region codes and
// existing sites in two queries, validates and guards each row in memory,
// then upserts the valid rows a chunk per statement (jsonb_to_recordset).
// An existing site is updated only if it is still the one read, at the
// version read; otherwise its row fails and nothing is overwritten.
func (s *Store) ImportSites(ctx context.Context, rows []core.SiteImportRow, guard core.ImportGuard) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	rows = core.DedupeRows(rows, func(r core.SiteImportRow) string { return r.Site.Code },
		func(r core.SiteImportRow) int { return r.Row }, "code", rep)
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	var codes, regionCodes []string
	var regionIDs []uuid.UUID
	for _, r := range rows {
		codes = append(codes, r.Site.Code)
		if r.RegionCode != "" {
			regionCodes = append(regionCodes, r.RegionCode)
		} else {
			regionIDs = append(regionIDs, r.Site.RegionID)
		}
	}
	regionByCode, regionExists := map[string]uuid.UUID{}, map[uuid.UUID]bool{}
	rrows, err := q.Query(ctx, `SELECT id, code FROM regions WHERE code = ANY($1) OR id = ANY($2)`, regionCodes, regionIDs)
	if err != nil {
		return nil, err
	}
	var rid uuid.UUID
	var rcode string
	if _, err := pgx.ForEachRow(rrows, []any{&rid, &rcode}, func() error {
		regionByCode[rcode], regionExists[rid] = rid, true
		return nil
	}); err != nil {
		return nil, err
	}
	existing := map[string]*core.Site{}
	srows, err := q.Query(ctx, `SELECT `+siteColumns+` FROM sites WHERE code = ANY($1)`, codes)
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(srows, func(r pgx.CollectableRow) (*core.Site, error) { return scanSite(r) })
	if err != nil {
		return nil, err
	}
	for _, site := range found {
		existing[site.Code] = site
	}

	var records []siteRecord
	rowOf := map[string]int{}
	for _, r := range rows {
		site, err := s.prepareSiteRow(ctx, r, regionByCode, regionExists, existing[r.Site.Code], guard)
		if err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		records = append(records, recordOfSite(site))
		rowOf[site.Code] = r.Row
	}
	now := s.now()
	for start := 0; start < len(records); start += importChunk {
		chunk := records[start:min(start+importChunk, len(records))]
		written, err := upsertSites(ctx, q, tenantOf(ctx), chunk, now)
		if err != nil {
			return nil, err
		}
		for _, rec := range chunk {
			inserted, ok := written[rec.Code]
			switch {
			case !ok:
				rep.Failf(rowOf[rec.Code], "code", "the site was changed by another request during the import; import this row again")
			case inserted:
				rep.Created++
			default:
				rep.Updated++
			}
		}
	}
	rep.Finish()
	return rep, nil
}

// prepareSiteRow resolves the row's region, merges it onto the existing
// site (or a new one), validates it and asks the guard.
func (s *Store) prepareSiteRow(ctx context.Context, r core.SiteImportRow, regionByCode map[string]uuid.UUID,
	regionExists map[uuid.UUID]bool, cur *core.Site, guard core.ImportGuard) (*core.Site, error) {
	n := r.Site
	regionField := "region_id"
	switch {
	case r.RegionCode != "":
		regionField = "region_code"
		id, ok := regionByCode[r.RegionCode]
		if !ok {
			return nil, core.FieldError(regionField, "no region with code %q", r.RegionCode)
		}
		if n.RegionID != uuid.Nil && n.RegionID != id {
			return nil, core.FieldError("region_id", "names another region than region_code")
		}
		n.RegionID = id
	case n.RegionID == uuid.Nil:
		return nil, core.FieldError(regionField, "is required (or give region_code)")
	case !regionExists[n.RegionID]:
		return nil, core.FieldError(regionField, "no such region")
	}
	var site *core.Site
	if cur != nil {
		c := *cur
		site = &c
	} else {
		site = core.NewSiteDefaults(uuid.New())
	}
	n.Apply(site)
	if err := site.Validate(); err != nil {
		return nil, err
	}
	if cur == nil {
		if guard(ctx, core.ActCreate, core.Target{RegionID: &site.RegionID}) != nil {
			return nil, core.FieldError(regionField, "you may not create sites in this region: it is outside your scope")
		}
		return site, nil
	}
	if guard(ctx, core.ActUpdate, core.Target{SiteID: &cur.ID}) != nil {
		return nil, core.FieldError("code", "a site with this code exists and you may not update it")
	}
	if site.RegionID != cur.RegionID && guard(ctx, core.ActUpdate, core.Target{RegionID: &site.RegionID}) != nil {
		return nil, core.FieldError(regionField, "you may not move sites into this region: it is outside your scope")
	}
	return site, nil
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

// LoadNetwork implements core.NetworkLoader: the tenant's active sites and
// their technicians, in one round trip.
func (s *Store) LoadNetwork(ctx context.Context) ([]*core.Site, []*core.Technician, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, nil, err
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT ` + siteColumns + ` FROM sites WHERE status = 'active' ORDER BY code`)
	b.Queue(`SELECT ` + technicianColumns + ` FROM technicians
		WHERE site_id IN (SELECT id FROM sites WHERE status = 'active') ORDER BY code`)
	br := q.SendBatch(ctx, b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, nil, err
	}
	sites, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Site, error) { return scanSite(r) })
	if err != nil {
		return nil, nil, err
	}
	if rows, err = br.Query(); err != nil {
		return nil, nil, err
	}
	techs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Technician, error) { return scanTechnician(r) })
	if err != nil {
		return nil, nil, err
	}
	return sites, techs, br.Close()
}

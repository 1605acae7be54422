package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
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

// checkTechnicianRefs turns a site or user that is not in the tenant, or a
// user already linked to another technician, into an error.
func checkTechnicianRefs(ctx context.Context, q querier, t *core.Technician) error {
	var siteOK, userOK bool
	var linkedTo *string
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sites WHERE id = $1),
		$2::uuid IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $2),
		(SELECT code FROM technicians WHERE user_id = $2 AND id <> $3)`, t.SiteID, t.UserID, t.ID).Scan(&siteOK, &userOK, &linkedTo)
	switch {
	case err != nil:
		return err
	case !siteOK:
		return core.FieldError("site_id", "no such site")
	case !userOK:
		return core.FieldError("user_id", "no such user")
	case linkedTo != nil:
		return core.Errorf(core.ECONFLICT, "the user is already linked to technician %s", *linkedTo)
	}
	return nil
}

// CreateTechnician implements core.TechnicianService.
func (s *Store) CreateTechnician(ctx context.Context, n core.NewTechnician) (*core.Technician, error) {
	t := core.NewTechnicianDefaults(uuid.New())
	n.Apply(t)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkTechnicianRefs(ctx, q, t); err != nil {
		return nil, err
	}
	out, err := scanTechnician(q.QueryRow(ctx, `INSERT INTO technicians
		(tenant_id, id, site_id, user_id, code, name, phone, skills, tags, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING `+technicianColumns,
		tenantOf(ctx), t.ID, t.SiteID, t.UserID, t.Code, t.Name, t.Phone, t.Skills, t.Tags, t.Status, s.now()))
	return out, translate(err, "technician with code "+t.Code)
}

// FindTechnicians implements core.TechnicianService.
func (s *Store) FindTechnicians(ctx context.Context, f core.TechnicianFilter, within core.Scope) ([]*core.Technician, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `WITH RECURSIVE `+scopeRegionsCTE+`
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
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Technician, error) { return scanTechnician(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Technician) string { return r.Code })
	return out, next, nil
}

// FindTechnicianByID implements core.TechnicianService.
func (s *Store) FindTechnicianByID(ctx context.Context, id uuid.UUID) (*core.Technician, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	t, err := scanTechnician(q.QueryRow(ctx, `SELECT `+technicianColumns+` FROM technicians WHERE id = $1`, id))
	return t, translate(err, "technician")
}

// UpdateTechnician implements core.TechnicianService.
func (s *Store) UpdateTechnician(ctx context.Context, id uuid.UUID, u core.TechnicianUpdate) (*core.Technician, error) {
	cur, err := s.FindTechnicianByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Version != 0 && u.Version != cur.Version {
		return nil, staleVersion("technician", cur.Version, u.Version)
	}
	next := *cur
	if err := u.Apply(&next); err != nil {
		return nil, err
	}
	if err := next.Validate(); err != nil {
		return nil, err
	}
	q, _ := s.q(ctx)
	if err := checkTechnicianRefs(ctx, q, &next); err != nil {
		return nil, err
	}
	out, err := scanTechnician(q.QueryRow(ctx, `UPDATE technicians
		SET (site_id, user_id, code, name, phone, skills, tags, status) = ($4, $5, $6, $7, $8, $9, $10, $11),
		    version = version + 1, updated_at = $3
		WHERE id = $1 AND version = $2 RETURNING `+technicianColumns,
		id, cur.Version, s.now(), next.SiteID, next.UserID, next.Code, next.Name, next.Phone, next.Skills, next.Tags,
		next.Status))
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return nil, staleVersion("technician", cur.Version+1, cur.Version)
	}
	return out, translate(err, "technician with code "+next.Code)
}

// UpdateTechnicianLocation implements core.TechnicianService.
func (s *Store) UpdateTechnicianLocation(ctx context.Context, id uuid.UUID, l core.TechnicianLocation) (*core.Technician, error) {
	if l.At.IsZero() {
		l.At = s.now()
	}
	if err := l.Validate(s.now()); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	t, err := scanTechnician(q.QueryRow(ctx, `UPDATE technicians SET lat = $2, lon = $3, location_at = $4
		WHERE id = $1 AND (location_at IS NULL OR location_at <= $4) RETURNING `+technicianColumns,
		id, l.Location.Lat, l.Location.Lon, l.At.Truncate(time.Microsecond)))
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return s.FindTechnicianByID(ctx, id) // absent, or a newer report is stored
	}
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

// techImportRefs are what the rows of a technician import refer to.
type techImportRefs struct {
	siteByCode map[string]uuid.UUID
	siteExists map[uuid.UUID]bool
	userByName map[string]uuid.UUID
	userExists map[uuid.UUID]bool
	existing   map[string]*core.Technician
	linkedTo   map[uuid.UUID]string // user → code of the technician it is linked to
	claimed    map[uuid.UUID]int    // user → row of this import that links it
}

// ImportTechnicians implements core.TechnicianService, as ImportSites.
func (s *Store) ImportTechnicians(ctx context.Context, rows []core.TechnicianImportRow, guard core.ImportGuard) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	rows = core.DedupeRows(rows, func(r core.TechnicianImportRow) string { return r.Technician.Code },
		func(r core.TechnicianImportRow) int { return r.Row }, "code", rep)
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	refs, err := loadTechImportRefs(ctx, q, rows)
	if err != nil {
		return nil, err
	}
	var records []technicianRecord
	rowOf := map[string]int{}
	for _, r := range rows {
		t, err := prepareTechnicianRow(ctx, r, refs, guard)
		if err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		if t.UserID != nil {
			refs.claimed[*t.UserID] = r.Row
		}
		records = append(records, technicianRecord{ID: t.ID, Version: t.Version, SiteID: t.SiteID, UserID: t.UserID,
			Code: t.Code, Name: t.Name, Phone: t.Phone, Skills: t.Skills, Tags: t.Tags, Status: t.Status})
		rowOf[t.Code] = r.Row
	}
	now := s.now()
	for start := 0; start < len(records); start += importChunk {
		chunk := records[start:min(start+importChunk, len(records))]
		written, err := upsertTechnicians(ctx, q, tenantOf(ctx), chunk, now)
		if err != nil {
			return nil, err
		}
		for _, rec := range chunk {
			inserted, ok := written[rec.Code]
			switch {
			case !ok:
				rep.Failf(rowOf[rec.Code], "code", "the technician was changed by another request during the import; import this row again")
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

func loadTechImportRefs(ctx context.Context, q querier, rows []core.TechnicianImportRow) (*techImportRefs, error) {
	refs := &techImportRefs{siteByCode: map[string]uuid.UUID{}, siteExists: map[uuid.UUID]bool{},
		userByName: map[string]uuid.UUID{}, userExists: map[uuid.UUID]bool{}, existing: map[string]*core.Technician{},
		linkedTo: map[uuid.UUID]string{}, claimed: map[uuid.UUID]int{}}
	var codes, siteCodes, usernames []string
	var siteIDs, userIDs []uuid.UUID
	for _, r := range rows {
		codes = append(codes, r.Technician.Code)
		if r.SiteCode != "" {
			siteCodes = append(siteCodes, r.SiteCode)
		} else {
			siteIDs = append(siteIDs, r.Technician.SiteID)
		}
		if r.Username != "" {
			usernames = append(usernames, r.Username)
		} else if r.Technician.UserID != nil {
			userIDs = append(userIDs, *r.Technician.UserID)
		}
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, code FROM sites WHERE code = ANY($1) OR id = ANY($2)`, siteCodes, siteIDs)
	b.Queue(`SELECT id, username FROM users WHERE username = ANY($1) OR id = ANY($2)`, usernames, userIDs)
	b.Queue(`SELECT `+technicianColumns+` FROM technicians WHERE code = ANY($1)`, codes)
	b.Queue(`SELECT user_id, code FROM technicians WHERE user_id IN (SELECT id FROM users WHERE username = ANY($1) OR id = ANY($2))`,
		usernames, userIDs)
	br := q.SendBatch(ctx, b)
	defer br.Close()
	var id uuid.UUID
	var name string
	if err := forEach(br, []any{&id, &name}, func() { refs.siteByCode[name], refs.siteExists[id] = id, true }); err != nil {
		return nil, err
	}
	if err := forEach(br, []any{&id, &name}, func() { refs.userByName[name], refs.userExists[id] = id, true }); err != nil {
		return nil, err
	}
	rows2, err := br.Query()
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows2, func(r pgx.CollectableRow) (*core.Technician, error) { return scanTechnician(r) })
	if err != nil {
		return nil, err
	}
	for _, t := range found {
		refs.existing[t.Code] = t
	}
	if err := forEach(br, []any{&id, &name}, func() { refs.linkedTo[id] = name }); err != nil {
		return nil, err
	}
	return refs, br.Close()
}

func forEach(br pgx.BatchResults, scans []any, fn func()) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, scans, func() error { fn(); return nil })
	return err
}

// prepareTechnicianRow resolves the row's site and user, merges it onto the
// existing technician (or a new one), validates it and asks the guard.
func prepareTechnicianRow(ctx context.Context, r core.TechnicianImportRow, refs *techImportRefs, guard core.ImportGuard) (*core.Technician, error) {
	n := r.Technician
	siteField, userField := "site_id", "user_id"
	switch {
	case r.SiteCode != "":
		siteField = "site_code"
		id, ok := refs.siteByCode[r.SiteCode]
		if !ok {
			return nil, core.FieldError(siteField, "no site with code %q", r.SiteCode)
		}
		if n.SiteID != uuid.Nil && n.SiteID != id {
			return nil, core.FieldError("site_id", "names another site than site_code")
		}
		n.SiteID = id
	case n.SiteID == uuid.Nil:
		return nil, core.FieldError(siteField, "is required (or give site_code)")
	case !refs.siteExists[n.SiteID]:
		return nil, core.FieldError(siteField, "no such site")
	}
	switch {
	case r.Username != "":
		userField = "username"
		id, ok := refs.userByName[r.Username]
		if !ok {
			return nil, core.FieldError(userField, "no user %q", r.Username)
		}
		if n.UserID != nil && *n.UserID != id {
			return nil, core.FieldError("user_id", "names another user than username")
		}
		n.UserID = &id
	case n.UserID != nil && !refs.userExists[*n.UserID]:
		return nil, core.FieldError(userField, "no such user")
	}
	if n.UserID != nil {
		if code, ok := refs.linkedTo[*n.UserID]; ok && code != n.Code {
			return nil, core.FieldError(userField, "is already linked to technician %s", code)
		}
		if row, ok := refs.claimed[*n.UserID]; ok {
			return nil, core.FieldError(userField, "is already linked by row %d", row)
		}
	}
	cur := refs.existing[n.Code]
	var t *core.Technician
	if cur != nil {
		c := *cur
		t = &c
	} else {
		t = core.NewTechnicianDefaults(uuid.New())
	}
	n.Apply(t)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if cur == nil {
		if guard(ctx, core.ActCreate, core.Target{SiteID: &t.SiteID}) != nil {
			return nil, core.FieldError(siteField, "you may not add technicians to this site: it is outside your scope")
		}
		return t, nil
	}
	if guard(ctx, core.ActUpdate, core.Target{SiteID: &cur.SiteID}) != nil {
		return nil, core.FieldError("code", "a technician with this code exists and you may not update it")
	}
	if t.SiteID != cur.SiteID && guard(ctx, core.ActUpdate, core.Target{SiteID: &t.SiteID}) != nil {
		return nil, core.FieldError(siteField, "you may not move technicians to this site: it is outside your scope")
	}
	return t, nil
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

package network

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// ImportGuard decides whether the caller may write one imported row:
// action is core.ActCreate for a new object or core.ActUpdate for an
// existing one, target what the row touches. A non-nil error fails that
// row only.
type ImportGuard func(ctx context.Context, action string, target core.Target) error

// ImportSites creates or updates (by code) every valid row in one go and
// reports the rest by row: a code repeated in rows, a region that is
// missing, bad fields, a row the guard refuses, a site changed by
// another unit between the read and the write. A row that names an
// existing site merges onto it (fields it leaves out keep their values).
// A row's districts (Site.Districts by code, or Districts as written) are
// added to the site's coverage; a site left with neither radius, polygon
// nor districts fails its row (area.radius_km). Only a database failure
// returns an error.
func (s *Service) ImportSites(ctx context.Context, u core.UnitOfWork, rows []core.SiteImportRow, guard ImportGuard) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	rows = core.DedupeRows(rows, func(r core.SiteImportRow) string { return r.Site.Code },
		func(r core.SiteImportRow) int { return r.Row }, "code", rep)
	var regions Keys
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.Site.Code)
		if r.RegionCode != "" {
			regions.Codes = append(regions.Codes, r.RegionCode)
		} else {
			regions.IDs = append(regions.IDs, r.Site.RegionID)
		}
	}
	repo := s.store.Network(u)
	refs, err := repo.FindSiteImportRefs(ctx, regions, codes)
	if err != nil {
		return nil, err
	}
	regionByCode, regionExists := byCode(refs.Regions)
	existing := make(map[string]*core.Site, len(refs.Existing))
	for _, site := range refs.Existing {
		existing[site.Code] = site
	}

	covered, err := coverageOfExisting(ctx, repo, rows, existing)
	if err != nil {
		return nil, err
	}
	var sites []*core.Site
	rowOf := map[string]int{}
	coverage := map[string][]core.SiteDistrict{} // by site code: the coverage to write
	for _, r := range rows {
		site, err := prepareSiteRow(ctx, r, regionByCode, regionExists, existing[r.Site.Code], guard)
		if err == nil {
			var next []core.SiteDistrict
			if next, err = importedCoverage(r, covered[r.Site.Code]); err == nil {
				err = core.RequireCoverage(site.Area, len(next), "area.radius_km")
			}
			if err == nil && !slices.Equal(next, covered[r.Site.Code]) {
				coverage[site.Code] = next
			}
		}
		if err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		sites = append(sites, site)
		rowOf[site.Code] = r.Row
	}
	written, err := repo.UpsertSites(ctx, sites, s.now())
	if err != nil {
		return nil, err
	}
	for _, site := range sites {
		next, ok := coverage[site.Code]
		if _, done := written[site.Code]; !ok || !done {
			continue
		}
		if err := repo.ReplaceSiteDistricts(ctx, site.ID, next); err != nil {
			return nil, err
		}
		s.recordDistricts(ctx, u, site.ID, covered[site.Code], next)
	}
	count(rep, written, codesOf(sites, func(s *core.Site) string { return s.Code }), rowOf, "site")
	rep.Finish()
	s.recordImport(ctx, u, audit.ResSite, written)
	return rep, nil
}

// coverageOfExisting reads (and locks) the coverage of the existing sites
// of the rows that may need it: those giving districts or no area.
func coverageOfExisting(ctx context.Context, repo Repository, rows []core.SiteImportRow, existing map[string]*core.Site) (map[string][]core.SiteDistrict, error) {
	var codes []string
	for _, r := range rows {
		if existing[r.Site.Code] != nil && (len(r.Districts) > 0 || len(r.Site.Districts) > 0 || r.Site.Area.Empty()) {
			codes = append(codes, r.Site.Code)
		}
	}
	out := map[string][]core.SiteDistrict{}
	if len(codes) == 0 {
		return out, nil
	}
	slices.Sort(codes)
	sites, err := repo.LockSitesDistricts(ctx, codes)
	for _, sc := range sites {
		out[sc.Code] = sc.Districts
	}
	return out, err
}

// importedCoverage is a site's coverage after an import row: cur plus the
// row's districts (by code, or as written in the CSV), a division the site
// covers already keeping its coverage unless the row gives one.
func importedCoverage(r core.SiteImportRow, cur []core.SiteDistrict) ([]core.SiteDistrict, error) {
	given, err := checkDistricts(r.Site.Districts, "districts")
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]string, len(cur)+len(given)+len(r.Districts))
	for _, d := range cur {
		byCode[d.Code] = d.Coverage
	}
	for _, text := range r.Districts {
		d, err := ResolveDivision(text)
		if err != nil {
			return nil, core.FieldError("districts", "%s", err)
		}
		if _, had := byCode[d.Code]; !had {
			byCode[d.Code] = core.CoveragePrimary
		}
	}
	for _, d := range given {
		byCode[d.Code] = d.Coverage
	}
	if len(byCode) > core.MaxSiteDistricts {
		return nil, core.FieldError("districts", "a site covers at most %d divisions", core.MaxSiteDistricts)
	}
	out := make([]core.SiteDistrict, 0, len(byCode))
	for code, cov := range byCode {
		out = append(out, core.SiteDistrict{Code: code, Coverage: cov})
	}
	slices.SortFunc(out, func(a, b core.SiteDistrict) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// prepareSiteRow resolves the row's region, merges it onto the existing
// site (or a new one), validates it and asks the guard.
func prepareSiteRow(ctx context.Context, r core.SiteImportRow, regionByCode map[string]uuid.UUID,
	regionExists map[uuid.UUID]bool, cur *core.Site, guard ImportGuard) (*core.Site, error) {
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

// ImportTechnicians creates or updates (by code) every valid row in one
// go and reports the rest by row, as ImportSites; besides, a user may be
// linked to one technician only, in the tenant and in the rows.
func (s *Service) ImportTechnicians(ctx context.Context, u core.UnitOfWork, rows []core.TechnicianImportRow, guard ImportGuard) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	rows = core.DedupeRows(rows, func(r core.TechnicianImportRow) string { return r.Technician.Code },
		func(r core.TechnicianImportRow) int { return r.Row }, "code", rep)
	repo := s.store.Network(u)
	refs, err := loadTechImportRefs(ctx, repo, rows)
	if err != nil {
		return nil, err
	}
	var techs []*core.Technician
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
		techs = append(techs, t)
		rowOf[t.Code] = r.Row
	}
	written, err := repo.UpsertTechnicians(ctx, techs, s.now())
	if err != nil {
		return nil, err
	}
	count(rep, written, codesOf(techs, func(t *core.Technician) string { return t.Code }), rowOf, "technician")
	rep.Finish()
	s.recordImport(ctx, u, audit.ResTechnician, written)
	return rep, nil
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

func loadTechImportRefs(ctx context.Context, repo Repository, rows []core.TechnicianImportRow) (*techImportRefs, error) {
	var sites, users Keys
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.Technician.Code)
		if r.SiteCode != "" {
			sites.Codes = append(sites.Codes, r.SiteCode)
		} else {
			sites.IDs = append(sites.IDs, r.Technician.SiteID)
		}
		if r.Username != "" {
			users.Codes = append(users.Codes, r.Username)
		} else if r.Technician.UserID != nil {
			users.IDs = append(users.IDs, *r.Technician.UserID)
		}
	}
	found, err := repo.FindTechnicianImportRefs(ctx, sites, users, codes)
	if err != nil {
		return nil, err
	}
	refs := &techImportRefs{existing: map[string]*core.Technician{}, linkedTo: map[uuid.UUID]string{}, claimed: map[uuid.UUID]int{}}
	refs.siteByCode, refs.siteExists = byCode(found.Sites)
	refs.userByName, refs.userExists = byCode(found.Users)
	for _, t := range found.Existing {
		refs.existing[t.Code] = t
	}
	for _, l := range found.Links {
		refs.linkedTo[l.ID] = l.Code
	}
	return refs, nil
}

// prepareTechnicianRow resolves the row's site and user, merges it onto the
// existing technician (or a new one), validates it and asks the guard.
func prepareTechnicianRow(ctx context.Context, r core.TechnicianImportRow, refs *techImportRefs, guard ImportGuard) (*core.Technician, error) {
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

// byCode indexes keys by code, and tells which IDs exist.
func byCode(keys []Key) (map[string]uuid.UUID, map[uuid.UUID]bool) {
	ids, exists := make(map[string]uuid.UUID, len(keys)), make(map[uuid.UUID]bool, len(keys))
	for _, k := range keys {
		ids[k.Code], exists[k.ID] = k.ID, true
	}
	return ids, exists
}

func codesOf[T any](items []T, code func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = code(it)
	}
	return out
}

// count adds the written rows to the report, and fails those the
// repository did not write: another unit changed them meanwhile.
// recordImport records an import that wrote rows in the audit log: one
// event with the codes created and updated and their counts (rows that
// failed wrote nothing and are in the report the importer got).
func (s *Service) recordImport(ctx context.Context, u core.UnitOfWork, resource string, written map[string]bool) {
	if len(written) == 0 {
		return
	}
	created, updated := []string{}, []string{}
	for code, inserted := range written {
		if inserted {
			created = append(created, code)
		} else {
			updated = append(updated, code)
		}
	}
	slices.Sort(created)
	slices.Sort(updated)
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActImport, ResourceType: resource, After: map[string]any{
		"created": len(created), "updated": len(updated), "created_codes": created, "updated_codes": updated}})
}

func count(rep *core.ImportReport, written map[string]bool, codes []string, rowOf map[string]int, what string) {
	for _, code := range codes {
		inserted, ok := written[code]
		switch {
		case !ok:
			rep.Failf(rowOf[code], "code", "the %s was changed by another request during the import; import this row again", what)
		case inserted:
			rep.Created++
		default:
			rep.Updated++
		}
	}
}

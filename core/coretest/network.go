package coretest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

// Networks is the in-memory fake of network.Store (and of the units it
// needs): one database of NetworkTenants.
type Networks struct {
	*Memory[NetworkTenants]
	AuditLog
}

// NetworkTenants are the fake's network rows by tenant.
type NetworkTenants map[uuid.UUID]*NetworkTenant

// NetworkTenant is one tenant's regions, sites and technicians, with the
// users technicians link to, the scope grants on regions and the misses
// recorded against sites. Rows are kept as values; their slices are never
// changed in place.
type NetworkTenant struct {
	Regions     map[uuid.UUID]core.Region
	Sites       map[uuid.UUID]core.Site
	Technicians map[uuid.UUID]core.Technician
	Users       map[uuid.UUID]string              // user → username
	Grants      map[uuid.UUID]int                 // region → scope grants on it
	Misses      map[int64]StoredSLAMiss           // by number, in the order recorded
	Districts   map[uuid.UUID][]core.SiteDistrict // site → coverage, by code
}

// StoredSLAMiss is a miss recorded against a site.
type StoredSLAMiss struct {
	core.SiteSLAMiss
	SiteID uuid.UUID
}

// NewNetworks returns a fake with an empty network for each tenant.
func NewNetworks(tenants ...uuid.UUID) *Networks {
	ts := NetworkTenants{}
	for _, id := range tenants {
		ts[id] = &NetworkTenant{Regions: map[uuid.UUID]core.Region{}, Sites: map[uuid.UUID]core.Site{},
			Technicians: map[uuid.UUID]core.Technician{}, Users: map[uuid.UUID]string{}, Grants: map[uuid.UUID]int{},
			Misses: map[int64]StoredSLAMiss{}, Districts: map[uuid.UUID][]core.SiteDistrict{}}
	}
	return &Networks{Memory: NewMemory(ts, cloneNetworkTenants)}
}

func cloneNetworkTenants(ts NetworkTenants) NetworkTenants {
	out := make(NetworkTenants, len(ts))
	for id, t := range ts {
		out[id] = &NetworkTenant{Regions: maps.Clone(t.Regions), Sites: maps.Clone(t.Sites),
			Technicians: maps.Clone(t.Technicians), Users: maps.Clone(t.Users), Grants: maps.Clone(t.Grants),
			Misses: maps.Clone(t.Misses), Districts: maps.Clone(t.Districts)}
	}
	return out
}

// Network implements network.Store.
func (f *Networks) Network(u core.UnitOfWork) network.Repository {
	return networkRepo{u: UnitOf[NetworkTenants](u)}
}

// networkRepo implements network.Repository on a Memory unit.
type networkRepo struct{ u *Unit[NetworkTenants] }

func (r networkRepo) t() *NetworkTenant {
	t, ok := r.u.State()[r.u.TenantID()]
	if !ok {
		panic("coretest: unknown tenant " + r.u.TenantID().String())
	}
	return t
}

// The stored rows' slices are copied on the way in and out, as a
// database would.

func copySite(s core.Site) *core.Site {
	s.Area.Polygon = slices.Clone(s.Area.Polygon)
	s.ProductLines, s.Skills, s.Tags = slices.Clone(s.ProductLines), slices.Clone(s.Skills), slices.Clone(s.Tags)
	s.WorkingHours = maps.Clone(s.WorkingHours)
	return &s
}

func copyTechnician(t core.Technician) *core.Technician {
	t.Skills, t.Tags = slices.Clone(t.Skills), slices.Clone(t.Tags)
	return &t
}

// page sorts rows by code and returns those after the cursor, one page,
// as the adapter's lists do.
func page[T any](rows []T, code func(T) string, after string, limit int) ([]T, string) {
	slices.SortFunc(rows, func(a, b T) int { return cmp.Compare(code(a), code(b)) })
	out := rows[:0:0]
	for _, row := range rows {
		if code(row) > after {
			out = append(out, row)
		}
	}
	limit = clampLimit(limit)
	if len(out) <= limit {
		return out, ""
	}
	return out[:limit], code(out[limit-1])
}

// subtree is the set of regions in the subtrees of roots.
func (r networkRepo) subtree(roots ...uuid.UUID) map[uuid.UUID]bool {
	in := map[uuid.UUID]bool{}
	for _, id := range roots {
		if _, ok := r.t().Regions[id]; ok {
			in[id] = true
		}
	}
	for grew := true; grew; {
		grew = false
		for id, reg := range r.t().Regions {
			if !in[id] && reg.ParentID != nil && in[*reg.ParentID] {
				in[id], grew = true, true
			}
		}
	}
	return in
}

// siteInScope tells whether a site is inside the scope.
func (r networkRepo) siteInScope(within core.Scope) func(core.Site) bool {
	regions := r.subtree(within.Regions...)
	return func(s core.Site) bool {
		return within.All || slices.Contains(within.Sites, s.ID) || regions[s.RegionID]
	}
}

func (r networkRepo) InsertRegion(_ context.Context, nr *core.Region) (*core.Region, error) {
	for _, reg := range r.t().Regions {
		if reg.Code == nr.Code {
			return nil, core.Errorf(core.ECONFLICT, "region with code %s already exists", nr.Code)
		}
	}
	r.t().Regions[nr.ID] = *nr
	out := *nr
	return &out, nil
}

func (r networkRepo) FindRegions(_ context.Context, f core.RegionFilter, within core.Scope) ([]*core.Region, string, error) {
	visible := r.subtree(within.Regions...)
	var rows []*core.Region
	for _, reg := range r.t().Regions {
		switch {
		case !within.All && !visible[reg.ID]:
		case f.ParentID != nil && (reg.ParentID == nil || *reg.ParentID != *f.ParentID):
		case f.Level != "" && reg.Level != f.Level:
		default:
			rows = append(rows, &reg)
		}
	}
	rows, next := page(rows, func(r *core.Region) string { return r.Code }, f.After, f.Limit)
	return rows, next, nil
}

func (r networkRepo) FindRegionByID(_ context.Context, id uuid.UUID) (*core.Region, error) {
	reg, ok := r.t().Regions[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "region not found")
	}
	return &reg, nil
}

func (r networkRepo) UpdateRegion(_ context.Context, next *core.Region) (*core.Region, error) {
	cur, ok := r.t().Regions[next.ID]
	if !ok || cur.Version != next.Version {
		return nil, core.Errorf(core.ENOTFOUND, "region with code %s not found", next.Code)
	}
	for _, reg := range r.t().Regions {
		if reg.ID != next.ID && reg.Code == next.Code {
			return nil, core.Errorf(core.ECONFLICT, "region with code %s already exists", next.Code)
		}
	}
	cur.Code, cur.Name, cur.Version, cur.UpdatedAt = next.Code, next.Name, cur.Version+1, next.UpdatedAt
	cur.DivisionCode = next.DivisionCode
	r.t().Regions[cur.ID] = cur
	return &cur, nil
}

func (r networkRepo) CountRegionDependants(_ context.Context, id uuid.UUID) (children, grants int, err error) {
	for _, reg := range r.t().Regions {
		if reg.ParentID != nil && *reg.ParentID == id {
			children++
		}
	}
	return children, r.t().Grants[id], nil
}

func (r networkRepo) DeleteRegion(_ context.Context, id uuid.UUID) error {
	for _, s := range r.t().Sites {
		if s.RegionID == id {
			return core.Errorf(core.EINVALID, "region refers to something that does not exist")
		}
	}
	delete(r.t().Regions, id)
	return nil
}

func (r networkRepo) RegionExists(_ context.Context, id uuid.UUID) (bool, error) {
	_, ok := r.t().Regions[id]
	return ok, nil
}

func (r networkRepo) siteCodeTaken(id uuid.UUID, code string) bool {
	for _, s := range r.t().Sites {
		if s.ID != id && s.Code == code {
			return true
		}
	}
	return false
}

func (r networkRepo) InsertSite(_ context.Context, s *core.Site) (*core.Site, error) {
	if r.siteCodeTaken(s.ID, s.Code) {
		return nil, core.Errorf(core.ECONFLICT, "site with code %s already exists", s.Code)
	}
	stored := *copySite(*s)
	stored.LateRate, stored.Version, stored.UpdatedAt = 0, 1, s.CreatedAt
	r.t().Sites[s.ID] = stored
	return copySite(stored), nil
}

func (r networkRepo) FindSites(_ context.Context, f core.SiteFilter, within core.Scope) ([]*core.Site, string, error) {
	inScope := r.siteInScope(within)
	var wanted map[uuid.UUID]bool
	if f.RegionID != nil {
		wanted = r.subtree(*f.RegionID)
	}
	var rows []*core.Site
	for _, s := range r.t().Sites {
		switch {
		case !inScope(s):
		case wanted != nil && !wanted[s.RegionID]:
		case f.Status != "" && s.Status != f.Status, f.Kind != "" && s.Kind != f.Kind:
		case f.ProductLine != "" && !slices.Contains(s.ProductLines, f.ProductLine):
		case f.Tag != "" && !slices.Contains(s.Tags, f.Tag):
		case f.Query != "" && !containsFold(s.Code, f.Query) && !containsFold(s.Name, f.Query) && !containsFold(s.Address, f.Query):
		default:
			rows = append(rows, copySite(s))
		}
	}
	rows, next := page(rows, func(s *core.Site) string { return s.Code }, f.After, f.Limit)
	return rows, next, nil
}

func (r networkRepo) FindSiteByID(_ context.Context, id uuid.UUID) (*core.Site, error) {
	s, ok := r.t().Sites[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "site not found")
	}
	return copySite(s), nil
}

func (r networkRepo) UpdateSite(_ context.Context, next *core.Site) (*core.Site, error) {
	cur, ok := r.t().Sites[next.ID]
	if !ok || cur.Version != next.Version {
		return nil, core.Errorf(core.ENOTFOUND, "site with code %s not found", next.Code)
	}
	if r.siteCodeTaken(next.ID, next.Code) {
		return nil, core.Errorf(core.ECONFLICT, "site with code %s already exists", next.Code)
	}
	stored := *copySite(*next)
	stored.LateRate, stored.CreatedAt, stored.Version = cur.LateRate, cur.CreatedAt, cur.Version+1
	r.t().Sites[next.ID] = stored
	return copySite(stored), nil
}

func (r networkRepo) FindNetwork(_ context.Context, siteStatus string) ([]*core.Site, []*core.Technician, error) {
	var sites []*core.Site
	var techs []*core.Technician
	for _, s := range r.t().Sites {
		if s.Status == siteStatus {
			sites = append(sites, copySite(s))
		}
	}
	for _, t := range r.t().Technicians {
		if r.t().Sites[t.SiteID].Status == siteStatus {
			techs = append(techs, copyTechnician(t))
		}
	}
	slices.SortFunc(sites, func(a, b *core.Site) int { return cmp.Compare(a.Code, b.Code) })
	slices.SortFunc(techs, func(a, b *core.Technician) int { return cmp.Compare(a.Code, b.Code) })
	return sites, techs, nil
}

func (r networkRepo) FindTechnicianRefs(_ context.Context, site uuid.UUID, user *uuid.UUID, self uuid.UUID) (network.TechnicianRefs, error) {
	_, siteOK := r.t().Sites[site]
	refs := network.TechnicianRefs{SiteExists: siteOK, UserExists: true}
	if user != nil {
		_, refs.UserExists = r.t().Users[*user]
		refs.LinkedTo = r.linkedTo(*user, self)
	}
	return refs, nil
}

// linkedTo is the code of the technician other than self the user is
// linked to ("" when none).
func (r networkRepo) linkedTo(user, self uuid.UUID) string {
	for _, t := range r.t().Technicians {
		if t.ID != self && t.UserID != nil && *t.UserID == user {
			return t.Code
		}
	}
	return ""
}

// technicianConflict is what the database's unique indexes (code, linked
// user) refuse.
func (r networkRepo) technicianConflict(t *core.Technician) error {
	for _, o := range r.t().Technicians {
		if o.ID != t.ID && (o.Code == t.Code || t.UserID != nil && o.UserID != nil && *o.UserID == *t.UserID) {
			return core.Errorf(core.ECONFLICT, "technician with code %s already exists", t.Code)
		}
	}
	return nil
}

func (r networkRepo) InsertTechnician(_ context.Context, t *core.Technician) (*core.Technician, error) {
	if err := r.technicianConflict(t); err != nil {
		return nil, err
	}
	stored := *copyTechnician(*t)
	stored.Version, stored.UpdatedAt = 1, t.CreatedAt
	r.t().Technicians[t.ID] = stored
	return copyTechnician(stored), nil
}

func (r networkRepo) FindTechnicians(_ context.Context, f core.TechnicianFilter, within core.Scope) ([]*core.Technician, string, error) {
	inScope := r.siteInScope(within)
	var rows []*core.Technician
	for _, t := range r.t().Technicians {
		switch {
		case !inScope(r.t().Sites[t.SiteID]):
		case f.SiteID != nil && t.SiteID != *f.SiteID:
		case f.Status != "" && t.Status != f.Status:
		case f.Skill != "" && !slices.Contains(t.Skills, f.Skill):
		case f.Tag != "" && !slices.Contains(t.Tags, f.Tag):
		case f.Query != "" && !containsFold(t.Code, f.Query) && !containsFold(t.Name, f.Query) && !containsFold(t.Phone, f.Query):
		default:
			rows = append(rows, copyTechnician(t))
		}
	}
	rows, next := page(rows, func(t *core.Technician) string { return t.Code }, f.After, f.Limit)
	return rows, next, nil
}

func (r networkRepo) FindTechnicianByID(_ context.Context, id uuid.UUID) (*core.Technician, error) {
	t, ok := r.t().Technicians[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "technician not found")
	}
	return copyTechnician(t), nil
}

func (r networkRepo) UpdateTechnician(_ context.Context, next *core.Technician) (*core.Technician, error) {
	cur, ok := r.t().Technicians[next.ID]
	if !ok || cur.Version != next.Version {
		return nil, core.Errorf(core.ENOTFOUND, "technician with code %s not found", next.Code)
	}
	if err := r.technicianConflict(next); err != nil {
		return nil, err
	}
	stored := *copyTechnician(*next)
	stored.Location, stored.LocationAt, stored.OpenWorkload = cur.Location, cur.LocationAt, cur.OpenWorkload
	stored.CreatedAt, stored.Version = cur.CreatedAt, cur.Version+1
	r.t().Technicians[next.ID] = stored
	return copyTechnician(stored), nil
}

func (r networkRepo) UpdateTechnicianLocation(_ context.Context, id uuid.UUID, l core.GeoPoint, at time.Time) (*core.Technician, error) {
	t, ok := r.t().Technicians[id]
	if !ok || t.LocationAt != nil && t.LocationAt.After(at) {
		return nil, core.Errorf(core.ENOTFOUND, "technician not found")
	}
	at = at.Truncate(time.Microsecond)
	t.Location, t.LocationAt = &l, &at
	r.t().Technicians[id] = t
	return copyTechnician(t), nil
}

func (r networkRepo) FindSiteImportRefs(_ context.Context, regions network.Keys, codes []string) (*network.SiteImportRefs, error) {
	refs := &network.SiteImportRefs{}
	for _, reg := range r.t().Regions {
		if slices.Contains(regions.Codes, reg.Code) || slices.Contains(regions.IDs, reg.ID) {
			refs.Regions = append(refs.Regions, network.Key{ID: reg.ID, Code: reg.Code})
		}
	}
	for _, s := range r.t().Sites {
		if slices.Contains(codes, s.Code) {
			refs.Existing = append(refs.Existing, copySite(s))
		}
	}
	return refs, nil
}

func (r networkRepo) UpsertSites(_ context.Context, sites []*core.Site, at time.Time) (map[string]bool, error) {
	key := func(s *core.Site) (uuid.UUID, string, int) { return s.ID, s.Code, s.Version }
	return upsert(r.t().Sites, sites, key, func(s, cur *core.Site) core.Site {
		stored := *copySite(*s)
		stored.CreatedAt, stored.UpdatedAt = at, at
		if cur != nil {
			stored.LateRate, stored.CreatedAt, stored.Version = cur.LateRate, cur.CreatedAt, cur.Version+1
		}
		return stored
	}), nil
}

// upsert writes rows into table as the adapter's bulk upserts do: a row
// with a new code is inserted; one whose code is stored is written over
// it if it is still the row read (same ID and version), and left alone
// otherwise. It returns, for each code written, whether it was inserted.
func upsert[T any](table map[uuid.UUID]T, rows []*T, key func(*T) (uuid.UUID, string, int), write func(row, cur *T) T) map[string]bool {
	written := map[string]bool{}
	for _, row := range rows {
		id, code, version := key(row)
		var cur *T
		for _, o := range table {
			if _, c, _ := key(&o); c == code {
				cur = &o
			}
		}
		if cur != nil {
			if curID, _, curVersion := key(cur); curID != id || curVersion != version {
				continue
			}
		}
		table[id] = write(row, cur)
		written[code] = cur == nil
	}
	return written
}

func (r networkRepo) FindTechnicianImportRefs(_ context.Context, sites, users network.Keys, codes []string) (*network.TechnicianImportRefs, error) {
	refs := &network.TechnicianImportRefs{}
	for _, s := range r.t().Sites {
		if slices.Contains(sites.Codes, s.Code) || slices.Contains(sites.IDs, s.ID) {
			refs.Sites = append(refs.Sites, network.Key{ID: s.ID, Code: s.Code})
		}
	}
	named := map[uuid.UUID]bool{}
	for id, name := range r.t().Users {
		if slices.Contains(users.Codes, name) || slices.Contains(users.IDs, id) {
			refs.Users = append(refs.Users, network.Key{ID: id, Code: name})
			named[id] = true
		}
	}
	for _, t := range r.t().Technicians {
		if slices.Contains(codes, t.Code) {
			refs.Existing = append(refs.Existing, copyTechnician(t))
		}
		if t.UserID != nil && named[*t.UserID] {
			refs.Links = append(refs.Links, network.Key{ID: *t.UserID, Code: t.Code})
		}
	}
	return refs, nil
}

func (r networkRepo) UpsertTechnicians(_ context.Context, techs []*core.Technician, at time.Time) (map[string]bool, error) {
	key := func(t *core.Technician) (uuid.UUID, string, int) { return t.ID, t.Code, t.Version }
	return upsert(r.t().Technicians, techs, key, func(t, cur *core.Technician) core.Technician {
		stored := *copyTechnician(*t)
		stored.CreatedAt, stored.UpdatedAt = at, at
		if cur != nil {
			stored.Location, stored.LocationAt, stored.OpenWorkload = cur.Location, cur.LocationAt, cur.OpenWorkload
			stored.CreatedAt, stored.Version = cur.CreatedAt, cur.Version+1
		}
		return stored
	}), nil
}

func (r networkRepo) FindSiteSLAMisses(_ context.Context, site uuid.UUID, before int64, limit int) ([]*core.SiteSLAMiss, int64, *core.SiteSLAMissCounts, error) {
	counts := &core.SiteSLAMissCounts{}
	var ids []int64
	for id, m := range r.t().Misses {
		if m.SiteID != site {
			continue
		}
		if m.Kind == core.TimerResponseOverdue {
			counts.Response++
		} else {
			counts.Arrival++
		}
		if before == 0 || id < before {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	limit = clampLimit(limit)
	var next int64
	if len(ids) > limit {
		ids, next = ids[:limit], ids[limit-1]
	}
	out := make([]*core.SiteSLAMiss, len(ids))
	for i, id := range ids {
		m := r.t().Misses[id].SiteSLAMiss
		out[i] = &m
	}
	return out, next, counts, nil
}

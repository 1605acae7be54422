package network

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateSite creates a site, its optional fields at their defaults, and
// its districts (n.Districts): EINVALID for bad fields (districts[i].code
// for a division the platform does not know), a region not in the
// tenant, or a site that covers nowhere (no radius, no polygon, no
// districts: area.radius_km); ECONFLICT for a duplicate code.
func (s *Service) CreateSite(ctx context.Context, u core.UnitOfWork, n core.NewSite) (*core.Site, error) {
	site := core.NewSiteDefaults(uuid.New())
	n.Apply(site)
	if err := site.Validate(); err != nil {
		return nil, err
	}
	districts, err := checkDistricts(n.Districts, "districts")
	if err != nil {
		return nil, err
	}
	if err := core.RequireCoverage(site.Area, len(districts), "area.radius_km"); err != nil {
		return nil, err
	}
	repo := s.store.Network(u)
	if err := checkRegion(ctx, repo, site.RegionID); err != nil {
		return nil, err
	}
	site.CreatedAt = s.now()
	site.UpdatedAt = site.CreatedAt
	out, err := repo.InsertSite(ctx, site)
	if err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActCreate, audit.ResSite, out.ID, nil, out)
	if len(districts) > 0 {
		if err := repo.ReplaceSiteDistricts(ctx, out.ID, districts); err != nil {
			return nil, err
		}
		s.recordDistricts(ctx, u, out.ID, nil, districts)
	}
	return out, nil
}

// checkRegion turns a region that is not in the tenant into a field
// error.
func checkRegion(ctx context.Context, repo Repository, id uuid.UUID) error {
	ok, err := repo.RegionExists(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return core.FieldError("region_id", "no such region")
	}
	return nil
}

// FindSites lists sites ordered by code, with the next cursor; with a
// scope that is not All, only the sites in the subtrees of its regions
// and its sites.
func (s *Service) FindSites(ctx context.Context, u core.UnitOfWork, f core.SiteFilter, within core.Scope) ([]*core.Site, string, error) {
	return s.store.Network(u).FindSites(ctx, f, within)
}

// FindSiteByID: ENOTFOUND when absent from the tenant.
func (s *Service) FindSiteByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.Site, error) {
	return s.store.Network(u).FindSiteByID(ctx, id)
}

// UpdateSite changes the fields set in up: ENOTFOUND, EINVALID (bad
// fields, a new region not in the tenant), ECONFLICT on a stale version
// (0: any) or a duplicate code. An update that leaves the site without a
// radius or polygon needs the site to cover districts (else EINVALID
// naming area.radius_km); the coverage is read under the site's lock, as
// ReplaceSiteDistricts takes it.
func (s *Service) UpdateSite(ctx context.Context, u core.UnitOfWork, id uuid.UUID, up core.SiteUpdate) (*core.Site, error) {
	repo := s.store.Network(u)
	cur, err := repo.FindSiteByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, staleVersion("site", cur.Version, up.Version)
	}
	next := *cur
	up.Apply(&next)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	if next.Area.Empty() {
		ds, err := repo.LockSiteDistricts(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := core.RequireCoverage(next.Area, len(ds), "area.radius_km"); err != nil {
			return nil, err
		}
	}
	if next.RegionID != cur.RegionID {
		if err := checkRegion(ctx, repo, next.RegionID); err != nil {
			return nil, err
		}
	}
	next.UpdatedAt = s.now()
	site, err := repo.UpdateSite(ctx, &next)
	if err != nil {
		return nil, lostRace(err, "site", cur.Version)
	}
	s.record(ctx, u, audit.ActUpdate, audit.ResSite, id, cur, site)
	return site, nil
}

// LoadNetwork returns the tenant's dispatch network: every active site
// (only active sites receive work orders) and the technicians of those
// sites, each ordered by code.
func (s *Service) LoadNetwork(ctx context.Context, u core.UnitOfWork) ([]*core.Site, []*core.Technician, error) {
	return s.store.Network(u).FindNetwork(ctx, core.SiteActive)
}

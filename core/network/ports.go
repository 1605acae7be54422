package network

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the network use cases their repository within a unit of
// work, and the audit log their changes of regions, sites and technicians
// are recorded in. The PostgreSQL adapter implements it; so does the
// in-memory fake of core/coretest.
type Store interface {
	Network(u core.UnitOfWork) Repository
	audit.Store
}

// Repository reads and writes one tenant's regions, sites and
// technicians within a unit of work. It stores what it is given: the
// use cases validate, default and decide. Lists are ordered by code, one
// page of at most Limit rows (clamped to 1-500; 0: 50) after the cursor
// (a code), and return the next cursor ("" on the last page).
type Repository interface {
	// InsertRegion stores a new region and returns it as stored;
	// ECONFLICT when its code is taken.
	InsertRegion(ctx context.Context, r *core.Region) (*core.Region, error)
	// FindRegions lists regions; with within not All, only those in the
	// subtrees of its regions.
	FindRegions(ctx context.Context, f core.RegionFilter, within core.Scope) ([]*core.Region, string, error)
	// FindRegionByID: ENOTFOUND when absent from the tenant.
	FindRegionByID(ctx context.Context, id uuid.UUID) (*core.Region, error)
	// UpdateRegion writes r's code and name if the stored region is still
	// at r.Version, bumps the version, sets updated_at to r.UpdatedAt and
	// returns it as stored. ENOTFOUND when it is absent or at another
	// version; ECONFLICT when the code is taken.
	UpdateRegion(ctx context.Context, r *core.Region) (*core.Region, error)
	// CountRegionDependants counts a region's child regions and the scope
	// grants (of users or keys) on it.
	CountRegionDependants(ctx context.Context, id uuid.UUID) (children, grants int, err error)
	// DeleteRegion deletes a region (nothing when absent); EINVALID while
	// sites refer to it.
	DeleteRegion(ctx context.Context, id uuid.UUID) error

	// RegionExists tells whether the tenant has the region.
	RegionExists(ctx context.Context, id uuid.UUID) (bool, error)
	// InsertSite stores a new site (created and updated at s.CreatedAt)
	// and returns it as stored; ECONFLICT when its code is taken.
	InsertSite(ctx context.Context, s *core.Site) (*core.Site, error)
	// FindSites lists sites; with within not All, only those in the
	// subtrees of its regions and its sites. f.RegionID selects the
	// region's subtree; f.Query matches part of the code, name or address
	// (case-insensitive).
	FindSites(ctx context.Context, f core.SiteFilter, within core.Scope) ([]*core.Site, string, error)
	// FindSiteByID: ENOTFOUND when absent from the tenant.
	FindSiteByID(ctx context.Context, id uuid.UUID) (*core.Site, error)
	// UpdateSite writes every field a client sets if the stored site is
	// still at s.Version, as UpdateRegion.
	UpdateSite(ctx context.Context, s *core.Site) (*core.Site, error)
	// FindNetwork reads the sites of a status and their technicians, each
	// ordered by code, in one round trip.
	FindNetwork(ctx context.Context, siteStatus string) ([]*core.Site, []*core.Technician, error)

	// FindTechnicianRefs reads what a technician refers to: whether its
	// site and user (nil: none) exist, and the code of another
	// technician than self the user is linked to ("" when none).
	FindTechnicianRefs(ctx context.Context, site uuid.UUID, user *uuid.UUID, self uuid.UUID) (TechnicianRefs, error)
	// InsertTechnician stores a new technician as InsertSite; ECONFLICT
	// when its code is taken.
	InsertTechnician(ctx context.Context, t *core.Technician) (*core.Technician, error)
	// FindTechnicians lists technicians; with within not All, only those
	// of the sites inside it. f.Query matches part of the code, name or
	// phone.
	FindTechnicians(ctx context.Context, f core.TechnicianFilter, within core.Scope) ([]*core.Technician, string, error)
	// FindTechnicianByID: ENOTFOUND when absent from the tenant.
	FindTechnicianByID(ctx context.Context, id uuid.UUID) (*core.Technician, error)
	// UpdateTechnician writes site, user, code, name, phone, skills, tags
	// and status if the stored technician is still at t.Version, as
	// UpdateRegion.
	UpdateTechnician(ctx context.Context, t *core.Technician) (*core.Technician, error)
	// UpdateTechnicianLocation stores the location taken at at, unless
	// one taken later is stored (the check and the write are one
	// statement, so concurrent reports cannot undo a later one); the
	// version does not change. ENOTFOUND when the technician is absent or
	// has a later location.
	UpdateTechnicianLocation(ctx context.Context, id uuid.UUID, l core.GeoPoint, at time.Time) (*core.Technician, error)

	// FindSiteImportRefs reads, in one round trip, the regions a site
	// import names (by code or ID) and the sites with its codes.
	FindSiteImportRefs(ctx context.Context, regions Keys, codes []string) (*SiteImportRefs, error)
	// UpsertSites inserts the sites whose code is new and updates those
	// still stored with the same ID at the same version, all created or
	// updated at at. It returns, for each code written, whether it was
	// inserted; a site not in the map was changed meanwhile and is left
	// alone.
	UpsertSites(ctx context.Context, sites []*core.Site, at time.Time) (map[string]bool, error)
	// FindTechnicianImportRefs reads, in one round trip, the sites (by
	// code or ID) and users (by username or ID) a technician import
	// names, the technicians with its codes and the links of its users.
	FindTechnicianImportRefs(ctx context.Context, sites, users Keys, codes []string) (*TechnicianImportRefs, error)
	// UpsertTechnicians writes technicians as UpsertSites.
	UpsertTechnicians(ctx context.Context, techs []*core.Technician, at time.Time) (map[string]bool, error)

	// FindSiteSLAMisses lists a site's misses newest first, one page of
	// at most limit (clamped as the lists) of those recorded before the
	// miss numbered before (0: from the newest), with the number to pass
	// for the next page (0: none) and the site's totals.
	FindSiteSLAMisses(ctx context.Context, site uuid.UUID, before int64, limit int) ([]*core.SiteSLAMiss, int64, *core.SiteSLAMissCounts, error)

	DistrictsRepository
}

// TechnicianRefs are what a technician refers to, as FindTechnicianRefs
// found them.
type TechnicianRefs struct {
	SiteExists bool
	UserExists bool   // true when no user is named
	LinkedTo   string // the code of another technician linked to the user; "" when none
}

// Key names a region, site or user: its ID and its code (a user's
// username).
type Key struct {
	ID   uuid.UUID
	Code string
}

// Keys are the codes and IDs an import names.
type Keys struct {
	Codes []string
	IDs   []uuid.UUID
}

// SiteImportRefs are what the rows of a site import refer to.
type SiteImportRefs struct {
	Regions  []Key
	Existing []*core.Site
}

// TechnicianImportRefs are what the rows of a technician import refer to.
type TechnicianImportRefs struct {
	Sites    []Key
	Users    []Key
	Existing []*core.Technician
	// Links are the users (ID) already linked to a technician (Code).
	Links []Key
}

// DistrictsRepository reads and writes the districts sites cover; part of
// Repository.
type DistrictsRepository interface {
	// FindSiteDistricts lists the divisions a site covers, by code (none:
	// empty); it does not check that the site exists.
	FindSiteDistricts(ctx context.Context, site uuid.UUID) ([]core.SiteDistrict, error)
	// LockSitesDistricts reads the sites with the given codes and their
	// coverage, and locks them against other coverage changes until the
	// unit ends; codes not in the tenant are left out.
	LockSitesDistricts(ctx context.Context, codes []string) ([]SiteCoverage, error)
	// LockSiteDistricts is LockSitesDistricts for one site by ID:
	// ENOTFOUND when it is absent from the tenant.
	LockSiteDistricts(ctx context.Context, site uuid.UUID) ([]core.SiteDistrict, error)
	// ReplaceSiteDistricts makes ds (valid, one per code) the site's whole
	// coverage.
	ReplaceSiteDistricts(ctx context.Context, site uuid.UUID, ds []core.SiteDistrict) error
	// EachSiteDistrict calls fn with every division covered by a site
	// inside within, by site code then division code, stopping at fn's
	// first error.
	EachSiteDistrict(ctx context.Context, within core.Scope, fn func(core.SiteDistrictRow) error) error
}

// SiteCoverage is a site (ID and code) with the divisions it covers.
type SiteCoverage struct {
	Key
	Districts []core.SiteDistrict
}

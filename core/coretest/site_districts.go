package coretest

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

func (r networkRepo) FindSiteDistricts(_ context.Context, site uuid.UUID) ([]core.SiteDistrict, error) {
	return slices.Clone(r.t().Districts[site]), nil
}

func (r networkRepo) LockSiteDistricts(_ context.Context, site uuid.UUID) ([]core.SiteDistrict, error) {
	if _, ok := r.t().Sites[site]; !ok {
		return nil, core.Errorf(core.ENOTFOUND, "site not found")
	}
	return slices.Clone(r.t().Districts[site]), nil
}

func (r networkRepo) LockSitesDistricts(_ context.Context, codes []string) ([]network.SiteCoverage, error) {
	var out []network.SiteCoverage
	for _, s := range r.t().Sites {
		if slices.Contains(codes, s.Code) {
			out = append(out, network.SiteCoverage{Key: network.Key{ID: s.ID, Code: s.Code},
				Districts: slices.Clone(r.t().Districts[s.ID])})
		}
	}
	slices.SortFunc(out, func(a, b network.SiteCoverage) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func (r networkRepo) ReplaceSiteDistricts(_ context.Context, site uuid.UUID, ds []core.SiteDistrict) error {
	if len(ds) == 0 {
		delete(r.t().Districts, site)
		return nil
	}
	r.t().Districts[site] = slices.Clone(ds)
	return nil
}

func (r networkRepo) EachSiteDistrict(_ context.Context, within core.Scope, fn func(core.SiteDistrictRow) error) error {
	in := r.siteInScope(within)
	var sites []core.Site
	for _, s := range r.t().Sites {
		if in(s) && len(r.t().Districts[s.ID]) > 0 {
			sites = append(sites, s)
		}
	}
	slices.SortFunc(sites, func(a, b core.Site) int { return strings.Compare(a.Code, b.Code) })
	for _, s := range sites {
		for _, d := range r.t().Districts[s.ID] {
			if err := fn(core.SiteDistrictRow{SiteID: s.ID, SiteCode: s.Code, SiteDistrict: d}); err != nil {
				return err
			}
		}
	}
	return nil
}

package network

import (
	"context"
	"slices"
	"strings"

	"github.com/aftersales/aftersales/core"
)

// ImportSiteDistricts adds the divisions of rows to their sites' coverage,
// or changes the coverage (primary or secondary) of divisions they cover
// already; divisions a site covers that the file does not name are kept.
// It reports by row what it cannot do: a site not in the tenant or outside
// the caller's scope (the guard is asked for core.ActUpdate), a division
// code the platform does not know, a name that is no division's or that
// names several (the candidates are listed), a bad coverage, the same site
// and division twice, a site that would cover more than
// core.MaxSiteDistricts. Created counts the divisions added, Updated those
// already covered. Each changed site's coverage is recorded in the audit
// log, as ReplaceSiteDistricts does. Only a database failure returns an
// error.
func (s *Service) ImportSiteDistricts(ctx context.Context, u core.UnitOfWork, rows []core.SiteDistrictImportRow, guard ImportGuard) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.SiteCode)
	}
	slices.Sort(codes)
	repo := s.store.Network(u)
	sites, err := repo.LockSitesDistricts(ctx, slices.Compact(codes))
	if err != nil {
		return nil, err
	}
	type change struct {
		site   SiteCoverage
		byCode map[string]string // division → coverage, after the import
	}
	changes := map[string]*change{}
	siteByCode := map[string]SiteCoverage{}
	for _, sc := range sites {
		siteByCode[sc.Code] = sc
	}
	firstRow := map[string]int{} // site + division → row
	for _, r := range rows {
		sc, ok := siteByCode[r.SiteCode]
		if !ok || guard(ctx, core.ActUpdate, core.Target{SiteID: &sc.ID}) != nil {
			rep.Failf(r.Row, "site", "no site with code %q in your scope", truncateRunes(r.SiteCode, 40))
			continue
		}
		d, err := ResolveDivision(r.Division)
		if err != nil {
			rep.Failf(r.Row, "district", "%s", err)
			continue
		}
		cov, err := coverageOf(r.Coverage)
		if err != nil {
			rep.Failf(r.Row, "coverage", "%s", err)
			continue
		}
		key := sc.Code + "\x00" + d.Code
		if at, dup := firstRow[key]; dup {
			rep.Failf(r.Row, "district", "%s (%s) is given again for site %s (first at row %d)", d.Code, d.Name, sc.Code, at)
			continue
		}
		c := changes[sc.Code]
		if c == nil {
			c = &change{site: sc, byCode: map[string]string{}}
			for _, cur := range sc.Districts {
				c.byCode[cur.Code] = cur.Coverage
			}
			changes[sc.Code] = c
		}
		_, had := c.byCode[d.Code]
		if !had && len(c.byCode) >= core.MaxSiteDistricts {
			rep.Failf(r.Row, "district", "site %s would cover more than %d divisions", sc.Code, core.MaxSiteDistricts)
			continue
		}
		firstRow[key] = r.Row
		c.byCode[d.Code] = cov
		if had {
			rep.Updated++
		} else {
			rep.Created++
		}
	}
	order := make([]string, 0, len(changes))
	for code := range changes {
		order = append(order, code)
	}
	slices.Sort(order)
	for _, code := range order {
		c := changes[code]
		next := make([]core.SiteDistrict, 0, len(c.byCode))
		for dc, cov := range c.byCode {
			next = append(next, core.SiteDistrict{Code: dc, Coverage: cov})
		}
		slices.SortFunc(next, func(a, b core.SiteDistrict) int { return strings.Compare(a.Code, b.Code) })
		if slices.Equal(next, c.site.Districts) {
			continue
		}
		if err := repo.ReplaceSiteDistricts(ctx, c.site.ID, next); err != nil {
			return nil, err
		}
		s.recordDistricts(ctx, u, c.site.ID, c.site.Districts, next)
	}
	rep.Finish()
	return rep, nil
}

// ExportSiteDistricts calls each with every division covered by a site
// inside within, by site code then division code, stopping at each's
// first error.
func (s *Service) ExportSiteDistricts(ctx context.Context, u core.UnitOfWork, within core.Scope, each func(core.SiteDistrictRow) error) error {
	return s.store.Network(u).EachSiteDistrict(ctx, within, each)
}

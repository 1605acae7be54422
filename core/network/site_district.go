package network

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
	"github.com/aftersales/aftersales/core/district"
)

// FindSiteDistricts returns the divisions a site covers, by code:
// ENOTFOUND when the site is absent from the tenant.
func (s *Service) FindSiteDistricts(ctx context.Context, u core.UnitOfWork, site uuid.UUID) ([]core.SiteDistrict, error) {
	repo := s.store.Network(u)
	if _, err := repo.FindSiteByID(ctx, site); err != nil {
		return nil, err
	}
	return repo.FindSiteDistricts(ctx, site)
}

// ReplaceSiteDistricts makes ds the site's whole coverage and records the
// change in the audit log: EINVALID naming the item (items[i].code or
// items[i].coverage) for a code the platform's division table does not
// hold, a code given twice or a coverage other than primary or secondary
// ("" is primary), and then nothing is changed; ENOTFOUND when the site
// is absent. It returns the coverage as stored, by code.
//
// A site with no radius or polygon covers only its districts: emptying
// its list is EINVALID naming items.
func (s *Service) ReplaceSiteDistricts(ctx context.Context, u core.UnitOfWork, site uuid.UUID, ds []core.SiteDistrict) ([]core.SiteDistrict, error) {
	next, err := checkDistricts(ds, "items")
	if err != nil {
		return nil, err
	}
	repo := s.store.Network(u)
	before, err := repo.LockSiteDistricts(ctx, site)
	if err != nil {
		return nil, err
	}
	if slices.Equal(before, next) {
		return next, nil
	}
	if len(next) == 0 {
		cur, err := repo.FindSiteByID(ctx, site) // read under the lock
		if err != nil {
			return nil, err
		}
		if cur.Area.Empty() {
			return nil, core.FieldError("items", "the site has no radius or polygon: it must cover at least one division (give it an area first)")
		}
	}
	if err := repo.ReplaceSiteDistricts(ctx, site, next); err != nil {
		return nil, err
	}
	s.recordDistricts(ctx, u, site, before, next)
	return next, nil
}

func (s *Service) recordDistricts(ctx context.Context, u core.UnitOfWork, site uuid.UUID, before, after []core.SiteDistrict) {
	s.record(ctx, u, audit.ActUpdate, audit.ResSite, site,
		map[string]any{"districts": nonNilDistricts(before)}, map[string]any{"districts": nonNilDistricts(after)})
}

func nonNilDistricts(ds []core.SiteDistrict) []core.SiteDistrict {
	if ds == nil {
		return []core.SiteDistrict{}
	}
	return ds
}

// checkDistricts validates a site's coverage and returns it sorted by
// code, coverage defaulted to primary; field names the list in errors
// (items[i].code…).
func checkDistricts(ds []core.SiteDistrict, field string) ([]core.SiteDistrict, error) {
	list := field
	if len(ds) > core.MaxSiteDistricts {
		return nil, core.FieldError(list, "a site covers at most %d divisions (a city's or province's code covers all its districts)", core.MaxSiteDistricts)
	}
	t := district.Default()
	out := make([]core.SiteDistrict, 0, len(ds))
	seen := make(map[string]int, len(ds))
	for i, d := range ds {
		field := fmt.Sprintf("%s[%d]", list, i)
		if _, ok := t.Lookup(d.Code); !ok {
			return nil, core.FieldError(field+".code", "%q is not a division code (GB/T 2260) the platform knows", truncateRunes(d.Code, 20))
		}
		if j, dup := seen[d.Code]; dup {
			return nil, core.FieldError(field+".code", "%s is given twice (first at items[%d])", d.Code, j)
		}
		seen[d.Code] = i
		cov, err := coverageOf(d.Coverage)
		if err != nil {
			return nil, core.FieldError(field+".coverage", "%s", err)
		}
		out = append(out, core.SiteDistrict{Code: d.Code, Coverage: cov})
	}
	slices.SortFunc(out, func(a, b core.SiteDistrict) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func coverageOf(s string) (string, error) {
	switch s {
	case "", core.CoveragePrimary:
		return core.CoveragePrimary, nil
	case core.CoverageSecondary:
		return s, nil
	}
	return "", fmt.Errorf("must be primary or secondary, not %q", truncateRunes(s, 20))
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ResolveDivision finds the division a coverage row names: a six-digit
// code, or a name (广东省深圳市南山区, 深圳南山区, 南山区, 深圳市…) that must
// name one division and nothing else. An ambiguous name is an error
// listing the candidates.
func ResolveDivision(text string) (district.Division, error) {
	t := district.Default()
	if d, ok := t.Lookup(text); ok {
		return d, nil
	}
	if len(text) == 6 && strings.Trim(text, "0123456789") == "" {
		return district.Division{}, fmt.Errorf("%s is not a division code (GB/T 2260) the platform knows", text)
	}
	p := t.Parse(text)
	if p.Ambiguous() {
		names := make([]string, len(p.Candidates))
		for i, c := range p.Candidates {
			names[i] = fmt.Sprintf("%s %s", c.District.Code, Label(c.District.Code))
		}
		return district.Division{}, fmt.Errorf("%q names several districts: %s; write the code or the city too",
			truncateRunes(text, 40), strings.Join(names, ", "))
	}
	d, ok := t.Lookup(p.Code())
	if !ok || strings.TrimSpace(p.Remainder) != "" {
		return district.Division{}, fmt.Errorf("%q is not the name of a province, city or district", truncateRunes(text, 40))
	}
	return d, nil
}

// Label is a division's full name with its parents', e.g. 广东省深圳市南山区
// (a municipality's city level, 北京市 under 北京市, and the 省直辖 groups are
// left out); "" for an unknown code.
func Label(code string) string { return district.Default().Label(code) }

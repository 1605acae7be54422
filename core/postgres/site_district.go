package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

func scanSiteDistrict(row pgx.Row) (core.SiteDistrict, error) {
	var d core.SiteDistrict
	return d, row.Scan(&d.Code, &d.Coverage)
}

func (r networkRepo) FindSiteDistricts(ctx context.Context, site uuid.UUID) ([]core.SiteDistrict, error) {
	return readAll(ctx, r.u, scanSiteDistrict,
		`SELECT division_code, coverage FROM site_districts WHERE site_id = $1 ORDER BY division_code`, site)
}

// LockSiteDistricts locks the site's row (FOR NO KEY UPDATE: the coverage
// rows' foreign keys still take their share lock) so that concurrent
// replacements run one after the other.
func (r networkRepo) LockSiteDistricts(ctx context.Context, site uuid.UUID) ([]core.SiteDistrict, error) {
	var found bool
	var out []core.SiteDistrict
	b := &pgx.Batch{}
	b.Queue(`SELECT true FROM sites WHERE id = $1 FOR NO KEY UPDATE`, site).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&found)
		if err == pgx.ErrNoRows {
			return nil
		}
		return err
	})
	b.Queue(`SELECT division_code, coverage FROM site_districts WHERE site_id = $1 ORDER BY division_code`, site).
		Query(func(rows pgx.Rows) (err error) {
			out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.SiteDistrict, error) { return scanSiteDistrict(r) })
			return err
		})
	if err := r.u.read(ctx, b); err != nil {
		return nil, err
	}
	if !found {
		return nil, core.Errorf(core.ENOTFOUND, "site not found")
	}
	return out, nil
}

func (r networkRepo) LockSitesDistricts(ctx context.Context, codes []string) ([]network.SiteCoverage, error) {
	var sites []network.SiteCoverage
	index := map[uuid.UUID]int{}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, code FROM sites WHERE code = ANY($1) ORDER BY code FOR NO KEY UPDATE`, codes).
		Query(func(rows pgx.Rows) error {
			keys, err := collectKeys(rows)
			for _, k := range keys {
				index[k.ID] = len(sites)
				sites = append(sites, network.SiteCoverage{Key: k})
			}
			return err
		})
	b.Queue(`SELECT d.site_id, d.division_code, d.coverage FROM site_districts d JOIN sites s ON s.tenant_id = d.tenant_id
		AND s.id = d.site_id WHERE s.code = ANY($1) ORDER BY d.site_id, d.division_code`, codes).
		Query(func(rows pgx.Rows) error {
			var id uuid.UUID
			var d core.SiteDistrict
			_, err := pgx.ForEachRow(rows, []any{&id, &d.Code, &d.Coverage}, func() error {
				if i, ok := index[id]; ok {
					sites[i].Districts = append(sites[i].Districts, d)
				}
				return nil
			})
			return err
		})
	return sites, r.u.read(ctx, b)
}

func (r networkRepo) ReplaceSiteDistricts(_ context.Context, site uuid.UUID, ds []core.SiteDistrict) error {
	codes, covs := make([]string, len(ds)), make([]string, len(ds))
	for i, d := range ds {
		codes[i], covs[i] = d.Code, d.Coverage
	}
	r.u.write(`DELETE FROM site_districts WHERE site_id = $1`, site)
	if len(ds) > 0 {
		r.u.write(`INSERT INTO site_districts (tenant_id, site_id, division_code, coverage)
			SELECT $1, $2, c, v FROM unnest($3::text[], $4::text[]) AS x(c, v)`, r.u.tenantID, site, codes, covs)
	}
	return nil
}

func (r networkRepo) EachSiteDistrict(ctx context.Context, within core.Scope, fn func(core.SiteDistrictRow) error) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	rows, err := q.Query(ctx, `WITH RECURSIVE `+scopeRegionsCTE+`
		SELECT s.id, s.code, d.division_code, d.coverage
		FROM sites s JOIN site_districts d ON d.tenant_id = s.tenant_id AND d.site_id = s.id
		WHERE `+siteInScopeOf("s")+`
		ORDER BY s.code, d.division_code`, within.All, within.Regions, within.Sites)
	if err != nil {
		return err
	}
	var row core.SiteDistrictRow
	_, err = pgx.ForEachRow(rows, []any{&row.SiteID, &row.SiteCode, &row.Code, &row.Coverage}, func() error { return fn(row) })
	return err
}

// siteInScopeOf is siteInScope for the sites row aliased as alias.
func siteInScopeOf(alias string) string {
	return `($1 OR ` + alias + `.id = ANY($3) OR ` + alias + `.region_id IN (SELECT id FROM scope_regions))`
}

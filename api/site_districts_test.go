package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func districtsPath(site uuid.UUID) string { return "/v1/sites/" + site.String() + "/districts" }

// coverageOf returns code → coverage of a districts response.
func coverageOf(r resp) map[string]string {
	out := map[string]string{}
	for _, it := range r.JSON["items"].([]any) {
		m := it.(map[string]any)
		out[m["code"].(string)] = m["coverage"].(string)
	}
	return out
}

// TestSiteDistricts: a site's coverage is read and replaced with names and
// labels, audited; unknown or repeated codes and bad coverage are a 422
// naming the item with nothing stored; a site manager reaches only their
// site (404 elsewhere), another tenant sees nothing.
func TestSiteDistricts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin

	require.Empty(t, b.must(200, "GET", districtsPath(n.near), admin, nil).JSON["items"])
	found := b.must(200, "GET", "/v1/divisions?q=南山", n.nearMgrTok, nil)
	require.Contains(t, string(found.Raw), `"label":"广东省深圳市南山区"`, "the picker's search: %s", found.Raw)
	r := b.must(200, "PUT", districtsPath(n.near), admin, map[string]any{"items": []map[string]any{
		{"code": "440306", "coverage": "secondary"}, {"code": "440305"}, {"code": "440000", "coverage": "secondary"}}})
	require.Equal(t, map[string]string{"440000": "secondary", "440305": "primary", "440306": "secondary"}, coverageOf(r))
	first := r.JSON["items"].([]any)[1].(map[string]any)
	require.Equal(t, "南山区", first["name"])
	require.Equal(t, "广东省深圳市南山区", first["label"])
	require.Equal(t, "district", first["level"])
	require.JSONEq(t, string(r.Raw), string(b.must(200, "GET", districtsPath(n.near), admin, nil).Raw))

	ev := b.must(200, "GET", "/v1/audit-events?resource_type=site&resource_id="+n.near.String(), admin, nil)
	require.Contains(t, string(ev.Raw), `"440306"`, "the change is in the audit log: %s", ev.Raw)

	stored := coverageOf(r)
	for name, c := range []struct {
		items []map[string]any
		field string
	}{
		{[]map[string]any{{"code": "440305"}, {"code": "999999"}}, "body.items[1].code"},
		{[]map[string]any{{"code": "440305"}, {"code": "440305", "coverage": "secondary"}}, "body.items[1].code"},
		{[]map[string]any{{"code": "4403"}}, "body.items[0].code"},
		{[]map[string]any{{"code": "440305", "coverage": "backup"}}, "body.items[0].coverage"},
	} {
		bad := b.must(422, "PUT", districtsPath(n.near), admin, map[string]any{"items": c.items})
		require.Contains(t, string(bad.Raw), c.field, "case %d: %s", name, bad.Raw)
		require.Equal(t, stored, coverageOf(b.must(200, "GET", districtsPath(n.near), admin, nil)), "case %d stored nothing", name)
	}

	// Scope: the near site's manager edits it and nothing else; the
	// Guangxi manager reads and edits Guangxi's site only.
	b.must(200, "PUT", districtsPath(n.near), n.nearMgrTok, map[string]any{"items": []map[string]any{{"code": "440305"}}})
	b.must(404, "GET", districtsPath(n.other), n.nearMgrTok, nil)
	b.must(404, "PUT", districtsPath(n.other), n.nearMgrTok, map[string]any{"items": []map[string]any{{"code": "450103"}}})
	b.must(200, "PUT", districtsPath(n.other), n.gxMgrTok, map[string]any{"items": []map[string]any{{"code": "450103"}}})
	b.must(404, "PUT", districtsPath(n.near), n.gxMgrTok, map[string]any{"items": []map[string]any{{"code": "450103"}}})
	require.Equal(t, map[string]string{"440305": "primary"}, coverageOf(b.must(200, "GET", districtsPath(n.near), admin, nil)))

	// Another tenant can neither read nor change acme's coverage.
	globex := b.newNetwork("globex")
	b.must(404, "GET", districtsPath(n.near), globex.tenant.admin, nil)
	b.must(404, "PUT", districtsPath(n.near), globex.tenant.admin, map[string]any{"items": []map[string]any{}})
	require.Equal(t, map[string]string{"440305": "primary"}, coverageOf(b.must(200, "GET", districtsPath(n.near), admin, nil)))
	require.Empty(t, b.must(200, "GET", districtsPath(globex.near), globex.tenant.admin, nil).JSON["items"])

	// An empty list removes the coverage.
	require.Empty(t, b.must(200, "PUT", districtsPath(n.near), admin, map[string]any{"items": []any{}}).JSON["items"])
}

// TestSiteDistrictsImportExport: a CSV adds coverage by code or by name
// with a per-row report (ambiguous names list their candidates; unknown
// codes, sites outside the caller's scope or tenant, bad coverage and
// repeats fail alone); a bad header stores nothing; the export streams the
// coverage of the caller's sites and imports back unchanged.
func TestSiteDistrictsImportExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	globex := b.newNetwork("globex")
	admin := n.tenant.admin
	b.must(200, "PUT", districtsPath(n.near), admin, map[string]any{"items": []map[string]any{{"code": "440306"}}})

	file := "site,district,coverage\n" +
		"S-NEAR,440305,primary\n" + // 2: added
		"S-NEAR,深圳市宝安区,secondary\n" + // 3: by name, changes 440306's coverage
		"S-NN,广西桂林市,\n" + // 4: a city by name, primary by default
		"S-NEAR,朝阳区,primary\n" + // 5: ambiguous
		"S-NEAR,999999,primary\n" + // 6: unknown code
		"S-NEAR,月球市,primary\n" + // 7: no such name
		"S-NOPE,440305,primary\n" + // 8: no such site
		"S-NEAR,440305,secondary\n" + // 9: repeated
		"S-FAR,441900,backup\n" // 10: bad coverage
	r := b.must(200, "POST", "/v1/site-districts/import", admin, file, csvHeader...)
	require.Equal(t, 9.0, r.JSON["total"], "%s", r.Raw)
	require.Equal(t, 2.0, r.JSON["created"], "%s", r.Raw)
	require.Equal(t, 1.0, r.JSON["updated"], "%s", r.Raw)
	require.Equal(t, 6.0, r.JSON["failed"], "%s", r.Raw)
	errs := map[int]string{}
	for _, e := range r.JSON["errors"].([]any) {
		m := e.(map[string]any)
		errs[int(m["row"].(float64))] = fmt.Sprint(m["field"], ": ", m["message"])
	}
	require.Contains(t, errs[5], "district: ")
	require.Contains(t, errs[5], "110105", "the candidates are listed: %s", errs[5])
	require.Contains(t, errs[5], "220104", "the candidates are listed: %s", errs[5])
	require.Contains(t, errs[6], "999999")
	require.Contains(t, errs[7], "月球市")
	require.Contains(t, errs[8], "site: ")
	require.Contains(t, errs[9], "row 2")
	require.Contains(t, errs[10], "coverage: ")
	require.Equal(t, map[string]string{"440305": "primary", "440306": "secondary"},
		coverageOf(b.must(200, "GET", districtsPath(n.near), admin, nil)))
	require.Equal(t, map[string]string{"450300": "primary"}, coverageOf(b.must(200, "GET", districtsPath(n.other), admin, nil)))
	require.Empty(t, b.must(200, "GET", districtsPath(n.far), admin, nil).JSON["items"])

	// Scope and tenant: rows for sites the caller may not change fail, as
	// if the sites did not exist.
	r = b.must(200, "POST", "/v1/site-districts/import", n.nearMgrTok, "site,district\nS-NN,450103\nS-NEAR,440307\n", csvHeader...)
	require.Equal(t, 1.0, r.JSON["failed"], "%s", r.Raw)
	require.Contains(t, string(r.Raw), `no site with code \"S-NN\" in your scope`)
	r = b.must(200, "POST", "/v1/site-districts/import", globex.tenant.admin, "site,district\nS-NEAR,440101\n", csvHeader...)
	require.Equal(t, 1.0, r.JSON["failed"], "%s", r.Raw)
	require.Equal(t, map[string]string{"450300": "primary"}, coverageOf(b.must(200, "GET", districtsPath(n.other), admin, nil)))

	// A file-level problem stores nothing.
	bad := b.must(422, "POST", "/v1/site-districts/import", admin, "site,region\nS-FAR,441900\n", csvHeader...)
	require.Contains(t, string(bad.Raw), "region")
	b.must(422, "POST", "/v1/site-districts/import", admin, "site,coverage\nS-FAR,primary\n", csvHeader...)
	require.Empty(t, b.must(200, "GET", districtsPath(n.far), admin, nil).JSON["items"])

	// Export: the caller's sites only, importable as it is.
	exp := b.must(200, "GET", "/v1/site-districts/export", admin, nil)
	require.Equal(t, "text/csv; charset=utf-8", exp.Header.Get("Content-Type"))
	body := strings.TrimPrefix(string(exp.Raw), "\xef\xbb\xbf")
	require.Equal(t, "site,district,coverage,district_name\n"+
		"S-NEAR,440305,primary,广东省深圳市南山区\n"+
		"S-NEAR,440306,secondary,广东省深圳市宝安区\n"+
		"S-NEAR,440307,primary,广东省深圳市龙岗区\n"+
		"S-NN,450300,primary,广西壮族自治区桂林市\n", body)
	mine := b.must(200, "GET", "/v1/site-districts/export", n.nearMgrTok, nil)
	require.NotContains(t, string(mine.Raw), "S-NN")
	require.Contains(t, string(mine.Raw), "S-NEAR,440305")
	require.Equal(t, "site,district,coverage,district_name\n",
		strings.TrimPrefix(string(b.must(200, "GET", "/v1/site-districts/export", globex.tenant.admin, nil).Raw), "\xef\xbb\xbf"))
	again := b.must(200, "POST", "/v1/site-districts/import", admin, exp.Raw, csvHeader...)
	require.Equal(t, 0.0, again.JSON["failed"], "%s", again.Raw)
	require.Equal(t, 4.0, again.JSON["updated"], "%s", again.Raw)
}

// TestDispatchByDistrictCoverage: an order whose address is only text is
// parsed to its district and dispatched to the site covering it, far
// outside any site's area and the engine's search box; the reasons say
// which coverage matched, and a site covering the district as secondary
// ranks after the one covering it as primary.
func TestDispatchByDistrictCoverage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	b.must(200, "PUT", districtsPath(n.other), admin, map[string]any{"items": []map[string]any{{"code": "450300"}}})
	b.must(200, "PUT", districtsPath(n.near), admin, map[string]any{"items": []map[string]any{
		{"code": "450304", "coverage": "secondary"}}})

	text := map[string]any{"lat": nil, "lon": nil, "address": "桂林象山区中山南路1号 13800138000"}
	r := b.intake(n, admin, text)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, n.other.String(), r.str("site_id"), "%s", r.Raw)
	dec := r.JSON["dispatch_decision"].(map[string]any)
	require.Equal(t, "450304", dec["division_code"])
	require.Equal(t, true, dec["location_approximate"])
	ranking := dec["ranking"].([]any)
	require.Len(t, ranking, 2, "only the two sites covering Guilin: %s", r.Raw)
	top, second := ranking[0].(map[string]any), ranking[1].(map[string]any)
	require.Equal(t, n.other.String(), top["site_id"])
	require.Contains(t, top["reasons"].([]any)[0], "covers address (district 450300 广西壮族自治区桂林市,")
	require.Equal(t, "covers_district", top["reason_details"].([]any)[0].(map[string]any)["code"])
	require.Equal(t, n.near.String(), second["site_id"])
	require.Equal(t, true, second["eligible"])
	require.Contains(t, second["reasons"].([]any)[0], "covers address (district 450304 广西壮族自治区桂林市象山区, secondary,")
	require.Equal(t, "covers_district_secondary", second["reason_details"].([]any)[0].(map[string]any)["code"])

	// Without the primary coverage the secondary site takes the order.
	b.must(200, "PUT", districtsPath(n.other), admin, map[string]any{"items": []any{}})
	r = b.intake(n, admin, text)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, n.near.String(), r.str("site_id"), "%s", r.Raw)

	// Another tenant's coverage of the same district does not reach acme.
	globex := b.newNetwork("globex")
	b.must(200, "PUT", districtsPath(globex.other), globex.tenant.admin, map[string]any{"items": []map[string]any{{"code": "450304"}}})
	b.must(200, "PUT", districtsPath(n.near), admin, map[string]any{"items": []any{}})
	r = b.intake(n, admin, text)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Empty(t, r.str("site_id"), "no acme site covers Guilin now: %s", r.Raw)
}

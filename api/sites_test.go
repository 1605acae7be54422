package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// siteBody is a valid POST /v1/sites body; extra fields replace its own.
func siteBody(region uuid.UUID, code string, extra map[string]any) map[string]any {
	body := map[string]any{"region_id": region.String(), "code": code, "name": "服务站 " + code,
		"kind": "service_station", "location": map[string]any{"lat": 22.54, "lon": 113.93},
		"area": map[string]any{"radius_km": 15}}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

func (b *testBundle) createSite(token string, region uuid.UUID, code string, extra map[string]any) uuid.UUID {
	b.t.Helper()
	r := b.must(201, "POST", "/v1/sites", token, siteBody(region, code, extra))
	return uuid.MustParse(r.str("id"))
}

// codes returns the codes of a list response's items.
func codes(r resp) []string {
	out := []string{}
	for _, it := range r.JSON["items"].([]any) {
		out = append(out, it.(map[string]any)["code"].(string))
	}
	return out
}

// regionTree is CN → S → GD → SZ and CN → S → GX.
type regionTree struct{ cn, south, gd, gx, sz uuid.UUID }

func (b *testBundle) regionTree(admin string) regionTree {
	var t regionTree
	t.cn = b.createRegion(admin, nil, "country", "CN", "中国")
	t.south = b.createRegion(admin, &t.cn, "region", "S", "华南")
	t.gd = b.createRegion(admin, &t.south, "province", "GD", "广东省")
	t.gx = b.createRegion(admin, &t.south, "province", "GX", "广西")
	t.sz = b.createRegion(admin, &t.gd, "city", "GD-SZ", "深圳")
	return t
}

// TestSiteCRUD: create with defaults, read, list with every filter and
// pagination, update with optimistic concurrency.
func TestSiteCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	rt := b.regionTree(acme.admin)

	r := b.must(201, "POST", "/v1/sites", acme.admin, siteBody(rt.sz, "SZ-001", map[string]any{
		"address": "南山区科技园", "phone": "0755-8888 6666", "product_lines": []string{"AC", "FRIDGE"},
		"skills": []string{"install"}, "working_hours": map[string]any{"mon": []string{"08:30-12:00", "13:30-18:00"}},
		"auto_assign": false}))
	id := r.str("id")
	require.Equal(t, "SZ-001", r.str("code"))
	require.Equal(t, "active", r.str("status"))
	require.Equal(t, 80.0, r.JSON["reputation"])
	require.Equal(t, 10.0, r.JSON["daily_capacity"])
	require.Equal(t, false, r.JSON["auto_assign"])
	require.Equal(t, 1.0, r.JSON["version"])
	require.Equal(t, map[string]any{"radius_km": 15.0}, r.JSON["area"])
	require.Equal(t, map[string]any{"lat": 22.54, "lon": 113.93}, r.JSON["location"])

	got := b.must(200, "GET", "/v1/sites/"+id, acme.admin, nil)
	require.JSONEq(t, string(r.Raw), string(got.Raw))

	poly := []map[string]any{{"lat": 23, "lon": 108}, {"lat": 23, "lon": 109}, {"lat": 24, "lon": 109}, {"lat": 23, "lon": 108}}
	b.createSite(acme.admin, rt.gx, "GX-001", map[string]any{"kind": "dealer", "area": map[string]any{"polygon": poly}})
	b.createSite(acme.admin, rt.gd, "GD-001", map[string]any{"kind": "repair_center", "status": "suspended",
		"product_lines": []string{"AC"}, "address": "广州天河"})
	for i := 0; i < 5; i++ {
		b.createSite(acme.admin, rt.gd, fmt.Sprintf("GD-1%02d", i), nil)
	}

	list := func(query string) []string {
		return codes(b.must(200, "GET", "/v1/sites"+query, acme.admin, nil))
	}
	require.Equal(t, []string{"GD-001", "GD-100", "GD-101", "GD-102", "GD-103", "GD-104", "GX-001", "SZ-001"}, list(""))
	require.Equal(t, []string{"GD-001", "GD-100", "GD-101", "GD-102", "GD-103", "GD-104", "SZ-001"}, list("?region_id="+rt.gd.String()))
	require.Equal(t, []string{"SZ-001"}, list("?region_id="+rt.sz.String()))
	require.Equal(t, []string{"GD-001"}, list("?status=suspended"))
	require.Equal(t, []string{"GX-001"}, list("?kind=dealer"))
	require.Equal(t, []string{"GD-001", "SZ-001"}, list("?product_line=AC"))
	require.Equal(t, []string{"GD-001"}, list("?q=天河"))
	require.Equal(t, []string{"SZ-001"}, list("?q=sz-0"))
	require.Equal(t, []string{}, list("?q=%25"), "LIKE wildcards are escaped")
	b.must(422, "GET", "/v1/sites?region_id=nope", acme.admin, nil)

	// Cursor pagination by code.
	var all []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		page := b.must(200, "GET", "/v1/sites?limit=3&cursor="+cursor, acme.admin, nil)
		all = append(all, codes(page)...)
		if cursor = page.str("next_cursor"); cursor == "" {
			break
		}
	}
	require.Equal(t, list(""), all)

	// Update with the version read; a stale version is refused.
	up := b.must(200, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 1, "name": "南山站",
		"reputation": 91.5, "area": map[string]any{"polygon": poly}, "region_id": rt.gd.String(), "skills": []string{}})
	require.Equal(t, "南山站", up.str("name"))
	require.Equal(t, 91.5, up.JSON["reputation"])
	require.Equal(t, 2.0, up.JSON["version"])
	require.Equal(t, rt.gd.String(), up.str("region_id"))
	require.Len(t, up.JSON["area"].(map[string]any)["polygon"], 4)
	require.Nil(t, up.JSON["area"].(map[string]any)["radius_km"])
	require.Equal(t, []any{}, up.JSON["skills"])
	require.Equal(t, []any{"AC", "FRIDGE"}, up.JSON["product_lines"], "fields not sent are kept")
	stale := b.must(409, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 1, "name": "x"})
	require.Contains(t, stale.str("detail"), "changed by someone else")
	b.must(409, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 2, "code": "GD-001"})
	b.must(404, "PATCH", "/v1/sites/"+uuid.NewString(), acme.admin, map[string]any{"version": 1, "name": "x"})
	b.must(404, "GET", "/v1/sites/"+uuid.NewString(), acme.admin, nil)
	require.Equal(t, "南山站", b.must(200, "GET", "/v1/sites/"+id, acme.admin, nil).str("name"))

	// Idempotent create: the same key replays the same site.
	key := []string{"Idempotency-Key", "site-create-1"}
	first := b.must(201, "POST", "/v1/sites", acme.admin, siteBody(rt.gd, "GD-200", nil), key...)
	again := b.must(201, "POST", "/v1/sites", acme.admin, siteBody(rt.gd, "GD-200", nil), key...)
	require.Equal(t, first.str("id"), again.str("id"))
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
}

// TestSiteValidation: every bad input is a 422 naming the field (or a 409
// for a duplicate code or a stale version), and nothing is written.
func TestSiteValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	rt := b.regionTree(acme.admin)
	b.createSite(acme.admin, rt.gd, "TAKEN", nil)

	cases := []struct {
		name  string
		extra map[string]any
		field string // expected in the problem's errors; "" to skip
	}{
		{"lat above 90", map[string]any{"location": map[string]any{"lat": 90.5, "lon": 113}}, "body.location.lat"},
		{"lon below -180", map[string]any{"location": map[string]any{"lat": 22, "lon": -181}}, "body.location.lon"},
		{"lat NaN string", map[string]any{"location": map[string]any{"lat": "NaN", "lon": 113}}, "body.location.lat"},
		{"lon Infinity string", map[string]any{"location": map[string]any{"lat": 22, "lon": "Infinity"}}, "body.location.lon"},
		{"lat missing", map[string]any{"location": map[string]any{"lon": 113}}, ""},
		{"no area", map[string]any{"area": map[string]any{}}, "body.area.radius_km"},
		{"zero radius", map[string]any{"area": map[string]any{"radius_km": 0}}, "body.area.radius_km"},
		{"radius and polygon", map[string]any{"area": map[string]any{"radius_km": 5,
			"polygon": []map[string]any{{"lat": 1, "lon": 1}, {"lat": 2, "lon": 1}, {"lat": 2, "lon": 2}}}}, "body.area"},
		{"polygon of two", map[string]any{"area": map[string]any{"polygon": []map[string]any{{"lat": 1, "lon": 1}, {"lat": 2, "lon": 1}}}}, ""},
		{"flat polygon", map[string]any{"area": map[string]any{"polygon": []map[string]any{{"lat": 1, "lon": 1}, {"lat": 2, "lon": 2}, {"lat": 3, "lon": 3}}}}, "body.area.polygon"},
		{"polygon vertex out of range", map[string]any{"area": map[string]any{"polygon": []map[string]any{{"lat": 1, "lon": 1}, {"lat": 2, "lon": 1}, {"lat": 95, "lon": 2}}}}, ""},
		{"unknown region", map[string]any{"region_id": uuid.NewString()}, "body.region_id"},
		{"bad working hours", map[string]any{"working_hours": map[string]any{"mon": []string{"8-12"}}}, "body.working_hours"},
		{"overlapping hours", map[string]any{"working_hours": map[string]any{"mon": []string{"08:00-12:00", "11:00-13:00"}}}, "body.working_hours"},
		{"unknown day", map[string]any{"working_hours": map[string]any{"monday": []string{"08:00-12:00"}}}, "body.working_hours"},
		{"reputation 150", map[string]any{"reputation": 150}, "body.reputation"},
		{"negative capacity", map[string]any{"daily_capacity": -1}, "body.daily_capacity"},
		{"bad kind", map[string]any{"kind": "shop"}, "body.kind"},
		{"bad status", map[string]any{"status": "open"}, "body.status"},
		{"bad code", map[string]any{"code": "a b"}, "body.code"},
		{"empty name", map[string]any{"name": ""}, "body.name"},
		{"bad phone", map[string]any{"phone": "call me"}, "body.phone"},
		{"bad product line", map[string]any{"product_lines": []string{"A C"}}, "body.product_lines"},
		{"unknown field", map[string]any{"colour": "red"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(422, "POST", "/v1/sites", acme.admin, siteBody(rt.gd, "NEW-1", c.extra))
			if c.field != "" {
				require.Contains(t, string(r.Raw), `"location":"`+c.field+`"`, "%s", r.Raw)
			}
		})
	}
	dup := b.must(409, "POST", "/v1/sites", acme.admin, siteBody(rt.gd, "TAKEN", nil))
	require.Contains(t, dup.str("detail"), "TAKEN")
	require.Equal(t, []string{"TAKEN"}, codes(b.must(200, "GET", "/v1/sites", acme.admin, nil)))

	id := b.createSite(acme.admin, rt.gd, "OTHER", nil).String()
	b.must(422, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 1, "reputation": 150})
	b.must(422, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 1, "region_id": uuid.NewString()})
	b.must(422, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 1, "area": map[string]any{"radius_km": 1,
		"polygon": []map[string]any{{"lat": 1, "lon": 1}, {"lat": 2, "lon": 1}, {"lat": 2, "lon": 2}}}})
	b.must(409, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 7, "name": "x"})
	require.Equal(t, 1.0, b.must(200, "GET", "/v1/sites/"+id, acme.admin, nil).JSON["version"])
}

// TestSiteScope: a region manager sees the sites of their region's subtree
// only; a site manager sees their one site and its technicians; creating a
// site needs scope over its region.
func TestSiteScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	rt := b.regionTree(acme.admin)
	sz := b.createSite(acme.admin, rt.sz, "SZ-001", nil)
	gd := b.createSite(acme.admin, rt.gd, "GD-001", nil)
	gx := b.createSite(acme.admin, rt.gx, "GX-001", nil)
	szTech := b.createTechnician(acme.admin, sz, "T-SZ", nil)
	b.createTechnician(acme.admin, gd, "T-GD", nil)
	gxTech := b.createTechnician(acme.admin, gx, "T-GX", nil)

	_, gdMgr := b.createUser(acme.admin, "acme", "gd.manager", []string{"region_manager"},
		map[string]any{"regions": []string{rt.gd.String()}})
	require.Equal(t, []string{"GD-001", "SZ-001"}, codes(b.must(200, "GET", "/v1/sites", gdMgr, nil)))
	require.Equal(t, []string{}, codes(b.must(200, "GET", "/v1/sites?region_id="+rt.gx.String(), gdMgr, nil)))
	require.Equal(t, []string{"T-GD", "T-SZ"}, codes(b.must(200, "GET", "/v1/technicians", gdMgr, nil)))
	b.must(200, "GET", "/v1/sites/"+sz.String(), gdMgr, nil)
	b.must(404, "GET", "/v1/sites/"+gx.String(), gdMgr, nil)
	b.must(404, "PATCH", "/v1/sites/"+gx.String(), gdMgr, map[string]any{"version": 1, "name": "mine"})
	b.must(404, "GET", "/v1/technicians/"+gxTech.String(), gdMgr, nil)
	b.must(200, "PATCH", "/v1/sites/"+sz.String(), gdMgr, map[string]any{"version": 1, "name": "mine"})
	// Moving a site out of one's scope is refused.
	b.must(403, "PATCH", "/v1/sites/"+sz.String(), gdMgr, map[string]any{"version": 2, "region_id": rt.gx.String()})
	// A site created later in the subtree is in scope at once.
	later := b.createSite(acme.admin, rt.sz, "SZ-002", nil)
	b.must(200, "GET", "/v1/sites/"+later.String(), gdMgr, nil)
	// Moving a site into the manager's region brings it into scope.
	b.must(404, "GET", "/v1/sites/"+gx.String(), gdMgr, nil)
	b.must(200, "PATCH", "/v1/sites/"+gx.String(), acme.admin, map[string]any{"version": 1, "region_id": rt.sz.String()})
	b.must(200, "GET", "/v1/sites/"+gx.String(), gdMgr, nil)

	_, siteMgr := b.createUser(acme.admin, "acme", "sz.manager", []string{"site_manager"},
		map[string]any{"sites": []string{sz.String()}})
	require.Equal(t, []string{"SZ-001"}, codes(b.must(200, "GET", "/v1/sites", siteMgr, nil)))
	require.Equal(t, []string{"T-SZ"}, codes(b.must(200, "GET", "/v1/technicians", siteMgr, nil)))
	b.must(200, "GET", "/v1/technicians/"+szTech.String(), siteMgr, nil)
	b.must(404, "GET", "/v1/sites/"+gd.String(), siteMgr, nil)
	b.must(403, "POST", "/v1/sites", siteMgr, siteBody(rt.sz, "NOPE", nil)) // no sites:create at all
	// The site manager adds technicians to their site only.
	b.must(201, "POST", "/v1/technicians", siteMgr, techBody(sz, "T-SZ-2", nil))
	b.must(403, "POST", "/v1/technicians", siteMgr, techBody(gd, "T-GD-2", nil))

	// An integration user scoped to Guangdong creates sites there only.
	_, integ := b.createUser(acme.admin, "acme", "gd.erp", []string{"integration"}, map[string]any{"regions": []string{rt.gd.String()}})
	b.must(201, "POST", "/v1/sites", integ, siteBody(rt.sz, "SZ-ERP", nil))
	r := b.do("POST", "/v1/sites", integ, siteBody(rt.gx, "GX-ERP", nil))
	require.Contains(t, []int{403, 404}, r.Status, "%s", r.Raw)
	require.NotContains(t, codes(b.must(200, "GET", "/v1/sites", acme.admin, nil)), "GX-ERP")
}

// TestSiteIsolation: another tenant's sites and technicians are invisible
// on every endpoint, and unchanged.
func TestSiteIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("alpha"), b.onboard("omega")
	aRegion := b.createRegion(a.admin, nil, "country", "CN", "中国")
	oRegion := b.createRegion(o.admin, nil, "country", "CN", "中国")
	oSite := b.createSite(o.admin, oRegion, "O-SITE", nil)
	aSite := b.createSite(a.admin, aRegion, "A-SITE", nil)
	oTech := b.createTechnician(o.admin, oSite, "O-TECH", nil)
	before := string(b.must(200, "GET", "/v1/sites/"+oSite.String(), o.admin, nil).Raw) +
		string(b.must(200, "GET", "/v1/technicians/"+oTech.String(), o.admin, nil).Raw)

	cases := []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"get site", "GET", "/v1/sites/" + oSite.String(), nil, 404},
		{"update site", "PATCH", "/v1/sites/" + oSite.String(), map[string]any{"version": 1, "name": "hijacked"}, 404},
		{"get technician", "GET", "/v1/technicians/" + oTech.String(), nil, 404},
		{"update technician", "PATCH", "/v1/technicians/" + oTech.String(), map[string]any{"version": 1, "name": "hijacked"}, 404},
		{"move technician", "PATCH", "/v1/technicians/" + oTech.String() + "/location", map[string]any{"lat": 1, "lon": 1}, 404},
		{"site in other's region", "POST", "/v1/sites", siteBody(oRegion, "X-1", nil), 422},
		{"technician at other's site", "POST", "/v1/technicians", techBody(oSite, "X-T", nil), 422},
		{"move own site to other's region", "PATCH", "/v1/sites/" + aSite.String(), map[string]any{"version": 1, "region_id": oRegion.String()}, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b.must(c.status, c.method, c.path, a.admin, c.body)
		})
	}
	// Imports by code or ID cannot reach the other tenant's rows either.
	rep := b.must(200, "POST", "/v1/sites/import", a.admin, []map[string]any{siteBody(oRegion, "X-2", nil)})
	require.Equal(t, 1.0, rep.JSON["failed"])
	rep = b.must(200, "POST", "/v1/technicians/import", a.admin, "code,name,phone,site\nO-TECH,x,13900000000,O-SITE\n",
		"Content-Type", "text/csv")
	require.Equal(t, 1.0, rep.JSON["failed"])

	require.Equal(t, []string{"A-SITE"}, codes(b.must(200, "GET", "/v1/sites", a.admin, nil)))
	require.Equal(t, []string{}, codes(b.must(200, "GET", "/v1/technicians", a.admin, nil)))
	require.Equal(t, []string{}, codes(b.must(200, "GET", "/v1/sites?region_id="+oRegion.String(), a.admin, nil)))
	require.Equal(t, []string{}, codes(b.must(200, "GET", "/v1/technicians?site_id="+oSite.String(), a.admin, nil)))
	after := string(b.must(200, "GET", "/v1/sites/"+oSite.String(), o.admin, nil).Raw) +
		string(b.must(200, "GET", "/v1/technicians/"+oTech.String(), o.admin, nil).Raw)
	require.Equal(t, before, after)
}

// TestLoadNetwork: the dispatch network holds the active sites and their
// technicians only.
func TestLoadNetwork(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, other := b.onboard("acme"), b.onboard("other")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	active := b.createSite(acme.admin, cn, "ACTIVE", map[string]any{"working_hours": map[string]any{"mon": []string{"08:00-12:00"}}})
	closed := b.createSite(acme.admin, cn, "CLOSED", map[string]any{"status": "closed"})
	b.createTechnician(acme.admin, active, "T-A", nil)
	b.createTechnician(acme.admin, closed, "T-C", nil)
	oc := b.createRegion(other.admin, nil, "country", "CN", "中国")
	b.createTechnician(other.admin, b.createSite(other.admin, oc, "OTHER", nil), "T-O", nil)

	var siteCodes, techCodes []string
	require.NoError(t, core.InUnitOfWork(t.Context(), b.app.Store, acme.id, func(u core.UnitOfWork) error {
		sites, techs, err := b.app.Network.LoadNetwork(t.Context(), u)
		for _, s := range sites {
			siteCodes = append(siteCodes, s.Code)
			require.Equal(t, []string{"08:00-12:00"}, s.WorkingHours["mon"])
		}
		for _, x := range techs {
			techCodes = append(techCodes, x.Code)
			require.Equal(t, active, x.SiteID)
		}
		return err
	}))
	require.Equal(t, []string{"ACTIVE"}, siteCodes)
	require.Equal(t, []string{"T-A"}, techCodes)
}

// TestSiteTags: tags set on create come back normalised from every read;
// an update replaces them when given and keeps them otherwise; bad tags
// are a 422 naming the tag.
func TestSiteTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")

	r := b.must(201, "POST", "/v1/sites", acme.admin, siteBody(cn, "S-1", map[string]any{
		"tags": []string{" flagship", "24h", "flagship"}}))
	id := r.str("id")
	require.Equal(t, []any{"24h", "flagship"}, r.JSON["tags"])
	require.JSONEq(t, string(r.Raw), string(b.must(200, "GET", "/v1/sites/"+id, acme.admin, nil).Raw))
	plain := b.must(201, "POST", "/v1/sites", acme.admin, siteBody(cn, "S-2", nil))
	require.Equal(t, []any{}, plain.JSON["tags"], "none: an empty list, not null")
	items := b.must(200, "GET", "/v1/sites", acme.admin, nil).JSON["items"].([]any)
	require.Equal(t, []any{"24h", "flagship"}, items[0].(map[string]any)["tags"])
	require.Equal(t, []any{}, items[1].(map[string]any)["tags"])
	tagged := b.must(200, "GET", "/v1/sites?tag=24h", acme.admin, nil).JSON["items"].([]any)
	require.Len(t, tagged, 1, "the list filters by tag")
	require.Equal(t, id, tagged[0].(map[string]any)["id"])
	require.Empty(t, b.must(200, "GET", "/v1/sites?tag=24", acme.admin, nil).JSON["items"], "a whole tag, not a part")

	up := b.must(200, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 1, "name": "旗舰店"})
	require.Equal(t, []any{"24h", "flagship"}, up.JSON["tags"], "kept when not sent")
	up = b.must(200, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 2, "tags": []string{"night ", "24h"}})
	require.Equal(t, []any{"24h", "night"}, up.JSON["tags"])
	require.Equal(t, []any{"24h", "night"}, b.must(200, "GET", "/v1/sites/"+id, acme.admin, nil).JSON["tags"])

	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = fmt.Sprint("t", i)
	}
	for name, c := range map[string]struct {
		tags     []string
		location string
	}{
		"blank":    {[]string{"ok", " "}, "body.tags[1]"},
		"too long": {[]string{strings.Repeat("标", 33)}, "body.tags[0]"},
		"control":  {[]string{"a\u0007b"}, "body.tags[0]"},
		"too many": {tooMany, "body.tags"},
	} {
		t.Run(name, func(t *testing.T) {
			r := b.must(422, "POST", "/v1/sites", acme.admin, siteBody(cn, "S-9", map[string]any{"tags": c.tags}))
			require.Contains(t, string(r.Raw), `"location":"`+c.location+`"`, "%s", r.Raw)
			r = b.must(422, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 3, "tags": c.tags})
			require.Contains(t, string(r.Raw), `"location":"`+c.location+`"`, "%s", r.Raw)
		})
	}
	require.Equal(t, 3.0, b.must(200, "GET", "/v1/sites/"+id, acme.admin, nil).JSON["version"], "nothing written")
}

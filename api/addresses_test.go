package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// addr returns the i-th address of a customer response.
func addr(t *testing.T, r resp, i int) map[string]any {
	t.Helper()
	list, ok := r.JSON["addresses"].([]any)
	require.True(t, ok && len(list) > i, "%s", r.Raw)
	return list[i].(map[string]any)
}

// divCode is the code of an address's province, city or district.
func divCode(a map[string]any, level string) string {
	d, _ := a[level].(map[string]any)
	s, _ := d["code"].(string)
	return s
}

// TestCustomerAddressesParsedOnCreateAndUpdate: the divisions of an
// address typed as callers say it are stored with the customer; a text
// without a point gets its district's point, marked approximate; a GCJ-02
// point is stored as WGS-84; an ambiguous text keeps no divisions and
// answers the candidates, and the agent's pick (district_code) is stored.
func TestCustomerAddressesParsedOnCreateAndUpdate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	r := b.must(201, "POST", "/v1/customers", acme.admin, map[string]any{"name": "王芳", "addresses": []map[string]any{
		{"label": "home", "address": "深圳南山科苑路15号"},
		{"address": "北京朝阳区建国路88号"},
		{"address": "广东省深圳市南山区科技园", "coord_system": "gcj02", "lat": 22.540796131694766, "lon": 113.9171764808363},
	}})
	id := r.str("id")
	for _, got := range []resp{r, b.must(200, "GET", "/v1/customers/"+id, acme.admin, nil)} {
		sz, bj, gcj := addr(t, got, 0), addr(t, got, 1), addr(t, got, 2)
		require.Equal(t, []string{"440000", "440300", "440305"},
			[]string{divCode(sz, "province"), divCode(sz, "city"), divCode(sz, "district")}, "%s", got.Raw)
		require.Equal(t, "南山区", sz["district"].(map[string]any)["name"])
		require.Equal(t, true, sz["location_approximate"])
		require.InDelta(t, 22.536328, sz["lat"], 1e-6, "the district's representative point")
		require.InDelta(t, 113.925552, sz["lon"], 1e-6)
		require.InDelta(t, 0.85, sz["parse_confidence"], 0.1)
		require.Equal(t, []string{"110000", "110100", "110105"},
			[]string{divCode(bj, "province"), divCode(bj, "city"), divCode(bj, "district")}, "%s", got.Raw)
		require.Equal(t, "440305", divCode(gcj, "district"))
		require.Equal(t, false, gcj["location_approximate"], "a given point is the address's own")
		require.InDelta(t, 22.543847, gcj["lat"], 1e-5, "stored converted to WGS-84")
		require.InDelta(t, 113.912316, gcj["lon"], 1e-5)
		require.Nil(t, sz["candidates"])
	}

	// Ambiguous: 朝阳区 is in Beijing and in Changchun.
	up := b.must(200, "PATCH", "/v1/customers/"+id, acme.admin, map[string]any{"version": 1,
		"addresses": []map[string]any{{"address": "朝阳区建国路"}}})
	a := addr(t, up, 0)
	require.Empty(t, divCode(a, "district"), "%s", up.Raw)
	require.Empty(t, divCode(a, "province"))
	require.Nil(t, a["lat"], "no division, no point")
	require.Equal(t, false, a["location_approximate"])
	var picks []string
	for _, c := range a["candidates"].([]any) {
		picks = append(picks, divCode(c.(map[string]any), "district"))
	}
	require.ElementsMatch(t, []string{"110105", "220104"}, picks)
	stored := addr(t, b.must(200, "GET", "/v1/customers/"+id, acme.admin, nil), 0)
	require.Nil(t, stored["candidates"], "candidates are not stored")
	require.Empty(t, divCode(stored, "district"))

	// The agent picks Changchun's.
	up = b.must(200, "PATCH", "/v1/customers/"+id, acme.admin, map[string]any{"version": 2,
		"addresses": []map[string]any{{"address": "朝阳区建国路", "district_code": "220104"}}})
	a = addr(t, up, 0)
	require.Equal(t, []string{"220000", "220100", "220104"}, []string{divCode(a, "province"), divCode(a, "city"), divCode(a, "district")})
	require.Equal(t, float64(1), a["parse_confidence"])
	require.Equal(t, true, a["location_approximate"])
	require.InDelta(t, 43.831386, a["lat"], 1e-6)
}

// TestCustomerAddressBadInput: an unknown district code, an unknown
// coordinate system and a GCJ-02 or BD-09 point outside China are 422s
// naming the field, and nothing is stored.
func TestCustomerAddressBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	r := b.must(201, "POST", "/v1/customers", acme.admin, map[string]any{"name": "王芳",
		"addresses": []map[string]any{{"address": "深圳南山科苑路15号"}}})
	id := r.str("id")
	before := b.must(200, "GET", "/v1/customers/"+id, acme.admin, nil).Raw
	for _, c := range []struct {
		address map[string]any
		field   string
	}{
		{map[string]any{"address": "x", "district_code": "999999"}, "addresses[0].district_code"},
		{map[string]any{"address": "x", "district_code": "44030"}, "addresses[0].district_code"},
		{map[string]any{"address": "x", "coord_system": "utm", "lat": 22.5, "lon": 113.9}, "addresses[0].coord_system"},
		{map[string]any{"address": "x", "coord_system": "gcj02", "lat": 48.8584, "lon": 2.2945}, "addresses[0].coord_system"},
		{map[string]any{"address": "x", "coord_system": "bd09", "lat": 40.7128, "lon": -74.006}, "addresses[0].coord_system"},
	} {
		bad := b.must(422, "POST", "/v1/customers", acme.admin, map[string]any{"name": "坏地址",
			"addresses": []map[string]any{c.address}})
		require.Contains(t, string(bad.Raw), c.field, "%v", c.address)
		bad = b.must(422, "PATCH", "/v1/customers/"+id, acme.admin, map[string]any{"version": 1,
			"addresses": []map[string]any{c.address}})
		require.Contains(t, string(bad.Raw), c.field, "%v", c.address)
	}
	require.Empty(t, items(b.must(200, "GET", "/v1/customers?q=坏地址", acme.admin, nil)), "nothing created")
	require.Equal(t, string(before), string(b.must(200, "GET", "/v1/customers/"+id, acme.admin, nil).Raw), "nothing changed")
}

// TestImportCustomersParsesAddresses: CSV and JSON imports parse each
// row's address, take coord_system and district_code, and report a bad
// code or an outside-China point on its row.
func TestImportCustomersParsesAddresses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	csv := "name,address,coord_system,lat,lon,district_code\n" +
		"甲,深圳南山科苑路15号,,,,\n" +
		"乙,朝阳区建国路,,,,110105\n" +
		"丙,广东省深圳市南山区科技园,gcj02,22.540796131694766,113.9171764808363,\n" +
		"丁,北京朝阳区建国路88号,,,,999999\n" +
		"戊,深圳,bd09,40.7128,-74.006,\n" +
		"己,朝阳区建国路,,,,\n"
	r := b.must(200, "POST", "/v1/customers/import", acme.admin, csv, "Content-Type", "text/csv")
	require.Equal(t, float64(4), r.JSON["created"], "%s", r.Raw)
	errs := map[float64]string{}
	for _, e := range r.JSON["errors"].([]any) {
		m := e.(map[string]any)
		errs[m["row"].(float64)], _ = m["field"].(string)
	}
	require.Equal(t, map[float64]string{5: "district_code", 6: "coord_system"}, errs, "%s", r.Raw)
	one := func(name string) map[string]any {
		list := items(b.must(200, "GET", "/v1/customers?q="+name, acme.admin, nil))
		require.Len(t, list, 1, name)
		return list[0]["addresses"].([]any)[0].(map[string]any)
	}
	require.Equal(t, "440305", divCode(one("甲"), "district"))
	require.Equal(t, true, one("甲")["location_approximate"])
	require.Equal(t, "110105", divCode(one("乙"), "district"))
	require.Equal(t, "440305", divCode(one("丙"), "district"))
	require.InDelta(t, 22.543847, one("丙")["lat"], 1e-5)
	require.Empty(t, divCode(one("己"), "district"), "ambiguous: no guess")
	require.Empty(t, items(b.must(200, "GET", "/v1/customers?q=丁", acme.admin, nil)), "a failed row is not stored")

	j := b.must(200, "POST", "/v1/customers/import", acme.admin, []map[string]any{
		{"name": "庚", "addresses": []map[string]any{{"address": "北京朝阳区建国路88号"}}},
		{"name": "辛", "addresses": []map[string]any{{"address": "x", "district_code": "123456"}}},
	})
	require.Equal(t, float64(1), j.JSON["created"], "%s", j.Raw)
	require.Contains(t, string(j.Raw), "addresses[0].district_code")
	require.Equal(t, "110105", divCode(one("庚"), "district"))
}

// TestCustomerAddressDivisionsIsolation: another tenant neither reads a
// customer's parsed address nor rewrites it.
func TestCustomerAddressDivisionsIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("alpha"), b.onboard("omega")
	r := b.must(201, "POST", "/v1/customers", o.admin, map[string]any{"name": "奥米加",
		"addresses": []map[string]any{{"address": "深圳南山科苑路15号"}}})
	id := r.str("id")
	before := b.must(200, "GET", "/v1/customers/"+id, o.admin, nil).Raw
	b.must(404, "GET", "/v1/customers/"+id, a.admin, nil)
	b.must(404, "PATCH", "/v1/customers/"+id, a.admin, map[string]any{"version": 1,
		"addresses": []map[string]any{{"address": "北京朝阳区建国路88号"}}})
	require.NotContains(t, string(b.must(200, "GET", "/v1/customers", a.admin, nil).Raw), "440305")
	require.Equal(t, string(before), string(b.must(200, "GET", "/v1/customers/"+id, o.admin, nil).Raw))
}

// TestWorkOrderUsesStoredAddressDivision: an order taken from a customer
// address dispatches from the address's stored division and point (not
// its text parsed again), says the location was approximate; an address
// whose text names nothing waits in the queue with that reason.
func TestWorkOrderUsesStoredAddressDivision(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	cur := b.must(200, "GET", "/v1/customers/"+n.customer.String(), n.tenant.admin, nil)
	c := b.must(200, "PATCH", "/v1/customers/"+n.customer.String(), n.tenant.admin, map[string]any{
		"version": cur.JSON["version"], "addresses": []map[string]any{
			{"label": "home", "address": "深圳南山科苑路15号"}, {"label": "nowhere", "address": "火星基地一号楼"}}})
	home, nowhere := addr(t, c, 0), addr(t, c, 1)
	require.Equal(t, "440305", divCode(home, "district"))
	require.Nil(t, nowhere["lat"], "%s", c.Raw)
	require.Equal(t, float64(0), nowhere["parse_confidence"])

	// The stored division wins over the text: move it to Futian by hand.
	b.exec(n.tenant.id, `UPDATE customer_addresses SET district_code = '440304', lat = 22.524254, lon = 114.04997 WHERE id = $1`,
		home["id"])
	w := b.intake(n, n.tenant.admin, map[string]any{"address_id": home["id"], "address": nil, "lat": nil, "lon": nil})
	require.Equal(t, 201, w.Status, "%s", w.Raw)
	require.Equal(t, n.near.String(), w.str("site_id"), "%s", w.Raw)
	dec := w.JSON["dispatch_decision"].(map[string]any)
	require.Equal(t, true, dec["location_approximate"])
	require.Equal(t, "440304", dec["division_code"], "the stored division, not the text parsed again")
	require.Equal(t, true, w.JSON["location_approximate"])
	require.InDelta(t, 22.524254, w.JSON["lat"], 1e-6)

	q := b.intake(n, n.tenant.admin, map[string]any{"address_id": nowhere["id"], "address": nil, "lat": nil, "lon": nil})
	require.Equal(t, 201, q.Status, "%s", q.Raw)
	require.Equal(t, "created", q.str("state"))
	require.Contains(t, q.str("queue_reason"), "names no district", "%s", q.Raw)
	got := b.must(200, "GET", "/v1/work-orders/"+q.str("id"), n.tenant.admin, nil)
	require.Equal(t, q.str("queue_reason"), got.str("queue_reason"), "the order is kept, waiting with its reason")
	ev := b.must(200, "GET", "/v1/work-orders/"+q.str("id")+"/events", n.tenant.admin, nil)
	require.Contains(t, string(ev.Raw), "names no district")
}

// TestRegionDivisionMapping: province, city and district nodes map to the
// division they stand for; a region (大区) node maps to none; an unknown
// code or one of another level is a 422 naming division_code and nothing
// is stored; another tenant cannot change the mapping.
func TestRegionDivisionMapping(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, other := b.onboard("acme"), b.onboard("other")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	south := b.createRegion(acme.admin, &cn, "region", "SOUTH", "华南大区")
	post := func(parent, level, code, division string) resp {
		body := map[string]any{"parent_id": parent, "level": level, "code": code, "name": code}
		if division != "" {
			body["division_code"] = division
		}
		return b.do("POST", "/v1/regions", acme.admin, body)
	}
	gd := post(south.String(), "province", "GD", "440000")
	require.Equal(t, 201, gd.Status, "%s", gd.Raw)
	require.Equal(t, "440000", gd.str("division_code"))
	sz := post(gd.str("id"), "city", "SZ", "440300")
	require.Equal(t, 201, sz.Status, "%s", sz.Raw)
	ns := post(sz.str("id"), "district", "NS", "440305")
	require.Equal(t, 201, ns.Status, "%s", ns.Raw)
	require.Equal(t, "district", ns.str("level"))

	for _, c := range []struct{ parent, level, code, division string }{
		{cn.String(), "region", "NORTH", "110000"},   // above provinces: the tenant's own
		{south.String(), "province", "XX", "999999"}, // unknown
		{south.String(), "province", "YY", "440300"}, // a city's code on a province
		{sz.str("id"), "district", "ZZ", "4403"},     // malformed
	} {
		bad := post(c.parent, c.level, c.code, c.division)
		require.Equal(t, 422, bad.Status, "%v: %s", c, bad.Raw)
		require.Contains(t, string(bad.Raw), "division_code")
	}
	list := b.must(200, "GET", "/v1/regions?limit=100", acme.admin, nil)
	require.Len(t, items(list), 5, "nothing stored by the refused requests: %s", list.Raw)

	// Remap, refuse, unmap.
	up := b.must(200, "PATCH", "/v1/regions/"+ns.str("id"), acme.admin, map[string]any{"version": 1, "division_code": "440304"})
	require.Equal(t, "440304", up.str("division_code"))
	b.must(422, "PATCH", "/v1/regions/"+ns.str("id"), acme.admin, map[string]any{"version": 2, "division_code": "440300"})
	b.must(422, "PATCH", "/v1/regions/"+south.String(), acme.admin, map[string]any{"version": 1, "division_code": "440000"})
	require.Equal(t, "440304", b.must(200, "GET", "/v1/regions/"+ns.str("id"), acme.admin, nil).str("division_code"))
	b.must(404, "PATCH", "/v1/regions/"+ns.str("id"), other.admin, map[string]any{"version": 2, "division_code": "440305"})
	b.must(404, "GET", "/v1/regions/"+ns.str("id"), other.admin, nil)
	cleared := b.must(200, "PATCH", "/v1/regions/"+ns.str("id"), acme.admin, map[string]any{"version": 2, "division_code": ""})
	require.Nil(t, cleared.JSON["division_code"], "%s", cleared.Raw)
}

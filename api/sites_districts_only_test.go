package api_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestDistrictsOnlySite: a site may cover a list of districts instead of a
// radius or polygon. Created with districts and no area, it takes an order
// typed as text in its district (the reason names the district), and,
// standing in Shenzhen, it neither takes nor breaks the dispatch of an
// order there that its districts do not cover. A site that would cover
// nowhere — created without area or districts, its only districts removed,
// its area removed while it covers none, an import row with neither — is a
// 422 naming the field, and nothing is stored.
func TestDistrictsOnlySite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	sz := map[string]any{"lat": szLat, "lon": szLon}
	before := len(codes(b.must(200, "GET", "/v1/sites", admin, nil)))

	// Refused: no coverage at all, in every shape; nothing is created.
	for _, c := range []struct {
		extra map[string]any
		field string
	}{
		{map[string]any{"area": map[string]any{}}, "body.area.radius_km"},
		{map[string]any{"area": nil}, "body.area.radius_km"},
		{map[string]any{"area": map[string]any{}, "districts": []any{}}, "body.area.radius_km"},
		{map[string]any{"area": map[string]any{}, "districts": []map[string]any{{"code": "999999"}}}, "body.districts[0].code"},
		{map[string]any{"area": map[string]any{}, "districts": []map[string]any{{"code": "450304", "coverage": "backup"}}}, "body.districts[0].coverage"},
	} {
		body := siteBody(n.gx, "S-GL", c.extra)
		if c.extra["area"] == nil {
			delete(body, "area")
		}
		bad := b.must(422, "POST", "/v1/sites", admin, body)
		require.Contains(t, string(bad.Raw), `"location":"`+c.field+`"`, "%v: %s", c.extra, bad.Raw)
	}
	require.Len(t, codes(b.must(200, "GET", "/v1/sites", admin, nil)), before, "nothing created")

	// A districts-only site covering Guilin's 象山区, standing in Shenzhen.
	r := b.must(201, "POST", "/v1/sites", admin, siteBody(n.gx, "S-GL", map[string]any{
		"name": "桂林象山服务站", "location": sz, "area": map[string]any{}, "product_lines": []string{"AC"},
		"districts": []map[string]any{{"code": "450304"}}}))
	gl := uuid.MustParse(r.str("id"))
	require.Equal(t, map[string]any{}, r.JSON["area"], "no radius, no polygon: %s", r.Raw)
	require.Equal(t, map[string]string{"450304": "primary"}, coverageOf(b.must(200, "GET", districtsPath(gl), admin, nil)))

	// A text-only address in 象山区 goes to it, the reason naming the district.
	text := map[string]any{"lat": nil, "lon": nil, "address": "广西桂林市象山区中山南路1号"}
	o := b.intake(n, admin, text)
	require.Equal(t, 201, o.Status, "%s", o.Raw)
	require.Equal(t, gl.String(), o.str("site_id"), "%s", o.Raw)
	top := o.JSON["dispatch_decision"].(map[string]any)["ranking"].([]any)[0].(map[string]any)
	require.Equal(t, gl.String(), top["site_id"])
	require.Contains(t, top["reasons"].([]any)[0], "covers address (district 450304 广西壮族自治区桂林市象山区,")
	require.Equal(t, "广西壮族自治区桂林市象山区", top["reason_details"].([]any)[0].(map[string]any)["values"].(map[string]any)["district_name"])

	// An order at its own location (Shenzhen) is not its: the near site
	// takes it, and the districts-only site is not even ranked.
	o = b.intake(n, admin, nil)
	require.Equal(t, 201, o.Status, "%s", o.Raw)
	require.Equal(t, n.near.String(), o.str("site_id"), "%s", o.Raw)
	for _, c := range o.JSON["dispatch_decision"].(map[string]any)["ranking"].([]any) {
		require.NotEqual(t, gl.String(), c.(map[string]any)["site_id"], "a districts-only site covers nothing in Shenzhen")
	}

	// Its only districts cannot go, nor can the near site's area while it
	// covers no district; with an area given, the districts may go.
	bad := b.must(422, "PUT", districtsPath(gl), admin, map[string]any{"items": []any{}})
	require.Contains(t, string(bad.Raw), `"location":"body.items"`, "%s", bad.Raw)
	require.Equal(t, map[string]string{"450304": "primary"}, coverageOf(b.must(200, "GET", districtsPath(gl), admin, nil)))
	bad = b.must(422, "PATCH", "/v1/sites/"+n.near.String(), admin, map[string]any{"version": 1, "area": map[string]any{}})
	require.Contains(t, string(bad.Raw), `"location":"body.area.radius_km"`, "%s", bad.Raw)
	require.Equal(t, 30.0, b.must(200, "GET", "/v1/sites/"+n.near.String(), admin, nil).JSON["area"].(map[string]any)["radius_km"])
	b.must(200, "PUT", districtsPath(n.near), admin, map[string]any{"items": []map[string]any{{"code": "440305"}}})
	near := b.must(200, "PATCH", "/v1/sites/"+n.near.String(), admin, map[string]any{"version": 1, "area": map[string]any{}})
	require.Equal(t, map[string]any{}, near.JSON["area"], "%s", near.Raw)
	b.must(200, "PATCH", "/v1/sites/"+gl.String(), admin, map[string]any{"version": 1, "area": map[string]any{"radius_km": 20}})
	b.must(200, "PUT", districtsPath(gl), admin, map[string]any{"items": []any{}})

	// The import (rows count the header as line 1): districts alone (codes or names) make a districts-only
	// site; a row with neither area nor districts fails naming the column.
	csv := "code,name,kind,region,lat,lon,radius_km,districts\n" +
		"S-DO1,区县网点,service_station,GX,22.8,108.3,,450304;深圳南山区\n" +
		"S-DO2,无覆盖网点,service_station,GX,22.8,108.3,,\n" +
		"S-DO3,坏区县网点,service_station,GX,22.8,108.3,,朝阳区\n"
	rep := b.must(200, "POST", "/v1/sites/import", admin, csv, csvHeader...)
	require.Equal(t, 1.0, rep.JSON["created"], "%s", rep.Raw)
	require.Equal(t, []string{"3 radius_km", "4 districts"}, importErrors(rep), "%s", rep.Raw)
	require.Contains(t, string(rep.Raw), "names several districts", "朝阳区 is in Beijing and Changchun: %s", rep.Raw)
	var do1 uuid.UUID
	for _, it := range b.must(200, "GET", "/v1/sites?q=S-DO", admin, nil).JSON["items"].([]any) {
		m := it.(map[string]any)
		require.Equal(t, "S-DO1", m["code"], "only the valid row is stored")
		require.Equal(t, map[string]any{}, m["area"])
		do1 = uuid.MustParse(m["id"].(string))
	}
	require.Equal(t, map[string]string{"440305": "primary", "450304": "primary"}, coverageOf(b.must(200, "GET", districtsPath(do1), admin, nil)))
}

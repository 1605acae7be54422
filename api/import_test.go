package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var csvHeader = []string{"Content-Type", "text/csv; charset=utf-8"}

const siteImportHeader = "code,name,kind,region,lat,lon,radius_km,product_lines,working_hours,reputation"

// goodSiteLine is a valid site row in region; the latitude of S-0007 is
// 22.0007.
func goodSiteLine(code, name, region string) string {
	lat := "22.5"
	if n, ok := strings.CutPrefix(code, "S-"); ok {
		lat = "22." + n
	}
	return fmt.Sprintf("%s,%s,service_station,%s,%s,113.9,15,AC|FRIDGE,mon-fri=08:30-12:00;13:30-18:00,85",
		code, name, region, lat)
}

// importErrors returns the report's errors as "row field" strings.
func importErrors(r resp) []string {
	out := []string{}
	for _, e := range r.JSON["errors"].([]any) {
		m := e.(map[string]any)
		field, _ := m["field"].(string)
		out = append(out, fmt.Sprintf("%v %s", m["row"], field))
		if m["message"] == "" {
			panic("error without a message")
		}
	}
	return out
}

// allSiteCodes lists every site the caller sees, page by page.
func allSiteCodes(b *testBundle, token string) []string {
	var all []string
	cursor := ""
	for {
		page := b.must(200, "GET", "/v1/sites?limit=500&cursor="+cursor, token, nil)
		all = append(all, codes(page)...)
		if cursor = page.str("next_cursor"); cursor == "" {
			return all
		}
	}
}

// TestImportSitesCSV: 1,000 good rows and a handful of broken ones: the
// good rows are created, each broken row is reported with its line and
// column; importing again updates (upsert by code) and keeps what the file
// does not say.
func TestImportSitesCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	gd := b.createRegion(acme.admin, &cn, "province", "GD", "广东省")
	b.createRegion(acme.admin, &gd, "city", "GD-SZ", "深圳")

	lines := []string{siteImportHeader}
	var want []string
	broken := map[int]struct{ line, want string }{
		100: {"S-X1,坏坐标,service_station,GD,95,113.9,15,,,", "lat"},
		200: {"S-X2,NaN,service_station,GD,NaN,113.9,15,,,", "lat"},
		300: {"S-X3,无区域,service_station,XX,22.5,113.9,15,,,", "region"},
		400: {goodSiteLine("S-0005", "重复", "GD"), "code"},
		500: {"S-X5,,service_station,GD,22.5,113.9,15,,,", "name"},
		600: {"S-X6,少列,service_station,GD,22.5", ""},
		700: {"S-X7,工时,service_station,GD,22.5,113.9,15,,mon=9-12,", "working_hours"},
		800: {"S-X8,信誉,service_station,GD,22.5,113.9,15,,,150", "reputation"},
		900: {"S-X9,种类,shop,GD,22.5,113.9,15,,,", "kind"},
		950: {"S-X10,半径,dealer,GD,22.5,113.9,-3,,,", "radius_km"},
	}
	for i := 0; i < 1000; i++ {
		if br, ok := broken[i]; ok {
			lines = append(lines, br.line)
			want = append(want, fmt.Sprintf("%d %s", len(lines), br.want))
		}
		region := []string{"GD", "GD-SZ"}[i%2]
		lines = append(lines, goodSiteLine(fmt.Sprintf("S-%04d", i), fmt.Sprintf("服务站 %d", i), region))
	}
	csv := strings.Join(lines, "\r\n") + "\r\n"

	r := b.must(200, "POST", "/v1/sites/import", acme.admin, csv, csvHeader...)
	require.Equal(t, float64(1000+len(broken)), r.JSON["total"])
	require.Equal(t, 1000.0, r.JSON["created"])
	require.Equal(t, 0.0, r.JSON["updated"])
	require.Equal(t, float64(len(broken)), r.JSON["failed"])
	require.Equal(t, want, importErrors(r), "%s", r.Raw)
	require.Contains(t, string(r.Raw), `"message":"\"S-0005\" appears again (first at row 7)`)

	all := allSiteCodes(b, acme.admin)
	require.Len(t, all, 1000)
	require.Equal(t, "S-0000", all[0])
	site := b.must(200, "GET", "/v1/sites?q=S-0007", acme.admin, nil).JSON["items"].([]any)[0].(map[string]any)
	require.Equal(t, []any{"AC", "FRIDGE"}, site["product_lines"])
	require.Equal(t, []any{"08:30-12:00", "13:30-18:00"}, site["working_hours"].(map[string]any)["wed"])
	require.Equal(t, 85.0, site["reputation"])
	require.Equal(t, 22.0007, site["location"].(map[string]any)["lat"])

	// Suspend one site by hand; the file has no status column, so the
	// re-import keeps it.
	id := site["id"].(string)
	b.must(200, "PATCH", "/v1/sites/"+id, acme.admin, map[string]any{"version": 1, "status": "suspended"})
	renamed := strings.ReplaceAll(csv, "服务站 ", "网点 ")
	r = b.must(200, "POST", "/v1/sites/import", acme.admin, renamed, csvHeader...)
	require.Equal(t, 0.0, r.JSON["created"])
	require.Equal(t, 1000.0, r.JSON["updated"])
	require.Equal(t, want, importErrors(r))
	again := b.must(200, "GET", "/v1/sites/"+id, acme.admin, nil)
	require.Equal(t, "网点 7", again.str("name"))
	require.Equal(t, "suspended", again.str("status"))
	require.Equal(t, 3.0, again.JSON["version"])
	require.Len(t, allSiteCodes(b, acme.admin), 1000)

	// The audit log holds one event per import, with its counts and the
	// codes written; a bad row wrote nothing and is not among them.
	imports := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"action": {"import"}, "resource_type": {"site"}}, "50")
	require.Len(t, imports, 2)
	first, second := imports[1]["after"].(map[string]any), imports[0]["after"].(map[string]any)
	require.Equal(t, 1000.0, first["created"])
	require.Len(t, first["created_codes"], 1000)
	require.Equal(t, "S-0000", first["created_codes"].([]any)[0])
	require.NotContains(t, first["created_codes"], "S-X1")
	require.Equal(t, 1000.0, second["updated"])
	require.Len(t, second["updated_codes"], 1000)
	require.Equal(t, "user", imports[0]["actor_kind"])
}

// TestImportSitesJSON: the same objects as POST /v1/sites, with the region
// by ID or code; broken elements fail alone.
func TestImportSitesJSON(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	gd := b.createRegion(acme.admin, &cn, "province", "GD", "广东省")

	byCode := siteBody(gd, "J-2", map[string]any{"region_code": "GD"})
	delete(byCode, "region_id")
	items := []any{
		siteBody(gd, "J-1", map[string]any{"working_hours": map[string]any{"sat": []string{"09:00-12:00"}}}), // 1
		byCode, // 2
		siteBody(gd, "J-3", map[string]any{"location": map[string]any{"lat": "NaN", "lon": 1}}), // 3
		siteBody(gd, "J-4", map[string]any{"colour": "red"}),                                    // 4
		"not an object", // 5
		siteBody(gd, "J-6", map[string]any{"region_code": "NOPE"}),                      // 6
		siteBody(gd, "J-7", map[string]any{"name": ""}),                                 // 7
		siteBody(gd, "J-8", map[string]any{"area": map[string]any{"polygon": []any{}}}), // 8
		siteBody(gd, "J-1", nil),                                                        // 9
		"huge latitude",                                                                 // 10
		nil,                                                                             // 11
	}
	raw, err := json.Marshal(items)
	require.NoError(t, err)
	body := strings.Replace(string(raw), `"huge latitude"`, `{"code":"J-10","name":"x","kind":"dealer","region_id":"`+
		gd.String()+`","location":{"lat":1e400,"lon":1},"area":{"radius_km":1}}`, 1)

	r := b.must(200, "POST", "/v1/sites/import", acme.admin, body)
	require.Equal(t, 11.0, r.JSON["total"])
	require.Equal(t, 2.0, r.JSON["created"])
	require.Equal(t, []string{"3 location.lat", "4 colour", "5 ", "6 region_code", "7 name", "8 area.radius_km",
		"9 code", "10 location.lat", "11 "}, importErrors(r), "%s", r.Raw)
	require.Equal(t, []string{"J-1", "J-2"}, codes(b.must(200, "GET", "/v1/sites", acme.admin, nil)))

	// Again, with a change: an update.
	items = []any{siteBody(gd, "J-1", map[string]any{"name": "改名"})}
	r = b.must(200, "POST", "/v1/sites/import", acme.admin, items)
	require.Equal(t, 1.0, r.JSON["updated"])
	j1 := b.must(200, "GET", "/v1/sites?q=J-1", acme.admin, nil).JSON["items"].([]any)[0].(map[string]any)
	require.Equal(t, "改名", j1["name"])
	require.Equal(t, []any{"09:00-12:00"}, j1["working_hours"].(map[string]any)["sat"], "kept: not in the row")
}

// TestImportScope: rows outside the caller's scope fail alone, including
// rows naming an existing site the caller may not touch.
func TestImportScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	gd := b.createRegion(acme.admin, &cn, "province", "GD", "广东省")
	gx := b.createRegion(acme.admin, &cn, "province", "GX", "广西")
	gxSite := b.createSite(acme.admin, gx, "GX-1", nil)
	b.createSite(acme.admin, gd, "GD-0", nil)
	_, erp := b.createUser(acme.admin, "acme", "gd.erp", []string{"integration"}, map[string]any{"regions": []string{gd.String()}})

	csv := siteImportHeader + "\n" +
		goodSiteLine("S-0001", "广东站", "GD") + "\n" +
		goodSiteLine("S-0002", "广西站", "GX") + "\n" +
		goodSiteLine("GX-1", "抢占", "GD") + "\n" + // an existing site outside the scope
		goodSiteLine("GD-0", "改名", "GX") + "\n" // moving an own site out of scope
	r := b.must(200, "POST", "/v1/sites/import", erp, csv, csvHeader...)
	require.Equal(t, 1.0, r.JSON["created"])
	require.Equal(t, []string{"3 region", "4 code", "5 region"}, importErrors(r), "%s", r.Raw)
	require.Equal(t, "GX-1", b.must(200, "GET", "/v1/sites/"+gxSite.String(), acme.admin, nil).str("code"))
	require.Equal(t, gx.String(), b.must(200, "GET", "/v1/sites/"+gxSite.String(), acme.admin, nil).str("region_id"))
	require.ElementsMatch(t, []string{"GD-0", "S-0001"}, codes(b.must(200, "GET", "/v1/sites", erp, nil)))

	// A dispatcher may read sites but not import them.
	_, disp := b.createUser(acme.admin, "acme", "disp", []string{"dispatcher"}, map[string]any{"all": true})
	b.must(403, "POST", "/v1/sites/import", disp, csv, csvHeader...)
}

// TestImportTechnicians: CSV (site by code, user by username) and JSON
// (site by ID); per-row errors; re-import updates.
func TestImportTechnicians(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	s1 := b.createSite(acme.admin, cn, "S1", nil)
	b.createSite(acme.admin, cn, "S2", nil)
	wang, _ := b.createUser(acme.admin, "acme", "wang", []string{"technician"}, nil)
	li, _ := b.createUser(acme.admin, "acme", "li", []string{"technician"}, nil)
	b.createTechnician(acme.admin, s1, "T-LI", map[string]any{"user_id": li.String()})

	csv := "code,name,phone,site,user,skills,status\n" +
		"T-1,王师傅,+8613800138000,S1,wang,AC|install,\n" + // 2
		"T-2,张师傅,13900139000,S2,,AC,off\n" + // 3
		"T-3,x,13900139001,NOPE,,,\n" + // 4: unknown site
		"T-4,x,13900139002,S1,nobody,,\n" + // 5: unknown user
		"T-5,x,13900139003,S1,wang,,\n" + // 6: user linked by row 2
		"T-6,x,13900139004,S1,li,,\n" + // 7: user linked to T-LI
		"T-7,x,138-0013,S1,,,\n" + // 8: bad phone
		"T-8,x,13900139005,S1,,,asleep\n" + // 9: bad status
		"T-2,x,13900139006,S1,,,\n" // 10: code again
	r := b.must(200, "POST", "/v1/technicians/import", acme.admin, csv, csvHeader...)
	require.Equal(t, 9.0, r.JSON["total"])
	require.Equal(t, 2.0, r.JSON["created"])
	require.Equal(t, []string{"4 site", "5 user", "6 user", "7 user", "8 phone", "9 status", "10 code"}, importErrors(r), "%s", r.Raw)
	list := b.must(200, "GET", "/v1/technicians?q=T-1", acme.admin, nil).JSON["items"].([]any)
	require.Equal(t, wang.String(), list[0].(map[string]any)["user_id"])

	r = b.must(200, "POST", "/v1/technicians/import", acme.admin, []map[string]any{
		techBody(s1, "T-2", map[string]any{"name": "张工"}),
		techBody(s1, "T-9", map[string]any{"username": "li"}),
		{"code": "T-10", "name": "x", "phone": "13900000000", "site_code": "S2"},
		{"code": "T-11", "name": "x", "phone": "13900000000"},
	})
	require.Equal(t, 1.0, r.JSON["created"])
	require.Equal(t, 1.0, r.JSON["updated"])
	require.Equal(t, []string{"2 username", "4 site_id"}, importErrors(r), "%s", r.Raw)
	t2 := b.must(200, "GET", "/v1/technicians?q=T-2", acme.admin, nil).JSON["items"].([]any)[0].(map[string]any)
	require.Equal(t, "张工", t2["name"])
	require.Equal(t, s1.String(), t2["site_id"])
	require.Equal(t, "off", t2["status"], "kept: not in the row")
	require.Equal(t, 2.0, t2["version"])

	imports := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"action": {"import"}, "resource_type": {"technician"}}, "50")
	require.Len(t, imports, 2)
	require.Equal(t, []any{"T-10"}, imports[0]["after"].(map[string]any)["created_codes"])
	require.Equal(t, []any{"T-2"}, imports[0]["after"].(map[string]any)["updated_codes"])
}

// TestImportTags: sites and technicians take an optional tags column (and
// JSON field), stored normalised; a bad tag fails its row against the
// column; an empty cell keeps the stored tags.
func TestImportTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	b.createRegion(acme.admin, nil, "country", "CN", "中国")
	tagsOf := func(path, code string) any {
		return b.must(200, "GET", path+"?q="+code, acme.admin, nil).JSON["items"].([]any)[0].(map[string]any)["tags"]
	}

	sites := "code,name,kind,region,lat,lon,radius_km,tags\n" +
		"S-1,旗舰店,service_station,CN,22.5,113.9,15,flagship| 24h |flagship\n" + // 2
		"S-2,普通站,service_station,CN,22.5,113.9,15,\n" + // 3
		"S-3,坏标签,service_station,CN,22.5,113.9,15,ok|" + strings.Repeat("x", 33) + "\n" // 4
	r := b.must(200, "POST", "/v1/sites/import", acme.admin, sites, csvHeader...)
	require.Equal(t, 2.0, r.JSON["created"], "%s", r.Raw)
	require.Equal(t, []string{"4 tags"}, importErrors(r), "%s", r.Raw)
	require.Equal(t, []any{"24h", "flagship"}, tagsOf("/v1/sites", "S-1"))
	require.Equal(t, []any{}, tagsOf("/v1/sites", "S-2"))

	techs := "code,name,phone,site,tags\n" +
		"T-1,王师傅,13900139000,S-1,senior|gas-certified\n" + // 2
		"T-2,李师傅,13900139001,S-2,\n" + // 3
		"T-3,张师傅,13900139002,S-2,\" a\tb \"\n" // 4: a control character
	r = b.must(200, "POST", "/v1/technicians/import", acme.admin, techs, csvHeader...)
	require.Equal(t, 2.0, r.JSON["created"], "%s", r.Raw)
	require.Equal(t, []string{"4 tags"}, importErrors(r), "%s", r.Raw)
	require.Equal(t, []any{"gas-certified", "senior"}, tagsOf("/v1/technicians", "T-1"))
	require.Equal(t, []any{}, tagsOf("/v1/technicians", "T-2"))

	// Re-imported without tags, the rows keep theirs; with tags, they
	// replace them, by CSV as by JSON.
	r = b.must(200, "POST", "/v1/technicians/import", acme.admin, "code,name,phone,site,tags\n"+
		"T-1,王工,13900139000,S-1,\nT-2,李工,13900139001,S-2,ladder\n", csvHeader...)
	require.Equal(t, 2.0, r.JSON["updated"], "%s", r.Raw)
	require.Equal(t, []any{"gas-certified", "senior"}, tagsOf("/v1/technicians", "T-1"))
	require.Equal(t, []any{"ladder"}, tagsOf("/v1/technicians", "T-2"))
	r = b.must(200, "POST", "/v1/sites/import", acme.admin, []map[string]any{
		{"code": "S-1", "name": "旗舰店", "kind": "service_station", "region_code": "CN",
			"location": map[string]any{"lat": 22.5, "lon": 113.9}, "area": map[string]any{"radius_km": 15}},
		{"code": "S-2", "name": "普通站", "kind": "service_station", "region_code": "CN",
			"location": map[string]any{"lat": 22.5, "lon": 113.9}, "area": map[string]any{"radius_km": 15},
			"tags": []string{"rural"}},
	})
	require.Equal(t, 2.0, r.JSON["updated"], "%s", r.Raw)
	require.Equal(t, []any{"24h", "flagship"}, tagsOf("/v1/sites", "S-1"))
	require.Equal(t, []any{"rural"}, tagsOf("/v1/sites", "S-2"))
}

// TestImportRefusals: file-level problems are refused whole and nothing is
// written; a repeated Idempotency-Key replays the report.
func TestImportRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	b.createRegion(acme.admin, nil, "country", "CN", "中国")
	good := siteImportHeader + "\n" + goodSiteLine("S-0001", "站", "CN") + "\n"

	b.must(415, "POST", "/v1/sites/import", acme.admin, good, "Content-Type", "text/plain")
	b.must(415, "POST", "/v1/sites/import", acme.admin, good, "Content-Type", "text/csv; charset=big5")
	b.must(415, "POST", "/v1/sites/import", acme.admin, `[]`, "Content-Type", "application/json; charset=gbk")
	b.must(422, "POST", "/v1/sites/import", acme.admin, "code,name,colour\nA,b,c\n", csvHeader...)
	b.must(400, "POST", "/v1/sites/import", acme.admin, "", csvHeader...)
	b.must(422, "POST", "/v1/sites/import", acme.admin, `{"code":"A"}`)
	b.must(422, "POST", "/v1/technicians/import", acme.admin, "code,name\n", csvHeader...)
	// Bodies must be valid UTF-8 unless they declare GBK: a file saved as
	// GBK and sent as UTF-8 is refused whole, not reported row by row, and
	// the refusal says how to send it.
	gbk := good + "S-0002,\xb7\xfe\xce\xf1,dealer,CN,1,1,5,,,\n" // 服务 in GBK
	r := b.must(422, "POST", "/v1/sites/import", acme.admin, gbk, csvHeader...)
	require.Contains(t, r.str("detail"), "charset=gbk")
	r = b.must(422, "POST", "/v1/sites/import", acme.admin, gbk+"S-0003,\xff\xff,dealer,CN,1,1,5,,,\n",
		"Content-Type", "text/csv; charset=gbk")
	require.Contains(t, r.str("detail"), "not valid GBK")
	require.Empty(t, allSiteCodes(b, acme.admin))

	key := []string{"Content-Type", "text/csv", "Idempotency-Key", "import-1"}
	first := b.must(200, "POST", "/v1/sites/import", acme.admin, good, key...)
	require.Equal(t, 1.0, first.JSON["created"])
	again := b.must(200, "POST", "/v1/sites/import", acme.admin, good, key...)
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.JSONEq(t, string(first.Raw), string(again.Raw))
}

// TestImport5000Sites imports 5,000 sites in one request and logs how long
// it took (the figure is printed, not asserted; see BenchmarkImportSites).
func TestImport5000Sites(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	b.createRegion(acme.admin, nil, "country", "CN", "中国")
	csv := bigSiteCSV(5000, "S")
	start := time.Now()
	r := b.must(200, "POST", "/v1/sites/import", acme.admin, csv, csvHeader...)
	created := time.Since(start)
	require.Equal(t, 5000.0, r.JSON["created"], "%s", r.Raw[:min(len(r.Raw), 500)])
	start = time.Now()
	r = b.must(200, "POST", "/v1/sites/import", acme.admin, csv, csvHeader...)
	require.Equal(t, 5000.0, r.JSON["updated"])
	t.Logf("5,000 sites: created in %v, updated in %v (%d KiB of CSV)", created, time.Since(start), len(csv)/1024)
}

func bigSiteCSV(n int, prefix string) string {
	var sb strings.Builder
	sb.WriteString(siteImportHeader + ",address,phone,skills\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "%s-%05d,服务站 %d,service_station,CN,%.4f,%.4f,25,AC|FRIDGE|TV,\"mon-fri=08:30-12:00;13:30-18:00|sat=09:00-12:00\",%d,广东省深圳市南山区科技园南路 %d 号,0755-8888 %04d,install|repair\n",
			prefix, i, i, 20+float64(i%1000)/100, 110+float64(i%700)/100, 60+i%40, i, i%10000)
	}
	return sb.String()
}

// BenchmarkImportSites: one op imports 5,000 new sites over HTTP.
func BenchmarkImportSites(bm *testing.B) {
	b := setupBench(bm)
	acme := b.onboard("acme")
	b.createRegion(acme.admin, nil, "country", "CN", "中国")
	csvs := make([]string, bm.N)
	for i := range csvs {
		csvs[i] = bigSiteCSV(5000, fmt.Sprintf("B%d", i))
	}
	bm.ResetTimer()
	for i := 0; i < bm.N; i++ {
		r := b.must(200, "POST", "/v1/sites/import", acme.admin, csvs[i], csvHeader...)
		require.Equal(bm, 5000.0, r.JSON["created"])
	}
	bm.ReportMetric(float64(bm.Elapsed().Milliseconds())/float64(bm.N), "ms/5000-sites")
}

// FuzzImportSites sends arbitrary CSV and JSON bodies to the site import:
// never a 5xx (do() fails on one); a report always accounts for every row.
func FuzzImportSites(f *testing.F) {
	f.Add(true, siteImportHeader+"\n"+goodSiteLine("S-0001", "站", "CN")+"\nS-2,,dealer,CN,NaN,1,5,,,\n")
	f.Add(true, "code,name,kind,region,lat,lon,polygon\nP,p,dealer,CN,1,1,\"1 1|2 2|1 2\"\n\"broken\n")
	f.Add(false, `[{"code":"J","name":"j","kind":"dealer","region_code":"CN","location":{"lat":1,"lon":1},"area":{"radius_km":1}},null,1,"x",{"area":{"polygon":[]}}]`)
	f.Add(false, `[{"code":"J","region_id":"not-a-uuid","working_hours":{"mon":["25:00-26:00"]}}]`)
	b := setup(f)
	acme := b.onboard("fuzz")
	b.createRegion(acme.admin, nil, "country", "CN", "中国")
	f.Fuzz(func(t *testing.T, isCSV bool, body string) {
		b.t = t
		ct := "application/json"
		if isCSV {
			ct = "text/csv"
		}
		r := b.do("POST", "/v1/sites/import", acme.admin, body, "Content-Type", ct)
		if r.Status != 200 {
			require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "%s", r.Raw)
			return
		}
		total, created, updated, failed := r.JSON["total"].(float64), r.JSON["created"].(float64),
			r.JSON["updated"].(float64), r.JSON["failed"].(float64)
		require.Equal(t, total, created+updated+failed, "%s", r.Raw)
	})
}

// TestImportGBK: a CSV that spreadsheets in a Chinese locale save (GBK),
// declared as such, imports with its Chinese text intact.
func TestImportGBK(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	b.createRegion(acme.admin, nil, "country", "CN", "中国")
	body := siteImportHeader + "\n" + goodSiteLine("S-0001", "\xc4\xcf\xc9\xbd\xb7\xfe\xce\xf1\xd5\xbe", "CN") + "\n" // 南山服务站
	r := b.must(200, "POST", "/v1/sites/import", acme.admin, body, "Content-Type", "text/csv; charset=GBK")
	require.Equal(t, 1.0, r.JSON["created"], "%s", r.Raw)
	sites := b.must(200, "GET", "/v1/sites?q=S-0001", acme.admin, nil).JSON["items"].([]any)
	require.Equal(t, "南山服务站", sites[0].(map[string]any)["name"])
}

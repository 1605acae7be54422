package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// sqlIn runs SQL as the application role inside the tenant, for fixtures
// that have no endpoint (work orders, sites).
func (b *testBundle) sqlIn(tenant uuid.UUID, sql string, args ...any) {
	b.t.Helper()
	b.exec(tenant, sql, args...)
}

// createCustomer creates a customer with phones and returns its ID.
func (b *testBundle) createCustomer(token, name string, phones ...string) uuid.UUID {
	b.t.Helper()
	var ps []map[string]any
	for _, p := range phones {
		ps = append(ps, map[string]any{"phone": p})
	}
	r := b.must(201, "POST", "/v1/customers", token, map[string]any{"name": name, "phones": ps})
	return uuid.MustParse(r.str("id"))
}

func items(r resp) []map[string]any {
	var out []map[string]any
	for _, it := range r.JSON["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestCustomersCreateReadUpdate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	gd := b.createRegion(acme.admin, &cn, "province", "GD", "广东省")

	r := b.must(201, "POST", "/v1/customers", acme.admin, map[string]any{
		"kind": "person", "name": " 王芳 ", "vip": true, "tags": []string{"vip-line", "dealer", "vip-line"},
		"phones": []map[string]any{{"phone": "+86 138-0013-8000", "label": "mobile"}, {"phone": "010-12345678", "label": "home"},
			{"phone": "138 0013 8000", "label": "again"}},
		"addresses": []map[string]any{
			{"label": "home", "region_id": gd.String(), "address": "深圳市南山区科技园南路 8 号", "lat": 22.54, "lon": 113.93},
			{"label": "work", "region_code": "CN", "address": "北京市海淀区"},
		},
	})
	id := r.str("id")
	require.Equal(t, "王芳", r.str("name"))
	require.Equal(t, float64(1), r.JSON["version"])
	require.Equal(t, []any{}, r.JSON["warnings"])
	require.Equal(t, []any{"dealer", "vip-line"}, r.JSON["tags"], "trimmed, de-duplicated, sorted")
	require.Equal(t, []any{
		map[string]any{"phone": "861012345678", "label": "home"},
		map[string]any{"phone": "8613800138000", "label": "mobile"},
	}, r.JSON["phones"], "normalised; the same number twice is kept once")
	addrs := r.JSON["addresses"].([]any)
	require.Len(t, addrs, 2)
	require.Equal(t, "home", addrs[0].(map[string]any)["label"], "addresses keep their order")
	require.Equal(t, gd.String(), addrs[0].(map[string]any)["region_id"])
	require.Equal(t, 22.54, addrs[0].(map[string]any)["lat"])
	require.Equal(t, cn.String(), addrs[1].(map[string]any)["region_id"], "region_code resolved")
	// No coordinate given: the point is 海淀区's representative point, marked approximate (issue 19).
	require.Equal(t, true, addrs[1].(map[string]any)["location_approximate"])
	require.InDelta(t, 39.954805, addrs[1].(map[string]any)["lat"], 1e-6)
	require.Equal(t, false, addrs[0].(map[string]any)["location_approximate"])

	got := b.must(200, "GET", "/v1/customers/"+id, acme.admin, nil)
	delete(r.JSON, "warnings")
	require.Equal(t, r.JSON, got.JSON)

	// Lists find it by phone in any format, by part of the name, by tag.
	for _, q := range []string{"phone=13800138000", "phone=%2B8613800138000", "phone=0086%20138%200013%208000",
		"phone=010-12345678", "q=%E8%8A%B3", "tag=dealer"} {
		list := b.must(200, "GET", "/v1/customers?"+q, acme.admin, nil)
		require.Len(t, items(list), 1, q)
		require.Equal(t, id, items(list)[0]["id"], q)
	}
	for _, q := range []string{"phone=13900139000", "q=nobody", "tag=none"} {
		require.Empty(t, items(b.must(200, "GET", "/v1/customers?"+q, acme.admin, nil)), q)
	}
	b.must(422, "GET", "/v1/customers?phone=call-me", acme.admin, nil)

	// PATCH replaces the lists it is given and leaves the rest.
	up := b.must(200, "PATCH", "/v1/customers/"+id, acme.admin, map[string]any{"version": 1, "name": "王芳芳",
		"phones": []map[string]any{{"phone": "13900139000"}}, "addresses": []map[string]any{}, "tags": []string{"moved"}})
	require.Equal(t, "王芳芳", up.str("name"))
	require.Equal(t, float64(2), up.JSON["version"])
	require.Equal(t, []any{map[string]any{"phone": "8613900139000", "label": ""}}, up.JSON["phones"])
	require.Equal(t, []any{}, up.JSON["addresses"])
	require.Equal(t, []any{"moved"}, up.JSON["tags"])
	require.Equal(t, true, up.JSON["vip"], "untouched")
	require.Empty(t, items(b.must(200, "GET", "/v1/customers?phone=13800138000", acme.admin, nil)), "old phone gone")

	stale := b.must(409, "PATCH", "/v1/customers/"+id, acme.admin, map[string]any{"version": 1, "vip": false})
	require.Contains(t, stale.str("detail"), "version")
	require.Equal(t, true, b.must(200, "GET", "/v1/customers/"+id, acme.admin, nil).JSON["vip"], "the stale write changed nothing")
	b.must(404, "GET", "/v1/customers/"+uuid.NewString(), acme.admin, nil)
	b.must(404, "PATCH", "/v1/customers/"+uuid.NewString(), acme.admin, map[string]any{"version": 1, "vip": false})
}

// TestCustomerDuplicatePhoneWarning: a phone another customer has is
// allowed and reported.
func TestCustomerDuplicatePhoneWarning(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	first := b.createCustomer(acme.admin, "王芳", "13800138000")
	r := b.must(201, "POST", "/v1/customers", acme.admin, map[string]any{"name": "王芳的丈夫",
		"phones": []map[string]any{{"phone": "+86 138 0013 8000"}, {"phone": "13900139000"}}})
	require.Equal(t, []any{map[string]any{"code": "duplicate_phone", "customer_id": first.String(), "phone": "8613800138000"}},
		r.JSON["warnings"])
	require.Len(t, items(b.must(200, "GET", "/v1/customers?phone=13800138000", acme.admin, nil)), 2)

	// Setting the phone by PATCH warns too.
	third := b.createCustomer(acme.admin, "李雷", "13700137000")
	up := b.must(200, "PATCH", "/v1/customers/"+third.String(), acme.admin, map[string]any{"version": 1,
		"phones": []map[string]any{{"phone": "13900139000"}}})
	require.Equal(t, r.str("id"), up.JSON["warnings"].([]any)[0].(map[string]any)["customer_id"])
}

// TestCustomerValidation: each bad customer gets a 422 naming the field,
// and nothing is created.
func TestCustomerValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, other := b.onboard("acme"), b.onboard("other")
	otherRegion := b.createRegion(other.admin, nil, "country", "CN", "中国")
	phone := []map[string]any{{"phone": "13800138000"}}
	cases := []struct {
		name   string
		body   map[string]any
		detail string
	}{
		{"bad phone", map[string]any{"name": "a", "phones": []map[string]any{{"phone": "call me maybe"}}}, "phones[0].phone"},
		{"short phone", map[string]any{"name": "a", "phones": []map[string]any{{"phone": "12345"}}}, "phones[0].phone"},
		{"latitude out of range", map[string]any{"name": "a", "phones": phone,
			"addresses": []map[string]any{{"address": "x", "lat": 91.0, "lon": 100.0}}}, "lat"},
		{"longitude out of range", map[string]any{"name": "a",
			"addresses": []map[string]any{{"address": "x", "lat": 30.0, "lon": -181.0}}}, "lon"},
		{"lat without lon", map[string]any{"name": "a", "addresses": []map[string]any{{"address": "x", "lat": 30.0}}}, "lat"},
		{"unknown region", map[string]any{"name": "a",
			"addresses": []map[string]any{{"address": "x", "region_id": uuid.NewString()}}}, "region_id"},
		{"other tenant's region", map[string]any{"name": "a",
			"addresses": []map[string]any{{"address": "x", "region_id": otherRegion.String()}}}, "region_id"},
		{"unknown region code", map[string]any{"name": "a",
			"addresses": []map[string]any{{"address": "x", "region_code": "NOPE"}}}, "region_code"},
		{"overlong name", map[string]any{"name": strings.Repeat("名", 101)}, "name"},
		{"blank name", map[string]any{"name": "   "}, "name"},
		{"missing name", map[string]any{"phones": phone}, "name"},
		{"bad kind", map[string]any{"name": "a", "kind": "robot"}, "kind"},
		{"too many phones", map[string]any{"name": "a", "phones": func() []map[string]any {
			var ps []map[string]any
			for i := 0; i < 11; i++ {
				ps = append(ps, map[string]any{"phone": fmt.Sprintf("1380013800%d", i%10)})
			}
			return ps
		}()}, "phones"},
		{"empty tag", map[string]any{"name": "a", "tags": []string{" "}}, "tags[0]"},
		{"control character in name", map[string]any{"name": "a\u0007b"}, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(422, "POST", "/v1/customers", acme.admin, c.body)
			require.Contains(t, string(r.Raw), c.detail)
		})
	}
	require.Empty(t, items(b.must(200, "GET", "/v1/customers", acme.admin, nil)))
}

func TestCustomerListPagination(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	names := []string{"Ann", "Bob", "Bob", "Cai", "Dai"}
	for _, n := range names {
		b.createCustomer(acme.admin, n)
	}
	var seen []string
	ids := map[string]bool{}
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		r := b.must(200, "GET", "/v1/customers?limit=2&cursor="+cursor, acme.admin, nil)
		for _, it := range items(r) {
			seen = append(seen, it["name"].(string))
			ids[it["id"].(string)] = true
		}
		if cursor = r.str("next_cursor"); cursor == "" {
			break
		}
	}
	require.Equal(t, names, seen)
	require.Len(t, ids, 5)
	b.must(422, "GET", "/v1/customers?cursor=not-a-cursor", acme.admin, nil)
}

func TestImportCustomersJSON(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	body := `[
		{"name": "王芳", "phones": [{"phone": "138 0013 8000", "label": "mobile"}], "tags": ["imported"]},
		{"name": "坏电话", "phones": [{"phone": "not a phone"}]},
		{"name": "李雷", "kind": "organization", "addresses": [{"address": "北京", "region_code": "CN"}]},
		{"name": 42},
		{"name": "无区域", "addresses": [{"address": "x", "region_code": "MARS"}]},
		"not an object",
		{"name": "韩梅梅", "vip": true, "addresses": [{"address": "上海", "region_id": "` + cn.String() + `", "lat": 31.2, "lon": 121.5}]}
	]`
	r := b.must(200, "POST", "/v1/customers/import", acme.admin, body)
	require.Equal(t, float64(7), r.JSON["total"], "%s", r.Raw)
	require.Equal(t, float64(3), r.JSON["created"])
	require.Equal(t, float64(4), r.JSON["failed"])
	var rows []float64
	fields := map[float64]string{}
	for _, e := range r.JSON["errors"].([]any) {
		m := e.(map[string]any)
		rows = append(rows, m["row"].(float64))
		fields[m["row"].(float64)], _ = m["field"].(string)
	}
	require.Equal(t, []float64{2, 4, 5, 6}, rows)
	require.Equal(t, "phones[0].phone", fields[2])
	require.Equal(t, "name", fields[4])
	require.Equal(t, "addresses[0].region_code", fields[5])

	require.Len(t, items(b.must(200, "GET", "/v1/customers", acme.admin, nil)), 3)
	wang := items(b.must(200, "GET", "/v1/customers?phone=13800138000", acme.admin, nil))
	require.Len(t, wang, 1)
	require.Equal(t, []any{"imported"}, wang[0]["tags"])

	b.must(422, "POST", "/v1/customers/import", acme.admin, `{"name": "not an array"}`)
	b.must(415, "POST", "/v1/customers/import", acme.admin, "name\nx\n", "Content-Type", "text/plain")
}

func TestImportCustomersCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	b.createRegion(acme.admin, nil, "country", "CN", "中国")
	csv := "\xef\xbb\xbfname,phones,tags,vip,address,region,lat,lon\n" +
		"王芳,138 0013 8000|010-12345678,a|b,true,深圳,CN,22.5,113.9\n" +
		"坏,12345,,,,,,\n" +
		"\n" +
		"李雷,,,maybe,,,,\n" +
		"韩梅梅,13900139000,,,上海,MARS,,\n" +
		"\"Quoted, Inc.\",+86 137 0013 7000,,false,x,,91,0\n" +
		"张三\n"
	r := b.must(200, "POST", "/v1/customers/import", acme.admin, csv, "Content-Type", "text/csv; charset=utf-8")
	require.Equal(t, float64(6), r.JSON["total"], "%s", r.Raw)
	require.Equal(t, float64(1), r.JSON["created"], "%s", r.Raw)
	errs := map[float64]string{}
	for _, e := range r.JSON["errors"].([]any) {
		m := e.(map[string]any)
		errs[m["row"].(float64)], _ = m["field"].(string)
	}
	require.Equal(t, map[float64]string{3: "phones", 5: "vip", 6: "region", 7: "lat", 8: ""}, errs, "%s", r.Raw)
	c := items(b.must(200, "GET", "/v1/customers?phone=010-12345678", acme.admin, nil))
	require.Len(t, c, 1)
	require.Equal(t, []any{"a", "b"}, c[0]["tags"])
	require.Equal(t, true, c[0]["vip"])
	require.Len(t, c[0]["phones"], 2)

	bad := b.must(422, "POST", "/v1/customers/import", acme.admin, "nom,phones\nx,y\n", "Content-Type", "text/csv")
	require.Contains(t, bad.str("detail"), "nom")
}

// TestImportCustomersThousands: a large file goes in one request and one
// transaction, set-based.
func TestImportCustomersThousands(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	const n = 10000
	var sb strings.Builder
	sb.WriteString("name,phones,tags,address\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "客户%05d,139%08d|010-%08d,bulk,北京市朝阳区 %d 号\n", i, i, i, i)
	}
	start := time.Now()
	r := b.must(200, "POST", "/v1/customers/import", acme.admin, sb.String(), "Content-Type", "text/csv")
	t.Logf("imported %d customers (%d phones, %d addresses) in %v", n, 2*n, n, time.Since(start))
	require.Equal(t, float64(n), r.JSON["created"], "%s", r.Raw[:min(len(r.Raw), 500)])
	require.Equal(t, float64(0), r.JSON["failed"])
	one := items(b.must(200, "GET", "/v1/customers?phone=13900001234", acme.admin, nil))
	require.Len(t, one, 1)
	require.Equal(t, "客户01234", one[0]["name"])
	require.Len(t, one[0]["phones"], 2)
	require.Len(t, one[0]["addresses"], 1)
}

// TestCustomerIsolation: another tenant's customer IDs are 404 and nothing
// changes; lists and phone lookups never show the other tenant's rows.
func TestCustomerIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("alpha"), b.onboard("omega")
	theirs := b.createCustomer(o.admin, "奥米加客户", "13800138000")
	b.createCustomer(a.admin, "阿尔法客户", "13900139000")
	before := b.must(200, "GET", "/v1/customers/"+theirs.String(), o.admin, nil).Raw

	b.must(404, "GET", "/v1/customers/"+theirs.String(), a.admin, nil)
	b.must(404, "PATCH", "/v1/customers/"+theirs.String(), a.admin, map[string]any{"version": 1, "name": "hijacked"})
	b.must(404, "PATCH", "/v1/customers/"+theirs.String(), a.admin, map[string]any{"version": 1,
		"phones": []map[string]any{{"phone": "13700137000"}}})
	require.Empty(t, items(b.must(200, "GET", "/v1/customers?phone=13800138000", a.admin, nil)))
	require.NotContains(t, string(b.must(200, "GET", "/v1/customers", a.admin, nil).Raw), theirs.String())
	// Creating a customer with their phone warns about nobody.
	r := b.must(201, "POST", "/v1/customers", a.admin, map[string]any{"name": "x", "phones": []map[string]any{{"phone": "13800138000"}}})
	require.Equal(t, []any{}, r.JSON["warnings"])
	// Their cursor does not open our list at their position.
	require.NotContains(t, string(b.must(200, "GET", "/v1/customers?cursor="+theirs.String(), a.admin, nil).Raw), "奥米加")

	require.Equal(t, string(before), string(b.must(200, "GET", "/v1/customers/"+theirs.String(), o.admin, nil).Raw))
}

// FuzzImportCustomers sends arbitrary CSV and JSON bodies to the import:
// never a 5xx (do() fails on one), and a 4xx is always a problem.
func FuzzImportCustomers(f *testing.F) {
	for _, seed := range []string{
		"name,phones\n王芳,13800138000\n", "name,phones,lat,lon\nx,+86 138,91,NaN\n", "\xef\xbb\xbfname\n\"a\n", "name,name\n",
		"name,region,address\nx,CN,y\n", "phones\n1\n", "",
		`[{"name":"王芳","phones":[{"phone":"13800138000"}]}]`, `[{"name":1}]`, `[null]`, `{}`, `[{"addresses":[{"lat":1e999}]}]`,
	} {
		f.Add(seed, "text/csv")
		f.Add(seed, "application/json")
	}
	b := setup(f)
	admin := b.onboard("fuzz").admin
	f.Fuzz(func(t *testing.T, body, contentType string) {
		b.t = t
		if contentType != "text/csv" {
			contentType = "application/json"
		}
		r := b.do("POST", "/v1/customers/import", admin, body, "Content-Type", contentType)
		if r.Status >= 400 {
			require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "%s", r.Raw)
			require.NotEmpty(t, r.str("detail"), "%s", r.Raw)
		}
	})
}

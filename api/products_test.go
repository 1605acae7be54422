package api_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// productFixture is a tenant with a product line, a model and a customer.
type productFixture struct {
	tenant   tenantFixture
	model    uuid.UUID
	customer uuid.UUID
}

func (b *testBundle) newProducts(slug string) productFixture {
	b.t.Helper()
	f := productFixture{tenant: b.onboard(slug)}
	tok := f.tenant.admin
	b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners"})
	r := b.must(201, "POST", "/v1/product-models", tok, map[string]any{"product_line": "AC", "code": "KFR-35GW",
		"name": "壁挂式空调 1.5 匹", "warranty_months": 12, "labour_hours": 1.5})
	f.model = uuid.MustParse(r.str("id"))
	f.customer = b.createCustomer(tok, "王芳", "13800138000")
	return f
}

func TestProductLinesAndModels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	tok := acme.admin
	b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": "WM", "name_zh": "洗衣机", "name_en": "Washing machines"})
	b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners"})
	b.must(409, "POST", "/v1/product-lines", tok, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "AC"})
	b.must(422, "POST", "/v1/product-lines", tok, map[string]any{"code": "A C", "name_zh": "空调", "name_en": "AC"})
	lines := items(b.must(200, "GET", "/v1/product-lines", tok, nil))
	require.Equal(t, []map[string]any{{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners", "status": "active", "version": 1.0},
		{"code": "WM", "name_zh": "洗衣机", "name_en": "Washing machines", "status": "active", "version": 1.0}}, lines)
	page := b.must(200, "GET", "/v1/product-lines?limit=1", tok, nil)
	require.Equal(t, "AC", page.str("next_cursor"))
	require.Equal(t, "WM", items(b.must(200, "GET", "/v1/product-lines?cursor=AC", tok, nil))[0]["code"])

	m := b.must(201, "POST", "/v1/product-models", tok, map[string]any{"product_line": "AC", "code": "KFR-35GW",
		"name": "壁挂式空调", "warranty_months": 36})
	require.Equal(t, 1.0, m.JSON["labour_hours"], "default labour")
	require.Equal(t, float64(36), m.JSON["warranty_months"])
	b.must(201, "POST", "/v1/product-models", tok, map[string]any{"product_line": "WM", "code": "XQG100",
		"name": "滚筒洗衣机", "warranty_months": 24, "labour_hours": 2.25})
	b.must(409, "POST", "/v1/product-models", tok, map[string]any{"product_line": "WM", "code": "KFR-35GW", "name": "x", "warranty_months": 1})
	unknown := b.must(422, "POST", "/v1/product-models", tok, map[string]any{"product_line": "TV", "code": "X1", "name": "x", "warranty_months": 1})
	require.Contains(t, string(unknown.Raw), "product_line")
	b.must(422, "POST", "/v1/product-models", tok, map[string]any{"product_line": "AC", "code": "X2", "name": "x", "warranty_months": -1})
	wm := items(b.must(200, "GET", "/v1/product-models?product_line=WM", tok, nil))
	require.Len(t, wm, 1)
	require.Equal(t, 2.25, wm[0]["labour_hours"])
	require.Len(t, items(b.must(200, "GET", "/v1/product-models", tok, nil)), 2)

	// An agent may read the catalogue but not change it.
	_, agent := b.createUser(tok, "acme", "li.na", []string{"agent"}, map[string]any{"all": true})
	b.must(200, "GET", "/v1/product-models", agent, nil)
	b.must(403, "POST", "/v1/product-lines", agent, map[string]any{"code": "TV", "name_zh": "电视", "name_en": "TV"})
}

func TestUnitsWarrantyAndSerials(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.newProducts("acme")
	tok := f.tenant.admin
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	recent := today.AddDate(0, -2, 0).Format(time.DateOnly)
	in := b.must(201, "POST", "/v1/units", tok, map[string]any{"customer_id": f.customer, "model_id": f.model,
		"serial": "KFR35-0001", "purchase_date": recent})
	require.Equal(t, recent, in.str("purchase_date"))
	w := in.JSON["warranty"].(map[string]any)
	require.Equal(t, true, w["in_warranty"], "%s", in.Raw)
	require.Greater(t, w["days_left"].(float64), 0.0)
	model := in.JSON["model"].(map[string]any)
	require.Equal(t, "KFR-35GW", model["code"])
	require.Equal(t, "空调", model["product_line_name_zh"])
	require.Equal(t, float64(12), model["warranty_months"])

	out := b.must(201, "POST", "/v1/units", tok, map[string]any{"customer_id": f.customer, "model_id": f.model,
		"serial": "KFR35-0002", "purchase_date": "2019-01-31"})
	require.Equal(t, map[string]any{"in_warranty": false, "expires_on": "2020-01-31", "days_left": 0.0}, out.JSON["warranty"])

	// The serial is unique in the tenant.
	dup := b.must(409, "POST", "/v1/units", tok, map[string]any{"customer_id": f.customer, "model_id": f.model,
		"serial": "KFR35-0001", "purchase_date": recent})
	require.Contains(t, dup.str("detail"), "KFR35-0001")

	// Reads show the warranty too.
	got := b.must(200, "GET", "/v1/units/"+in.str("id"), tok, nil)
	require.Equal(t, in.JSON, got.JSON)
	bySerial := items(b.must(200, "GET", "/v1/units?serial=KFR35-0002", tok, nil))
	require.Len(t, bySerial, 1)
	require.Equal(t, false, bySerial[0]["warranty"].(map[string]any)["in_warranty"])
	byCustomer := items(b.must(200, "GET", "/v1/units?customer_id="+f.customer.String(), tok, nil))
	require.Len(t, byCustomer, 2)
	require.Equal(t, "KFR35-0001", byCustomer[0]["serial"])
	b.must(404, "GET", "/v1/units/"+uuid.NewString(), tok, nil)
	b.must(422, "GET", "/v1/units?customer_id=nope", tok, nil)

	// A dealer site of the tenant may be named; a missing one may not.
	cn := b.createRegion(tok, nil, "country", "CN", "中国")
	site := uuid.New()
	b.sqlIn(f.tenant.id, `INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km)
		VALUES ($1, $2, 'D-001', '国美深圳店', 'dealer', $3, 22.5, 114.0, 10)`, f.tenant.id, site, cn)
	d := b.must(201, "POST", "/v1/units", tok, map[string]any{"customer_id": f.customer, "model_id": f.model,
		"serial": "KFR35-0003", "purchase_date": recent, "dealer_site_id": site})
	require.Equal(t, site.String(), d.str("dealer_site_id"))

	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown customer", map[string]any{"customer_id": uuid.New(), "model_id": f.model, "serial": "X1", "purchase_date": recent}, "customer_id"},
		{"unknown model", map[string]any{"customer_id": f.customer, "model_id": uuid.New(), "serial": "X1", "purchase_date": recent}, "model_id"},
		{"unknown site", map[string]any{"customer_id": f.customer, "model_id": f.model, "serial": "X1", "purchase_date": recent,
			"dealer_site_id": uuid.New()}, "dealer_site_id"},
		{"future purchase", map[string]any{"customer_id": f.customer, "model_id": f.model, "serial": "X1",
			"purchase_date": today.AddDate(0, 1, 0).Format(time.DateOnly)}, "purchase_date"},
		{"not a date", map[string]any{"customer_id": f.customer, "model_id": f.model, "serial": "X1", "purchase_date": "2025-02-30"}, "purchase_date"},
		{"bad serial", map[string]any{"customer_id": f.customer, "model_id": f.model, "serial": "has space", "purchase_date": recent}, "serial"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(422, "POST", "/v1/units", tok, c.body)
			require.Contains(t, string(r.Raw), c.field)
		})
	}
	require.Len(t, items(b.must(200, "GET", "/v1/units", tok, nil)), 3)
}

// TestUnitsIsolation: another tenant's customer, model and site IDs cannot
// be used (422) and its units cannot be read (404, empty lists).
func TestUnitsIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.newProducts("alpha"), b.newProducts("omega")
	oUnit := b.must(201, "POST", "/v1/units", o.tenant.admin, map[string]any{"customer_id": o.customer, "model_id": o.model,
		"serial": "OMEGA-1", "purchase_date": "2024-01-01"})
	before := b.must(200, "GET", "/v1/units/"+oUnit.str("id"), o.tenant.admin, nil).Raw

	for name, body := range map[string]map[string]any{
		"their customer": {"customer_id": o.customer, "model_id": a.model, "serial": "A-1", "purchase_date": "2024-01-01"},
		"their model":    {"customer_id": a.customer, "model_id": o.model, "serial": "A-2", "purchase_date": "2024-01-01"},
	} {
		r := b.do("POST", "/v1/units", a.tenant.admin, body)
		require.Equal(t, 422, r.Status, "%s: %s", name, r.Raw)
	}
	b.must(404, "GET", "/v1/units/"+oUnit.str("id"), a.tenant.admin, nil)
	require.Empty(t, items(b.must(200, "GET", "/v1/units?customer_id="+o.customer.String(), a.tenant.admin, nil)))
	require.Empty(t, items(b.must(200, "GET", "/v1/units?serial=OMEGA-1", a.tenant.admin, nil)))
	require.Empty(t, items(b.must(200, "GET", "/v1/units", a.tenant.admin, nil)))
	// The same serial is free in another tenant.
	b.must(201, "POST", "/v1/units", a.tenant.admin, map[string]any{"customer_id": a.customer, "model_id": a.model,
		"serial": "OMEGA-1", "purchase_date": "2024-01-01"})
	require.Equal(t, string(before), string(b.must(200, "GET", "/v1/units/"+oUnit.str("id"), o.tenant.admin, nil).Raw))
}

package api_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// stockFixture is a tenant with a central warehouse, two sites each with
// its warehouse, a part, a parts clerk and the first site's manager.
type stockFixture struct {
	tenant                  tenantFixture
	clerk, siteMgr          string
	region, site1, site2    uuid.UUID
	central, wh1, wh2, part string
}

func (b *testBundle) stockFixture(slug string) stockFixture {
	b.t.Helper()
	f := stockFixture{tenant: b.onboard(slug)}
	adm := f.tenant.admin
	f.region = b.createRegion(adm, nil, "country", "CN", "中国")
	f.site1 = b.createSite(adm, f.region, "S-1", nil)
	f.site2 = b.createSite(adm, f.region, "S-2", nil)
	b.must(201, "POST", "/v1/product-lines", adm, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners"})
	b.must(201, "POST", "/v1/product-models", adm, map[string]any{"product_line": "AC", "code": "KFR-35GW", "name": "壁挂式空调", "warranty_months": 12})
	_, f.clerk = b.createUser(adm, slug, "clerk", []string{"parts_clerk"}, map[string]any{"all": true})
	_, f.siteMgr = b.createUser(adm, slug, "site1.mgr", []string{"site_manager"}, map[string]any{"sites": []string{f.site1.String()}})
	f.central = b.must(201, "POST", "/v1/warehouses", f.clerk, map[string]any{"code": "C1", "name": "中心库", "kind": "central"}).str("id")
	f.wh1 = b.must(201, "POST", "/v1/warehouses", f.clerk, map[string]any{"code": "S1", "name": "网点一库", "kind": "site", "site_id": f.site1}).str("id")
	f.wh2 = b.must(201, "POST", "/v1/warehouses", f.clerk, map[string]any{"code": "S2", "name": "网点二库", "kind": "site", "site_id": f.site2}).str("id")
	f.part = b.must(201, "POST", "/v1/parts/catalog", f.clerk, map[string]any{"number": "P-COMP", "name_zh": "压缩机",
		"name_en": "Compressor", "models": []string{"KFR-35GW"}, "cost_minor": 32000, "sale_minor": 45000, "warranty_months": 36,
		"must_return": true}).str("id")
	return f
}

func stockOf(b *testBundle, token, query string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, it := range b.must(200, "GET", "/v1/stock?"+query, token, nil).JSON["items"].([]any) {
		row := it.(map[string]any)
		out[row["warehouse_code"].(string)] = row
	}
	return out
}

// TestStockDocumentsThroughTheAPI: a receipt, a transfer received in two
// parts, a reservation retried with its key; the figures are the ledger's.
func TestStockDocumentsThroughTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.stockFixture("stock-acme")
	line := func(q int) []map[string]any { return []map[string]any{{"part_id": f.part, "quantity": q}} }

	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.central,
		"reference": "DN-001", "lines": line(10)})
	tr := b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "transfer", "from_warehouse_id": f.central,
		"to_warehouse_id": f.wh1, "lines": line(6)})
	require.Equal(t, "in_transit", tr.str("state"))
	st := stockOf(b, f.clerk, "part_id="+f.part)
	require.EqualValues(t, 4, st["C1"]["available"])
	require.EqualValues(t, 6, st["S1"]["in_transit"])
	require.EqualValues(t, 0, st["S1"]["on_hand"])

	// The site receives 4, then refuses to receive 3 of the remaining 2.
	r := b.must(200, "POST", "/v1/stock/documents/"+tr.str("id")+"/receive", f.siteMgr, map[string]any{"lines": line(4)})
	require.Equal(t, "partially_received", r.str("state"))
	bad := b.must(422, "POST", "/v1/stock/documents/"+tr.str("id")+"/receive", f.siteMgr, map[string]any{"lines": line(3)})
	require.Contains(t, string(bad.Raw), "lines[0].quantity")
	st = stockOf(b, f.siteMgr, "")
	require.Len(t, st, 1, "the site sees only its own warehouse")
	require.EqualValues(t, 4, st["S1"]["available"])
	require.EqualValues(t, 2, st["S1"]["in_transit"])
	b.must(200, "POST", "/v1/stock/documents/"+tr.str("id")+"/receive", f.siteMgr, map[string]any{"lines": line(2)})

	// Reservation with a key: a retry answers 200 with the first one.
	res := map[string]any{"key": "order-42-compressor", "warehouse_id": f.wh1, "part_id": f.part, "quantity": 2}
	first := b.must(201, "POST", "/v1/stock/reservations", f.siteMgr, res)
	again := b.must(200, "POST", "/v1/stock/reservations", f.siteMgr, res)
	require.Equal(t, first.str("id"), again.str("id"))
	st = stockOf(b, f.siteMgr, "warehouse_id="+f.wh1)
	require.EqualValues(t, 6, st["S1"]["on_hand"])
	require.EqualValues(t, 2, st["S1"]["reserved"])
	require.EqualValues(t, 4, st["S1"]["available"])
	b.must(200, "POST", "/v1/stock/reservations/"+first.str("id")+"/consume", f.siteMgr, map[string]any{})
	st = stockOf(b, f.siteMgr, "warehouse_id="+f.wh1)
	require.EqualValues(t, 4, st["S1"]["on_hand"])

	// The ledger: every movement, in order, sums to those figures.
	led := b.must(200, "GET", "/v1/stock/movements?part_id="+f.part, f.clerk, nil)
	sum := map[string]float64{}
	for _, it := range led.JSON["items"].([]any) {
		m := it.(map[string]any)
		from, to := m["from"].(map[string]any), m["to"].(map[string]any)
		q := m["quantity"].(float64)
		if w, ok := from["warehouse_id"].(string); ok {
			sum[w+"/"+from["bucket"].(string)] -= q
		}
		if w, ok := to["warehouse_id"].(string); ok {
			sum[w+"/"+to["bucket"].(string)] += q
		}
	}
	require.EqualValues(t, 4, sum[f.central+"/available"])
	require.EqualValues(t, 4, sum[f.wh1+"/available"])
	require.EqualValues(t, 0, sum[f.wh1+"/reserved"])
	require.EqualValues(t, 0, sum[f.wh1+"/in_transit"])
}

// TestStockScopeAndIsolation: a site manager sees only its site's
// warehouse, stock and documents, may not write documents; another tenant
// sees nothing.
func TestStockScopeAndIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.stockFixture("stock-scope")
	line := []map[string]any{{"part_id": f.part, "quantity": 5}}
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.wh2, "lines": line})
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.wh1, "lines": line})

	require.Equal(t, []string{"S1"}, codes(b.must(200, "GET", "/v1/warehouses", f.siteMgr, nil)))
	require.Equal(t, []string{"C1", "S1", "S2"}, codes(b.must(200, "GET", "/v1/warehouses", f.clerk, nil)))
	b.must(404, "GET", "/v1/warehouses/"+f.wh2, f.siteMgr, nil)
	b.must(200, "GET", "/v1/warehouses/"+f.wh1, f.siteMgr, nil)
	st := stockOf(b, f.siteMgr, "part_id="+f.part)
	require.Len(t, st, 1)
	require.Contains(t, st, "S1")
	docs := b.must(200, "GET", "/v1/stock/documents", f.siteMgr, nil).JSON["items"].([]any)
	require.Len(t, docs, 1)
	require.Len(t, b.must(200, "GET", "/v1/stock/movements", f.siteMgr, nil).JSON["items"].([]any), 1)

	// A region manager sees the site warehouses of their subtree, not the central one.
	_, mgr := b.createUser(f.tenant.admin, "stock-scope", "region.mgr", []string{"region_manager"}, map[string]any{"regions": []string{f.region.String()}})
	require.Equal(t, []string{"S1", "S2"}, codes(b.must(200, "GET", "/v1/warehouses", mgr, nil)))
	require.Len(t, stockOf(b, mgr, "part_id="+f.part), 2)

	// Site staff read, reserve in their own warehouse, but post no documents.
	b.must(403, "POST", "/v1/stock/documents", f.siteMgr, map[string]any{"kind": "receipt", "warehouse_id": f.wh1, "lines": line})
	b.must(403, "POST", "/v1/parts/catalog", f.siteMgr, map[string]any{"number": "X", "name_en": "x", "cost_minor": 1, "sale_minor": 1})
	b.must(200, "GET", "/v1/parts/catalog", f.siteMgr, nil)
	bad := b.must(422, "POST", "/v1/stock/reservations", f.siteMgr, map[string]any{"key": "k", "warehouse_id": f.wh2, "part_id": f.part, "quantity": 1})
	require.Contains(t, string(bad.Raw), "warehouse_id")

	// Another tenant sees none of it.
	other := b.onboard("stock-other")
	require.Empty(t, b.must(200, "GET", "/v1/warehouses", other.admin, nil).JSON["items"])
	require.Empty(t, b.must(200, "GET", "/v1/stock", other.admin, nil).JSON["items"])
	require.Empty(t, b.must(200, "GET", "/v1/parts/catalog", other.admin, nil).JSON["items"])
	b.must(404, "GET", "/v1/warehouses/"+f.wh1, other.admin, nil)
	b.must(422, "POST", "/v1/stock/documents", other.admin, map[string]any{"kind": "receipt", "warehouse_id": f.wh1, "lines": line})
}

// TestStockBadInput: each bad input is a 4xx naming the field, and
// nothing changes.
func TestStockBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.stockFixture("stock-bad")
	line := func(q int) []map[string]any { return []map[string]any{{"part_id": f.part, "quantity": q}} }
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.central, "lines": line(3)})
	tr := b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "transfer", "from_warehouse_id": f.central,
		"to_warehouse_id": f.wh1, "lines": line(1)})
	for _, tc := range []struct {
		name, path string
		body       map[string]any
		status     int
		field      string
	}{
		{"negative stock", "/v1/stock/documents", map[string]any{"kind": "issue", "warehouse_id": f.central, "lines": line(3)}, 422, "lines[0].quantity"},
		{"negative quantity", "/v1/stock/documents", map[string]any{"kind": "receipt", "warehouse_id": f.central, "lines": line(-2)}, 422, "lines[0].quantity"},
		{"over-receipt", "/v1/stock/documents/" + tr.str("id") + "/receive", map[string]any{"lines": line(2)}, 422, "lines[0].quantity"},
		{"unknown part", "/v1/stock/documents", map[string]any{"kind": "receipt", "warehouse_id": f.central,
			"lines": []map[string]any{{"part_id": uuid.NewString(), "quantity": 1}}}, 422, "lines[0].part_id"},
		{"unknown warehouse", "/v1/stock/documents", map[string]any{"kind": "receipt", "warehouse_id": uuid.NewString(), "lines": line(1)}, 422, "warehouse_id"},
		{"unknown destination", "/v1/stock/documents", map[string]any{"kind": "transfer", "from_warehouse_id": f.central,
			"to_warehouse_id": uuid.NewString(), "lines": line(1)}, 422, "to_warehouse_id"},
		{"adjustment without reason", "/v1/stock/documents", map[string]any{"kind": "adjustment", "warehouse_id": f.central, "lines": line(-1)}, 422, "reason"},
		{"reserve too much", "/v1/stock/reservations", map[string]any{"key": "k1", "warehouse_id": f.central, "part_id": f.part, "quantity": 9}, 422, "quantity"},
		{"reserve unknown part", "/v1/stock/reservations", map[string]any{"key": "k2", "warehouse_id": f.central, "part_id": uuid.NewString(), "quantity": 1}, 422, "part_id"},
		{"part with negative price", "/v1/parts/catalog", map[string]any{"number": "P-X", "name_en": "x", "cost_minor": -1, "sale_minor": 1}, 422, "cost_minor"},
		{"part with unknown model", "/v1/parts/catalog", map[string]any{"number": "P-X", "name_en": "x", "cost_minor": 1, "sale_minor": 1, "models": []string{"NOPE"}}, 422, "models"},
		{"part number taken", "/v1/parts/catalog", map[string]any{"number": "P-COMP", "name_en": "x", "cost_minor": 1, "sale_minor": 1}, 409, "number"},
		{"site warehouse without site", "/v1/warehouses", map[string]any{"code": "W", "name": "w", "kind": "site"}, 422, "site_id"},
		{"warehouse of unknown region", "/v1/warehouses", map[string]any{"code": "W", "name": "w", "kind": "regional", "region_id": uuid.NewString()}, 422, "region_id"},
	} {
		r := b.must(tc.status, "POST", tc.path, f.clerk, tc.body)
		require.Contains(t, string(r.Raw), tc.field, tc.name)
	}
	st := stockOf(b, f.clerk, "part_id="+f.part)
	require.EqualValues(t, 2, st["C1"]["available"], "nothing changed")
	require.EqualValues(t, 1, st["S1"]["in_transit"])
	require.Len(t, b.must(200, "GET", "/v1/stock/documents", f.clerk, nil).JSON["items"].([]any), 2)
	require.Len(t, b.must(200, "GET", "/v1/parts/catalog", f.clerk, nil).JSON["items"].([]any), 1)
	require.Len(t, b.must(200, "GET", "/v1/warehouses", f.clerk, nil).JSON["items"].([]any), 3)
}

package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/internal/testkit"
)

// fieldParts is a network with a parts clerk, a central warehouse with
// 10 compressors (must be returned), and the near site's warehouse.
type fieldParts struct {
	*network
	clerk, central, siteWH, part, order string
}

func (b *testBundle) fieldParts(slug string) fieldParts {
	b.t.Helper()
	f := fieldParts{network: b.newNetwork(slug)}
	adm := f.tenant.admin
	_, f.clerk = b.createUser(adm, slug, "clerk", []string{"parts_clerk"}, map[string]any{"all": true})
	f.central = b.must(201, "POST", "/v1/warehouses", f.clerk, map[string]any{"code": "C1", "name": "中心库", "kind": "central"}).str("id")
	f.siteWH = b.must(201, "POST", "/v1/warehouses", f.clerk, map[string]any{"code": "S-NEAR", "name": "南山库", "kind": "site",
		"site_id": f.near}).str("id")
	b.must(201, "POST", "/v1/warehouses", f.clerk, map[string]any{"code": "S-NN", "name": "南宁库", "kind": "site", "site_id": f.other})
	f.part = b.must(201, "POST", "/v1/parts/catalog", f.clerk, map[string]any{"number": "P-COMP", "name_zh": "压缩机",
		"name_en": "Compressor", "cost_minor": 32000, "sale_minor": 45000, "currency": "CNY", "warranty_months": 36,
		"must_return": true}).str("id")
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.central,
		"lines": []map[string]any{{"part_id": f.part, "quantity": 10}}})
	r := b.intake(f.network, adm, nil)
	require.Equal(b.t, 201, r.Status, "%s", r.Raw)
	f.order = r.str("id")
	b.must(200, "POST", "/v1/work-orders/"+f.order+"/accept", f.techNearTok, map[string]any{})
	b.must(200, "POST", "/v1/work-orders/"+f.order+"/arrive", f.techNearTok, map[string]any{"lat": szLat, "lon": szLon})
	return f
}

// partStock is the part's figures in a warehouse code.
func (f fieldParts) stock(b *testBundle) map[string]map[string]any {
	return stockOf(b, f.clerk, "part_id="+f.part)
}

func partRecord(qty int) map[string]any {
	return map[string]any{"unit_serial": "SN-0001", "symptom_code": "S01", "cause_code": "C01", "object_code": "O01",
		"action_code": "A01", "parts": []map[string]any{{"barcode": "P-COMP", "quantity": qty}},
		"confirmation": map[string]any{"name": "王芳", "signature": testkit.PNGSignature}}
}

// TestFieldPartRequestChain: request → approve (transfer) → receive →
// consume via the service record (once) → return → inspect, with the
// ledger's figures at each step and every step on the order's timeline.
func TestFieldPartRequestChain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-chain")
	base := "/v1/work-orders/" + f.order + "/part-requests"

	req := b.must(201, "POST", base, f.techNearTok, map[string]any{"part_id": f.part, "quantity": 2, "note": "压缩机不启动"})
	require.Equal(t, "requested", req.str("state"))
	require.Equal(t, true, req.JSON["must_return"])
	id := req.str("id")
	q := b.must(200, "GET", "/v1/part-requests?state=requested", f.clerk, nil).JSON["items"].([]any)
	require.Len(t, q, 1)
	require.Len(t, b.must(200, "GET", base, f.nearMgrTok, nil).JSON["items"].([]any), 1)

	ap := b.must(200, "POST", "/v1/part-requests/"+id+"/approve", f.clerk, map[string]any{"from_warehouse_id": f.central})
	require.Equal(t, "approved", ap.str("state"))
	doc := ap.str("document_id")
	st := f.stock(b)
	require.EqualValues(t, 8, st["C1"]["available"])
	require.EqualValues(t, 2, st["S-NEAR"]["in_transit"])
	again := b.must(409, "POST", "/v1/part-requests/"+id+"/approve", f.clerk, map[string]any{"from_warehouse_id": f.central})
	require.Contains(t, string(again.Raw), "state")
	require.EqualValues(t, 8, f.stock(b)["C1"]["available"], "approving twice ships once")

	// The site receives the transfer through the stock endpoint.
	b.must(200, "POST", "/v1/stock/documents/"+doc+"/receive", f.nearMgrTok, map[string]any{
		"lines": []map[string]any{{"part_id": f.part, "quantity": 2}}})
	require.Equal(t, "received", b.must(200, "GET", "/v1/part-requests/"+id, f.techNearTok, nil).str("state"))
	st = f.stock(b)
	require.EqualValues(t, 2, st["S-NEAR"]["available"])
	require.EqualValues(t, 0, st["S-NEAR"]["in_transit"])

	// More than received: refused naming the line, nothing changed.
	over := b.act(f.techNearTok, f.order, "complete", map[string]any{"record": partRecord(3)})
	require.Equal(t, 422, over.Status, "%s", over.Raw)
	require.Contains(t, string(over.Raw), "record.parts[0].quantity")
	require.Equal(t, "on_site", b.must(200, "GET", "/v1/work-orders/"+f.order, f.tenant.admin, nil).str("state"))
	require.EqualValues(t, 2, f.stock(b)["S-NEAR"]["available"])

	done := b.act(f.techNearTok, f.order, "complete", map[string]any{"record": partRecord(2)})
	require.Equal(t, 200, done.Status, "%s", done.Raw)
	got := b.must(200, "GET", "/v1/part-requests/"+id, f.clerk, nil)
	require.Equal(t, "consumed", got.str("state"))
	require.EqualValues(t, 2, got.JSON["consumed"])
	due, err := time.Parse(time.RFC3339Nano, got.str("return_due"))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().AddDate(0, 0, 15), due, time.Hour, "the default return window is 15 days")
	st = f.stock(b)
	require.EqualValues(t, 0, st["S-NEAR"]["available"])
	require.EqualValues(t, 8, st["C1"]["available"])
	// Saving again does not consume again.
	b.act(f.techNearTok, f.order, "complete", map[string]any{"record": partRecord(2)})
	require.EqualValues(t, 0, f.stock(b)["S-NEAR"]["available"])
	// The service record saved again through the use case: nothing more is
	// consumed, and more than was received is refused naming the line.
	ctx := context.Background()
	u := b.app.Store.Begin(ctx, f.tenant.id)
	for range 2 {
		require.NoError(t, b.app.PartRequests.ConsumeRecord(ctx, u, uuid.MustParse(f.order), []parts.UsedPart{{Barcode: "P-COMP", Quantity: 2}}, "test"))
	}
	err = b.app.PartRequests.ConsumeRecord(ctx, u, uuid.MustParse(f.order), []parts.UsedPart{{Barcode: "P-COMP", Quantity: 3}}, "test")
	require.Equal(t, "record.parts[0].quantity", firstField(err))
	require.NoError(t, u.Commit(ctx))
	require.EqualValues(t, 0, f.stock(b)["S-NEAR"]["available"])
	issues := 0
	for _, it := range b.must(200, "GET", "/v1/stock/movements?part_id="+f.part, f.clerk, nil).JSON["items"].([]any) {
		if to := it.(map[string]any)["to"].(map[string]any); to["bucket"] == "consumption" {
			issues++
			require.EqualValues(t, 2, it.(map[string]any)["quantity"])
		}
	}
	require.Equal(t, 1, issues, "one consumption in the ledger")

	b.must(409, "POST", "/v1/part-requests/"+id+"/inspect", f.clerk, map[string]any{"result": "accepted"})
	require.Equal(t, "returned", b.must(200, "POST", "/v1/part-requests/"+id+"/return", f.nearMgrTok, map[string]any{}).str("state"))
	ins := b.must(200, "POST", "/v1/part-requests/"+id+"/inspect", f.clerk, map[string]any{"result": "accepted", "note": "压缩机烧毁"})
	require.Equal(t, "inspected", ins.str("state"))
	require.Equal(t, "accepted", ins.str("inspection"))

	var types []string
	for _, e := range b.must(200, "GET", "/v1/work-orders/"+f.order+"/events", f.tenant.admin, nil).JSON["items"].([]any) {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	require.Equal(t, []string{"created", "dispatched", "assigned", "accepted", "arrived", "part_requested", "part_request_approved",
		"part_request_received", "completed", "part_consumed", "part_returned", "part_inspected"}, types)
}

// TestFieldPartRequestRefusedAndScope: a refusal with its reason on the
// timeline; another region's manager and another tenant see nothing.
func TestFieldPartRequestRefusedAndScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-scope")
	id := b.must(201, "POST", "/v1/work-orders/"+f.order+"/part-requests", f.techNearTok,
		map[string]any{"part_id": f.part, "quantity": 1}).str("id")

	require.Empty(t, b.must(200, "GET", "/v1/part-requests", f.gxMgrTok, nil).JSON["items"])
	b.must(404, "GET", "/v1/part-requests/"+id, f.gxMgrTok, nil)
	other := b.onboard("fp-scope-other")
	b.must(404, "GET", "/v1/part-requests/"+id, other.admin, nil)
	require.Empty(t, b.must(200, "GET", "/v1/part-requests", other.admin, nil).JSON["items"])
	b.must(404, "POST", "/v1/part-requests/"+id+"/refuse", other.admin, map[string]any{"reason": "no"})
	require.Len(t, b.must(200, "GET", "/v1/part-requests", f.nearMgrTok, nil).JSON["items"], 1)
	// The technician may ask but not decide.
	b.must(403, "POST", "/v1/part-requests/"+id+"/approve", f.techNearTok, map[string]any{"from_warehouse_id": f.central})

	r := b.must(200, "POST", "/v1/part-requests/"+id+"/refuse", f.clerk, map[string]any{"reason": "库存不足，请改用替代件"})
	require.Equal(t, "refused", r.str("state"))
	require.Equal(t, "库存不足，请改用替代件", r.str("refusal_reason"))
	b.must(409, "POST", "/v1/part-requests/"+id+"/approve", f.clerk, map[string]any{"from_warehouse_id": f.central})
	require.EqualValues(t, 10, f.stock(b)["C1"]["available"])
	ev := b.must(200, "GET", "/v1/work-orders/"+f.order+"/events", f.tenant.admin, nil).JSON["items"].([]any)
	last := ev[len(ev)-1].(map[string]any)
	require.Equal(t, "part_request_refused", last["type"])
	require.Equal(t, "库存不足，请改用替代件", last["payload"].(map[string]any)["reason"])
}

// TestFieldPartRequestBadInput: 4xx naming the field, nothing changed.
func TestFieldPartRequestBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-bad")
	base := "/v1/work-orders/" + f.order + "/part-requests"
	id := b.must(201, "POST", base, f.techNearTok, map[string]any{"part_id": f.part, "quantity": 20}).str("id")
	for _, tc := range []struct {
		name, path string
		body       map[string]any
		status     int
		field      string
	}{
		{"unknown part", base, map[string]any{"part_id": uuid.NewString(), "quantity": 1}, 422, "part_id"},
		{"zero quantity", base, map[string]any{"part_id": f.part, "quantity": 0}, 422, "quantity"},
		{"negative quantity", base, map[string]any{"part_id": f.part, "quantity": -1}, 422, "quantity"},
		{"unknown order", "/v1/work-orders/" + uuid.NewString() + "/part-requests", map[string]any{"part_id": f.part, "quantity": 1}, 404, "not found"},
		{"not enough stock", "/v1/part-requests/" + id + "/approve", map[string]any{"from_warehouse_id": f.central}, 422, "from_warehouse_id"},
		{"unknown warehouse", "/v1/part-requests/" + id + "/approve", map[string]any{"from_warehouse_id": uuid.NewString()}, 422, "from_warehouse_id"},
		{"to itself", "/v1/part-requests/" + id + "/approve", map[string]any{"from_warehouse_id": f.siteWH}, 422, "from_warehouse_id"},
		{"refuse without reason", "/v1/part-requests/" + id + "/refuse", map[string]any{"reason": " "}, 422, "reason"},
		{"bad inspection", "/v1/part-requests/" + id + "/inspect", map[string]any{"result": "maybe"}, 422, "result"},
		{"return before use", "/v1/part-requests/" + id + "/return", map[string]any{}, 409, "state"},
	} {
		tok := f.clerk
		if tc.path == base || tc.status == 404 {
			tok = f.techNearTok
		}
		r := b.must(tc.status, "POST", tc.path, tok, tc.body)
		require.Contains(t, string(r.Raw), tc.field, tc.name)
	}
	items := b.must(200, "GET", "/v1/part-requests", f.clerk, nil).JSON["items"].([]any)
	require.Len(t, items, 1, "nothing changed")
	require.Equal(t, "requested", items[0].(map[string]any)["state"])
	require.EqualValues(t, 10, f.stock(b)["C1"]["available"])
	require.Len(t, b.must(200, "GET", "/v1/stock/documents", f.clerk, nil).JSON["items"].([]any), 1)
}

func firstField(err error) string {
	if e, ok := err.(*core.Error); ok {
		for f := range e.Fields {
			return f
		}
	}
	return ""
}

// TestFieldPartReturnWindow: the tenant's defective-return window sets
// the due date of a must-return part when it is used.
func TestFieldPartReturnWindow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-window")
	b.exec(f.tenant.id, `INSERT INTO tenant_settings (tenant_id, part_return_days) VALUES ($1, 7)
		ON CONFLICT (tenant_id) DO UPDATE SET part_return_days = 7`, f.tenant.id)
	id := f.usedOne(b)
	due, err := time.Parse(time.RFC3339Nano, b.must(200, "GET", "/v1/part-requests/"+id, f.clerk, nil).str("return_due"))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().AddDate(0, 0, 7), due, time.Hour)
}

// TestPartRequestsOfOneOrderAtOnce: a clerk approving and refusing
// several requests of one order while the technician asks for more: the
// order's timeline numbers its events one after another, so every
// action must wait for the order rather than fail (it was a 409
// "transaction already exists" when two appended at once).
func TestPartRequestsOfOneOrderAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-atonce")
	base := "/v1/work-orders/" + f.order + "/part-requests"
	const n = 6
	ids := make([]string, n)
	for i := range ids {
		ids[i] = b.must(201, "POST", base, f.techNearTok, map[string]any{"part_id": f.part, "quantity": 1}).str("id")
	}
	type call struct{ method, path, token string }
	var calls []call
	for i, id := range ids {
		if i%3 == 2 {
			calls = append(calls, call{"refuse", id, f.clerk})
		} else {
			calls = append(calls, call{"approve", id, f.clerk})
		}
		calls = append(calls, call{"request", base, f.techNearTok})
	}
	statuses := make([]int, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch c.method {
			case "approve":
				statuses[i] = testkit.Do(t, httpClient, "POST", b.url+"/v1/part-requests/"+c.path+"/approve", c.token,
					map[string]any{"from_warehouse_id": f.central}).Status
			case "refuse":
				statuses[i] = testkit.Do(t, httpClient, "POST", b.url+"/v1/part-requests/"+c.path+"/refuse", c.token,
					map[string]any{"reason": "库存调拨中"}).Status
			default:
				statuses[i] = testkit.Do(t, httpClient, "POST", b.url+c.path, c.token,
					map[string]any{"part_id": f.part, "quantity": 1}).Status
			}
		}()
	}
	wg.Wait()
	for i, c := range calls {
		want := 200
		if c.method == "request" {
			want = 201
		}
		require.Equal(t, want, statuses[i], "%s %s", c.method, c.path)
	}
	count := map[string]int{}
	for _, e := range b.must(200, "GET", "/v1/work-orders/"+f.order+"/events?limit=200", f.tenant.admin, nil).JSON["items"].([]any) {
		ev := e.(map[string]any)
		count[ev["type"].(string)]++
	}
	require.Equal(t, 2*n, count["part_requested"])
	require.Equal(t, 4, count["part_request_approved"])
	require.Equal(t, 2, count["part_request_refused"])
	require.EqualValues(t, 4, f.stock(b)["S-NEAR"]["in_transit"])
}

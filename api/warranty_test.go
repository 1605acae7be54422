package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// feeBody is a schedule: repair 80 yuan, 120 on the KFR-35, 100 on the AC
// line; travel 15 yuan under 5 km, 50 beyond.
func feeBody(version int) map[string]any {
	return map[string]any{"version": version, "currency": "CNY", "default_labour": 3000,
		"labour": []map[string]any{{"service_type": "repair", "amount": 8000}, {"service_type": "repair", "product_line": "AC", "amount": 10000},
			{"service_type": "repair", "model_code": "KFR-35", "amount": 12000}},
		"travel": []map[string]any{{"from_km": 5, "to_km": 0, "amount": 5000}, {"from_km": 0, "to_km": 5, "amount": 1500}}}
}

// TestWarrantyPolicyFeesAndQuote: an admin sets a line's 三包 policy with a
// compressor on its own term and the fee schedule; bad input answers 422
// naming the field and changes nothing; an agent quotes a caller's unit
// (free in warranty), a model bought long ago (the compressor free, the
// rest charged), and a model override makes everything charged.
func TestWarrantyPolicyFeesAndQuote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("wqa")
	admin := n.tenant.admin
	_, agent := b.createUser(admin, "wqa", "agent.li", []string{"agent"}, map[string]any{"all": true})
	_, blind := b.createUser(admin, "wqa", "agent.blind", []string{"agent"}, nil) // no scope: sees no customer

	b.must(200, "GET", "/v1/fee-schedule", agent, nil)
	line := map[string]any{"repair_months": 12, "replace_days": 15, "refund_days": 7,
		"components": []map[string]any{{"code": "compressor", "name_zh": "压缩机", "name_en": "Compressor", "months": 36}}}
	b.must(403, "PUT", "/v1/warranty-policies/line/AC", agent, line)
	p := b.must(200, "PUT", "/v1/warranty-policies/line/AC", admin, line)
	require.EqualValues(t, 1, p.JSON["version"])
	require.Equal(t, "AC", p.str("product_line"))

	for _, c := range []struct {
		name, path string
		body       map[string]any
		field      string
	}{
		{"negative days", "/v1/warranty-policies/line/AC", map[string]any{"repair_months": 12, "replace_days": 15, "refund_days": -1}, "refund_days"},
		{"refund beyond replacement", "/v1/warranty-policies/line/AC", map[string]any{"repair_months": 12, "replace_days": 7, "refund_days": 15}, "refund_days"},
		{"unknown model", "/v1/warranty-policies/model/NOPE", line, "model_code"},
		{"unknown line", "/v1/warranty-policies/line/WM", line, "product_line"},
		{"component twice", "/v1/warranty-policies/line/AC", map[string]any{"repair_months": 12, "replace_days": 15, "refund_days": 7,
			"components": []map[string]any{{"code": "pcb", "months": 1}, {"code": "pcb", "months": 2}}}, "components[1].code"},
	} {
		r := b.must(422, "PUT", c.path, admin, c.body)
		require.Contains(t, string(r.Raw), c.field, c.name)
	}
	list := b.must(200, "GET", "/v1/warranty-policies", agent, nil)
	require.Len(t, items(list), 1)
	require.EqualValues(t, 7, items(list)[0]["refund_days"], "the refused puts changed nothing")

	overlap := feeBody(0)
	overlap["travel"] = []map[string]any{{"from_km": 0, "to_km": 10, "amount": 0}, {"from_km": 5, "to_km": 20, "amount": 100}}
	require.Contains(t, string(b.must(422, "PUT", "/v1/fee-schedule", admin, overlap).Raw), "travel[1].from_km")
	unknown := feeBody(0)
	unknown["labour"] = []map[string]any{{"service_type": "repair", "model_code": "NOPE", "amount": 1}}
	require.Contains(t, string(b.must(422, "PUT", "/v1/fee-schedule", admin, unknown).Raw), "labour[0].model_code")
	neg := feeBody(0)
	neg["default_labour"] = -5
	require.Contains(t, string(b.must(422, "PUT", "/v1/fee-schedule", admin, neg).Raw), "default_labour")
	f := b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(0))
	require.EqualValues(t, 1, f.JSON["version"])
	require.EqualValues(t, 0, f.JSON["travel"].([]any)[0].(map[string]any)["from_km"], "bands are stored in order")
	b.must(409, "PUT", "/v1/fee-schedule", admin, feeBody(0+7))
	b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(1))

	b.must(404, "POST", "/v1/quotes", blind, map[string]any{"unit_id": n.unit.String(), "service_type": "repair"})
	// The unit was bought 100 days ago: free repair, nothing charged.
	q := b.must(200, "POST", "/v1/quotes", agent, map[string]any{"unit_id": n.unit.String(), "service_type": "repair", "distance_km": 12})
	require.Equal(t, "free_repair", q.JSON["warranty"].(map[string]any)["coverage"])
	require.Equal(t, "line", q.str("policy_source"))
	require.EqualValues(t, 0, q.JSON["total"])
	require.Equal(t, "CNY", q.str("currency"))
	require.Equal(t, "unit_term", items(q)[0]["reason"])

	// Bought two years ago: the unit is out, the compressor in.
	bought := time.Now().AddDate(-2, 0, 0).Format(time.DateOnly)
	q = b.must(200, "POST", "/v1/quotes", agent, map[string]any{"model_code": "KFR-35", "purchase_date": bought, "service_type": "repair",
		"site_id": n.near.String(), "lat": szLat, "lon": szLon,
		"parts": []map[string]any{{"part_code": "CMP-1", "component": "compressor", "quantity": 1, "unit_price": 90000},
			{"part_code": "FAN-1", "quantity": 2, "unit_price": 1500}}})
	its := items(q)
	require.Len(t, its, 4)
	require.Equal(t, "charged", q.JSON["warranty"].(map[string]any)["coverage"])
	require.Equal(t, false, its[0]["charged"], "labour is free: the visit repairs the compressor under its term")
	require.Equal(t, "component_term", its[0]["reason"])
	require.Equal(t, "0-5 km", its[1]["code"], "the near site is about 1.5 km away")
	require.Equal(t, false, its[2]["charged"])
	require.Equal(t, true, its[3]["charged"])
	require.Equal(t, "expired", its[3]["reason"])
	require.EqualValues(t, 3000, q.JSON["total"])

	// The model's own policy (no warranty) overrides the line's.
	b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": 0, "replace_days": 0, "refund_days": 0})
	q = b.must(200, "POST", "/v1/quotes", agent, map[string]any{"unit_id": n.unit.String(), "service_type": "repair", "distance_km": 12})
	require.Equal(t, "model", q.str("policy_source"))
	require.EqualValues(t, 12000+5000, q.JSON["total"], "labour at the model's rate, travel beyond 5 km")
	b.must(204, "DELETE", "/v1/warranty-policies/model/KFR-35", admin, nil)
	b.must(404, "DELETE", "/v1/warranty-policies/model/KFR-35", admin, nil)

	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"model_code": "NOPE", "purchase_date": bought, "service_type": "repair"}, "model_code"},
		{map[string]any{"service_type": "repair"}, "model_code"},
		{map[string]any{"unit_id": n.unit.String(), "service_type": "nope"}, "service_type"},
		{map[string]any{"unit_id": n.unit.String(), "service_type": "repair", "distance_km": -1}, "distance_km"},
		{map[string]any{"unit_id": n.unit.String(), "service_type": "repair", "lat": szLat, "lon": szLon}, "site_id"},
		{map[string]any{"unit_id": n.unit.String(), "service_type": "repair", "parts": []map[string]any{{"part_code": "X", "quantity": 0}}}, "quantity"},
	} {
		r := b.do("POST", "/v1/quotes", agent, c.body)
		require.True(t, r.Status == 422 || r.Status == 400, "%d %s", r.Status, r.Raw)
		require.Contains(t, string(r.Raw), c.field)
	}

	// Another tenant sees neither the unit nor the policies.
	other := b.newNetwork("wqb")
	b.must(404, "POST", "/v1/quotes", other.tenant.admin, map[string]any{"unit_id": n.unit.String(), "service_type": "repair"})
	require.Empty(t, items(b.must(200, "GET", "/v1/warranty-policies", other.tenant.admin, nil)))
	require.EqualValues(t, 0, b.must(200, "GET", "/v1/fee-schedule", other.tenant.admin, nil).JSON["version"])
}

// TestWorkOrderChargesOnCompletion: completing an order stores its charge
// items (labour, travel from the site, the record's parts), shown on the
// order; before completion there are none; another tenant gets 404.
func TestWorkOrderChargesOnCompletion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("wca")
	admin := n.tenant.admin
	b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(0))
	// Out of warranty by the model's policy: everything is charged.
	b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": 0, "replace_days": 0, "refund_days": 0})

	r := b.intake(n, admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	c := b.must(200, "GET", "/v1/work-orders/"+id+"/charges", admin, nil)
	require.Nil(t, c.JSON["charges"])
	b.completeInField(n, id)
	c = b.must(200, "GET", "/v1/work-orders/"+id+"/charges", n.nearMgrTok, nil)
	ch := c.JSON["charges"].(map[string]any)
	require.Equal(t, id, ch["work_order_id"])
	its := ch["items"].([]any)
	require.Len(t, its, 3)
	var kinds []string
	for _, it := range its {
		m := it.(map[string]any)
		kinds = append(kinds, m["kind"].(string))
		require.Equal(t, true, m["charged"], "%v", m)
	}
	require.Equal(t, "labour,travel,part", strings.Join(kinds, ","))
	part := its[2].(map[string]any)
	require.Equal(t, "P-100", part["code"])
	require.Equal(t, true, part["price_unknown"])
	require.EqualValues(t, 12000+1500, ch["total"])

	b.must(404, "GET", "/v1/work-orders/"+id+"/charges", n.gxMgrTok, nil)
	other := b.onboard("wcb")
	b.must(404, "GET", "/v1/work-orders/"+id+"/charges", other.admin, nil)
}

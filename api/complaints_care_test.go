package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestComplaintReassignsTheOrder: a complaint about a field order voids it
// and has a new one dispatched for the same customer, unit and problem,
// in one go; the complaint's timeline and both orders' timelines name
// each other. A completed order, a case without an order, no reason and
// callers out of scope or of another tenant change nothing.
func TestComplaintReassignsTheOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	order := b.intake(n, admin, nil)
	require.Equal(t, 201, order.Status, "%s", order.Raw)
	c := b.must(201, "POST", "/v1/complaints", admin, map[string]any{"customer_id": n.customer.String(),
		"work_order_id": order.str("id"), "category": "repair_quality", "description": "师傅没修好"})
	id := c.str("id")
	omega := b.newNetwork("omega")

	// Bad input and callers who may not: nothing changes.
	r := b.do("POST", "/v1/complaints/"+id+"/reassign", admin, map[string]any{"reason": ""})
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "reason")
	_, analyst := b.createUser(admin, "acme", "analyst.wu", []string{"analyst"}, map[string]any{"all": true})
	for _, tok := range []string{omega.tenant.admin, n.gxMgrTok, analyst} {
		r := b.do("POST", "/v1/complaints/"+id+"/reassign", tok, map[string]any{"reason": "换网点"})
		require.Contains(t, []int{403, 404}, r.Status, "%s", r.Raw)
	}
	require.Equal(t, order.str("state"), b.must(200, "GET", "/v1/work-orders/"+order.str("id"), admin, nil).str("state"))
	require.Equal(t, float64(1), b.must(200, "GET", "/v1/complaints/"+id, admin, nil).JSON["version"])

	// The site's manager owns the case and reassigns.
	got := b.must(200, "POST", "/v1/complaints/"+id+"/reassign", n.nearMgrTok, map[string]any{"reason": "客户要求换师傅"})
	orders := got.JSON["orders"].(map[string]any)
	newID := orders["new_work_order_id"].(string)
	require.Equal(t, order.str("id"), orders["old_work_order_id"])
	require.NotEqual(t, order.str("id"), newID)
	require.Equal(t, newID, got.JSON["complaint"].(map[string]any)["work_order_id"], "the case is about the new order")

	old := b.must(200, "GET", "/v1/work-orders/"+order.str("id"), admin, nil)
	require.Equal(t, "cancelled", old.str("state"))
	cancelled := b.eventsOf(n, order.str("id"), "cancelled")
	require.Len(t, cancelled, 1)
	reason := cancelled[0]["payload"].(map[string]any)["reason"].(string)
	require.Contains(t, reason, c.str("number"))
	require.Contains(t, reason, orders["new_number"])
	require.Contains(t, reason, "客户要求换师傅")

	fresh := b.must(200, "GET", "/v1/work-orders/"+newID, admin, nil)
	require.Equal(t, n.customer.String(), fresh.str("customer_id"))
	require.Equal(t, n.unit.String(), fresh.str("unit_id"))
	require.Equal(t, old.str("description"), fresh.str("description"))
	require.Equal(t, old.str("address"), fresh.str("address"))
	require.Contains(t, []string{"dispatched", "assigned"}, fresh.str("state"), "dispatched anew")
	require.NotEmpty(t, old.str("site_id"))
	require.NotEqual(t, old.str("site_id"), fresh.str("site_id"), "not back to the site the complaint is about")
	created := b.eventsOf(n, newID, "created")[0]["payload"].(map[string]any)
	require.Equal(t, c.str("number"), created["complaint_number"])
	require.Equal(t, order.str("number"), created["replaces_number"])

	var reassigned map[string]any
	for _, e := range b.must(200, "GET", "/v1/complaints/"+id+"/events", admin, nil).JSON["items"].([]any) {
		if ev := e.(map[string]any); ev["type"] == "reassigned" {
			reassigned = ev["payload"].(map[string]any)
		}
	}
	require.Equal(t, order.str("number"), reassigned["old_number"])
	require.Equal(t, orders["new_number"], reassigned["new_number"])

	// A completed order can no longer be voided: 409, nothing changes.
	b.exec(n.tenant.id, `UPDATE work_orders SET state = 'completed' WHERE id = $1`, newID)
	r = b.do("POST", "/v1/complaints/"+id+"/reassign", admin, map[string]any{"reason": "再换"})
	require.Equal(t, 409, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "completed")
	require.Equal(t, newID, b.must(200, "GET", "/v1/complaints/"+id, admin, nil).str("work_order_id"))
	require.Len(t, b.must(200, "GET", "/v1/work-orders?customer_id="+n.customer.String(), admin, nil).JSON["items"], 2,
		"no third order")

	// A case about no order has nothing to reassign.
	plain := b.must(201, "POST", "/v1/complaints", admin, map[string]any{"customer_id": n.customer.String(), "category": "fees"})
	b.must(409, "POST", "/v1/complaints/"+plain.str("id")+"/reassign", admin, map[string]any{"reason": "换网点"})
}

// TestComplaintSettingsRefusedNameTheField: each bad setting is a 422
// naming its field and stores nothing; a scoped manager may not change
// the settings; one tenant's settings are not another's.
func TestComplaintSettingsRefusedNameTheField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	omega := b.onboard("omega")
	admin := n.tenant.admin
	defaults := b.must(200, "GET", "/v1/complaint-settings", admin, nil)
	for _, tc := range []struct {
		name, field string
		edit        func(s map[string]any)
	}{
		{"unknown parent", "categories[1].parent", func(s map[string]any) {
			s["categories"].([]any)[1].(map[string]any)["parent"] = "nope"
		}},
		{"a cycle", "categories[0].parent", func(s map[string]any) {
			cats := s["categories"].([]any)
			cats[0].(map[string]any)["parent"] = "fees"
			cats[2].(map[string]any)["parent"] = "repair_quality"
		}},
		{"repeated severity", "severities[1].code", func(s map[string]any) {
			s["severities"].([]any)[1].(map[string]any)["code"] = "normal"
		}},
		{"deadline never met", "deadlines[0].days", func(s map[string]any) {
			s["deadlines"] = []any{map[string]any{"days": 400}}
		}},
		{"deadline of an unknown severity", "deadlines[0].severity", func(s map[string]any) {
			s["deadlines"] = []any{map[string]any{"severity": "apocalyptic", "days": 3}}
		}},
		{"ladder not climbing", "ladder[1].share", func(s map[string]any) {
			s["ladder"] = []any{map[string]any{"share": 0.8, "notify": []string{"owner"}}, map[string]any{"share": 0.5, "notify": []string{"owner"}}}
		}},
		{"unknown recipient", "ladder[0].notify", func(s map[string]any) {
			s["ladder"] = []any{map[string]any{"share": 0.5, "notify": []string{"the_ceo"}}}
		}},
	} {
		set := b.must(200, "GET", "/v1/complaint-settings", admin, nil).JSON
		tc.edit(set)
		r := b.do("PUT", "/v1/complaint-settings", admin, set)
		require.Equal(t, 422, r.Status, "%s: %s", tc.name, r.Raw)
		require.Contains(t, string(r.Raw), tc.field, tc.name)
		require.JSONEq(t, string(defaults.Raw), string(b.must(200, "GET", "/v1/complaint-settings", admin, nil).Raw), "%s: nothing stored", tc.name)
	}

	set := defaults.JSON
	set["reopen_days"] = 10
	set["categories"] = append(set["categories"].([]any), map[string]any{"code": "rude_call", "parent": "service_attitude",
		"name_zh": "电话态度差", "name_en": "Rude call"})
	r := b.do("PUT", "/v1/complaint-settings", n.nearMgrTok, set)
	require.Equal(t, 403, r.Status, "%s", r.Raw)
	b.must(200, "PUT", "/v1/complaint-settings", admin, set)
	require.Equal(t, float64(10), b.must(200, "GET", "/v1/complaint-settings", admin, nil).JSON["reopen_days"])
	require.Equal(t, float64(30), b.must(200, "GET", "/v1/complaint-settings", omega.admin, nil).JSON["reopen_days"], "another tenant's are its own")
}

package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCallbackDeleteAndArchive: a quality auditor deletes a rule (audited,
// gone); a questionnaire no rule or task uses is deleted, one in use is
// archived: no longer listed nor chosen by a new rule, still readable for
// its tasks; both audited. An agent may not; another tenant sees nothing.
func TestCallbackDeleteAndArchive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("cbd-co")
	admin := n.tenant.admin
	_, qa := b.createUser(admin, "cbd-co", "qa.zhao", []string{"quality_auditor"}, map[string]any{"all": true})
	_, agent := b.createUser(admin, "cbd-co", "agent.qian", []string{"agent"}, map[string]any{"all": true})
	other := b.onboard("cbd-other")

	used := b.must(201, "POST", "/v1/questionnaires", qa, survey()).str("id")
	unused := b.must(201, "POST", "/v1/questionnaires", qa, survey()).str("id")
	rule := func(q string) map[string]any {
		return map[string]any{"name": "每单回访", "enabled": true, "sample": 1, "due_days": 2, "channel": "call",
			"questionnaire_id": q}
	}
	r1 := b.must(201, "POST", "/v1/callback-rules", qa, rule(used)).str("id")
	r2 := b.must(201, "POST", "/v1/callback-rules", qa, rule(used)).str("id")

	for _, tok := range []string{agent, other.admin} {
		r := b.do("DELETE", "/v1/callback-rules/"+r1, tok, nil)
		require.Contains(t, []int{403, 404}, r.Status, "%s", r.Raw)
		r = b.do("DELETE", "/v1/questionnaires/"+used, tok, nil)
		require.Contains(t, []int{403, 404}, r.Status, "%s", r.Raw)
	}
	b.must(200, "GET", "/v1/callback-rules/"+r1, qa, nil)

	b.must(204, "DELETE", "/v1/callback-rules/"+r1, qa, nil)
	b.must(404, "GET", "/v1/callback-rules/"+r1, qa, nil)
	b.must(404, "DELETE", "/v1/callback-rules/"+r1, qa, nil)
	require.Len(t, b.must(200, "GET", "/v1/callback-rules", qa, nil).JSON["items"], 1)

	require.Equal(t, false, b.must(200, "DELETE", "/v1/questionnaires/"+unused, qa, nil).JSON["archived"])
	b.must(404, "GET", "/v1/questionnaires/"+unused, qa, nil)
	require.Equal(t, true, b.must(200, "DELETE", "/v1/questionnaires/"+used, qa, nil).JSON["archived"], "rule r2 uses it")
	require.NotEmpty(t, b.must(200, "GET", "/v1/questionnaires/"+used, qa, nil).str("archived_at"), "its tasks still read it")
	require.Empty(t, b.must(200, "GET", "/v1/questionnaires", qa, nil).JSON["items"], "archived ones are not listed")
	r := b.must(422, "POST", "/v1/callback-rules", qa, rule(used))
	require.Contains(t, string(r.Raw), "questionnaire_id")
	require.Contains(t, string(r.Raw), "archived")
	b.must(200, "GET", "/v1/callback-rules/"+r2, qa, nil)

	events := func(resource string) map[string]string {
		out := map[string]string{}
		for _, e := range b.must(200, "GET", "/v1/audit-events?resource_type="+resource, admin, nil).JSON["items"].([]any) {
			ev := e.(map[string]any)
			out[ev["resource_id"].(string)] = ev["action"].(string)
		}
		return out
	}
	require.Equal(t, map[string]string{r1: "delete"}, events("callback_rule"))
	require.Equal(t, map[string]string{unused: "delete", used: "archive"}, events("questionnaire"))
}

// TestCallbackTasksOfCustomerAndOrder: the callbacks of a customer's and
// of an order's page, within the caller's scope.
func TestCallbackTasksOfCustomerAndOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("cbo-co")
	admin := n.tenant.admin
	_, gxAgent := b.createUser(admin, "cbo-co", "agent.gx", []string{"agent"}, map[string]any{"regions": []string{n.gx.String()}})
	q := b.must(201, "POST", "/v1/questionnaires", admin, survey())
	var orders []string
	for range 2 {
		o := b.intake(n, admin, nil)
		orders = append(orders, o.str("id"))
		b.exec(n.tenant.id, `INSERT INTO callback_tasks (tenant_id, id, source, work_order_id, customer_id, site_id,
			questionnaire_id, questionnaire_version) SELECT tenant_id, gen_random_uuid(), 'rule', id, customer_id, site_id, $2, 1
			FROM work_orders WHERE id = $1`, o.str("id"), q.str("id"))
	}
	byOrder := b.must(200, "GET", "/v1/callback-tasks?work_order="+orders[1], admin, nil).JSON["items"].([]any)
	require.Len(t, byOrder, 1)
	require.Equal(t, orders[1], byOrder[0].(map[string]any)["work_order_id"])
	require.Len(t, b.must(200, "GET", "/v1/callback-tasks?customer="+n.customer.String(), admin, nil).JSON["items"], 2)
	require.Empty(t, b.must(200, "GET", "/v1/callback-tasks?customer="+n.tenant.id.String(), admin, nil).JSON["items"])
	require.Empty(t, b.must(200, "GET", "/v1/callback-tasks?customer="+n.customer.String(), gxAgent, nil).JSON["items"],
		"out of the caller's scope")
}

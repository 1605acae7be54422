package api_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDispatchDecisionSaysWhatHappened: the decision is snake_case, names
// its sites and technicians, and after a site manager's reassignment and
// a dispatcher's override the outcome says what happened, by whom and
// why, while the suggestion stays the engine's.
func TestDispatchDecisionSaysWhatHappened(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	dec := r.JSON["dispatch_decision"].(map[string]any)
	for _, pascal := range []string{"Chosen", "Ranking", "Technician", "Summary", "Engine"} {
		require.NotContains(t, dec, pascal)
	}
	require.Equal(t, "dispatch-builtin/1", dec["engine"])
	require.NotEmpty(t, dec["summary"])
	suggestion := dec["suggestion"].(map[string]any)
	require.Equal(t, n.near.String(), suggestion["site_id"])
	require.Equal(t, "深圳南山服务站", suggestion["site_name"])
	require.Equal(t, n.techNear.String(), suggestion["technician_id"])
	require.Equal(t, "T-1", suggestion["technician_name"])
	ranking := dec["ranking"].([]any)
	require.Len(t, ranking, 2, "near and far cover Shenzhen")
	first, second := ranking[0].(map[string]any), ranking[1].(map[string]any)
	require.Equal(t, "深圳南山服务站", first["site_name"])
	require.Equal(t, "东莞服务站", second["site_name"])
	require.Equal(t, true, first["eligible"])
	require.NotEmpty(t, first["reasons"])
	require.Contains(t, first["components"], "sla_risk")
	techs := dec["technicians"].(map[string]any)
	require.Equal(t, "深圳南山服务站", techs["site_name"])
	require.Equal(t, "T-1", techs["ranking"].([]any)[0].(map[string]any)["technician_name"])
	outcome := dec["outcome"].(map[string]any)
	require.Equal(t, "engine", outcome["kind"])
	require.Equal(t, n.near.String(), outcome["site_id"])
	require.Equal(t, "T-1", outcome["technician_name"])
	require.NotContains(t, outcome, "by", "the engine decided")

	// The site manager gives the order to the other technician.
	re := b.act(n.nearMgrTok, id, "assign", map[string]any{"technician_id": n.techFar.String(), "reason": "T-1 is on leave"})
	require.Equal(t, 200, re.Status, "%s", re.Raw)
	dec = re.JSON["dispatch_decision"].(map[string]any)
	outcome = dec["outcome"].(map[string]any)
	require.Equal(t, "reassign", outcome["kind"])
	require.Equal(t, n.techFar.String(), outcome["technician_id"])
	require.Equal(t, "T-2", outcome["technician_name"])
	require.Equal(t, "T-1 is on leave", outcome["reason"])
	require.Equal(t, "near.manager", outcome["by"].(map[string]any)["name"])
	require.Equal(t, "T-1", dec["suggestion"].(map[string]any)["technician_name"], "the engine's suggestion stays")

	// A dispatcher sends it to the farther site instead of the engine's.
	ov := b.act(n.tenant.admin, id, "reassign", map[string]any{"site_id": n.far.String(), "reason": "the customer asked for Dongguan"})
	require.Equal(t, 200, ov.Status, "%s", ov.Raw)
	require.Equal(t, n.far.String(), ov.str("site_id"))
	dec = ov.JSON["dispatch_decision"].(map[string]any)
	suggestion = dec["suggestion"].(map[string]any)
	require.Equal(t, n.near.String(), suggestion["site_id"], "the engine still suggests the near site")
	require.Equal(t, "深圳南山服务站", suggestion["site_name"])
	outcome = dec["outcome"].(map[string]any)
	require.Equal(t, "override", outcome["kind"])
	require.Equal(t, n.far.String(), outcome["site_id"])
	require.Equal(t, "东莞服务站", outcome["site_name"])
	require.Nil(t, outcome["technician_id"], "the far site assigns its own")
	require.Equal(t, "the customer asked for Dongguan", outcome["reason"])
	by := outcome["by"].(map[string]any)
	require.Equal(t, "admin", by["name"])
	require.Equal(t, "user:"+by["user_id"].(string), by["actor"])
	require.NotEmpty(t, outcome["at"])

	// Read again, the stored decision says the same.
	got := b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil)
	require.Equal(t, "override", got.JSON["dispatch_decision"].(map[string]any)["outcome"].(map[string]any)["kind"])
}

// TestDispatchReasonsHaveCodes: every reason of a decision comes with its
// code and values beside the English text, one for one, and so does the
// reason an order waits in the queue, for the portal to say them in the
// reader's language.
func TestDispatchReasonsHaveCodes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	dec := r.JSON["dispatch_decision"].(map[string]any)
	summary := dec["summary_detail"].(map[string]any)
	require.Equal(t, "summary", summary["code"])
	require.Equal(t, 2.0, summary["values"].(map[string]any)["covering"], "near and far cover Shenzhen")
	first := dec["ranking"].([]any)[0].(map[string]any)
	reasons, details := first["reasons"].([]any), first["reason_details"].([]any)
	require.Len(t, details, len(reasons))
	covers := details[0].(map[string]any)
	require.Equal(t, "covers_radius", covers["code"], reasons[0])
	km := covers["values"].(map[string]any)["km"].(float64)
	require.Contains(t, reasons[0], fmt.Sprintf("distance %.1f km", km))
	codes := map[string]bool{}
	for _, d := range details {
		codes[d.(map[string]any)["code"].(string)] = true
	}
	require.Subset(t, slices.Collect(maps.Keys(codes)), []string{"covers_radius", "authorised", "capacity", "reputation", "site_score"})
	tech := dec["technicians"].(map[string]any)["ranking"].([]any)[0].(map[string]any)
	require.Len(t, tech["reason_details"], len(tech["reasons"].([]any)))
	require.Equal(t, "available", tech["reason_details"].([]any)[1].(map[string]any)["code"], tech["reasons"])

	// With every site at capacity the order waits; the outcome says why in
	// code too, and the stored decision says it again when read.
	b.exec(n.tenant.id, `UPDATE sites SET daily_capacity = 0`)
	q := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, "created", q.str("state"))
	got := b.must(200, "GET", "/v1/work-orders/"+q.str("id"), n.tenant.admin, nil)
	outcome := got.JSON["dispatch_decision"].(map[string]any)["outcome"].(map[string]any)
	require.Equal(t, "queued", outcome["kind"])
	require.Equal(t, got.str("queue_reason"), outcome["reason"])
	require.Equal(t, map[string]any{"code": "all_at_capacity", "values": map[string]any{"line": "AC"}}, outcome["reason_detail"])
	require.Equal(t, outcome["reason_detail"], got.JSON["dispatch_decision"].(map[string]any)["suggestion"].(map[string]any)["no_site_reason_detail"])
}

package api_test

import (
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

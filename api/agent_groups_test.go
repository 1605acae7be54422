package api_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAgentGroups: a supervisor (users:update) defines groups by skill
// and their agents; bad input is a 422 naming the field and stores
// nothing; every change is audited; another tenant and a user without the
// permission can neither read nor change them; the board shows the
// agents by group with their states.
func TestAgentGroups(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("grp-acme")
	other := b.onboard("grp-other")
	agentID, agent := b.createUser(acme.admin, "grp-acme", "agent.li", []string{"agent"}, map[string]any{"all": true})
	b.must(200, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", acme.admin, map[string]any{"extension": "801"})
	dispatcherID, _ := b.createUser(acme.admin, "grp-acme", "disp.zhao", []string{"dispatcher"}, map[string]any{"all": true})
	otherAgentID, _ := b.createUser(other.admin, "grp-other", "agent.x", []string{"agent"}, map[string]any{"all": true})
	b.must(201, "POST", "/v1/product-lines", acme.admin, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "AC"})

	// Bad input: 422 naming the field, nothing stored.
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "维修组", "skill": "juggling"}, "skill"},
		{map[string]any{"name": "维修组", "skill": "TV"}, "skill"}, // not a product line of the tenant
		{map[string]any{"name": "  ", "skill": "repair"}, "name"},
		{map[string]any{"name": "维修组", "skill": "repair", "members": []string{dispatcherID.String()}}, "members"},
		{map[string]any{"name": "维修组", "skill": "repair", "members": []string{otherAgentID.String()}}, "members"},
	} {
		r := b.must(422, "POST", "/v1/agent-groups", acme.admin, tc.body)
		require.Contains(t, string(r.Raw), `"`+tc.field, "%v: %s", tc.body, r.Raw)
	}
	require.Empty(t, b.must(200, "GET", "/v1/agent-groups", acme.admin, nil).JSON["items"])
	b.must(403, "POST", "/v1/agent-groups", agent, map[string]any{"name": "维修组", "skill": "repair"})

	g := b.must(201, "POST", "/v1/agent-groups", acme.admin, map[string]any{"name": "维修组", "skill": "repair", "queue": "q-repair"})
	id := g.str("id")
	ac := b.must(201, "POST", "/v1/agent-groups", acme.admin, map[string]any{"name": "空调专线", "skill": "AC"})
	b.must(409, "POST", "/v1/agent-groups", acme.admin, map[string]any{"name": "维修组", "skill": "installation"})
	r := b.must(422, "POST", "/v1/agent-groups/"+id+"/members", acme.admin, map[string]any{"user_id": dispatcherID})
	require.Contains(t, string(r.Raw), `"user_id`)
	m := b.must(200, "POST", "/v1/agent-groups/"+id+"/members", acme.admin, map[string]any{"user_id": agentID})
	require.Len(t, m.JSON["members"], 1)
	b.must(200, "POST", "/v1/agent-groups/"+id+"/members", acme.admin, map[string]any{"user_id": agentID}) // twice: one member
	r = b.must(422, "PUT", "/v1/agent-groups/"+id+"/members", acme.admin, map[string]any{"user_ids": []string{agentID.String(), dispatcherID.String()}})
	require.Contains(t, string(r.Raw), `"members`)
	require.Len(t, b.must(200, "GET", "/v1/agent-groups/"+id, acme.admin, nil).JSON["members"], 1, "nothing changed")
	up := b.must(200, "PUT", "/v1/agent-groups/"+id, acme.admin, map[string]any{"name": "维修一组", "skill": "repair", "queue": "q-repair"})
	require.Equal(t, "维修一组", up.str("name"))
	require.Len(t, up.JSON["members"], 1, "an update keeps the members")
	b.must(422, "PUT", "/v1/agent-groups/"+id, acme.admin, map[string]any{"name": "维修一组", "skill": "nope"})

	// Another tenant neither sees nor changes them.
	require.Empty(t, b.must(200, "GET", "/v1/agent-groups", other.admin, nil).JSON["items"])
	b.must(404, "GET", "/v1/agent-groups/"+id, other.admin, nil)
	b.must(404, "PUT", "/v1/agent-groups/"+id, other.admin, map[string]any{"name": "x", "skill": "repair"})
	b.must(404, "DELETE", "/v1/agent-groups/"+id, other.admin, nil)
	b.must(404, "PUT", "/v1/agent-groups/"+id+"/members", other.admin, map[string]any{"user_ids": []string{}})
	b.must(403, "DELETE", "/v1/agent-groups/"+id, agent, nil)

	// The board: the agent under the group, with their state.
	b.must(200, "PUT", "/v1/agents/me/state", agent, map[string]any{"state": "available"})
	board := b.must(200, "GET", "/v1/agents/board", acme.admin, nil)
	groups := board.JSON["groups"].([]any)
	require.Len(t, groups, 2)
	first := groups[1].(map[string]any) // by name: 空调专线, 维修一组
	require.Equal(t, "维修一组", first["name"])
	require.EqualValues(t, 1, first["available"])
	member := first["members"].([]any)[0].(map[string]any)
	require.Equal(t, agentID.String(), member["user_id"])
	require.Equal(t, "available", member["state"])
	require.Equal(t, "801", member["extension"])
	require.Empty(t, b.must(200, "GET", "/v1/agents/board", other.admin, nil).JSON["groups"])
	// No CTI binding, no worker here: the changes wait, recorded.
	sync := b.must(200, "GET", "/v1/agents/sync", acme.admin, nil)
	require.Equal(t, true, sync.JSON["behind"], "%s", sync.Raw)

	b.must(200, "DELETE", "/v1/agent-groups/"+id+"/members/"+agentID.String(), acme.admin, nil)
	b.must(404, "DELETE", "/v1/agent-groups/"+id+"/members/"+agentID.String(), acme.admin, nil)
	b.must(204, "DELETE", "/v1/agent-groups/"+ac.str("id"), acme.admin, nil)
	b.must(404, "GET", "/v1/agent-groups/"+ac.str("id"), acme.admin, nil)

	events := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"resource_type": {"agent_group"}}, "50")
	var actions []string
	for _, e := range events {
		actions = append(actions, e["action"].(string))
	}
	// Newest first: delete AC, remove member, rename, add member, create AC, create 维修组.
	require.Equal(t, []string{"delete", "update", "update", "update", "create", "create"}, actions)
	require.Empty(t, b.auditEvents("/v1/audit-events", other.admin, url.Values{"resource_type": {"agent_group"}}, "50"))
}

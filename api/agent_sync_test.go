package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestAgentSyncWithTheRealCTIPlugin: the reference CTI plugin, run by the
// real host, tells a vendor's HTTP server the agent groups as the
// supervisor and the agent change them: membership, then availability;
// a sync with nothing new sends nothing.
func TestAgentSyncWithTheRealCTIPlugin(t *testing.T) {
	t.Parallel()
	type member struct {
		Extension string `json:"extension"`
		Available bool   `json:"available"`
		State     string `json:"state"`
	}
	type group struct {
		Name    string   `json:"name"`
		Queue   string   `json:"queue"`
		Members []member `json:"members"`
	}
	got := make(chan []group, 8)
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Groups []group }
		_ = json.NewDecoder(r.Body).Decode(&body)
		got <- body.Groups
	}))
	t.Cleanup(vendor.Close)
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	a := setupPlugins(t, pool, dbURL, dir, nil, privateWebhooks)
	n := a.newNetwork("acme")
	a.bindReference(t, dir, n.tenant, "cti-generic", "cti", map[string]any{"agents_url": vendor.URL + "/agents"})
	agentID, agent := a.createUser(n.tenant.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	a.must(200, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", n.tenant.admin, map[string]any{"extension": "801"})
	ctx := context.Background()
	sync := func() bool {
		sent, err := a.app.AgentGroups.SyncAgents(ctx, n.tenant.id, a.app.Plugins)
		require.NoError(t, err)
		return sent
	}

	a.must(201, "POST", "/v1/agent-groups", n.tenant.admin, map[string]any{"name": "维修组", "skill": "repair", "queue": "q-repair",
		"members": []string{agentID.String()}})
	require.True(t, sync())
	require.Equal(t, []group{{Name: "维修组", Queue: "q-repair", Members: []member{{Extension: "801", State: "offline"}}}}, <-got)

	a.must(200, "PUT", "/v1/agents/me/state", agent, map[string]any{"state": "available"})
	require.True(t, sync())
	require.Equal(t, []member{{Extension: "801", Available: true, State: "available"}}, (<-got)[0].Members)

	require.False(t, sync(), "nothing new: nothing sent")
	require.Empty(t, got)
	st := a.must(200, "GET", "/v1/agents/sync", n.tenant.admin, nil)
	require.Equal(t, "synced", st.str("status"))
	require.Equal(t, false, st.JSON["behind"])
}

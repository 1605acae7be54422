package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// nextBoard reads board events until one satisfies ok, failing after 5 s.
func nextBoard(t *testing.T, events <-chan sseEvent, what string, ok func(board map[string]any) bool) map[string]any {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e, open := <-events:
			require.True(t, open, "the board stream ended before %s", what)
			require.Equal(t, "board", e.Name)
			if ok(e.Data) {
				return e.Data
			}
		case <-timeout:
			t.Fatalf("no board event with %s within 5 s", what)
		}
	}
}

func boardList(board map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, x := range board[key].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// TestAgentBoardStreamAcrossReplicas: a supervisor's board stream on
// replica two receives the agent state changes and the waiting calls made
// through replica one (its CTI endpoint, with the real plugin); another
// tenant's stream receives none of them; agents may not open it.
func TestAgentBoardStreamAcrossReplicas(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	one := setupPlugins(t, pool, dbURL, dir, nil)
	two := setupOn(t, pool, dbURL)
	// Replica one serves with the short write timeout of stream tests:
	// the slower set-up goes through replica two.
	acme, other := two.onboard("acme"), two.onboard("other")
	_, bind := one.bindReference(t, dir, acme, "cti-generic", "cti", nil)
	binding, tok := bind.str("id"), bind.str("cti_token")
	agentID, agent := two.createUser(acme.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	two.must(200, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", acme.admin, map[string]any{"extension": "801"})

	two.must(403, "GET", "/v1/agents/board/events", agent, nil)
	two.must(401, "GET", "/v1/agents/board/events", "", nil)
	board := two.openStream("/v1/agents/board/events", acme.admin)
	otherBoard := two.openStream("/v1/agents/board/events", other.admin)
	first := nextBoard(t, board, "the agent", func(b map[string]any) bool { return len(boardList(b, "agents")) == 1 })
	require.Equal(t, "offline", boardList(first, "agents")[0]["state"])
	nextBoard(t, otherBoard, "no agents", func(b map[string]any) bool { return len(boardList(b, "agents")) == 0 })

	one.must(200, "PUT", "/v1/agents/me/state", agent, map[string]any{"state": "available"})
	got := nextBoard(t, board, "the agent available", func(b map[string]any) bool {
		return boardList(b, "agents")[0]["state"] == "available"
	})
	require.Equal(t, agentID.String(), boardList(got, "agents")[0]["user_id"])

	// A call queued at the phone system, reported through replica one.
	one.must(200, "POST", "/v1/cti/"+binding+"/events", "", map[string]any{"event": "queued", "call_id": "q-1",
		"caller": "13900139000", "queue": "install", "direction": "inbound", "timestamp": time.Now().UTC().Format(time.RFC3339)},
		"X-CTI-Token", tok)
	got = nextBoard(t, board, "a waiting call", func(b map[string]any) bool { return len(boardList(b, "queues")) == 1 })
	require.Equal(t, "install", boardList(got, "queues")[0]["queue"])
	require.Equal(t, float64(1), boardList(got, "queues")[0]["waiting"])

	// The other way round: a change through replica two reaches a stream
	// on replica one.
	back := one.openStream("/v1/agents/board/events", acme.admin)
	nextBoard(t, back, "the agent available", func(b map[string]any) bool {
		return boardList(b, "agents")[0]["state"] == "available"
	})
	two.must(200, "PUT", "/v1/agents/me/state", agent, map[string]any{"state": "away"})
	nextBoard(t, back, "the agent away", func(b map[string]any) bool { return boardList(b, "agents")[0]["state"] == "away" })

	// The other tenant's stream saw none of acme's changes.
	select {
	case e := <-otherBoard:
		require.Empty(t, boardList(e.Data, "agents"), "another tenant's board changed: %v", e.Data)
		require.Empty(t, boardList(e.Data, "queues"))
	default:
	}
}

// TestAgentBoardFollowsUserChanges: the board stream follows what an admin
// changes on users — an extension given, a name changed, an extension
// taken away, a user disabled — without any agent changing state.
func TestAgentBoardFollowsUserChanges(t *testing.T) {
	t.Parallel()
	s := setup(t)
	acme := s.onboard("acme")
	wangID, _ := s.createUser(acme.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	liID, _ := s.createUser(acme.admin, "acme", "agent.li", []string{"agent"}, map[string]any{"all": true})
	s.must(200, "PUT", "/v1/users/"+wangID.String()+"/cti-extension", acme.admin, map[string]any{"extension": "801"})

	board := s.openStream("/v1/agents/board/events", acme.admin)
	nextBoard(t, board, "one agent", func(b map[string]any) bool { return len(boardList(b, "agents")) == 1 })

	s.must(200, "PUT", "/v1/users/"+liID.String()+"/cti-extension", acme.admin, map[string]any{"extension": "802"})
	nextBoard(t, board, "the agent given an extension", func(b map[string]any) bool { return len(boardList(b, "agents")) == 2 })

	version := func() any { return s.must(200, "GET", "/v1/users/"+liID.String(), acme.admin, nil).JSON["version"] }
	s.must(200, "PATCH", "/v1/users/"+liID.String(), acme.admin, map[string]any{"display_name": "李娜", "version": version()})
	nextBoard(t, board, "the new name", func(b map[string]any) bool {
		a := boardList(b, "agents")
		return len(a) == 2 && a[1]["name"] == "李娜"
	})

	s.must(200, "PUT", "/v1/users/"+wangID.String()+"/cti-extension", acme.admin, map[string]any{"extension": ""})
	nextBoard(t, board, "the extension taken away", func(b map[string]any) bool {
		a := boardList(b, "agents")
		return len(a) == 1 && a[0]["user_id"] == liID.String()
	})

	s.must(200, "PATCH", "/v1/users/"+liID.String(), acme.admin, map[string]any{"status": "disabled", "version": version()})
	nextBoard(t, board, "the agent disabled", func(b map[string]any) bool { return len(boardList(b, "agents")) == 0 })
}

package host

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestStatusAcrossReplicas: two platform processes share a Redis board;
// the tenant admin asking either sees the plugin process the other runs,
// its calls and its failure.
func TestStatusAcrossReplicas(t *testing.T) {
	t.Parallel()
	rdb := pgtest.RedisClient(t)
	board := NewRedisBoard(rdb, "test-"+uuid.NewString()+":", time.Minute)
	replica := func(name string) func(*Options) {
		return func(o *Options) { o.Board, o.Replica, o.PublishEvery = board, name, 200*time.Millisecond }
	}
	a, b := setup(t, replica("api-1:7")), setup(t, replica("api-2:7"))
	n := smallNetwork(t)
	bind := a.bind(t, core.PluginDispatchRules, a.testPlugin(t, "rules"), "r", nil)

	require.Equal(t, core.NotStarted(bind.ID), b.h.Status(bg, bind.ID), "nobody ran it yet")

	before := time.Now()
	require.Empty(t, a.decide(t, n, bind).Fallback)
	bind.setMode(t, "error")
	require.NotEmpty(t, a.decide(t, n, bind).Fallback)
	took := time.Since(before)

	var st core.PluginStatus
	require.Eventually(t, func() bool {
		st = b.h.Status(bg, bind.ID)
		// A report may catch a call between its start and its end: wait
		// for one after both decisions: one Decide call for the first, a
		// failed Decide and a failed technicians' Decide for the second.
		return len(st.Replicas) == 1 && st.Replicas[0].Calls == 3 && st.Replicas[0].Errors == 2
	}, 5*time.Second, 20*time.Millisecond, "replica 2 sees replica 1's process")
	r := st.Replicas[0]
	require.Equal(t, "api-1:7", r.Replica)
	require.Equal(t, core.PluginRunning, r.State)
	require.Contains(t, r.LastError, "rules backend down")
	require.NotNil(t, r.LastCallAt, "the latest call is reported")
	require.WithinRange(t, *r.LastCallAt, before, before.Add(took))
	require.NotNil(t, r.LastCallMS)
	require.GreaterOrEqual(t, *r.LastCallMS, int64(0))
	require.LessOrEqual(t, *r.LastCallMS, took.Milliseconds(), "its duration, within the decisions' time")
	require.Equal(t, r.PluginProcess, st.PluginProcess, "one replica: the sum is its own")

	// Replica 2 runs it too: both are listed, the sum adds them up.
	bind.setMode(t, "ok")
	require.Empty(t, b.decide(t, n, bind).Fallback)
	st = b.h.Status(bg, bind.ID)
	require.Len(t, st.Replicas, 2)
	require.Equal(t, []string{"api-1:7", "api-2:7"}, []string{st.Replicas[0].Replica, st.Replicas[1].Replica})
	require.Equal(t, int64(4), st.Calls)
	require.Equal(t, int64(2), st.Errors)
	require.Contains(t, st.LastError, "rules backend down", "the latest error of any replica")
	require.Equal(t, core.PluginRunning, st.State)

	// A replica that stops is no longer listed, at once (the board keeps
	// entries for a minute here).
	a.h.Close()
	st = b.h.Status(bg, bind.ID)
	require.Len(t, st.Replicas, 1)
	require.Equal(t, "api-2:7", st.Replicas[0].Replica)
}

func TestStatusSumUp(t *testing.T) {
	t.Parallel()
	at := func(s int) *time.Time { v := time.Unix(int64(s), 0); return &v }
	ok, bad := true, false
	ms := func(n int64) *int64 { return &n }
	st := core.PluginStatus{Replicas: []core.PluginReplicaStatus{
		{Replica: "a", PluginProcess: core.PluginProcess{State: core.PluginRunning, Breaker: core.BreakerClosed, Calls: 10,
			Errors: 1, Restarts: 1, LastError: "old", LastErrorAt: at(1), StartedAt: at(5), ChecksumOK: &ok,
			LastCallAt: at(7), LastCallMS: ms(12)}},
		{Replica: "b", PluginProcess: core.PluginProcess{State: core.PluginFailed, Breaker: core.BreakerHalfOpen, Calls: 3,
			Errors: 3, Restarts: 2, LastError: "new", LastErrorAt: at(9), StartedAt: at(2), ChecksumOK: &bad,
			LastCallAt: at(4), LastCallMS: ms(900)}},
		{Replica: "c", PluginProcess: core.PluginProcess{State: core.PluginStopped, Breaker: core.BreakerOpen}},
	}}
	st.SumUp()
	require.Equal(t, core.PluginProcess{State: core.PluginFailed, Breaker: core.BreakerOpen, Calls: 13, Errors: 4, Restarts: 3,
		LastError: "new", LastErrorAt: at(9), StartedAt: at(5), ChecksumOK: &bad, LastCallAt: at(7), LastCallMS: ms(12)},
		st.PluginProcess, "the latest call is replica a's")
}

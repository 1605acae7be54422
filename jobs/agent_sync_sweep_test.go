package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestAgentSyncSweepRequeuesLostSyncs: a change whose sync task was lost
// (its notification never reached the queue) and a sync that ran out of
// retries (archived) both reach the phone system once the sweep runs; a
// tenant whose groups are sent, or whose change is recent, is left alone.
func TestAgentSyncSweepRequeuesLostSyncs(t *testing.T) {
	t.Parallel()
	b := setupSync(t, 2)
	ctx := context.Background()
	insp := asynq.NewInspector(b.opt)
	t.Cleanup(func() { insp.Close() })
	b.syncs.Stale, b.syncs.Inspector = b.store, insp

	var group *call.AgentGroup
	b.in(t, func(u core.UnitOfWork) (err error) {
		group, err = b.groups.SaveAgentGroup(ctx, u, nil, call.GroupInput{Name: "维修组", Skill: "repair", Queue: "q-repair"})
		return err
	})
	b.settled(t)
	n, err := b.syncs.Sweep(ctx, time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "nothing waits to be sent")

	members := func() int {
		sent := b.pbx.sent()
		return len(sent[len(sent)-1].Groups[0].Members)
	}
	age := func() {
		pgtest.TenantExec(t, b.store.Pool(), b.tenant, `UPDATE agent_syncs SET updated_at = now() - interval '10 minutes'`)
	}

	// A change whose notification was lost: recorded, never enqueued.
	lost := call.NewGroups(call.GroupsConfig{Store: b.store, Units: b.store})
	b.in(t, func(u core.UnitOfWork) error {
		_, err := lost.AddMember(ctx, u, group.ID, b.agents[0])
		return err
	})
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, 0, members(), "no task: nothing sent")
	n, err = b.syncs.Sweep(ctx, time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "a recent change may still have its task")
	age()
	n, err = b.syncs.Sweep(ctx, time.Minute)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	b.settled(t)
	require.Equal(t, 1, members())

	// A sync that fails until it runs out of retries is archived; once the
	// phone system is back, the sweep deletes it and sends.
	b.pbx.mu.Lock()
	b.pbx.failNext = 1000
	b.pbx.mu.Unlock()
	b.in(t, func(u core.UnitOfWork) error {
		_, err := b.groups.AddMember(ctx, u, group.ID, b.agents[1])
		return err
	})
	require.Eventually(t, func() bool {
		info, err := insp.GetTaskInfo("default", "agent-sync:"+b.tenant.String())
		return err == nil && info.State == asynq.TaskStateArchived
	}, 30*time.Second, 50*time.Millisecond, "the failing sync runs out of retries")
	b.pbx.mu.Lock()
	b.pbx.failNext = 0
	b.pbx.mu.Unlock()
	age()
	n, err = b.syncs.Sweep(ctx, time.Minute)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	b.settled(t)
	require.Equal(t, 2, members())
	age()
	n, err = b.syncs.Sweep(ctx, time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "all sent: nothing to sweep")
}

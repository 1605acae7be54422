package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/jobs"
)

// pbxSyncs stands in for the phone system behind the tenant's CTI plugin
// (an edge we do not own): it records every state it is sent, and fails
// or says "not supported" when told to.
type pbxSyncs struct {
	mu          sync.Mutex
	got         []core.AgentSync
	calls       int
	failNext    int
	unsupported bool
}

func (p *pbxSyncs) SyncAgents(_ context.Context, _ core.UnitOfWork, s core.AgentSync) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.unsupported {
		return core.ErrAgentSyncNotSupported
	}
	if p.failNext > 0 {
		p.failNext--
		return core.Errorf(core.EUNPROCESSABLE, "the phone system is down")
	}
	p.got = append(p.got, s)
	return nil
}

func (p *pbxSyncs) sent() []core.AgentSync {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]core.AgentSync(nil), p.got...)
}

type syncBundle struct {
	store  *postgres.Store
	tenant uuid.UUID
	groups *call.Groups
	calls  *call.Service
	pbx    *pbxSyncs
	agents []uuid.UUID
	log    *bytes.Buffer
	syncs  *jobs.AgentSyncs
	opt    asynq.RedisConnOpt
}

// setupSync builds the agent groups over PostgreSQL, their syncs on a real
// Asynq worker (retrying at once), and n agents with extensions 801….
func setupSync(t *testing.T, n int) *syncBundle {
	s := pgtest.NewStore(t, nil)
	net := pgtest.NewNetwork(t, s, "acme", "")
	opt, err := jobs.RedisOpt(pgtest.NewRedis(t))
	require.NoError(t, err)
	client := asynq.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	b := &syncBundle{store: s, tenant: net.Tenant, pbx: &pbxSyncs{}, log: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: b.log}, nil))
	syncs := &jobs.AgentSyncs{Client: client, Target: b.pbx, Delay: 300 * time.Millisecond, Log: log}
	b.groups = call.NewGroups(call.GroupsConfig{Store: s, Units: s, Notify: syncs, Log: log})
	syncs.Groups = b.groups
	b.syncs, b.opt = syncs, opt
	b.calls = call.NewService(call.Config{Store: s, Changes: b.groups})
	srv := asynq.NewServer(opt, asynq.Config{Concurrency: 4, Queues: jobs.Queues, Logger: nopLogger{},
		TaskCheckInterval: jobs.TaskCheckInterval, DelayedTaskCheckInterval: 50 * time.Millisecond, RetryDelayFunc: func(int, error, *asynq.Task) time.Duration { return 100 * time.Millisecond }})
	mux := asynq.NewServeMux()
	mux.HandleFunc(jobs.TypeAgentSync, syncs.HandleTask)
	require.NoError(t, srv.Start(mux))
	t.Cleanup(srv.Shutdown)
	for i := range n {
		id := uuid.New()
		pgtest.TenantExec(t, s.Pool(), net.Tenant, `INSERT INTO users (tenant_id, id, username, password_hash, cti_extension)
			VALUES ($1, $2, $3, 'x', $4)`, net.Tenant, id, fmt.Sprintf("agent%d", i), fmt.Sprintf("%d", 801+i))
		pgtest.TenantExec(t, s.Pool(), net.Tenant, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g', $2, $3)`,
			net.Tenant, core.UserSubject(id), core.RoleSubject(core.RoleAgent))
		b.agents = append(b.agents, id)
	}
	return b
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (b *syncBundle) in(t *testing.T, fn func(u core.UnitOfWork) error) {
	t.Helper()
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.tenant, fn))
}

// settled waits until no change waits to be sent.
func (b *syncBundle) settled(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		var st *call.SyncState
		b.in(t, func(u core.UnitOfWork) (err error) {
			st, err = b.groups.FindSyncState(context.Background(), u)
			return err
		})
		return !st.Behind
	}, 15*time.Second, 20*time.Millisecond)
	time.Sleep(400 * time.Millisecond) // a sync that would wrongly follow has had its chance
}

// TestAgentSyncCoalesces: a burst of 20 membership and availability
// changes reaches the phone system as one or a few syncs, the last with
// the final state; nothing is sent again when nothing changed; a failed
// sync is retried with the latest state; a plugin that does not sync
// agents is recorded (and logged) once.
func TestAgentSyncCoalesces(t *testing.T) {
	t.Parallel()
	b := setupSync(t, 4)
	ctx := context.Background()
	var group *call.AgentGroup
	b.in(t, func(u core.UnitOfWork) (err error) {
		group, err = b.groups.SaveAgentGroup(ctx, u, nil, call.GroupInput{Name: "维修组", Skill: "repair", Queue: "q-repair"})
		return err
	})
	states := []string{call.StateAvailable, call.StateAway, call.StateOffline}
	for i := range 20 {
		agent := b.agents[(i/2)%4]
		b.in(t, func(u core.UnitOfWork) error {
			if i%2 == 0 {
				_, err := b.groups.AddMember(ctx, u, group.ID, agent)
				return err
			}
			_, err := b.calls.SetAgentState(ctx, u, agent, states[i%3])
			return err
		})
	}
	// Final: all four in the group, each in the state last set.
	want := map[string]string{}
	for i := range 20 {
		if i%2 == 1 {
			want[fmt.Sprint(801+(i/2)%4)] = states[i%3]
		}
	}
	b.settled(t)
	sent := b.pbx.sent()
	require.NotEmpty(t, sent)
	require.LessOrEqual(t, len(sent), 3, "a burst of 21 changes gave %d syncs", len(sent))
	last := sent[len(sent)-1]
	require.Len(t, last.Groups, 1)
	require.Equal(t, "q-repair", last.Groups[0].Queue)
	got := map[string]string{}
	for _, m := range last.Groups[0].Members {
		require.Equal(t, m.State == call.StateAvailable, m.Available)
		got[m.Extension] = m.State
	}
	require.Equal(t, want, got)

	// Nothing changed: nothing sent. A change undone before the sync
	// runs: nothing sent either.
	n := len(sent)
	ok, err := b.groups.SyncAgents(ctx, b.tenant, b.pbx)
	require.NoError(t, err)
	require.False(t, ok)
	b.in(t, func(u core.UnitOfWork) error {
		_, err := b.calls.SetAgentState(ctx, u, b.agents[0], got["801"]) // the same state: no change
		return err
	})
	b.in(t, func(u core.UnitOfWork) error {
		if _, err := b.groups.RemoveMember(ctx, u, group.ID, b.agents[3]); err != nil {
			return err
		}
		_, err := b.groups.AddMember(ctx, u, group.ID, b.agents[3])
		return err
	})
	b.settled(t)
	require.Len(t, b.pbx.sent(), n, "the phone system has this state already")

	// The phone system fails twice: the retry sends the latest state.
	b.pbx.mu.Lock()
	b.pbx.failNext = 2
	b.pbx.mu.Unlock()
	b.in(t, func(u core.UnitOfWork) error {
		_, err := b.calls.SetAgentState(ctx, u, b.agents[0], call.StateAway)
		return err
	})
	b.in(t, func(u core.UnitOfWork) error {
		_, err := b.calls.SetAgentState(ctx, u, b.agents[1], call.StateAvailable)
		return err
	})
	b.settled(t)
	sent = b.pbx.sent()
	require.Len(t, sent, n+1)
	got = map[string]string{}
	for _, m := range sent[n].Groups[0].Members {
		got[m.Extension] = m.State
	}
	require.Equal(t, call.StateAway, got["801"])
	require.Equal(t, call.StateAvailable, got["802"])
	b.in(t, func(u core.UnitOfWork) error {
		st, err := b.groups.FindSyncState(ctx, u)
		require.Equal(t, call.SyncSynced, st.Status)
		return err
	})

	// A plugin that does not sync agents: recorded, logged once, no retry.
	b.pbx.mu.Lock()
	b.pbx.unsupported, b.pbx.calls = true, 0
	b.pbx.mu.Unlock()
	for _, s := range []string{call.StateOffline, call.StateAvailable} {
		b.in(t, func(u core.UnitOfWork) error {
			_, err := b.calls.SetAgentState(ctx, u, b.agents[2], s)
			return err
		})
		b.settled(t)
	}
	b.in(t, func(u core.UnitOfWork) error {
		st, err := b.groups.FindSyncState(ctx, u)
		require.Equal(t, call.SyncNotSupported, st.Status)
		return err
	})
	b.pbx.mu.Lock()
	require.LessOrEqual(t, b.pbx.calls, 2, "no retries for a plugin that does not sync")
	b.pbx.mu.Unlock()
	require.Equal(t, 1, strings.Count(b.log.String(), "agent groups are not synced"), b.log.String())
}

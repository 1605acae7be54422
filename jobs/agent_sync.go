package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core/call"
)

// TypeAgentSync tells the phone system a tenant's agent groups (the
// payload is the tenant's ID).
const TypeAgentSync = "cti:agent_sync"

// DefaultAgentSyncDelay is how long a sync waits after the change that
// asked for it: the changes of a burst (a supervisor filling a group, a
// shift signing in) ride on one sync.
const DefaultAgentSyncDelay = 500 * time.Millisecond

// agentSyncRounds bounds how often one task sends again for changes made
// while it was sending (their own enqueue met the running task).
const agentSyncRounds = 5

// AgentSyncs enqueues and runs the agent groups' syncs: at most one task
// per tenant waits or runs at a time (its ID is the tenant's), so a burst
// of changes sends one sync, with the state read when it runs; a failed
// sync is retried with the latest state.
type AgentSyncs struct {
	Client *asynq.Client
	Groups *call.Groups
	// Target is the tenant's CTI plugin (nil on a replica that only
	// enqueues).
	Target call.SyncTarget
	Delay  time.Duration // 0: DefaultAgentSyncDelay
	Log    *slog.Logger
	// Stale and Inspector let the sweep find and re-enqueue lost syncs
	// (nil Stale: no sweep).
	Stale     StaleAgentSyncs
	Inspector *asynq.Inspector
}

func agentSyncTaskID(tenant uuid.UUID) string { return "agent-sync:" + tenant.String() }

// AgentsChanged implements call.SyncNotifier: it enqueues the tenant's
// sync unless one waits already. A failure to enqueue is logged: the
// change stays recorded (agent_syncs) and the next change's sync covers it.
func (a *AgentSyncs) AgentsChanged(ctx context.Context, tenant uuid.UUID) {
	delay := a.Delay
	if delay <= 0 {
		delay = DefaultAgentSyncDelay
	}
	_, err := a.Client.EnqueueContext(ctx, asynq.NewTask(TypeAgentSync, []byte(tenant.String())),
		asynq.TaskID(agentSyncTaskID(tenant)), asynq.ProcessIn(delay), asynq.Queue("default"), asynq.MaxRetry(20))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		a.Log.Warn("agent sync not enqueued; the next change sends it", "tenant", tenant, "err", err)
	}
}

// HandleTask syncs the tenant's groups once they have been quiet for the
// delay (or waited agentSyncMaxWait delays), and again while changes came
// in during the sync.
func (a *AgentSyncs) HandleTask(ctx context.Context, t *asynq.Task) error {
	tenant, err := uuid.Parse(string(t.Payload()))
	if err != nil {
		return errors.Join(err, asynq.SkipRetry)
	}
	delay := a.Delay
	if delay <= 0 {
		delay = DefaultAgentSyncDelay
	}
	for range agentSyncRounds {
		if err := a.quiet(ctx, tenant, delay); err != nil {
			return err
		}
		if _, err := a.Groups.SyncAgents(ctx, tenant, a.Target); err != nil {
			return err
		}
		behind, _, err := a.Groups.Behind(ctx, tenant)
		if err != nil || !behind {
			return err
		}
	}
	return nil
}

// agentSyncMaxWait bounds, in delays, how long a sync waits for a burst
// of changes to end.
const agentSyncMaxWait = 10

// quiet waits until no change was recorded for delay, at most
// agentSyncMaxWait delays.
func (a *AgentSyncs) quiet(ctx context.Context, tenant uuid.UUID, delay time.Duration) error {
	for range agentSyncMaxWait {
		behind, since, err := a.Groups.Behind(ctx, tenant)
		if err != nil || !behind || since >= delay {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay - since):
		}
	}
	return nil
}

// TypeAgentSyncSweep is the periodic sweep of agent syncs whose task was
// lost.
const TypeAgentSyncSweep = "cti:agent_sync_sweep"

// AgentSyncSweepIdle is how long a tenant's groups may wait to be sent,
// untouched by any sync, before the sweep takes its task for lost: well
// above the delay and the retries' backoff of a live task.
const AgentSyncSweepIdle = 2 * time.Minute

// StaleAgentSyncs lists the tenants whose agent groups wait to be sent
// (or whose last sync failed) untouched for idle (the PostgreSQL store).
type StaleAgentSyncs interface {
	StaleAgentSyncs(ctx context.Context, idle time.Duration, limit int) ([]uuid.UUID, error)
}

// Sweep enqueues again the sync of every tenant whose groups wait to be
// sent untouched for idle (0: AgentSyncSweepIdle): its task was lost
// (Redis lost it) or ran out of retries (archived: deleted, so the
// tenant's task ID is free again). A task that still waits or runs is
// left alone. Returns how many it enqueued.
func (a *AgentSyncs) Sweep(ctx context.Context, idle time.Duration) (int, error) {
	if a.Stale == nil {
		return 0, nil
	}
	if idle <= 0 {
		idle = AgentSyncSweepIdle
	}
	tenants, err := a.Stale.StaleAgentSyncs(ctx, idle, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, tenant := range tenants {
		if a.Inspector != nil {
			info, err := a.Inspector.GetTaskInfo("default", agentSyncTaskID(tenant))
			switch {
			case err == nil && info.State == asynq.TaskStateArchived:
				if err := a.Inspector.DeleteTask("default", agentSyncTaskID(tenant)); err != nil {
					a.Log.Warn("archived agent sync not deleted", "tenant", tenant, "err", err)
					continue
				}
			case err == nil: // waiting or running: it will send
				continue
			}
		}
		_, err := a.Client.EnqueueContext(ctx, asynq.NewTask(TypeAgentSync, []byte(tenant.String())),
			asynq.TaskID(agentSyncTaskID(tenant)), asynq.Queue("default"), asynq.MaxRetry(20))
		switch {
		case err == nil:
			n++
			a.Log.Info("lost agent sync enqueued again", "tenant", tenant)
		case !errors.Is(err, asynq.ErrTaskIDConflict):
			return n, err
		}
	}
	return n, nil
}

// agentSyncSweepTask sweeps the agent syncs once per minute across
// replicas.
func agentSyncSweepTask(a *AgentSyncs, log *slog.Logger) Periodic {
	return Periodic{Type: TypeAgentSyncSweep, Every: time.Minute, Cron: "* * * * *", Queue: "default",
		Run: func(ctx context.Context, _ time.Time) error {
			_, err := a.Sweep(ctx, 0)
			return err
		}}
}

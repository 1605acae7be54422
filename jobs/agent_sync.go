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

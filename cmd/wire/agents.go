package wire

import (
	"context"
	"errors"

	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
	"github.com/aftersales/aftersales/core/plugin"
	"github.com/aftersales/aftersales/jobs"
)

// newAgentGroups returns the agent groups' use cases; with Redis their
// changes enqueue the sync with the phone system (run by the worker).
func (a *App) newAgentGroups(o Options, redisOpt asynq.RedisConnOpt) *call.Groups {
	cfg := call.GroupsConfig{Store: a.Store, Units: a.Store, Clock: o.Clock, Log: o.Log}
	if redisOpt != nil {
		client := asynq.NewClient(redisOpt)
		a.onClose(func() { _ = client.Close() })
		a.AgentSyncs = &jobs.AgentSyncs{Client: client, Log: o.Log, Delay: o.AgentSyncDelay}
		inspector := asynq.NewInspector(redisOpt)
		a.onClose(func() { _ = inspector.Close() })
		a.AgentSyncs.Stale, a.AgentSyncs.Inspector = a.Store, inspector
		cfg.Notify = a.AgentSyncs
	}
	g := call.NewGroups(cfg)
	if a.AgentSyncs != nil {
		a.AgentSyncs.Groups = g
	}
	return g
}

// agentSyncTarget is the tenant's CTI plugin as the sync sees it.
type agentSyncTarget struct{ plugins *plugin.Service }

func (t agentSyncTarget) SyncAgents(ctx context.Context, u core.UnitOfWork, s core.AgentSync) error {
	err := t.plugins.SyncAgents(ctx, u, s)
	if errors.Is(err, plugin.ErrNoCTIBinding) {
		return call.ErrNoBinding
	}
	return err
}

package call

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Sync statuses of a tenant's agent groups.
const (
	SyncPending      = "pending"       // never synced
	SyncSynced       = "synced"        // the phone system has the state sent
	SyncNotSupported = "not_supported" // the tenant's CTI plugin does not sync agents
	SyncNoBinding    = "no_binding"    // the tenant binds no CTI plugin
	SyncFailed       = "failed"        // the last attempt failed; retried
)

// SyncState is what the phone system was told of a tenant's groups.
type SyncState struct {
	// Wanted counts the changes recorded; Sent is the count the last sync
	// covered: the groups are behind while Wanted > Sent.
	Wanted   int64      `json:"-"`
	Sent     int64      `json:"-"`
	SentHash []byte     `json:"-"`
	Status   string     `json:"status" enum:"pending,synced,not_supported,no_binding,failed"`
	Error    string     `json:"error,omitempty"`
	SyncedAt *time.Time `json:"synced_at,omitempty" doc:"When the phone system was last told."`
	Behind   bool       `json:"behind" doc:"Changes wait to be sent."`
	// SinceChange is how long ago the latest change was recorded.
	SinceChange time.Duration `json:"-"`
}

// SyncTarget is the tenant's CTI plugin (core/plugin's Service):
// SyncAgents returns core.ErrAgentSyncNotSupported when it does not sync
// agents, and NoBinding tells the error it gives when the tenant binds no
// CTI plugin.
type SyncTarget interface {
	SyncAgents(ctx context.Context, u core.UnitOfWork, s core.AgentSync) error
}

// ErrNoBinding is what a SyncTarget returns (wrapped or as is) when the
// tenant binds no CTI plugin; the adapter maps its own error to it.
var ErrNoBinding = errors.New("no CTI plugin bound")

// FindSyncState reads how far the phone system was told.
func (g *Groups) FindSyncState(ctx context.Context, u core.UnitOfWork) (*SyncState, error) {
	st, err := g.store.AgentGroups(u).FindAgentSync(ctx)
	if err == nil && st.Status == "" {
		st.Status = SyncPending
	}
	if st != nil {
		st.Behind = st.Wanted > st.Sent
	}
	return st, err
}

// SyncAgents tells the phone system, through target, the current state of
// the tenant's groups, once for every change recorded until now: one sync
// of a tenant at a time (any replica), the state read when it runs (so the
// latest wins), nothing sent when the phone system has that state already.
// A plugin that does not sync agents (or no binding) is recorded, and
// logged once when it becomes so; a failure is recorded and returned (the
// job retries). It returns whether a state was sent.
func (g *Groups) SyncAgents(ctx context.Context, tenant uuid.UUID, target SyncTarget) (bool, error) {
	sent := false
	var failure error
	err := core.InUnitOfWork(ctx, g.units, tenant, func(u core.UnitOfWork) error {
		repo := g.store.AgentGroups(u)
		st, err := repo.LockAgentSync(ctx)
		if err != nil {
			return err
		}
		if st.Wanted == st.Sent && st.Status != SyncFailed && st.Status != "" {
			return nil
		}
		groups, err := repo.FindAgentGroups(ctx)
		if err != nil {
			return err
		}
		state := SyncPayload(groups)
		raw, _ := json.Marshal(state)
		sum := sha256.Sum256(raw)
		prev, prevSent := st.Status, st.Sent
		st.Sent, st.Error = st.Wanted, ""
		if st.Status == SyncSynced && string(st.SentHash) == string(sum[:]) {
			return repo.SaveAgentSync(ctx, st)
		}
		err = target.SyncAgents(ctx, u, state)
		now := g.clock.Now().UTC().Truncate(time.Microsecond)
		switch {
		case err == nil:
			st.Status, st.SentHash, st.SyncedAt, sent = SyncSynced, sum[:], &now, true
		case errors.Is(err, core.ErrAgentSyncNotSupported):
			st.Status, st.SentHash = SyncNotSupported, nil
			if prev != SyncNotSupported {
				g.log.Info("agent groups are not synced: the tenant's CTI plugin does not support it", "tenant", tenant)
			}
		case errors.Is(err, ErrNoBinding):
			st.Status, st.SentHash = SyncNoBinding, nil
		default:
			// Sent stays where it was: the retry sends the state then.
			failure = err
			st.Status, st.Error, st.Sent = SyncFailed, core.ErrorMessage(err), prevSent
		}
		return repo.SaveAgentSync(ctx, st)
	})
	if err != nil {
		return false, err
	}
	return sent, failure
}

// SyncPayload is the groups as the phone system is told them: members
// with an extension, available when their state is.
func SyncPayload(groups []*AgentGroup) core.AgentSync {
	out := core.AgentSync{Groups: make([]core.AgentSyncGroup, 0, len(groups))}
	for _, grp := range groups {
		sg := core.AgentSyncGroup{ID: grp.ID.String(), Name: grp.Name, Skill: grp.Skill, Queue: grp.Queue,
			Members: []core.AgentSyncMember{}}
		for _, m := range grp.Members {
			if m.Extension == "" {
				continue
			}
			sg.Members = append(sg.Members, core.AgentSyncMember{Extension: m.Extension, Available: m.State == StateAvailable, State: m.State})
		}
		out.Groups = append(out.Groups, sg)
	}
	return out
}

// Behind tells whether changes of the tenant wait to be synced, and how
// long ago the latest was recorded.
func (g *Groups) Behind(ctx context.Context, tenant uuid.UUID) (bool, time.Duration, error) {
	behind, quiet := false, time.Duration(0)
	err := core.InUnitOfWork(ctx, g.units, tenant, func(u core.UnitOfWork) error {
		st, err := g.store.AgentGroups(u).FindAgentSync(ctx)
		if err == nil {
			behind, quiet = st.Wanted > st.Sent, st.SinceChange
		}
		return err
	})
	return behind, quiet, err
}

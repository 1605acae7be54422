package call

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// GroupStore gives the agent groups' use cases their repository within a
// unit of work, and the audit log. The PostgreSQL adapter implements it.
type GroupStore interface {
	audit.Store
	AgentGroups(u core.UnitOfWork) GroupRepository
}

// GroupRepository reads and writes one tenant's agent groups, their
// members and what the phone system was told of them, in a tenant unit.
type GroupRepository interface {
	// FindAgentGroups lists the groups by name, each with its members (by
	// name) and their states.
	FindAgentGroups(ctx context.Context) ([]*AgentGroup, error)
	// FindAgentGroup reads a group with its members; ENOTFOUND.
	FindAgentGroup(ctx context.Context, id uuid.UUID) (*AgentGroup, error)
	// InsertAgentGroup stores g without members; ECONFLICT when another
	// group has its name (whatever the case).
	InsertAgentGroup(ctx context.Context, g *AgentGroup) error
	// UpdateAgentGroup writes g's name, skill, queue and updated_at;
	// ENOTFOUND, ECONFLICT as for InsertAgentGroup.
	UpdateAgentGroup(ctx context.Context, g *AgentGroup) error
	// DeleteAgentGroup deletes a group and its memberships; ENOTFOUND.
	DeleteAgentGroup(ctx context.Context, id uuid.UUID) error
	// SetAgentGroupMembers replaces the group's members with users.
	SetAgentGroupMembers(ctx context.Context, group uuid.UUID, users []uuid.UUID) error
	// FindAgentUsers returns which of ids are active users of the tenant
	// holding the agent role.
	FindAgentUsers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error)
	// ProductLineExists tells whether the tenant has the product line.
	ProductLineExists(ctx context.Context, code string) (bool, error)

	// RequestAgentSync records that the phone system should be told the
	// groups' state again (wanted + 1).
	RequestAgentSync(ctx context.Context) error
	// LockAgentSync reads what was sent under a lock held to the end of
	// the unit (one sync of a tenant at a time, on any replica); a tenant
	// never synced has the zero SyncState.
	LockAgentSync(ctx context.Context) (*SyncState, error)
	// FindAgentSync reads it without locking.
	FindAgentSync(ctx context.Context) (*SyncState, error)
	// SaveAgentSync writes the sync's outcome: Sent, SentHash, Status,
	// Error, SyncedAt (Wanted is not written: it may have moved on).
	SaveAgentSync(ctx context.Context, s *SyncState) error
}

package call

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Store gives the call use cases their repository within a unit of work.
// The PostgreSQL adapter implements it; so does the in-memory fake of
// core/coretest.
type Store interface {
	Calls(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's call log within a tenant unit.
type Repository interface {
	// LockCallByPBXID reads the call with the phone system's ID under a
	// row lock held to the end of the unit; ENOTFOUND.
	LockCallByPBXID(ctx context.Context, pbxID string) (*Call, error)
	// LockCallByID is LockCallByPBXID by the platform's ID; ENOTFOUND.
	LockCallByID(ctx context.Context, id uuid.UUID) (*Call, error)
	// InsertCall stores a new call; false (and nothing written) when a
	// call with its PBX ID exists already (another replica was first).
	InsertCall(ctx context.Context, c *Call) (bool, error)
	// UpdateCall writes every field of c but its IDs.
	UpdateCall(ctx context.Context, c *Call) error
	// InsertLink links what ref names to call; linking twice is a no-op.
	InsertLink(ctx context.Context, call uuid.UUID, l Link) error
	// FindAgentsByExtension lists the active users with the extension.
	FindAgentsByExtension(ctx context.Context, extension string) ([]uuid.UUID, error)
	// FindCustomerByPhone returns the first customer (by name and ID) with
	// the normalised phone, nil when none.
	FindCustomerByPhone(ctx context.Context, phone string) (*uuid.UUID, error)
	// FindLatestCallOfAgent returns the call of agent offered latest that
	// has not ended or ended at or after endedSince; ENOTFOUND.
	FindLatestCallOfAgent(ctx context.Context, agent uuid.UUID, endedSince time.Time) (*Call, error)
	// FindCalls lists the calls in f (f.Within, f.Self) with their links,
	// offered newest first, after the cursor f.After (EINVALID naming
	// "cursor" for one this list did not return); the next cursor is ""
	// on the last page. Limit is clamped to 1-500 (0: 50).
	FindCalls(ctx context.Context, f Filter) ([]*Call, string, error)
	// FindCallByID reads a call with its links when it is in within or
	// taken by self; ENOTFOUND otherwise.
	FindCallByID(ctx context.Context, id uuid.UUID, within core.CustomerReach, self *uuid.UUID) (*Call, error)

	// SetAgentState writes an agent's state and since when.
	SetAgentState(ctx context.Context, agent uuid.UUID, state string, since time.Time) error
	// FindAgentState reads an agent's state: offline, since the zero
	// time, when none was written.
	FindAgentState(ctx context.Context, agent uuid.UUID) (*AgentState, error)
	// FindAgentStates lists the active users with an extension and their
	// states, by extension.
	FindAgentStates(ctx context.Context) ([]AgentState, error)
	// FindWaitingCalls counts, per queue (by name), the calls queued and
	// not yet offered to an agent nor ended.
	FindWaitingCalls(ctx context.Context) ([]QueueWaiting, error)
}

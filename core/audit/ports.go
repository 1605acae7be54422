package audit

import (
	"context"
	"time"

	"github.com/aftersales/aftersales/core"
)

// Store gives the audit log's repository within a unit of work. The
// stores of the areas whose changes are audited (identity, settings,
// messaging, webhooks, plugins) embed it, so a use case records through
// the unit it changes things in. The PostgreSQL adapter implements it; so
// does the in-memory fake of core/coretest (coretest.AuditLog).
type Store interface {
	Audit(u core.UnitOfWork) Repository
}

// Repository appends to and reads the audit log within a unit of work.
// A tenant unit sees its tenant's events only; a platform unit sees every
// tenant's and records platform admins' changes of tenants.
type Repository interface {
	// InsertEvent queues the event's insert: it reaches the database with
	// the unit's next read or its commit, and never outlives a rollback.
	// The event's Seq is the store's to set.
	InsertEvent(e *Event)
	// FindEvents lists events newest first (by Seq), one page after the
	// cursor f.After (a Seq; checked by Filter.Validate) of at most
	// f.Limit (clamped to 1-500; 0: 50); returns the next cursor.
	FindEvents(ctx context.Context, f Filter) ([]*Event, string, error)
}

// Purger deletes the events older than the retention period. Only the
// housekeeping job calls it; nothing else may delete or change an event.
type Purger interface {
	// PurgeAuditEvents deletes every tenant's events recorded before
	// before; returns how many.
	PurgeAuditEvents(ctx context.Context, before time.Time) (int64, error)
}

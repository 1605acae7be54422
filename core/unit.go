package core

import (
	"context"

	"github.com/google/uuid"
)

// UnitOfWork is a unit of work: one database transaction bound to one tenant
// (or to none, for platform administration). A use case gets its typed
// repositories from a unit through the ports its own package declares,
// and registers on it what must happen once the change is durable. A unit
// is passed as an argument, never in a context.Context.
//
// Who opens a unit ends it: a use case handed a unit by its caller (the
// API's request, a job) reads and writes through it and returns; the
// caller commits, so that what it adds (the idempotency record of a
// request, say) commits or rolls back with the change.
type UnitOfWork interface {
	// TenantID is the tenant the unit is bound to; uuid.Nil for a
	// platform unit, which sees no tenant-owned row.
	TenantID() uuid.UUID
	// AfterCommit registers fn to run once the unit has committed, in
	// registration order; never after a rollback.
	AfterCommit(fn func())
}

// OpenUnitOfWork is a unit as its opener holds it.
type OpenUnitOfWork interface {
	UnitOfWork
	// Commit commits the transaction (nothing to do if the unit never
	// touched the database), then runs the AfterCommit functions.
	Commit(ctx context.Context) error
	// Rollback discards the unit's changes and its AfterCommit functions.
	// After Commit it does nothing, so `defer u.Rollback(ctx)` is safe.
	Rollback(ctx context.Context)
}

// UnitsOfWork opens units of work. The transaction begins on first use, so a
// unit that never touches the database costs nothing.
type UnitsOfWork interface {
	// Begin opens a unit bound to tenant (uuid.Nil: a platform unit).
	Begin(ctx context.Context, tenant uuid.UUID) OpenUnitOfWork
}

// InUnitOfWork runs fn in a new unit for tenant and commits it when fn returns
// nil; otherwise, or on panic, the unit rolls back.
func InUnitOfWork(ctx context.Context, units UnitsOfWork, tenant uuid.UUID, fn func(u UnitOfWork) error) error {
	u := units.Begin(ctx, tenant)
	defer u.Rollback(context.WithoutCancel(ctx))
	if err := fn(u); err != nil {
		return err
	}
	return u.Commit(ctx)
}

package coretest

import (
	"context"
	"errors"
	"sync"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Memory is an in-memory database of tenants' rows with units of work:
// a unit works on its own copy of the state, taken at its first use, and
// its commit replaces the state when no other unit committed in between
// (else it fails, as a serialisation failure would). A rollback leaves
// nothing behind.
type Memory[S any] struct {
	mu      sync.Mutex
	state   S
	version int
	clone   func(S) S
}

// NewMemory returns a database with state, copied with clone.
func NewMemory[S any](state S, clone func(S) S) *Memory[S] {
	return &Memory[S]{state: state, clone: clone}
}

// Read runs fn on the committed state (test assertions).
func (m *Memory[S]) Read(fn func(S)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fn(m.state)
}

// Write changes the committed state (test set-up).
func (m *Memory[S]) Write(fn func(S) S) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state = fn(m.state)
	m.version++
}

// Begin implements core.UnitsOfWork.
func (m *Memory[S]) Begin(_ context.Context, tenant uuid.UUID) core.OpenUnitOfWork {
	return &Unit[S]{m: m, tenant: tenant}
}

// Unit is a unit of work of a Memory.
type Unit[S any] struct {
	m       *Memory[S]
	tenant  uuid.UUID
	state   S
	started bool
	base    int
	after   []func()
	done    bool
}

// State returns the unit's copy of the state, taken at first use.
func (u *Unit[S]) State() S {
	if u.done {
		panic("coretest: unit of work used after it ended")
	}
	if !u.started {
		u.m.mu.Lock()
		u.state, u.base = u.m.clone(u.m.state), u.m.version
		u.m.mu.Unlock()
		u.started = true
	}
	return u.state
}

// TenantID implements core.UnitOfWork.
func (u *Unit[S]) TenantID() uuid.UUID { return u.tenant }

// AfterCommit implements core.UnitOfWork.
func (u *Unit[S]) AfterCommit(fn func()) { u.after = append(u.after, fn) }

// ErrConflict is the commit error of a unit that raced another.
var ErrConflict = errors.New("coretest: another unit committed first")

// Commit implements core.OpenUnitOfWork.
func (u *Unit[S]) Commit(context.Context) error {
	if u.done {
		return core.Errorf(core.EINTERNAL, "unit of work already ended")
	}
	u.done = true
	if u.started {
		u.m.mu.Lock()
		if u.m.version != u.base {
			u.m.mu.Unlock()
			return ErrConflict
		}
		u.m.state = u.state
		u.m.version++
		u.m.mu.Unlock()
	}
	for _, fn := range u.after {
		fn()
	}
	return nil
}

// Rollback implements core.OpenUnitOfWork.
func (u *Unit[S]) Rollback(context.Context) { u.done = true }

// UnitOf returns the Memory unit behind u.
func UnitOf[S any](u core.UnitOfWork) *Unit[S] {
	mu, ok := u.(*Unit[S])
	if !ok {
		panic("coretest: a unit of work of another store")
	}
	return mu
}

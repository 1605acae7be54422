// Package network holds the use cases of the service network: the region
// tree, service sites, their technicians, the bulk import of sites and
// technicians, the deadlines sites missed and the network dispatch
// reads. It validates, defaults and decides; the Repository of its Store
// (the PostgreSQL adapter, or the in-memory fake of core/coretest) only
// reads and writes.
//
// Every use case takes the caller's unit of work, reads and writes
// through it and leaves it open: the caller commits (see
// core.UnitOfWork). Who may call a use case for which region or site is
// the caller's check (the API's scope checks); the lists take the scope
// to filter by.
package network

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Service runs the network use cases.
type Service struct {
	store Store
	clock core.Clock
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	Clock core.Clock // nil: the system clock
}

// NewService returns the network use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	return &Service{store: c.Store, clock: c.Clock}
}

// now is the clock's time at the database's precision, so a value
// returned on create equals the value read back later.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// staleVersion is the conflict of a change sent with an old version.
func staleVersion(what string, have, sent int) *core.Error {
	return core.Errorf(core.ECONFLICT, "%s was changed by someone else (version %d, you sent %d); reload and retry", what, have, sent)
}

// lostRace maps the repository's answer to a write at the version read:
// ENOTFOUND there means another unit changed the row in between.
func lostRace(err error, what string, read int) error {
	if core.ErrorCode(err) == core.ENOTFOUND {
		return staleVersion(what, read+1, read)
	}
	return err
}

// record records an admin's change of a region, site or technician in the
// audit log, in the unit that makes it.
func (s *Service) record(ctx context.Context, u core.UnitOfWork, action, resource string, id uuid.UUID, before, after any) {
	audit.Record(ctx, s.store, u, audit.Change{Action: action, ResourceType: resource, ResourceID: id.String(),
		Before: before, After: after})
}

// Package identity holds the use cases of identity and access: logging
// in (with the throttling and lockout of LoginPolicy) and out,
// authenticating bearer tokens and API keys, users, API keys, roles,
// per-subject grants and scopes. It decides; the Repository of its Store
// (the PostgreSQL adapter, or the in-memory fake of core/coretest) only
// reads and writes.
package identity

import (
	"log/slog"
	"time"

	"github.com/aftersales/aftersales/core"
)

// Service runs the identity use cases. Every method that takes a unit of
// work reads and writes through it and leaves it open: its caller commits
// (see core.UnitOfWork). Login and Authenticate come before a request has
// a unit and open their own.
type Service struct {
	store  Store
	units  core.UnitsOfWork
	clock  core.Clock
	policy LoginPolicy
	log    *slog.Logger
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	// Units opens the units of Login and of recording a credential's use.
	Units  core.UnitsOfWork
	Clock  core.Clock   // nil: the system clock
	Policy LoginPolicy  // zero: DefaultLoginPolicy
	Log    *slog.Logger // nil: discarded
}

// NewService returns the identity use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Policy == (LoginPolicy{}) {
		c.Policy = DefaultLoginPolicy()
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: c.Store, units: c.Units, clock: c.Clock, policy: c.Policy, log: c.Log}
}

// now is the clock's time at the database's precision.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// Package messaging holds the use cases of the platform's texts to
// customers, technicians and dispatchers: a tenant's SMS settings and
// templates, the SMS gateway's callbacks (delivery reports, and inbound
// replies that act on work orders or score them) and the call centre's
// follow-ups. It decides; the repository of its Store (the PostgreSQL
// adapter, or the in-memory fake of core/coretest) only reads and writes.
// Composing and sending texts is jobs' (jobs.Texts), reached through the
// Texts port.
package messaging

import (
	"log/slog"
	"time"

	"github.com/aftersales/aftersales/core"
)

// Service runs the messaging use cases. Every method that takes a unit of
// work reads and writes through it and leaves it open: its caller commits
// (see core.UnitOfWork). The gateway's callbacks open their own units.
type Service struct {
	store      Store
	units      core.UnitsOfWork
	clock      core.Clock
	texts      Texts
	workOrders WorkOrders
	log        *slog.Logger
	complaints Complaints
	surveys    Surveys
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	// Units opens the units of the gateway's callbacks.
	Units core.UnitsOfWork
	Clock core.Clock // nil: the system clock
	// Texts queues the help replies to inbound texts; WorkOrders carries
	// out technicians' commands. Both are needed by ReceiveSMS only.
	Texts      Texts
	WorkOrders WorkOrders
	Log        *slog.Logger // nil: discarded
	// Complaints takes 1 / 2 answers to a proposed resolution before they
	// are read as scores (nil: digits are scores).
	Complaints Complaints
	// Surveys takes the answers of customers' running SMS surveys before
	// anything else reads their texts (nil: no SMS surveys).
	Surveys Surveys
}

// New returns the messaging use cases.
func New(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: c.Store, units: c.Units, clock: c.Clock, texts: c.Texts, workOrders: c.WorkOrders, log: c.Log,
		complaints: c.Complaints, surveys: c.Surveys}
}

// now is the clock's time at the database's precision.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

package complaint

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Store gives the complaint use cases their repository within a unit of
// work. The PostgreSQL adapter implements it.
type Store interface {
	Complaints(u core.UnitOfWork) Repository
	// DueEscalations lists the complaints whose next escalation step is due
	// at now, across every tenant (at most limit), for FireEscalations;
	// each is re-checked under its row lock in its tenant's unit.
	DueEscalations(ctx context.Context, now time.Time, limit int) ([]DueEscalation, error)
}

// DueEscalation is a complaint whose ladder may have a step due.
type DueEscalation struct {
	TenantID, ComplaintID uuid.UUID
}

// Repository reads and writes one tenant's complaints within a unit of
// work. Methods without a context queue their write: it reaches the
// database with the unit's next read or its commit.
type Repository interface {
	// Settings reads the tenant's complaint settings (nil: never set),
	// its time zone and calendar spec (JSON; empty: the default).
	Settings(ctx context.Context) (s *Settings, tz string, cal []byte, err error)
	SaveSettings(s Settings)
	// Facts reads what intake checks about what n refers to.
	Facts(ctx context.Context, n *NewComplaint) (*Facts, error)
	Insert(c *Complaint)
	// Lock reads a complaint under a row lock held to the end of the unit;
	// ENOTFOUND when absent.
	Lock(ctx context.Context, id uuid.UUID) (*Complaint, error)
	// FindByID reads a complaint; ENOTFOUND.
	FindByID(ctx context.Context, id uuid.UUID) (*Complaint, error)
	// Find lists complaints newest first, keyset paginated.
	Find(ctx context.Context, f Filter, now time.Time) ([]*Complaint, string, error)
	FindEvents(ctx context.Context, id uuid.UUID) ([]*CaseEvent, error)
	// Update writes every mutable field of c (its order included) and
	// bumps its version.
	Update(c *Complaint)
	AppendEvent(e CaseEvent)
	// Number gives the case the tenant's next number of the period (YYMM)
	// and returns it.
	Number(ctx context.Context, id uuid.UUID, period string) (string, error)
	// LockAwaitingAnswer reads, under a row lock, the customer's newest
	// complaint whose proposed resolution awaits their answer (state
	// resolution_proposed); ENOTFOUND when none does.
	LockAwaitingAnswer(ctx context.Context, customerID uuid.UUID) (*Complaint, error)
	// OutboxAdd writes a side effect with the change.
	OutboxAdd(aggregate uuid.UUID, typ string, payload json.RawMessage)
}

// Facts are what intake reads about a new complaint's references.
type Facts struct {
	CustomerFound bool
	// The order, when named: found, its customer, unit, site and
	// technician.
	OrderFound       bool
	OrderCustomer    uuid.UUID
	OrderUnit        *uuid.UUID
	OrderSite        *uuid.UUID
	OrderTechnician  *uuid.UUID
	UnitFound        bool
	UnitCustomer     uuid.UUID
	SiteFound        bool
	SiteRegion       *uuid.UUID // of the site complained about, or the owner site
	OwnerSiteFound   bool
	OwnerSiteRegion  *uuid.UUID
	OwnerRegionFound bool
	TechnicianFound  bool
}

// NewComplaint is what intake takes.
type NewComplaint struct {
	CustomerID   uuid.UUID
	WorkOrderID  *uuid.UUID
	UnitID       *uuid.UUID
	SiteID       *uuid.UUID
	TechnicianID *uuid.UUID
	Category     string
	Severity     string
	Channel      string
	Description  string
	// Owner is the responsible unit; zero: the site complained about, else
	// the quality department.
	Owner Owner
}

// ActionInput is what an action carries.
type ActionInput struct {
	Action   string
	Version  int // 0: no check
	Reason   string
	Handling *Handling
	Owner    *Owner // transfer
	Via      string // confirm: agent or sms
}

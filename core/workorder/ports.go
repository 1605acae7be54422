package workorder

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/core/network"
)

// Store gives the work-order use cases their repositories within a unit
// of work. The PostgreSQL adapter implements it; so does the in-memory
// fake of core/coretest.
type Store interface {
	WorkOrders(u core.UnitOfWork) Repository
	Outbox(u core.UnitOfWork) Outbox
	// DueTimers lists the timers due at now across every tenant (at most
	// limit), for FireDueTimers; each is re-checked in its tenant's unit.
	DueTimers(ctx context.Context, now time.Time, limit int) ([]DueTimer, error)
}

// Repository reads and writes one tenant's work orders and what they
// touch, within a unit of work. Methods without a context queue their
// write: it reaches the database with the unit's next read or its commit,
// and its error, if any, is returned there.
type Repository interface {
	// IntakeFacts reads what intake checks and needs about the tenant and
	// what n refers to (customer, unit, address, service type).
	IntakeFacts(ctx context.Context, n *core.NewWorkOrder, at time.Time) (*IntakeFacts, error)
	InsertWorkOrder(w *core.WorkOrder)
	// LockWorkOrder reads the order under a row lock held to the end of
	// the unit; ENOTFOUND when absent.
	LockWorkOrder(ctx context.Context, id uuid.UUID) (*Locked, error)
	FindWorkOrderByID(ctx context.Context, id uuid.UUID) (*core.WorkOrder, error)
	// FindWorkOrders lists orders newest first; the SLA status filter is
	// the deadline rule's predicate (SLAStatusRule).
	FindWorkOrders(ctx context.Context, f core.WorkOrderFilter, now time.Time) ([]*core.WorkOrder, string, error)
	FindWorkOrderEvents(ctx context.Context, id uuid.UUID) ([]*core.WorkOrderEvent, error)
	// UpdateWorkOrder writes c's fields, bumps the version and sets
	// updated_at. A change that sets a site also sets the order's region
	// to the site's.
	UpdateWorkOrder(id uuid.UUID, c Change)
	AppendEvent(e Event)
	// NumberWorkOrder gives the order the next number of the tenant's
	// period (YYMM) and returns it as stored. Deferred counters go in the
	// same round trip.
	NumberWorkOrder(ctx context.Context, id uuid.UUID, period string) (*core.WorkOrder, error)

	// ExcludedSites are the sites that rejected or lost the order.
	ExcludedSites(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error)
	ExcludeSite(id, site uuid.UUID)
	// Technician reads a technician's site, duty status and name; ENOTFOUND.
	Technician(ctx context.Context, id uuid.UUID) (TechnicianPost, error)
	AddWorkload(tech uuid.UUID, delta int)
	MoveTechnician(tech uuid.UUID, lat, lon float64, at time.Time)
	// Site reads a site's status and name; ENOTFOUND.
	Site(ctx context.Context, id uuid.UUID) (SitePost, error)
	// Network loads the active sites within radiusKm of a point and those
	// covering the division code (GB/T 2260; "" for none) by district
	// wherever they are, with their coverage of that division and its
	// parents (dispatch.Site.Districts), their load on at's day and their
	// technicians.
	Network(ctx context.Context, lat, lon, radiusKm float64, division string, at time.Time) (*dispatch.Network, error)
	DispatchWeights(ctx context.Context) (dispatch.Weights, error)
	// CountTaken adds delta to the orders the site took on at's day in the
	// tenant's zone, written last, so the counter row stays locked only
	// for the commit.
	CountTaken(site uuid.UUID, at time.Time, delta int)
	// NearestDealer finds the nearest active dealer within radiusKm that
	// sells the product line (any, when line is ""); ENOTFOUND.
	NearestDealer(ctx context.Context, lat, lon, radiusKm float64, line string) (uuid.UUID, error)
	// UnitBySerial finds a registered unit; ENOTFOUND.
	UnitBySerial(ctx context.Context, serial string) (id, customer uuid.UUID, err error)
	// FaultCodeLine reads a fault code's product line (nil: any line);
	// ENOTFOUND.
	FaultCodeLine(ctx context.Context, kind, code string) (*string, error)

	// TimerSettings are the tenant's timer limits and calendar.
	TimerSettings(ctx context.Context) (*TimerSettings, error)
	// LastDispatchedAt is when the order last became dispatched (nil: never).
	LastDispatchedAt(ctx context.Context, id uuid.UUID) (*time.Time, error)
	// RecordSiteMiss records a deadline the site missed, once per order
	// and kind.
	RecordSiteMiss(site, order uuid.UUID, kind string, due, at time.Time)
	// FindSiteLateCounts reads what the site's late-arrival rate is
	// computed from: the orders it was given after since, the misses of
	// kind network.LateRateMiss recorded after since (those recorded in
	// the unit included), and its rate now; zero counts when it was given
	// no order since.
	FindSiteLateCounts(ctx context.Context, site uuid.UUID, since time.Time) (network.SiteLateCounts, error)
	// SetSiteLateRate writes the site's late-arrival rate.
	SetSiteLateRate(site uuid.UUID, rate float64)
}

// Outbox takes the side effects of a change, written with it: they are
// relayed once the unit commits, never after a rollback.
type Outbox interface {
	Add(aggregate uuid.UUID, typ string, payload json.RawMessage)
}

// IntakeFacts are what intake reads about the tenant and what a new
// order refers to.
type IntakeFacts struct {
	TimeZone string
	Calendar []byte // the tenant's calendar spec (JSON); empty: the default
	Weights  dispatch.Weights

	CustomerFound   bool
	UnitFound       bool
	UnitOwner       *uuid.UUID
	ProductLine     *string // the unit's model's
	InWarranty      *bool   // on the tenant's today
	WarrantyExpires *string // YYYY-MM-DD

	AddressFound bool // the address is the customer's
	Address      string
	Lat, Lon     *float64
	// DivisionCode is the address's most precise stored division ("" when
	// it has none); LocationApproximate marks Lat/Lon as its
	// representative point.
	DivisionCode        string
	LocationApproximate bool

	ServiceTypeFound bool
	Field            bool // the service type goes to the field
	// SLA targets of the service type in working minutes (0: none).
	RespondMinutes, ArriveMinutes, CompleteMinutes int
}

// Locked is an order read under its row lock, with the timers'
// bookkeeping.
type Locked struct {
	*core.WorkOrder
	AutoUrged   []string // deadlines auto-urged already
	UrgeCount   int
	LastUrgedAt *time.Time
}

// TechnicianPost is where a technician works, whether on duty, and the
// technician's name.
type TechnicianPost struct {
	SiteID uuid.UUID
	Status string
	Name   string
}

// SitePost is whether a site receives orders, and its name.
type SitePost struct {
	Status string
	Name   string
}

// TimerSettings are a tenant's limits for the timers and urges.
type TimerSettings struct {
	TimeZone            string
	Calendar            []byte
	AcceptanceMinutes   int
	UrgeIntervalMinutes int
}

// DueTimer is a timer of an order that may be due.
type DueTimer struct {
	TenantID, WorkOrderID uuid.UUID
	Kind                  string
}

// Change is what an update writes; nil fields are left as they are,
// the Clear fields set NULL.
type Change struct {
	At time.Time
	// Bump moves the version and sets updated_at to At: a change the
	// order's readers see. Touch sets updated_at alone.
	Bump, Touch   bool
	State         string
	SiteID        *uuid.UUID
	ClearSite     bool
	TechnicianID  *uuid.UUID
	ClearTech     bool
	RespondedAt   *time.Time
	ArrivedAt     *time.Time
	CompletedAt   *time.Time
	ClosedAt      *time.Time
	ServiceRecord json.RawMessage
	Decision      *core.DispatchDecision
	QueueReason   *string
	AddSLAFlag    string // appended to the recorded breaches
	AddAutoUrged  string // appended to the auto-urged deadlines
	Urged         bool   // one more urge
	LastUrgedAt   *time.Time
}

// Event is one entry of an order's timeline, as written.
type Event struct {
	WorkOrderID uuid.UUID
	Type        string
	From, To    string
	Actor       string
	At          time.Time
	Lat, Lon    *float64
	Payload     map[string]any
}

// Package workorder holds the use cases of work orders: intake, the
// actions of the state machine, dispatch orchestration, urges and the
// SLA timers. It decides; the repositories of its Store (the PostgreSQL
// adapter, or the in-memory fake of core/coretest) only read and write.
package workorder

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

// Service runs the work-order use cases. Every method that takes a unit
// of work reads and writes through it and leaves it open: its caller
// commits (see core.UnitOfWork).
type Service struct {
	store     Store
	units     core.UnitsOfWork
	clock     core.Clock
	rules     func(u core.UnitOfWork) dispatch.Rules
	log       *slog.Logger
	calendars calendars
	completed func(ctx context.Context, u core.UnitOfWork, w *core.WorkOrder, rec *core.ServiceRecord) error
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	// Units opens the units of the timers, which work tenant by tenant.
	Units core.UnitsOfWork
	Clock core.Clock // nil: the system clock
	// Rules returns the dispatch rules (a plugin's) of the unit's tenant,
	// reading what they need in that unit; nil for the built-in ranking; nil: the built-in ranking for every tenant. The
	// engine falls back to the built-in ranking when rules fail.
	Rules func(u core.UnitOfWork) dispatch.Rules
	Log   *slog.Logger // nil: discarded
}

// NewService returns the work-order use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: c.Store, units: c.Units, clock: c.Clock, rules: c.Rules, log: c.Log}
}

// SetCompleted names what runs in the completing unit once an order is
// completed with its service record (the warranty's charge items); its
// error rolls the completion back. Set it before serving.
func (s *Service) SetCompleted(fn func(ctx context.Context, u core.UnitOfWork, w *core.WorkOrder, rec *core.ServiceRecord) error) {
	s.completed = fn
}

// AddCompleted adds fn to what runs once an order is completed, after
// what is set already (the stock consumption of field requests after the
// warranty's charges); the first error rolls the completion back.
func (s *Service) AddCompleted(fn func(ctx context.Context, u core.UnitOfWork, w *core.WorkOrder, rec *core.ServiceRecord) error) {
	prev := s.completed
	if prev == nil {
		s.completed = fn
		return
	}
	s.completed = func(ctx context.Context, u core.UnitOfWork, w *core.WorkOrder, rec *core.ServiceRecord) error {
		if err := prev(ctx, u, w, rec); err != nil {
			return err
		}
		return fn(ctx, u, w, rec)
	}
}

// now is the clock's time at the database's precision.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// Intake records a new order: it checks what the order refers to,
// computes warranty and SLA deadlines in the tenant's business calendar
// and, for a field order, dispatches it (or queues it with the reason);
// a purchase lead goes to the nearest dealer. EINVALID names the field
// at fault.
func (s *Service) Intake(ctx context.Context, u core.UnitOfWork, n core.NewWorkOrder, actor string) (*core.WorkOrder, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if n.ServiceType == "" {
		n.ServiceType = n.Type
	}
	repo := s.store.WorkOrders(u)
	now := s.now()
	f, err := repo.IntakeFacts(ctx, &n, now)
	if err != nil {
		return nil, err
	}
	if err := n.ConvertToWGS84(); err != nil {
		return nil, err
	}
	if err := checkIntake(&n, f); err != nil {
		return nil, err
	}
	if isField, _ := core.IsFieldType(n.Type); isField != f.Field {
		return nil, core.FieldError("service_type", "service type %s does not fit a %s order", n.ServiceType, n.Type)
	}
	if n.ProductLine != "" && f.ProductLine != nil && *f.ProductLine != n.ProductLine {
		return nil, core.FieldError("product_line", "the unit belongs to product line %s", *f.ProductLine)
	}
	skills := n.Skills
	if skills == nil {
		skills = []string{}
	}
	w := &core.WorkOrder{ID: uuid.New(), Type: n.Type, Channel: n.Channel, State: core.StateCreated, CustomerID: n.CustomerID,
		UnitID: n.UnitID, ProductLine: n.ProductLine, ServiceType: n.ServiceType, Skills: skills, Description: n.Description,
		Address: n.Address, Lat: n.Lat, Lon: n.Lon, DivisionCode: n.DivisionCode, LocationApproximate: n.LocationApproximate,
		InWarranty: f.InWarranty, WarrantyExpires: f.WarrantyExpires,
		CreatedBy: actor, Version: 1, CreatedAt: now, UpdatedAt: now}
	if f.ProductLine != nil && w.ProductLine == "" {
		w.ProductLine = *f.ProductLine
	}
	// A provisional number; the real one is taken last, so the tenant's
	// counter row stays locked only for the commit, not the whole intake.
	w.Number = "PENDING-" + w.ID.String()
	cal, err := s.calendars.of(f.TimeZone, f.Calendar)
	if err != nil {
		return nil, err
	}
	if err := setDeadlines(w, f, cal, now); err != nil {
		return nil, err
	}
	repo.InsertWorkOrder(w)
	for _, site := range n.ExcludedSiteIDs {
		repo.ExcludeSite(w.ID, site)
	}
	w.ExcludedAtIntake = n.ExcludedSiteIDs
	created := map[string]any{"channel": w.Channel, "type": w.Type}
	if len(n.ExcludedSiteIDs) > 0 {
		created["excluded_site_ids"] = n.ExcludedSiteIDs
	}
	for k, v := range n.Links {
		if _, taken := created[k]; !taken {
			created[k] = v
		}
	}
	s.record(u, repo, Event{WorkOrderID: w.ID, Type: "created", To: core.StateCreated, Actor: actor, At: now, Payload: created})
	switch {
	case n.CloseNow:
		if _, err := s.act(ctx, u, repo, w.ID, core.ActionInput{Action: core.ActionClose, Reason: "answered at intake"}, actor, false); err != nil {
			return nil, err
		}
	case f.Field: // without a coordinate, from the district the address names (or queued when it names none)
		if err := s.dispatch(ctx, u, repo, w, core.ActionInput{}, actor, &f.Weights, nil); err != nil {
			return nil, err
		}
	case w.Type == "purchase_lead":
		if err := s.routeToDealer(ctx, u, repo, w, actor); err != nil {
			return nil, err
		}
	}
	w, err = repo.NumberWorkOrder(ctx, w.ID, now.In(cal.Location()).Format("0601"))
	if err != nil {
		return nil, err
	}
	w.SLAStatus = SLAStatus(w, now)
	return w, nil
}

// FindWorkOrderByID reads an order with its SLA status; ENOTFOUND.
func (s *Service) FindWorkOrderByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.WorkOrder, error) {
	w, err := s.store.WorkOrders(u).FindWorkOrderByID(ctx, id)
	if err != nil {
		return nil, err
	}
	w.SLAStatus = SLAStatus(w, s.now())
	return w, nil
}

// FindWorkOrders lists orders newest first, cursor paginated, within the
// filter's scope, each with its SLA status.
func (s *Service) FindWorkOrders(ctx context.Context, u core.UnitOfWork, f core.WorkOrderFilter) ([]*core.WorkOrder, string, error) {
	if f.SLAStatus != "" && !filterableSLAStatus(f.SLAStatus) {
		return nil, "", core.FieldError("sla_status", "must be none, on_track, at_risk, breached or met")
	}
	now := s.now()
	out, next, err := s.store.WorkOrders(u).FindWorkOrders(ctx, f, now)
	if err != nil {
		return nil, "", err
	}
	for _, w := range out {
		w.SLAStatus = SLAStatus(w, now)
	}
	return out, next, nil
}

// FindWorkOrderEvents reads an order's timeline, oldest first.
func (s *Service) FindWorkOrderEvents(ctx context.Context, u core.UnitOfWork, id uuid.UUID) ([]*core.WorkOrderEvent, error) {
	return s.store.WorkOrders(u).FindWorkOrderEvents(ctx, id)
}

// checkIntake checks what a new order refers to, and takes the address
// from the customer's address book when n names one.
func checkIntake(n *core.NewWorkOrder, f *IntakeFacts) error {
	switch {
	case !f.CustomerFound:
		return core.FieldError("customer_id", "no such customer")
	case n.UnitID != nil && !f.UnitFound:
		return core.FieldError("unit_id", "no such unit")
	case n.UnitID != nil && (f.UnitOwner == nil || *f.UnitOwner != n.CustomerID):
		return core.FieldError("unit_id", "the unit is registered to another customer")
	case n.AddressID != nil && !f.AddressFound:
		return core.FieldError("address_id", "not an address of this customer")
	case !f.ServiceTypeFound:
		return core.FieldError("service_type", "unknown service type %q", n.ServiceType)
	}
	if n.AddressID != nil {
		n.Address, n.Lat, n.Lon = f.Address, f.Lat, f.Lon
		n.DivisionCode, n.LocationApproximate = f.DivisionCode, f.LocationApproximate
	}
	return nil
}

package complaint

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
)

// Service runs the complaint use cases. Methods that take a unit of work
// read and write through it and leave it open: the caller commits.
type Service struct {
	store Store
	units core.UnitsOfWork
	clock core.Clock
	log   *slog.Logger
	// orders voids and reissues orders (SetOrders); nil: no reassignment.
	orders Orders
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	Units core.UnitsOfWork // the escalation timers' units, tenant by tenant
	Clock core.Clock       // nil: the system clock
	Log   *slog.Logger     // nil: discarded
}

// NewService returns the complaint use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: c.Store, units: c.Units, clock: c.Clock, log: c.Log}
}

func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// tenant reads the tenant's settings (the defaults when never set) and
// business calendar.
func (s *Service) tenant(ctx context.Context, repo Repository) (*Settings, *calendar.Calendar, error) {
	set, tz, spec, err := repo.Settings(ctx)
	if err != nil {
		return nil, nil, err
	}
	if set == nil {
		d := DefaultSettings()
		set = &d
	}
	sp := core.DefaultCalendar(tz)
	if len(spec) > 2 {
		sp = calendar.Spec{}
		if err := json.Unmarshal(spec, &sp); err != nil {
			return nil, nil, core.Errorf(core.EINTERNAL, "the tenant's calendar: %v", err)
		}
		if sp.TimeZone == "" {
			sp.TimeZone = tz
		}
	}
	cal, err := sp.Calendar()
	if err != nil {
		return nil, nil, core.Errorf(core.EINVALID, "the tenant's business calendar is invalid: %v", err)
	}
	return set, cal, nil
}

// FindSettings reads the tenant's complaint settings, the defaults when
// it set none.
func (s *Service) FindSettings(ctx context.Context, u core.UnitOfWork) (*Settings, error) {
	set, _, err := s.tenant(ctx, s.store.Complaints(u))
	return set, err
}

// SaveSettings replaces the tenant's settings after checking them against
// its calendar; EINVALID names the field, nothing saved. Open cases keep
// the deadline they were given.
func (s *Service) SaveSettings(ctx context.Context, u core.UnitOfWork, set Settings) (*Settings, error) {
	repo := s.store.Complaints(u)
	_, cal, err := s.tenant(ctx, repo)
	if err != nil {
		return nil, err
	}
	if err := set.Validate(cal, s.now()); err != nil {
		return nil, err
	}
	repo.SaveSettings(set)
	return &set, nil
}

// Open records a complaint: it checks what it refers to (an order fills in
// its unit, site and technician), gives it the deadline of its category ×
// severity in working days and numbers it. EINVALID names the field.
func (s *Service) Open(ctx context.Context, u core.UnitOfWork, n NewComplaint, actor string) (*Complaint, error) {
	repo := s.store.Complaints(u)
	set, cal, err := s.tenant(ctx, repo)
	if err != nil {
		return nil, err
	}
	if err := checkNew(&n, set); err != nil {
		return nil, err
	}
	f, err := repo.Facts(ctx, &n)
	if err != nil {
		return nil, err
	}
	if err := applyFacts(&n, f); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Complaint{ID: uuid.New(), CustomerID: n.CustomerID, WorkOrderID: n.WorkOrderID, UnitID: n.UnitID, SiteID: n.SiteID,
		TechnicianID: n.TechnicianID, Category: n.Category, Severity: n.Severity, Channel: n.Channel, Description: n.Description,
		State: StateOpen, Owner: n.Owner, DeadlineDays: set.DaysFor(n.Category, n.Severity), Pauses: []Pause{},
		CreatedBy: actor, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := recompute(c, cal, set.Ladder); err != nil {
		return nil, err
	}
	c.Number = "PENDING-" + c.ID.String()
	repo.Insert(c)
	repo.AppendEvent(CaseEvent{ComplaintID: c.ID, Type: "opened", To: StateOpen, Actor: actor, At: now,
		Payload: map[string]any{"category": c.Category, "severity": c.Severity, "owner": c.Owner, "due_at": c.DueAt}})
	if c.Number, err = repo.Number(ctx, c.ID, now.In(cal.Location()).Format("0601")); err != nil {
		return nil, err
	}
	repo.OutboxAdd(c.ID, OutboxOpened, payload(c, nil))
	c.SetOverdue(now)
	return c, nil
}

func checkNew(n *NewComplaint, set *Settings) error {
	switch {
	case n.Category == "":
		return core.FieldError("category", "is required")
	case !set.HasCategory(n.Category):
		return core.FieldError("category", "unknown category %q", n.Category)
	case n.Severity == "":
		n.Severity = set.Severities[0].Code
	case !set.HasSeverity(n.Severity):
		return core.FieldError("severity", "unknown severity %q", n.Severity)
	}
	if len([]rune(n.Description)) > 4000 {
		return core.FieldError("description", "at most 4000 characters")
	}
	if n.Channel == "" {
		n.Channel = "api"
	}
	if n.Owner.Kind != "" {
		return n.Owner.Validate("owner")
	}
	return nil
}

// applyFacts checks the references and fills in what the order tells.
func applyFacts(n *NewComplaint, f *Facts) error {
	switch {
	case !f.CustomerFound:
		return core.FieldError("customer_id", "no such customer")
	case n.WorkOrderID != nil && !f.OrderFound:
		return core.FieldError("work_order_id", "no such work order")
	case n.WorkOrderID != nil && f.OrderCustomer != n.CustomerID:
		return core.FieldError("work_order_id", "the order is another customer's")
	case n.UnitID != nil && !f.UnitFound:
		return core.FieldError("unit_id", "no such unit")
	case n.UnitID != nil && f.UnitCustomer != n.CustomerID:
		return core.FieldError("unit_id", "the unit is registered to another customer")
	case n.SiteID != nil && !f.SiteFound:
		return core.FieldError("site_id", "no such site")
	case n.TechnicianID != nil && !f.TechnicianFound:
		return core.FieldError("technician_id", "no such technician")
	case n.Owner.Kind == OwnerSite && !f.OwnerSiteFound:
		return core.FieldError("owner.site_id", "no such site")
	case n.Owner.Kind == OwnerRegion && !f.OwnerRegionFound:
		return core.FieldError("owner.region_id", "no such region")
	}
	if n.WorkOrderID != nil {
		n.UnitID = cmpID(n.UnitID, f.OrderUnit)
		n.SiteID = cmpID(n.SiteID, f.OrderSite)
		n.TechnicianID = cmpID(n.TechnicianID, f.OrderTechnician)
	}
	switch {
	case n.Owner.Kind == OwnerSite:
		n.Owner.RegionID = f.OwnerSiteRegion
	case n.Owner.Kind == "" && n.SiteID != nil:
		n.Owner = Owner{Kind: OwnerSite, SiteID: n.SiteID, RegionID: f.SiteRegion}
	case n.Owner.Kind == "":
		n.Owner = Owner{Kind: OwnerDepartment, Department: "quality"}
	}
	return nil
}

func cmpID(a, b *uuid.UUID) *uuid.UUID {
	if a != nil {
		return a
	}
	return b
}

// FindByID reads a complaint; ENOTFOUND.
func (s *Service) FindByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*Complaint, error) {
	c, err := s.store.Complaints(u).FindByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c.SetOverdue(s.now())
	return c, nil
}

// Find lists complaints newest first within the filter's reach. A
// category filter covers the category's subtree.
func (s *Service) Find(ctx context.Context, u core.UnitOfWork, f Filter) ([]*Complaint, string, error) {
	repo := s.store.Complaints(u)
	if f.Category != "" {
		set, _, err := s.tenant(ctx, repo)
		if err != nil {
			return nil, "", err
		}
		if !set.HasCategory(f.Category) {
			return nil, "", core.FieldError("category", "unknown category %q", f.Category)
		}
		f.Categories = set.Subtree(f.Category)
	}
	now := s.now()
	out, next, err := repo.Find(ctx, f, now)
	for _, c := range out {
		c.SetOverdue(now)
	}
	return out, next, err
}

// FindEvents reads a complaint's timeline, oldest first.
func (s *Service) FindEvents(ctx context.Context, u core.UnitOfWork, id uuid.UUID) ([]*CaseEvent, error) {
	return s.store.Complaints(u).FindEvents(ctx, id)
}

func payload(c *Complaint, extra map[string]any) json.RawMessage {
	m := map[string]any{"complaint_id": c.ID, "number": c.Number, "customer_id": c.CustomerID, "state": c.State,
		"category": c.Category, "severity": c.Severity, "owner": c.Owner, "escalation_level": c.EscalationLevel}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func trim(s string) string { return strings.TrimSpace(s) }

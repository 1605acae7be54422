package claim

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

// Service runs the claim use cases. Methods take a unit of work and leave
// it open: the caller commits.
type Service struct {
	store Store
	clock core.Clock
	parts PartCoster
	calls AuditCalls
}

// SetAuditCalls makes a flagged claim's audit task a callback to the
// customer (nil: a reviewer records every audit). Set once, at wiring.
func (s *Service) SetAuditCalls(c AuditCalls) { s.calls = c }

// PartCoster gives the cost price of parts by barcode (part number) in a
// currency; a part it does not know is absent. The parts catalogue
// implements it. Claim part lines are reimbursed at cost price: the site
// is paid back what the part cost, the sale margin is the tenant's.
type PartCoster interface {
	PartCosts(ctx context.Context, u core.UnitOfWork, currency string, codes []string) (map[string]int64, error)
}

// SetPartCoster sets the catalogue that prices claim part lines (nil:
// part lines are priced 0 for the site to adjust). Set once, at wiring.
func (s *Service) SetPartCoster(p PartCoster) { s.parts = p }

// NewService returns the claim use cases (clock nil: the system clock).
func NewService(store Store, clock core.Clock) *Service {
	if clock == nil {
		clock = core.SystemClock{}
	}
	return &Service{store: store, clock: clock}
}

func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// tenant reads the tenant's settings and rules, the defaults when unsaved.
func (s *Service) tenant(ctx context.Context, repo Repository) (*ClaimSettings, []AuditRule, *time.Location, error) {
	set, rules, tz, err := repo.ClaimSettings(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if set == nil {
		d := DefaultSettings()
		set = &d
	}
	if rules == nil {
		rules = DefaultRules()
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return set, rules, loc, nil
}

// FindSettings reads the tenant's settings and rules.
func (s *Service) FindSettings(ctx context.Context, u core.UnitOfWork) (*ClaimSettings, []AuditRule, error) {
	set, rules, _, err := s.tenant(ctx, s.store.Claims(u))
	return set, rules, err
}

// SaveSettings replaces the tenant's settings; EINVALID names the field.
func (s *Service) SaveSettings(ctx context.Context, u core.UnitOfWork, set ClaimSettings) (*ClaimSettings, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	s.store.Claims(u).SaveSettings(set)
	return &set, nil
}

// SaveRules replaces the tenant's audit rules; EINVALID names the rule's
// field when one does not compile or names an unknown fact. Claims
// already submitted keep their flags.
func (s *Service) SaveRules(ctx context.Context, u core.UnitOfWork, rules []AuditRule) ([]AuditRule, error) {
	if _, err := CompileRules(rules); err != nil {
		return nil, err
	}
	if rules == nil {
		rules = []AuditRule{}
	}
	s.store.Claims(u).SaveRules(rules)
	return rules, nil
}

// Draft gives a completed in-warranty order's site its claim: labour at
// the model's standard hours × the labour rate, travel at the
// straight-line distance from the site to the address × the km rate, and
// each part used with its return due date. Where the 三包 policy priced
// the order at completion, what the customer paid for is not claimed
// and an order paid for in full is out of warranty. EINVALID naming
// work_order_id when the order is not completed, not in warranty on its
// completion day, or has no site or unit; ECONFLICT when it has a claim.
func (s *Service) Draft(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID, actor string) (*Claim, error) {
	repo := s.store.Claims(u)
	set, _, _, err := s.tenant(ctx, repo)
	if err != nil {
		return nil, err
	}
	o, err := repo.OrderFacts(ctx, orderID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.FieldError("work_order_id", "no such work order")
	}
	if err != nil {
		return nil, err
	}
	if err := draftable(o); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Claim{ID: uuid.New(), WorkOrderID: orderID, OrderNumber: o.Number, SiteID: *o.SiteID, SiteName: o.SiteName,
		RegionID: o.RegionID, TechnicianID: o.TechnicianID, UnitID: *o.UnitID, ModelCode: o.ModelCode, State: StateDraft,
		Currency: set.Currency, Flags: []ClaimFlag{}, CompletedAt: *o.CompletedAt, Version: 1, CreatedAt: now, UpdatedAt: now}
	if o.Lat != nil && o.Lon != nil {
		c.DistanceKm = math.Round(dispatch.DistanceKm(dispatch.Point{Lat: o.SiteLat, Lon: o.SiteLon},
			dispatch.Point{Lat: *o.Lat, Lon: *o.Lon})*10) / 10
	}
	costs := map[string]int64{}
	if s.parts != nil && len(o.Parts) > 0 {
		codes := make([]string, 0, len(o.Parts))
		for _, p := range o.Parts {
			codes = append(codes, p.Barcode)
		}
		if costs, err = s.parts.PartCosts(ctx, u, set.Currency, codes); err != nil {
			return nil, err
		}
	}
	c.Lines = draftLines(o, set, c.DistanceKm, costs)
	c.ClaimedTotal = Total(c.Lines)
	if err := repo.Insert(ctx, c); err != nil {
		return nil, err
	}
	repo.AppendEvent(c.ID, ClaimEvent{Type: "drafted", To: StateDraft, Actor: actor, At: now,
		Payload: map[string]any{"work_order_id": orderID, "claimed_total": c.ClaimedTotal, "distance_km": c.DistanceKm}})
	return c, nil
}

func draftable(o *OrderFacts) error {
	switch {
	case o.State != core.StateCompleted && o.State != core.StateConfirmed && o.State != core.StateClosed || o.CompletedAt == nil:
		return core.FieldError("work_order_id", "the order is %s, not completed: only completed work is claimed", o.State)
	case o.SiteID == nil:
		return core.FieldError("work_order_id", "the order has no site")
	case o.UnitID == nil:
		return core.FieldError("work_order_id", "the order has no registered unit: warranty cannot be told")
	}
	p, err := time.Parse(time.DateOnly, o.PurchaseDate)
	if err != nil {
		return core.FieldError("work_order_id", "the unit has no purchase date")
	}
	if o.Charges != nil {
		// The 三包 policy priced the order at completion: it is claimed
		// for what the warranty covered, not for what the customer paid.
		for _, it := range o.Charges {
			if it.Covered() {
				return nil
			}
		}
		return core.FieldError("work_order_id", "the 三包 policy covered nothing on the order: the customer was charged for all of it")
	}
	if w := core.Warranty(p, o.WarrantyMonths, *o.CompletedAt); !w.InWarranty {
		return core.FieldError("work_order_id", "the unit was out of warranty when the order was completed (expired %s)", w.ExpiresOn)
	}
	return nil
}

func draftLines(o *OrderFacts, set *ClaimSettings, km float64, costs map[string]int64) []ClaimLine {
	lines := []ClaimLine{
		{No: 1, Kind: LineLabour, Quantity: o.StandardHours, Standard: o.StandardHours, UnitPrice: set.LabourRate,
			Amount: money(o.StandardHours, set.LabourRate), Fits: true},
		{No: 2, Kind: LineTravel, Quantity: km, Standard: km, UnitPrice: set.TravelRatePerKm,
			Amount: money(km, set.TravelRatePerKm), Fits: true},
	}
	paid := map[string]bool{}
	for _, it := range o.Charges {
		if !it.Covered() {
			paid[it.Kind+":"+it.Code] = true
			paid[it.Kind] = paid[it.Kind] || it.Kind != LinePart
		}
	}
	// What the customer paid for is not claimed: labour and travel at
	// zero, charged parts left out.
	for i := range lines {
		if paid[lines[i].Kind] {
			lines[i].Quantity, lines[i].Standard, lines[i].Amount = 0, 0, 0
		}
	}
	due := o.CompletedAt.AddDate(0, 0, set.PartReturnDays)
	for _, p := range o.Parts {
		if paid[LinePart+":"+p.Barcode] {
			continue
		}
		r := o.Returns[p.Barcode]
		d := r.Due
		if d == nil && !o.Kept[p.Barcode] {
			d = &due
		}
		cost := costs[p.Barcode]
		lines = append(lines, ClaimLine{No: len(lines) + 1, Kind: LinePart, Code: p.Barcode, Quantity: float64(p.Quantity),
			UnitPrice: cost, Amount: money(float64(p.Quantity), cost), ReturnDue: d, ReturnedAt: r.ReturnedAt,
			Fits: !o.Unfitting[p.Barcode]})
	}
	return lines
}

// PartReturned marks the part line of the order's claim for partNumber
// returned at at: the field request's return is the one record of a
// defective part coming back. An order without a claim, or whose claim
// has no unreturned line of that part, is left as it is. It runs in the
// unit of the return, so both commit together.
func (s *Service) PartReturned(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID, partNumber string, at time.Time, actor string) error {
	repo := s.store.Claims(u)
	c, err := repo.LockByOrder(ctx, orderID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	for _, l := range c.Lines {
		if l.Kind != LinePart || l.Code != partNumber || l.ReturnedAt != nil {
			continue
		}
		if err := returned(c, l.No, at); err != nil {
			return err
		}
		c.UpdatedAt = s.now()
		repo.Update(c)
		c.Version++
		repo.AppendEvent(c.ID, ClaimEvent{Type: ActReturn, Actor: actor, At: c.UpdatedAt,
			Payload: map[string]any{"line": l.No, "source": "part_request", "returned_at": at}})
		return nil
	}
	return nil
}

// money is quantity × unit price rounded half away from zero.
func money(q float64, unit int64) int64 { return int64(math.Round(q * float64(unit))) }

// FindByID reads a claim; ENOTFOUND.
func (s *Service) FindByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*Claim, error) {
	return s.store.Claims(u).FindByID(ctx, id)
}

// Find lists claims newest first within the filter's reach.
func (s *Service) Find(ctx context.Context, u core.UnitOfWork, f Filter) ([]*Claim, string, error) {
	return s.store.Claims(u).Find(ctx, f)
}

// FindEvents reads a claim's timeline, oldest first.
func (s *Service) FindEvents(ctx context.Context, u core.UnitOfWork, id uuid.UUID) ([]*ClaimEvent, error) {
	return s.store.Claims(u).FindEvents(ctx, id)
}

func claimPayload(c *Claim) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"claim_id": c.ID, "work_order_id": c.WorkOrderID, "site_id": c.SiteID,
		"state": c.State, "currency": c.Currency, "claimed_total": c.ClaimedTotal, "approved_total": c.ApprovedTotal})
	return b
}

// DraftOnCompletion drafts the claim of a just-completed order for its
// site when it qualifies (in warranty, with a site and a unit, no claim
// yet); otherwise it does nothing. Called by jobs on work_order.completed,
// so a redelivered completion drafts nothing twice.
func (s *Service) DraftOnCompletion(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID) (*Claim, error) {
	c, err := s.Draft(ctx, u, orderID, SystemActor)
	switch core.ErrorCode(err) {
	case core.EINVALID, core.ECONFLICT:
		return nil, nil
	}
	return c, err
}

// SystemActor drafts the claims of completed orders.
const SystemActor = "system:claims"

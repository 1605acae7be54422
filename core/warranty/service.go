package warranty

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Audit resource types of the changes recorded here.
const (
	ResPolicy      = "warranty_policy"
	ResFeeSchedule = "fee_schedule"
)

// Service runs the warranty use cases. Every method reads and writes
// through the unit of work it is given and leaves it open: its caller
// commits (see core.UnitOfWork).
type Service struct {
	store Store
	clock core.Clock
	parts PartPricer
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	Clock core.Clock // nil: the system clock
	Parts PartPricer // nil: parts on orders are priced 0, marked unknown
}

// NewService returns the warranty use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	return &Service{store: c.Store, clock: c.Clock, parts: c.Parts}
}

// SetPartPricer sets the catalogue that prices parts (nil: parts on
// orders are priced 0, marked unknown). Set once, at wiring.
func (s *Service) SetPartPricer(p PartPricer) { s.parts = p }

func (s *Service) record(ctx context.Context, u core.UnitOfWork, action, resource, id string, before, after any) {
	audit.Record(ctx, s.store, u, audit.Change{Action: action, ResourceType: resource, ResourceID: id, Before: before, After: after})
}

// today is the clock's time in the tenant's zone.
func (s *Service) today(ctx context.Context, repo Repository) (time.Time, error) {
	tz, err := repo.TimeZone(ctx)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return s.clock.Now().In(loc), nil
}

// FindPolicies lists the tenant's policies.
func (s *Service) FindPolicies(ctx context.Context, u core.UnitOfWork) ([]*Policy, error) {
	return s.store.Warranty(u).FindPolicies(ctx)
}

// PutPolicy creates or replaces the policy of a line (ProductLine) or a
// model (ModelCode). version is the version read (0: not checked;
// ECONFLICT when stale). EINVALID names the field: an unknown line or
// model is model_code or product_line.
func (s *Service) PutPolicy(ctx context.Context, u core.UnitOfWork, p Policy, version int) (*Policy, bool, error) {
	if err := p.Validate(); err != nil {
		return nil, false, err
	}
	repo := s.store.Warranty(u)
	key := p.ProductLine
	if p.Scope == ScopeModel {
		m, err := repo.ModelByCode(ctx, p.ModelCode)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, false, core.FieldError("model_code", "unknown model %q", p.ModelCode)
		} else if err != nil {
			return nil, false, err
		}
		p.ModelID, p.ProductLine, key = m.ID.String(), m.ProductLine, m.ID.String()
	} else {
		p.ModelCode, p.ModelID = "", ""
		ok, err := repo.Codes(ctx, "product_line", []string{p.ProductLine})
		if err != nil {
			return nil, false, err
		}
		if !ok[p.ProductLine] {
			return nil, false, core.FieldError("product_line", "unknown product line %q", p.ProductLine)
		}
	}
	cur, err := repo.FindPolicy(ctx, p.Scope, key)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, false, err
	}
	created := cur == nil
	if !created && version != 0 && version != cur.Version {
		return nil, false, core.Errorf(core.ECONFLICT, "the policy was changed by someone else (version %d, you sent %d); reload and retry",
			cur.Version, version)
	}
	p.Version, p.UpdatedAt = 1, s.clock.Now().UTC().Truncate(time.Microsecond)
	if !created {
		p.Version = cur.Version + 1
	}
	repo.SavePolicy(&p)
	if created {
		s.record(ctx, u, audit.ActCreate, ResPolicy, p.Scope+":"+key, nil, &p)
	} else {
		s.record(ctx, u, audit.ActUpdate, ResPolicy, p.Scope+":"+key, cur, &p)
	}
	return &p, created, nil
}

// DeletePolicy deletes the policy of a line (code) or a model (its code);
// ENOTFOUND when there is none.
func (s *Service) DeletePolicy(ctx context.Context, u core.UnitOfWork, scope, code string) error {
	repo := s.store.Warranty(u)
	key := code
	if scope == ScopeModel {
		m, err := repo.ModelByCode(ctx, code)
		if err != nil {
			return err
		}
		key = m.ID.String()
	}
	cur, err := repo.FindPolicy(ctx, scope, key)
	if err != nil {
		return err
	}
	if err := repo.DeletePolicy(ctx, scope, key); err != nil {
		return err
	}
	s.record(ctx, u, audit.ActDelete, ResPolicy, scope+":"+key, cur, nil)
	return nil
}

// PolicyFor returns the policy that applies to a model and where it came
// from: the model's own, its line's, or DefaultPolicy.
func (s *Service) PolicyFor(ctx context.Context, repo Repository, m *Model) (Policy, string, error) {
	for _, sc := range []struct{ scope, key string }{{ScopeModel, m.ID.String()}, {ScopeLine, m.ProductLine}} {
		p, err := repo.FindPolicy(ctx, sc.scope, sc.key)
		if err == nil {
			return *p, sc.scope, nil
		}
		if core.ErrorCode(err) != core.ENOTFOUND {
			return Policy{}, "", err
		}
	}
	return DefaultPolicy(*m), "default", nil
}

// FindFeeSchedule reads the tenant's fee schedule; DefaultSchedule when it
// has set none.
func (s *Service) FindFeeSchedule(ctx context.Context, u core.UnitOfWork) (*FeeSchedule, error) {
	f, err := s.store.Warranty(u).FindFeeSchedule(ctx)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return DefaultSchedule(), nil
	}
	return f, err
}

// PutFeeSchedule replaces the tenant's fee schedule. version is the
// version read (0: not checked; ECONFLICT when stale). EINVALID names the
// field (labour[i].model_code for an unknown model, travel[i].from_km for
// overlapping bands).
func (s *Service) PutFeeSchedule(ctx context.Context, u core.UnitOfWork, f FeeSchedule, version int) (*FeeSchedule, error) {
	repo := s.store.Warranty(u)
	known := map[string]map[string]bool{}
	for kind, codes := range map[string][]string{"service_type": pluck(f.Labour, func(r LabourRate) string { return r.ServiceType }),
		"product_line": pluck(f.Labour, func(r LabourRate) string { return r.ProductLine }),
		"model":        pluck(f.Labour, func(r LabourRate) string { return r.ModelCode })} {
		ok, err := repo.Codes(ctx, kind, codes)
		if err != nil {
			return nil, err
		}
		known[kind] = ok
	}
	in := func(kind string) func(string) bool { return func(c string) bool { return known[kind][c] } }
	if err := f.Validate(in("service_type"), in("product_line"), in("model")); err != nil {
		return nil, err
	}
	cur, err := repo.FindFeeSchedule(ctx)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	curVersion := 0
	if cur != nil {
		curVersion = cur.Version
	}
	if version != 0 && version != curVersion {
		return nil, core.Errorf(core.ECONFLICT, "the fee schedule was changed by someone else (version %d, you sent %d); reload and retry",
			curVersion, version)
	}
	f.Version, f.UpdatedAt = curVersion+1, s.clock.Now().UTC().Truncate(time.Microsecond)
	repo.SaveFeeSchedule(&f)
	if cur == nil {
		s.record(ctx, u, audit.ActCreate, ResFeeSchedule, "", nil, &f)
	} else {
		s.record(ctx, u, audit.ActUpdate, ResFeeSchedule, "", cur, &f)
	}
	return &f, nil
}

func pluck(rs []LabourRate, f func(LabourRate) string) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		if c := f(r); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// QuoteRequest is what an agent asks a quote for: a unit, or a model and
// a purchase date; a service type; the distance, or a site and the
// address (a customer address or a point); the parts.
type QuoteRequest struct {
	UnitID       *uuid.UUID
	ModelCode    string
	PurchaseDate string
	ServiceType  string
	DistanceKm   *float64
	SiteID       *uuid.UUID
	AddressID    *uuid.UUID
	Lat, Lon     *float64
	Parts        []PartLine
}

// Quote prices a service for a caller before dispatch. EINVALID names the
// field (unit_id, model_code, purchase_date, service_type, distance_km,
// site_id, address_id, parts[i].…).
func (s *Service) Quote(ctx context.Context, u core.UnitOfWork, r QuoteRequest) (*Quote, error) {
	if err := validParts(r.Parts); err != nil {
		return nil, err
	}
	if r.DistanceKm != nil && !(*r.DistanceKm >= 0 && *r.DistanceKm <= 20000) {
		return nil, core.FieldError("distance_km", "must be between 0 and 20000")
	}
	repo := s.store.Warranty(u)
	m, purchase, err := s.quotedUnit(ctx, repo, r)
	if err != nil {
		return nil, err
	}
	ok, err := repo.Codes(ctx, "service_type", []string{r.ServiceType})
	if err != nil {
		return nil, err
	}
	if !ok[r.ServiceType] {
		return nil, core.FieldError("service_type", "unknown service type %q", r.ServiceType)
	}
	dist, err := s.quotedDistance(ctx, repo, r)
	if err != nil {
		return nil, err
	}
	today, err := s.today(ctx, repo)
	if err != nil {
		return nil, err
	}
	if purchase.After(dateOnly(today).AddDate(0, 0, 1)) {
		return nil, core.FieldError("purchase_date", "is in the future")
	}
	return s.price(ctx, u, repo, m, purchase, today, r.ServiceType, dist, r.Parts)
}

func (s *Service) price(ctx context.Context, u core.UnitOfWork, repo Repository, m *Model, purchase, today time.Time,
	serviceType string, dist *float64, parts []PartLine) (*Quote, error) {
	pol, src, err := s.PolicyFor(ctx, repo, m)
	if err != nil {
		return nil, err
	}
	fees, err := s.FindFeeSchedule(ctx, u)
	if err != nil {
		return nil, err
	}
	if parts, err = s.catalogued(ctx, u, fees.Currency, parts); err != nil {
		return nil, err
	}
	q := Price(PriceInput{Policy: pol, PolicySource: src, Schedule: *fees, Model: *m, Purchase: purchase, Today: today,
		ServiceType: serviceType, DistanceKm: dist, Parts: parts})
	return &q, nil
}

func (s *Service) quotedUnit(ctx context.Context, repo Repository, r QuoteRequest) (*Model, time.Time, error) {
	var (
		m        *Model
		purchase string
		err      error
	)
	if r.UnitID != nil {
		var modelID uuid.UUID
		modelID, purchase, err = repo.Unit(ctx, *r.UnitID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, time.Time{}, core.FieldError("unit_id", "no such unit")
		} else if err != nil {
			return nil, time.Time{}, err
		}
		if m, err = repo.ModelByID(ctx, modelID); err != nil {
			return nil, time.Time{}, err
		}
	} else {
		if r.ModelCode == "" {
			return nil, time.Time{}, core.FieldError("model_code", "a unit_id, or a model_code and a purchase_date, is required")
		}
		m, err = repo.ModelByCode(ctx, r.ModelCode)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, time.Time{}, core.FieldError("model_code", "unknown model %q", r.ModelCode)
		} else if err != nil {
			return nil, time.Time{}, err
		}
		purchase = r.PurchaseDate
	}
	p, err := time.Parse(time.DateOnly, purchase)
	if err != nil {
		return nil, time.Time{}, core.FieldError("purchase_date", "must be a date written YYYY-MM-DD")
	}
	return m, p, nil
}

func (s *Service) quotedDistance(ctx context.Context, repo Repository, r QuoteRequest) (*float64, error) {
	if r.DistanceKm != nil || r.SiteID == nil {
		if r.SiteID == nil && (r.AddressID != nil || r.Lat != nil) {
			return nil, core.FieldError("site_id", "is required to measure the distance to an address")
		}
		return r.DistanceKm, nil
	}
	slat, slon, err := repo.SiteLocation(ctx, *r.SiteID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.FieldError("site_id", "no such site")
	} else if err != nil {
		return nil, err
	}
	lat, lon := r.Lat, r.Lon
	if r.AddressID != nil {
		if lat, lon, err = repo.AddressLocation(ctx, *r.AddressID); core.ErrorCode(err) == core.ENOTFOUND {
			return nil, core.FieldError("address_id", "no such address")
		} else if err != nil {
			return nil, err
		}
		if lat == nil {
			return nil, core.FieldError("address_id", "the address has no location; give distance_km")
		}
	}
	if lat == nil || lon == nil {
		return nil, core.FieldError("address_id", "an address_id, or lat and lon, is required with site_id")
	}
	if err := core.ValidateLatLon(*lat, *lon); err != nil {
		return nil, err
	}
	d := DistanceKm(slat, slon, *lat, *lon)
	return &d, nil
}

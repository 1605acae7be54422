// Package customer holds the use cases of customers and their units:
// creating, finding, changing and importing customers (phones normalised,
// addresses placed in the tenant's regions, other owners of a phone
// reported), registering units with their warranty, and the screen pop
// that finds a caller by phone. It decides; the Repository of its Store
// (the PostgreSQL adapter, or the in-memory fake of core/coretest) only
// reads and writes. The catalogue units refer to (product lines and
// models) is core/catalog's.
package customer

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Service runs the customer use cases. Every method reads and writes
// through the unit of work it is given and leaves it open: its caller
// commits (see core.UnitOfWork).
type Service struct {
	store    Store
	clock    core.Clock
	geocoder Geocoder
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	Clock core.Clock // nil: the system clock
	// Geocoder places the addresses given without a coordinate; nil:
	// DistrictGeocoder (the division's representative point).
	Geocoder Geocoder
}

// NewService returns the customer use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Geocoder == nil {
		c.Geocoder = DistrictGeocoder{}
	}
	return &Service{store: c.Store, clock: c.Clock, geocoder: c.Geocoder}
}

// now is the clock's time at the database's precision.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// maxPhoneWarnings bounds the duplicate-phone warnings of one change.
const maxPhoneWarnings = 50

// CreateCustomer creates a customer for v: EINVALID for bad fields or an
// unknown region; EFORBIDDEN when v is scoped and an address lies outside
// v's scope, or there is none (see placing). The warnings name other
// customers that have one of the phones already; the customer is created
// anyway.
func (s *Service) CreateCustomer(ctx context.Context, u core.UnitOfWork, v core.Viewer, nc core.NewCustomer) (*core.Customer, []core.CustomerWarning, error) {
	if err := nc.Normalize(); err != nil {
		return nil, nil, err
	}
	repo := s.store.Customers(u)
	regions, err := findRegions(ctx, repo, [][]core.NewCustomerAddress{nc.Addresses})
	if err != nil {
		return nil, nil, err
	}
	addrs, err := regions.place(nc.Addresses)
	if err != nil {
		return nil, nil, err
	}
	if err := s.locate(ctx, u, nc.Addresses, addrs); err != nil {
		return nil, nil, err
	}
	p := placingFor(v)
	if err := p.read(ctx, repo, addrs); err != nil {
		return nil, nil, err
	}
	if err := p.check(nc.Addresses, addrs, nil, true); err != nil {
		return nil, nil, err
	}
	c := newCustomer(&nc, addrs, s.now())
	repo.InsertCustomers([]*core.Customer{c})
	warnings, err := duplicatePhones(ctx, repo, c.ID, nc.Phones)
	if err != nil {
		return nil, nil, err
	}
	c, err = repo.FindCustomerByID(ctx, c.ID)
	withCandidates(c, addrs)
	return c, warnings, err
}

// withCandidates copies the candidates of the ambiguous addresses just
// written (not stored) into c, as read back, for the caller to pick.
func withCandidates(c *core.Customer, written []core.CustomerAddress) {
	if c == nil {
		return
	}
	for _, w := range written {
		for i := range c.Addresses {
			if c.Addresses[i].ID == w.ID {
				c.Addresses[i].Candidates = w.Candidates
			}
		}
	}
}

// newCustomer is nc, normalised and with its addresses placed, as stored.
func newCustomer(nc *core.NewCustomer, addrs []core.CustomerAddress, now time.Time) *core.Customer {
	return &core.Customer{ID: uuid.New(), Kind: nc.Kind, Name: nc.Name, Phones: nc.Phones, Addresses: addrs,
		Tags: nc.Tags, VIP: nc.VIP, Version: 1, CreatedAt: now, UpdatedAt: now}
}

// FindCustomers lists the customers v may see (core.Viewer.Customers)
// ordered by name; returns the next cursor. EINVALID for a bad cursor,
// query or phone.
func (s *Service) FindCustomers(ctx context.Context, u core.UnitOfWork, v core.Viewer, f core.CustomerFilter) ([]*core.Customer, string, error) {
	f.Within = v.Customers()
	if f.After != "" {
		if _, err := uuid.Parse(f.After); err != nil {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
	}
	if len([]rune(f.Query)) > 100 {
		return nil, "", core.FieldError("q", "must be at most 100 characters")
	}
	if f.Phone != "" {
		country := f.PhoneCountry
		if country == "" {
			country = core.DefaultPhoneCountry
		}
		phone, err := core.NormalizePhone(f.Phone, country)
		if err != nil {
			return nil, "", err
		}
		f.Phone = phone
	}
	return s.store.Customers(u).FindCustomers(ctx, f)
}

// FindCustomerByID reads a customer v may see: ENOTFOUND when absent from
// the tenant or out of v's sight, so that its existence does not leak.
func (s *Service) FindCustomerByID(ctx context.Context, u core.UnitOfWork, v core.Viewer, id uuid.UUID) (*core.Customer, error) {
	repo := s.store.Customers(u)
	if err := checkSees(ctx, repo, v, id); err != nil {
		return nil, err
	}
	return repo.FindCustomerByID(ctx, id)
}

// checkSees answers ENOTFOUND unless v may see customer id.
func checkSees(ctx context.Context, repo Repository, v core.Viewer, id uuid.UUID) error {
	r := v.Customers()
	if r.All {
		return nil
	}
	ok, err := repo.CustomerInReach(ctx, id, r)
	if err != nil {
		return err
	}
	if !ok {
		return core.Errorf(core.ENOTFOUND, "customer not found")
	}
	return nil
}

// UpdateCustomer changes a customer v may see: ENOTFOUND (also out of v's
// sight), EINVALID, ECONFLICT on a stale version; EFORBIDDEN when v is
// scoped and a given address lies outside v's scope, unless it is one of
// the stored addresses resent as it is (see placing). Given phones, addresses
// or tags replace the stored ones. Warnings as in CreateCustomer, for the
// phones it sets.
func (s *Service) UpdateCustomer(ctx context.Context, u core.UnitOfWork, v core.Viewer, id uuid.UUID, up core.CustomerUpdate) (*core.Customer, []core.CustomerWarning, error) {
	if err := up.Normalize(); err != nil {
		return nil, nil, err
	}
	repo := s.store.Customers(u)
	if err := checkSees(ctx, repo, v, id); err != nil {
		return nil, nil, err
	}
	cur, err := repo.LockCustomer(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, nil, core.Errorf(core.ECONFLICT, "customer was changed by someone else (version %d, you sent %d); reload and retry",
			cur.Version, up.Version)
	}
	var addrs []core.CustomerAddress
	if up.Addresses != nil {
		regions, err := findRegions(ctx, repo, [][]core.NewCustomerAddress{*up.Addresses})
		if err != nil {
			return nil, nil, err
		}
		if addrs, err = regions.place(*up.Addresses); err != nil {
			return nil, nil, err
		}
		if err := s.locate(ctx, u, *up.Addresses, addrs); err != nil {
			return nil, nil, err
		}
		if err := s.checkKeptOrInScope(ctx, repo, v, id, *up.Addresses, addrs); err != nil {
			return nil, nil, err
		}
	}
	set(up.Kind, &cur.Kind)
	set(up.Name, &cur.Name)
	set(up.Tags, &cur.Tags)
	set(up.VIP, &cur.VIP)
	cur.UpdatedAt = s.now()
	repo.UpdateCustomer(cur)
	var warnings []core.CustomerWarning
	if up.Phones != nil {
		repo.ReplacePhones(id, *up.Phones)
		if warnings, err = duplicatePhones(ctx, repo, id, *up.Phones); err != nil {
			return nil, nil, err
		}
	}
	if up.Addresses != nil {
		repo.ReplaceAddresses(id, addrs)
	}
	c, err := repo.FindCustomerByID(ctx, id)
	withCandidates(c, addrs)
	return c, warnings, err
}

// checkKeptOrInScope checks the addresses an update gives, the stored
// ones being allowed as they are.
func (s *Service) checkKeptOrInScope(ctx context.Context, repo Repository, v core.Viewer, id uuid.UUID, given []core.NewCustomerAddress, placed []core.CustomerAddress) error {
	p := placingFor(v)
	if p.all {
		return nil
	}
	stored, err := repo.FindCustomerByID(ctx, id)
	if err != nil {
		return err
	}
	if err := p.read(ctx, repo, placed); err != nil {
		return err
	}
	return p.check(given, placed, stored.Addresses, false)
}

// set sets *dst to *v when v is given.
func set[T any](v *T, dst *T) {
	if v != nil {
		*dst = *v
	}
}

// duplicatePhones warns of the other customers that have one of the
// phones.
func duplicatePhones(ctx context.Context, repo Repository, id uuid.UUID, phones []core.CustomerPhone) ([]core.CustomerWarning, error) {
	out := []core.CustomerWarning{}
	if len(phones) == 0 {
		return out, nil
	}
	list := make([]string, len(phones))
	for i, p := range phones {
		list[i] = p.Phone
	}
	owners, err := repo.PhoneOwners(ctx, list, id, maxPhoneWarnings)
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		out = append(out, core.CustomerWarning{Code: core.WarnDuplicatePhone, CustomerID: o.CustomerID, Phone: o.Phone})
	}
	return out, nil
}

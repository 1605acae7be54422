package coretest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/catalog"
	"github.com/aftersales/aftersales/core/customer"
	"github.com/aftersales/aftersales/core/settings"
)

// Customers is the in-memory fake of customer.Store, catalog.Store and
// settings.Store (and of the units they need): one database of
// CustomerTenants, so that units refer to the catalogue's models.
type Customers struct {
	*Memory[CustomerTenants]
	AuditLog
}

// CustomerTenants are the fake's rows by tenant.
type CustomerTenants map[uuid.UUID]*CustomerTenant

// CustomerTenant is one tenant with its customers, units, catalogues and
// settings, and the regions and sites they refer to. Rows are values:
// the fake replaces a row's slices, never changes them in place.
type CustomerTenant struct {
	TimeZone     string
	Regions      map[uuid.UUID]string    // region → code
	Parents      map[uuid.UUID]uuid.UUID // region → parent (none: a root)
	Sites        map[uuid.UUID]uuid.UUID // site → region
	Customers    map[uuid.UUID]core.Customer
	Units        map[uuid.UUID]core.Unit // stored fields only (no Model)
	WorkOrders   map[uuid.UUID]CustomerOrder
	Lines        map[string]core.ProductLine
	Models       map[uuid.UUID]core.ProductModel
	ServiceTypes map[string]core.ServiceType
	FaultCodes   map[catalog.FaultKey]core.FaultCode
	Settings     *core.TenantSettings // nil: none stored
}

// NewCustomers returns an empty fake.
func NewCustomers() *Customers {
	return &Customers{Memory: NewMemory(CustomerTenants{}, cloneCustomerTenants)}
}

// NewCustomerTenant returns a tenant in time zone tz with the service
// types onboarding gives it.
func NewCustomerTenant(tz string) *CustomerTenant {
	t := &CustomerTenant{TimeZone: tz, Regions: map[uuid.UUID]string{}, Parents: map[uuid.UUID]uuid.UUID{},
		Sites: map[uuid.UUID]uuid.UUID{}, Customers: map[uuid.UUID]core.Customer{}, Units: map[uuid.UUID]core.Unit{},
		WorkOrders: map[uuid.UUID]CustomerOrder{}, Lines: map[string]core.ProductLine{},
		Models: map[uuid.UUID]core.ProductModel{}, ServiceTypes: map[string]core.ServiceType{},
		FaultCodes: map[catalog.FaultKey]core.FaultCode{}}
	for _, st := range core.DefaultServiceTypes() {
		t.ServiceTypes[st.Code] = st
	}
	return t
}

func cloneCustomerTenants(ts CustomerTenants) CustomerTenants {
	out := make(CustomerTenants, len(ts))
	for id, t := range ts {
		c := *t
		c.Regions, c.Parents, c.Sites = maps.Clone(t.Regions), maps.Clone(t.Parents), maps.Clone(t.Sites)
		c.Customers, c.Units = maps.Clone(t.Customers), maps.Clone(t.Units)
		c.WorkOrders, c.Lines, c.Models = maps.Clone(t.WorkOrders), maps.Clone(t.Lines), maps.Clone(t.Models)
		c.ServiceTypes, c.FaultCodes = maps.Clone(t.ServiceTypes), maps.Clone(t.FaultCodes)
		out[id] = &c
	}
	return out
}

// tenantOf returns the unit's tenant's rows (a unit of no tenant sees
// none, as row-level security would have it).
func tenantOf(u core.UnitOfWork) *CustomerTenant {
	t := UnitOf[CustomerTenants](u).State()[u.TenantID()]
	if t == nil {
		return NewCustomerTenant("")
	}
	return t
}

// Customers implements customer.Store.
func (f *Customers) Customers(u core.UnitOfWork) customer.Repository {
	return customerRepo{tenantOf(u)}
}

// Catalog implements catalog.Store.
func (f *Customers) Catalog(u core.UnitOfWork) catalog.Repository { return catalogRepo{tenantOf(u)} }

// Settings implements settings.Store.
func (f *Customers) Settings(u core.UnitOfWork) settings.Repository { return settingsRepo{tenantOf(u)} }

type customerRepo struct{ t *CustomerTenant }

// copyCustomer returns c with slices of its own, phones ordered by phone
// and addresses by ID, as the adapter reads them.
func copyCustomer(c core.Customer) *core.Customer {
	c.Phones = slices.SortedFunc(slices.Values(c.Phones), func(a, b core.CustomerPhone) int { return cmp.Compare(a.Phone, b.Phone) })
	c.Addresses = slices.SortedFunc(slices.Values(c.Addresses), func(a, b core.CustomerAddress) int {
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	c.Phones, c.Addresses, c.Tags = nonNilSlice(c.Phones), nonNilSlice(c.Addresses), nonNilSlice(slices.Clone(c.Tags))
	for i := range c.Addresses {
		c.Addresses[i].Candidates = nil // never stored
	}
	return &c
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (r customerRepo) InsertCustomers(cs []*core.Customer) {
	for _, c := range cs {
		r.t.Customers[c.ID] = *copyCustomer(*c)
	}
}

func (r customerRepo) FindCustomerByID(_ context.Context, id uuid.UUID) (*core.Customer, error) {
	c, ok := r.t.Customers[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "customer not found")
	}
	return copyCustomer(c), nil
}

func (r customerRepo) LockCustomer(ctx context.Context, id uuid.UUID) (*core.Customer, error) {
	c, err := r.FindCustomerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c.Phones, c.Addresses = nil, nil
	return c, nil
}

func (r customerRepo) UpdateCustomer(c *core.Customer) {
	cur, ok := r.t.Customers[c.ID]
	if !ok {
		return
	}
	cur.Kind, cur.Name, cur.Tags, cur.VIP = c.Kind, c.Name, slices.Clone(c.Tags), c.VIP
	cur.Version++
	cur.UpdatedAt = c.UpdatedAt
	r.t.Customers[c.ID] = cur
}

func (r customerRepo) ReplacePhones(id uuid.UUID, phones []core.CustomerPhone) {
	if cur, ok := r.t.Customers[id]; ok {
		cur.Phones = slices.Clone(phones)
		r.t.Customers[id] = cur
	}
}

func (r customerRepo) ReplaceAddresses(id uuid.UUID, addrs []core.CustomerAddress) {
	if cur, ok := r.t.Customers[id]; ok {
		cur.Addresses = slices.Clone(addrs)
		r.t.Customers[id] = cur
	}
}

// byNameAndID orders customers as the lists do.
func byNameAndID(a, b *core.Customer) int {
	return cmp.Or(cmp.Compare(a.Name, b.Name), strings.Compare(a.ID.String(), b.ID.String()))
}

func (r customerRepo) FindCustomers(_ context.Context, f core.CustomerFilter) ([]*core.Customer, string, error) {
	var after *core.Customer
	if f.After != "" {
		id, err := uuid.Parse(f.After)
		if err != nil {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
		c, ok := r.t.Customers[id]
		if !ok {
			return []*core.Customer{}, "", nil
		}
		after = &c
	}
	var out []*core.Customer
	for _, c := range r.t.Customers {
		switch {
		case f.Phone != "" && !slices.ContainsFunc(c.Phones, func(p core.CustomerPhone) bool { return p.Phone == f.Phone }),
			f.Query != "" && !strings.Contains(strings.ToLower(c.Name), strings.ToLower(f.Query)),
			f.Tag != "" && !slices.Contains(c.Tags, f.Tag),
			after != nil && byNameAndID(&c, after) <= 0,
			!r.t.customerIn(c.ID, f.Within):
			continue
		}
		out = append(out, copyCustomer(c))
	}
	slices.SortFunc(out, byNameAndID)
	return cutPage(out, f.Limit, func(c *core.Customer) string { return c.ID.String() })
}

// cutPage cuts one page of rows, already in order and after the cursor,
// and returns the next cursor, as the adapter's lists do.
func cutPage[T any](rows []T, limit int, cursor func(T) string) ([]T, string, error) {
	limit = clampLimit(limit)
	if len(rows) <= limit {
		return rows, "", nil
	}
	return rows[:limit], cursor(rows[limit-1]), nil
}

func (r customerRepo) PhoneOwners(_ context.Context, phones []string, except uuid.UUID, limit int) ([]customer.PhoneOwner, error) {
	var out []customer.PhoneOwner
	for id, c := range r.t.Customers {
		for _, p := range c.Phones {
			if id != except && slices.Contains(phones, p.Phone) {
				out = append(out, customer.PhoneOwner{Phone: p.Phone, CustomerID: id})
			}
		}
	}
	slices.SortFunc(out, func(a, b customer.PhoneOwner) int {
		return cmp.Or(cmp.Compare(a.Phone, b.Phone), strings.Compare(a.CustomerID.String(), b.CustomerID.String()))
	})
	return out[:min(len(out), limit)], nil
}

func (r customerRepo) FindRegions(_ context.Context, ids []uuid.UUID, codes []string) ([]customer.Region, error) {
	var out []customer.Region
	for id, code := range r.t.Regions {
		if slices.Contains(ids, id) || slices.Contains(codes, code) {
			out = append(out, customer.Region{ID: id, Code: code})
		}
	}
	return out, nil
}

func (r customerRepo) RegionsWithin(_ context.Context, ids, roots []uuid.UUID) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, id := range ids {
		if _, ok := r.t.Regions[id]; ok && r.t.inSubtree(id, roots) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

func (r customerRepo) UnitRefs(_ context.Context, n *core.NewUnit) (customer.UnitRefs, error) {
	_, c := r.t.Customers[n.CustomerID]
	_, m := r.t.Models[n.ModelID]
	site := n.DealerSiteID == nil
	if !site {
		_, site = r.t.Sites[*n.DealerSiteID]
	}
	return customer.UnitRefs{Customer: c, Model: m, DealerSite: site}, nil
}

func (r customerRepo) InsertUnit(_ context.Context, u *core.Unit) error {
	for _, o := range r.t.Units {
		if o.Serial == u.Serial {
			return core.Errorf(core.ECONFLICT, "unit with serial %s already exists", u.Serial)
		}
	}
	r.t.Units[u.ID] = *u
	return nil
}

func (r customerRepo) UpdateUnit(_ context.Context, next *core.Unit) (*core.Unit, error) {
	cur, ok := r.t.Units[next.ID]
	if !ok || cur.Version != next.Version {
		return nil, core.Errorf(core.ENOTFOUND, "unit not found")
	}
	for id, o := range r.t.Units {
		if id != next.ID && o.Serial == next.Serial {
			return nil, core.Errorf(core.ECONFLICT, "unit with serial %s already exists", next.Serial)
		}
	}
	cur.ModelID, cur.Serial, cur.PurchaseDate, cur.DealerSiteID = next.ModelID, next.Serial, next.PurchaseDate, next.DealerSiteID
	cur.Version++
	cur.UpdatedAt = next.UpdatedAt
	r.t.Units[cur.ID] = cur
	return r.unit(cur), nil
}

// unit is a stored unit with its model and line.
func (r customerRepo) unit(u core.Unit) *core.Unit {
	m := r.t.Models[u.ModelID]
	l := r.t.Lines[m.ProductLine]
	u.Model = core.UnitModel{Code: m.Code, Name: m.Name, ProductLine: m.ProductLine, ProductLineNameZh: l.NameZh,
		ProductLineNameEn: l.NameEn, WarrantyMonths: m.WarrantyMonths}
	u.Warranty = core.WarrantyStatus{}
	return &u
}

func (r customerRepo) FindUnitByID(_ context.Context, id uuid.UUID) (*core.Unit, error) {
	u, ok := r.t.Units[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "unit not found")
	}
	return r.unit(u), nil
}

func (r customerRepo) FindUnits(_ context.Context, f core.UnitFilter) ([]*core.Unit, string, error) {
	var out []*core.Unit
	for _, u := range r.t.Units {
		if (f.Serial == "" || u.Serial == f.Serial) && (f.CustomerID == nil || u.CustomerID == *f.CustomerID) && u.Serial > f.After &&
			r.t.customerIn(u.CustomerID, f.Within) {
			out = append(out, r.unit(u))
		}
	}
	slices.SortFunc(out, func(a, b *core.Unit) int { return cmp.Compare(a.Serial, b.Serial) })
	return cutPage(out, f.Limit, func(u *core.Unit) string { return u.Serial })
}

func (r customerRepo) FindScreenPop(ctx context.Context, phone string, customers core.CustomerReach, within core.OrderReach) ([]core.ScreenPopCustomer, error) {
	cs, _, err := r.FindCustomers(ctx, core.CustomerFilter{Phone: phone, Limit: core.ScreenPopMaxCustomers, Within: customers})
	if err != nil {
		return nil, err
	}
	var out []core.ScreenPopCustomer
	for _, c := range cs {
		units, _, _ := r.FindUnits(ctx, core.UnitFilter{CustomerID: &c.ID, Limit: 500, Within: core.CustomerReach{All: true}})
		slices.SortStableFunc(units, func(a, b *core.Unit) int { return cmp.Compare(b.PurchaseDate, a.PurchaseDate) })
		var orders []core.WorkOrderSummary
		for _, o := range r.t.WorkOrders {
			if o.CustomerID == c.ID && r.t.orderIn(o, within) {
				orders = append(orders, o.Summary)
			}
		}
		slices.SortFunc(orders, func(a, b core.WorkOrderSummary) int { return b.CreatedAt.Compare(a.CreatedAt) })
		out = append(out, core.ScreenPopCustomer{Customer: *c, Units: nonNilSlice(units[:min(len(units), core.ScreenPopMaxUnits)]),
			RecentWorkOrders: nonNilSlice(orders[:min(len(orders), core.ScreenPopRecentOrders)])})
	}
	return out, nil
}

func (r customerRepo) CustomerInReach(_ context.Context, id uuid.UUID, within core.CustomerReach) (bool, error) {
	_, ok := r.t.Customers[id]
	return ok && r.t.customerIn(id, within), nil
}

// CustomerOrder is a work order as customers see it: its summary, whose
// it is, and where it stands for the reach of orders.
type CustomerOrder struct {
	CustomerID   uuid.UUID
	Summary      core.WorkOrderSummary
	SiteID       *uuid.UUID
	TechnicianID *uuid.UUID
}

// inSubtree reports whether region lies in the subtree of one of roots.
func (t *CustomerTenant) inSubtree(region uuid.UUID, roots []uuid.UUID) bool {
	for seen := 0; seen <= len(t.Regions); seen++ {
		if slices.Contains(roots, region) {
			return true
		}
		parent, ok := t.Parents[region]
		if !ok {
			return false
		}
		region = parent
	}
	return false
}

// orderIn reports whether o is in within, by core's own rule.
func (t *CustomerTenant) orderIn(o CustomerOrder, within core.OrderReach) bool {
	w := core.WorkOrder{State: o.Summary.State, SiteID: o.SiteID, TechnicianID: o.TechnicianID}
	return within.Holds(&w, func(site uuid.UUID) bool {
		region, ok := t.Sites[site]
		return slices.Contains(within.Sites, site) || ok && t.inSubtree(region, within.Regions)
	})
}

// customerIn reports whether customer id is in within.
func (t *CustomerTenant) customerIn(id uuid.UUID, within core.CustomerReach) bool {
	if within.All {
		return true
	}
	for _, a := range t.Customers[id].Addresses {
		if a.RegionID != nil && t.inSubtree(*a.RegionID, within.AddressRegions) {
			return true
		}
	}
	for _, o := range t.WorkOrders {
		if o.CustomerID == id && t.orderIn(o, within.Orders) {
			return true
		}
	}
	return false
}

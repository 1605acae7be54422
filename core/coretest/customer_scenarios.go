package coretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/catalog"
	"github.com/aftersales/aftersales/core/customer"
	"github.com/aftersales/aftersales/core/settings"
)

// CustomerEnv is what the scenarios of customers, catalogues and settings
// run on: two tenants in Asia/Shanghai with the default service types and
// nothing else, but for Tenant's region (code "GD") and site.
type CustomerEnv struct {
	Units         core.UnitsOfWork
	Customers     customer.Store
	Catalog       catalog.Store
	Settings      settings.Store
	Clock         *Clock
	Tenant, Other uuid.UUID
	Region, Site  uuid.UUID
	// Seed adds to Tenant what the visibility scenarios need from other
	// areas: regions, sites, technicians and work orders.
	Seed CustomerSeed
}

// CustomerSeed adds rows of other areas to an env's Tenant, each
// returning the new row's ID.
type CustomerSeed struct {
	// Region adds a region under parent (nil: a root).
	Region func(t *testing.T, parent *uuid.UUID, code string) uuid.UUID
	// Site adds a site in region.
	Site func(t *testing.T, region uuid.UUID, code string) uuid.UUID
	// Technician adds a technician of site.
	Technician func(t *testing.T, site uuid.UUID, code string) uuid.UUID
	// Order adds a repair order of customer in state, at site and
	// assigned to technician (either may be nil).
	Order func(t *testing.T, customer uuid.UUID, state string, site, technician *uuid.UUID) uuid.UUID
}

// NewMemoryCustomerEnv seeds the fake with a CustomerEnv's tenants.
func NewMemoryCustomerEnv() CustomerEnv {
	f := NewCustomers()
	e := CustomerEnv{Units: f, Customers: f, Catalog: f, Settings: f, Clock: &Clock{}, Tenant: uuid.New(), Other: uuid.New(),
		Region: uuid.New(), Site: uuid.New()}
	f.Write(func(ts CustomerTenants) CustomerTenants {
		t := NewCustomerTenant("Asia/Shanghai")
		t.Regions[e.Region], t.Sites[e.Site] = "GD", e.Region
		ts[e.Tenant], ts[e.Other] = t, NewCustomerTenant("Asia/Shanghai")
		return ts
	})
	e.Seed = memoryCustomerSeed(f, e.Tenant, e.Clock)
	return e
}

// memoryCustomerSeed seeds the fake's tenant.
func memoryCustomerSeed(f *Customers, tenant uuid.UUID, clock *Clock) CustomerSeed {
	add := func(fn func(t *CustomerTenant, id uuid.UUID)) uuid.UUID {
		id := uuid.New()
		f.Write(func(ts CustomerTenants) CustomerTenants {
			fn(ts[tenant], id)
			return ts
		})
		return id
	}
	return CustomerSeed{
		Region: func(_ *testing.T, parent *uuid.UUID, code string) uuid.UUID {
			return add(func(t *CustomerTenant, id uuid.UUID) {
				t.Regions[id] = code
				if parent != nil {
					t.Parents[id] = *parent
				}
			})
		},
		Site: func(_ *testing.T, region uuid.UUID, _ string) uuid.UUID {
			return add(func(t *CustomerTenant, id uuid.UUID) { t.Sites[id] = region })
		},
		Technician: func(*testing.T, uuid.UUID, string) uuid.UUID { return uuid.New() }, // customers keep no technicians
		Order: func(_ *testing.T, customer uuid.UUID, state string, site, technician *uuid.UUID) uuid.UUID {
			return add(func(t *CustomerTenant, id uuid.UUID) {
				t.WorkOrders[id] = CustomerOrder{CustomerID: customer, SiteID: site, TechnicianID: technician,
					Summary: core.WorkOrderSummary{ID: id, Number: "WO-" + id.String()[:8], Type: "repair", ServiceType: "repair",
						State: state, CreatedAt: clock.Now()}}
			})
		},
	}
}

// CustomerScenario is one scenario of the customer, catalogue and
// settings use cases.
type CustomerScenario struct {
	Name string
	Run  func(t *testing.T, e CustomerEnv)
}

// customerKit holds an env's services.
type customerKit struct {
	CustomerEnv
	customers *customer.Service
	catalog   *catalog.Service
	settings  *settings.Service
}

func (e CustomerEnv) kit() customerKit {
	return customerKit{CustomerEnv: e, customers: customer.NewService(customer.Config{Store: e.Customers, Clock: e.Clock}),
		catalog: catalog.NewService(catalog.Config{Store: e.Catalog}), settings: settings.NewService(settings.Config{Store: e.Settings, Clock: e.Clock})}
}

// in runs fn in a unit of tenant and commits it.
func (e CustomerEnv) in(tenant uuid.UUID, fn func(ctx context.Context, u core.UnitOfWork) error) error {
	ctx := context.Background()
	return core.InUnitOfWork(ctx, e.Units, tenant, func(u core.UnitOfWork) error { return fn(ctx, u) })
}

// create creates a customer in Tenant.
func (k customerKit) create(t *testing.T, nc core.NewCustomer) (*core.Customer, []core.CustomerWarning, error) {
	t.Helper()
	var c *core.Customer
	var w []core.CustomerWarning
	err := k.in(k.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
		c, w, err = k.customers.CreateCustomer(ctx, u, core.TenantWide, nc)
		return err
	})
	return c, w, err
}

func (k customerKit) find(t *testing.T, tenant uuid.UUID, f core.CustomerFilter) []*core.Customer {
	t.Helper()
	var cs []*core.Customer
	must(t, k.in(tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
		cs, _, err = k.customers.FindCustomers(ctx, u, core.TenantWide, f)
		return err
	}))
	return cs
}

// model creates line "AC" and a model of it with a warranty of months.
func (k customerKit) model(t *testing.T, months int) *core.ProductModel {
	t.Helper()
	var m *core.ProductModel
	must(t, k.in(k.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
		if _, err := k.catalog.CreateProductLine(ctx, u, core.ProductLine{Code: "AC", NameZh: "空调", NameEn: "Air conditioners"}); err != nil {
			return err
		}
		m, err = k.catalog.CreateProductModel(ctx, u, core.NewProductModel{ProductLine: "AC", Code: "KFR-35", Name: "KFR-35GW",
			WarrantyMonths: months})
		return err
	}))
	return m
}

func (k customerKit) register(t *testing.T, nu core.NewUnit, today time.Time) (*core.Unit, error) {
	t.Helper()
	var out *core.Unit
	err := k.in(k.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
		out, err = k.customers.RegisterUnit(ctx, u, core.TenantWide, nu, today)
		return err
	})
	return out, err
}

func (k customerKit) screenPop(t *testing.T, tenant uuid.UUID, phone string, today time.Time) (*core.ScreenPop, error) {
	t.Helper()
	var pop *core.ScreenPop
	err := k.in(tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
		pop, err = k.customers.FindScreenPop(ctx, u, core.TenantWide, phone, core.DefaultPhoneCountry, today)
		return err
	})
	return pop, err
}

func ids(cs []*core.Customer) []uuid.UUID {
	out := make([]uuid.UUID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// CustomerScenarios are the scenarios of customers, units and the screen
// pop; CatalogScenarios and SettingsScenarios run on a CustomerEnv too.
func CustomerScenarios() []CustomerScenario {
	return slices.Concat(customerScenarios(), customerReachScenarios(), customerWriteScenarios())
}

func customerScenarios() []CustomerScenario {
	return []CustomerScenario{
		{"a customer is stored normalised, and a phone another has is a warning", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			first, w, err := k.create(t, core.NewCustomer{Name: " 王芳 ", Phones: []core.CustomerPhone{{Phone: "138 0013 8000", Label: "mobile"},
				{Phone: "+86 138-0013-8000"}}, Tags: []string{"vip-line", " b ", "vip-line"}})
			must(t, err)
			equal(t, "kind", first.Kind, core.CustomerPerson)
			equal(t, "name", first.Name, "王芳")
			equal(t, "phones", len(first.Phones), 1)
			equal(t, "phone", first.Phones[0].Phone, "8613800138000")
			equal(t, "tags", slices.Equal(first.Tags, []string{"b", "vip-line"}), true)
			equal(t, "version", first.Version, 1)
			equal(t, "warnings", len(w), 0)
			second, w, err := k.create(t, core.NewCustomer{Kind: core.CustomerOrganization, Name: "Acme",
				Phones: []core.CustomerPhone{{Phone: "0086 13800138000"}}})
			must(t, err)
			equal(t, "warnings", len(w), 1)
			equal(t, "warning", w[0], core.CustomerWarning{Code: core.WarnDuplicatePhone, CustomerID: first.ID, Phone: "8613800138000"})
			got := k.find(t, e.Tenant, core.CustomerFilter{Phone: "+86 138 0013 8000"})
			equal(t, "by phone", slices.Equal(ids(got), []uuid.UUID{second.ID, first.ID}), true) // "Acme" < "王芳"
			equal(t, "other tenant", len(k.find(t, e.Other, core.CustomerFilter{Phone: "13800138000"})), 0)
			_, _, err = k.create(t, core.NewCustomer{Name: "x", Phones: []core.CustomerPhone{{Phone: "12"}}})
			wantCode(t, err, core.EINVALID)
			_, _, err = k.create(t, core.NewCustomer{Name: "x", Kind: "robot"})
			wantCode(t, err, core.EINVALID)
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				_, _, err := k.customers.FindCustomers(ctx, u, core.TenantWide, core.CustomerFilter{Phone: "not a phone"})
				wantCode(t, err, core.EINVALID)
				return nil
			}))
		}},
		{"addresses name a region of the tenant, by ID or code, in the order given", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			c, _, err := k.create(t, core.NewCustomer{Name: "王芳", Addresses: []core.NewCustomerAddress{
				{Label: "home", Address: "深圳市南山区 1 号", RegionCode: "GD"}, {Address: "深圳市福田区 2 号", RegionID: &e.Region}, {Address: "无区域"}}})
			must(t, err)
			equal(t, "addresses", len(c.Addresses), 3)
			equal(t, "by code", *c.Addresses[0].RegionID, e.Region)
			equal(t, "order", c.Addresses[1].Address, "深圳市福田区 2 号")
			equal(t, "no region", c.Addresses[2].RegionID == nil, true)
			other := uuid.New()
			_, _, err = k.create(t, core.NewCustomer{Name: "x", Addresses: []core.NewCustomerAddress{{Address: "a", RegionID: &other}}})
			wantCode(t, err, core.EINVALID)
			err = k.in(e.Other, func(ctx context.Context, u core.UnitOfWork) error {
				_, _, err := k.customers.CreateCustomer(ctx, u, core.TenantWide, core.NewCustomer{Name: "x",
					Addresses: []core.NewCustomerAddress{{Address: "a", RegionCode: "GD"}}})
				return err
			})
			wantCode(t, err, core.EINVALID)
		}},
		{"an update replaces the lists given, checks the version and warns of shared phones", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			a, _, err := k.create(t, core.NewCustomer{Name: "A", Phones: []core.CustomerPhone{{Phone: "13800138000"}}})
			must(t, err)
			b, _, err := k.create(t, core.NewCustomer{Name: "B", Phones: []core.CustomerPhone{{Phone: "13900139000"}},
				Tags: []string{"t"}, Addresses: []core.NewCustomerAddress{{Address: "old"}}})
			must(t, err)
			update := func(id uuid.UUID, up core.CustomerUpdate) (*core.Customer, []core.CustomerWarning, error) {
				var c *core.Customer
				var w []core.CustomerWarning
				err := k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					c, w, err = k.customers.UpdateCustomer(ctx, u, core.TenantWide, id, up)
					return err
				})
				return c, w, err
			}
			name, phones, addrs := "B2", []core.CustomerPhone{{Phone: "138-0013-8000"}}, []core.NewCustomerAddress{{Address: "new", RegionCode: "GD"}}
			got, w, err := update(b.ID, core.CustomerUpdate{Version: 1, Name: &name, Phones: &phones, Addresses: &addrs})
			must(t, err)
			equal(t, "name", got.Name, "B2")
			equal(t, "version", got.Version, 2)
			equal(t, "tags kept", slices.Equal(got.Tags, []string{"t"}), true)
			equal(t, "phone", got.Phones[0].Phone, "8613800138000")
			equal(t, "address", got.Addresses[0].Address, "new")
			equal(t, "warnings", len(w), 1)
			equal(t, "warned of", w[0].CustomerID, a.ID)
			_, _, err = update(b.ID, core.CustomerUpdate{Version: 1, Name: &name})
			wantCode(t, err, core.ECONFLICT)
			bad := []core.NewCustomerAddress{{Address: "x", RegionCode: "NOPE"}}
			_, _, err = update(b.ID, core.CustomerUpdate{Addresses: &bad})
			wantCode(t, err, core.EINVALID)
			_, _, err = update(uuid.New(), core.CustomerUpdate{Name: &name})
			wantCode(t, err, core.ENOTFOUND)
			err = k.in(e.Other, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.customers.FindCustomerByID(ctx, u, core.TenantWide, b.ID)
				return err
			})
			wantCode(t, err, core.ENOTFOUND)
		}},
		{"an import creates the valid rows and reports the others", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			rows := []core.CustomerImportRow{
				{Row: 2, Customer: core.NewCustomer{Name: "甲", Phones: []core.CustomerPhone{{Phone: "13800138000"}},
					Addresses: []core.NewCustomerAddress{{Address: "a", RegionCode: "GD"}}}},
				{Row: 3, Customer: core.NewCustomer{Name: "乙", Phones: []core.CustomerPhone{{Phone: "1"}}}},
				{Row: 4, Customer: core.NewCustomer{Name: "丙", Addresses: []core.NewCustomerAddress{{Address: "b", RegionCode: "XX"}}}},
				{Row: 5, Customer: core.NewCustomer{Name: "甲"}},
			}
			var rep *core.ImportReport
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
				rep, err = k.customers.ImportCustomers(ctx, u, core.TenantWide, rows)
				return err
			}))
			equal(t, "total", rep.Total, 4)
			equal(t, "created", rep.Created, 2)
			equal(t, "failed", rep.Failed, 2)
			equal(t, "first error", rep.Errors[0].Row, 3)
			equal(t, "second error", rep.Errors[1].Field, "addresses[0].region_code")
			got := k.find(t, e.Tenant, core.CustomerFilter{Query: "甲"})
			equal(t, "imported twice", len(got), 2)
		}},
		{"a unit refers to the tenant's customer, model and site, has a unique serial and a warranty", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			c, _, err := k.create(t, core.NewCustomer{Name: "王芳", Phones: []core.CustomerPhone{{Phone: "13800138000"}}})
			must(t, err)
			m := k.model(t, 12)
			equal(t, "labour hours default", m.LabourHours, 1.0)
			today := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
			nu := core.NewUnit{CustomerID: c.ID, ModelID: m.ID, Serial: "SN-1", PurchaseDate: "2025-03-31", DealerSiteID: &e.Site}
			u, err := k.register(t, nu, today)
			must(t, err)
			equal(t, "model", u.Model.Code, "KFR-35")
			equal(t, "line", u.Model.ProductLineNameEn, "Air conditioners")
			equal(t, "warranty", u.Warranty, core.WarrantyStatus{InWarranty: true, ExpiresOn: "2026-03-31", DaysLeft: 16})
			_, err = k.register(t, nu, today)
			wantCode(t, err, core.ECONFLICT)
			for name, bad := range map[string]core.NewUnit{
				"unknown customer": {CustomerID: uuid.New(), ModelID: m.ID, Serial: "SN-2", PurchaseDate: "2025-01-01"},
				"unknown model":    {CustomerID: c.ID, ModelID: uuid.New(), Serial: "SN-2", PurchaseDate: "2025-01-01"},
				"unknown site":     {CustomerID: c.ID, ModelID: m.ID, Serial: "SN-2", PurchaseDate: "2025-01-01", DealerSiteID: &c.ID},
				"future purchase":  {CustomerID: c.ID, ModelID: m.ID, Serial: "SN-2", PurchaseDate: "2026-03-20"},
			} {
				_, err := k.register(t, bad, today)
				if core.ErrorCode(err) != core.EINVALID {
					t.Fatalf("%s: want EINVALID, got %v", name, err)
				}
			}
			var units []*core.Unit
			must(t, k.in(e.Tenant, func(ctx context.Context, uw core.UnitOfWork) (err error) {
				units, _, err = k.customers.FindUnits(ctx, uw, core.TenantWide, core.UnitFilter{CustomerID: &c.ID}, today.AddDate(0, 1, 0))
				return err
			}))
			equal(t, "units", len(units), 1)
			equal(t, "expired", units[0].Warranty, core.WarrantyStatus{ExpiresOn: "2026-03-31"})

			pop, err := k.screenPop(t, e.Tenant, "+86 138-0013-8000", today)
			must(t, err)
			equal(t, "phone", pop.Phone, "8613800138000")
			equal(t, "known", pop.UnknownCaller, false)
			equal(t, "customers", len(pop.Customers), 1)
			equal(t, "units", len(pop.Customers[0].Units), 1)
			equal(t, "warranty", pop.Customers[0].Units[0].Warranty.DaysLeft, 16)
			equal(t, "no orders", pop.Customers[0].RecentWorkOrders != nil && len(pop.Customers[0].RecentWorkOrders) == 0, true)
			equal(t, "no complaints", pop.Customers[0].OpenComplaints != nil && len(pop.Customers[0].OpenComplaints) == 0, true)
			pop, err = k.screenPop(t, e.Other, "13800138000", today)
			must(t, err)
			equal(t, "unknown elsewhere", pop.UnknownCaller && pop.Customers != nil && len(pop.Customers) == 0, true)
			_, err = k.screenPop(t, e.Tenant, "hello", today)
			wantCode(t, err, core.EINVALID)
		}},
	}
}

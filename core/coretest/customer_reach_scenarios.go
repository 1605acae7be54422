package coretest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// reachWorld is a tenant seen by several viewers: GD (the env's Region)
// with its city SZ and the env's Site; a root region GX; two technicians
// of the Site; and customers who are visible for one reason each.
type reachWorld struct {
	sz, gx        uuid.UUID
	techA, techB  uuid.UUID
	inSZ          uuid.UUID // an address in SZ, no orders
	ofA           uuid.UUID // an address in GX; an order at the Site assigned to techA
	inGX          uuid.UUID // an address in GX, no orders
	offered       uuid.UUID // no address; an order at the Site offered to its technicians
	unitSZ, unitA uuid.UUID
	model         uuid.UUID
	viewers       map[string]core.Viewer
}

const reachPhone = "13800138000"

func newReachWorld(t *testing.T, k customerKit) *reachWorld {
	t.Helper()
	e := k.CustomerEnv
	w := &reachWorld{}
	w.sz = e.Seed.Region(t, &e.Region, "GD-SZ")
	w.gx = e.Seed.Region(t, nil, "GX")
	w.techA, w.techB = e.Seed.Technician(t, e.Site, "T-A"), e.Seed.Technician(t, e.Site, "T-B")
	add := func(name string, region *uuid.UUID) uuid.UUID {
		nc := core.NewCustomer{Name: name, Phones: []core.CustomerPhone{{Phone: reachPhone}}}
		if region != nil {
			nc.Addresses = []core.NewCustomerAddress{{Address: name + " 1 号", RegionID: region}}
		}
		c, _, err := k.create(t, nc)
		must(t, err)
		return c.ID
	}
	w.inSZ, w.ofA, w.inGX, w.offered = add("A-深圳", &w.sz), add("B-派给甲", &w.gx), add("C-广西", &w.gx), add("D-待抢", nil)
	e.Seed.Order(t, w.ofA, core.StateAssigned, &e.Site, &w.techA)
	e.Seed.Order(t, w.offered, core.StateDispatched, &e.Site, nil)
	m := k.model(t, 12)
	w.model = m.ID
	today := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		owner uuid.UUID
		dst   *uuid.UUID
	}{{w.inSZ, &w.unitSZ}, {w.ofA, &w.unitA}} {
		u, err := k.register(t, core.NewUnit{CustomerID: c.owner, ModelID: m.ID, Serial: "SN-" + c.owner.String()[:8],
			PurchaseDate: "2025-03-31"}, today)
		must(t, err)
		*c.dst = u.ID
	}
	w.viewers = map[string]core.Viewer{
		"tenant-wide": core.TenantWide,
		"region GD":   {Scope: core.Scope{Regions: []uuid.UUID{e.Region}}},
		"region GX":   {Scope: core.Scope{Regions: []uuid.UUID{w.gx}}},
		"site":        {Scope: core.Scope{Sites: []uuid.UUID{e.Site}}},
		"technician A": {Scope: core.Scope{Sites: []uuid.UUID{e.Site}},
			Technician: &core.FieldTechnician{ID: w.techA, SiteID: e.Site}},
		"technician B": {Scope: core.Scope{Sites: []uuid.UUID{e.Site}},
			Technician: &core.FieldTechnician{ID: w.techB, SiteID: e.Site}},
		"nowhere": {},
	}
	return w
}

func customerReachScenarios() []CustomerScenario {
	return []CustomerScenario{
		{"a scoped viewer sees customers and units through an address in scope or an order they may see", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			w := newReachWorld(t, k)
			all := []uuid.UUID{w.inSZ, w.ofA, w.inGX, w.offered}
			want := map[string][]uuid.UUID{
				"tenant-wide":  all,
				"region GD":    {w.inSZ, w.ofA, w.offered}, // SZ's address; the Site's orders
				"region GX":    {w.ofA, w.inGX},            // addresses in GX
				"site":         {w.ofA, w.offered},         // a site grant covers orders, not addresses
				"technician A": {w.ofA},                    // their own order's customer only
				"technician B": {},                         // an offered order shows no customer
				"nowhere":      {},
			}
			units := map[uuid.UUID]uuid.UUID{w.inSZ: w.unitSZ, w.ofA: w.unitA}
			today := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
			for name, v := range w.viewers {
				sees := want[name]
				must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
					list, _, err := k.customers.FindCustomers(ctx, u, v, core.CustomerFilter{})
					must(t, err)
					sameSet(t, name+": list", ids(list), sees)
					byPhone, _, err := k.customers.FindCustomers(ctx, u, v, core.CustomerFilter{Phone: reachPhone})
					must(t, err)
					sameSet(t, name+": search by phone", ids(byPhone), sees)
					pop, err := k.customers.FindScreenPop(ctx, u, v, reachPhone, core.DefaultPhoneCountry, today)
					must(t, err)
					equal(t, name+": screen pop", len(pop.Customers), len(sees))
					equal(t, name+": unknown caller", pop.UnknownCaller, len(sees) == 0)
					var unitIDs []uuid.UUID
					for _, c := range all {
						_, err := k.customers.FindCustomerByID(ctx, u, v, c)
						_, uerr := k.customers.FindUnitByID(ctx, u, v, units[c], today)
						if slices.Contains(sees, c) {
							must(t, err)
							if _, ok := units[c]; ok {
								must(t, uerr)
								unitIDs = append(unitIDs, units[c])
							}
							continue
						}
						wantCode(t, err, core.ENOTFOUND)
						wantCode(t, uerr, core.ENOTFOUND)
						_, _, err = k.customers.UpdateCustomer(ctx, u, v, c, core.CustomerUpdate{})
						wantCode(t, err, core.ENOTFOUND)
					}
					list2, _, err := k.customers.FindUnits(ctx, u, v, core.UnitFilter{}, today)
					must(t, err)
					var listed []uuid.UUID
					for _, x := range list2 {
						listed = append(listed, x.ID)
					}
					sameSet(t, name+": units", listed, unitIDs)
					return nil
				}))
			}
		}},
		{"the screen pop shows a scoped viewer only the orders they may see, and a unit needs a customer in sight", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			w := newReachWorld(t, k)
			today := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
			// The offered customer gets an order elsewhere: GD sees it
			// (the Site's order) with one order only.
			other := e.Seed.Site(t, w.gx, "S-GX")
			e.Seed.Order(t, w.offered, core.StateDispatched, &other, nil)
			recent := func(v core.Viewer, c uuid.UUID) int {
				var pop *core.ScreenPop
				must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					pop, err = k.customers.FindScreenPop(ctx, u, v, reachPhone, core.DefaultPhoneCountry, today)
					return err
				}))
				for _, p := range pop.Customers {
					if p.ID == c {
						return len(p.RecentWorkOrders)
					}
				}
				return -1
			}
			equal(t, "tenant-wide", recent(core.TenantWide, w.offered), 2)
			equal(t, "region GD", recent(w.viewers["region GD"], w.offered), 1)
			equal(t, "region GX: through the order of its site", recent(w.viewers["region GX"], w.offered), 1)
			equal(t, "site: no customer through an address", recent(w.viewers["site"], w.inSZ), -1)
			equal(t, "technician A: their order", recent(w.viewers["technician A"], w.ofA), 1)

			nu := core.NewUnit{CustomerID: w.inGX, ModelID: w.model, Serial: "SN-NEW", PurchaseDate: "2025-03-31"}
			err := k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.customers.RegisterUnit(ctx, u, w.viewers["site"], nu, today)
				return err
			})
			wantCode(t, err, core.EINVALID)
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.customers.RegisterUnit(ctx, u, w.viewers["region GX"], nu, today)
				return err
			}))
		}},
	}
}

// sameSet fails t unless got and want hold the same IDs, in any order.
func sameSet(t *testing.T, what string, got, want []uuid.UUID) {
	t.Helper()
	byText := func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }
	sameIDs(t, what, slices.SortedFunc(slices.Values(got), byText), slices.SortedFunc(slices.Values(want), byText))
}

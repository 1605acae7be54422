package coretest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// wantField fails t unless err has code and names field.
func wantField(t *testing.T, err error, code, field string) {
	t.Helper()
	wantCode(t, err, code)
	if _, ok := err.(*core.Error).Fields[field]; !ok {
		t.Fatalf("want an error naming %s, got %v", field, err)
	}
}

func customerWriteScenarios() []CustomerScenario {
	return []CustomerScenario{
		{"a scoped caller writes customers only with addresses in their scope", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			sz := e.Seed.Region(t, &e.Region, "GD-SZ")
			gx := e.Seed.Region(t, nil, "GX")
			gd := core.Viewer{Scope: core.Scope{Regions: []uuid.UUID{e.Region}}}
			site := core.Viewer{Scope: core.Scope{Sites: []uuid.UUID{e.Site}}}
			create := func(v core.Viewer, nc core.NewCustomer) (*core.Customer, error) {
				var c *core.Customer
				err := k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					c, _, err = k.customers.CreateCustomer(ctx, u, v, nc)
					return err
				})
				return c, err
			}
			addr := func(text string, region *uuid.UUID, code string) []core.NewCustomerAddress {
				return []core.NewCustomerAddress{{Address: text, RegionID: region, RegionCode: code}}
			}
			inSZ, err := create(gd, core.NewCustomer{Name: "深圳客户", Addresses: addr("深圳 1 号", &sz, "")})
			must(t, err)
			equal(t, "placed in the subtree", *inSZ.Addresses[0].RegionID, sz)
			for name, c := range map[string]struct {
				v     core.Viewer
				nc    core.NewCustomer
				field string
			}{
				"a region outside":          {gd, core.NewCustomer{Name: "越界", Addresses: addr("南宁 1 号", &gx, "")}, "addresses[0].region_id"},
				"a region code outside":     {gd, core.NewCustomer{Name: "越界", Addresses: addr("南宁 1 号", nil, "GX")}, "addresses[0].region_code"},
				"an address with no region": {gd, core.NewCustomer{Name: "越界", Addresses: addr("某地", nil, "")}, "addresses[0].region_id"},
				"no address":                {gd, core.NewCustomer{Name: "越界"}, "addresses"},
				"a second address outside": {gd, core.NewCustomer{Name: "越界", Addresses: append(addr("深圳 2 号", &sz, ""),
					addr("南宁 2 号", &gx, "")...)}, "addresses[1].region_id"},
				"a site grant covers no address": {site, core.NewCustomer{Name: "越界", Addresses: addr("深圳 3 号", &sz, "")}, "addresses[0].region_id"},
			} {
				_, err := create(c.v, c.nc)
				if core.ErrorCode(err) != core.EFORBIDDEN {
					t.Fatalf("%s: want EFORBIDDEN, got %v", name, err)
				}
				wantField(t, err, core.EFORBIDDEN, c.field)
			}
			equal(t, "nothing stored", len(k.find(t, e.Tenant, core.CustomerFilter{Query: "越界"})), 0)

			// A customer in SZ and GX: the GD manager keeps the GX address
			// as it is, but may not change it or add another outside.
			both, err := create(core.TenantWide, core.NewCustomer{Name: "两地客户",
				Addresses: append(addr("深圳 9 号", &sz, ""), addr("南宁 9 号", &gx, "")...)})
			must(t, err)
			update := func(addrs []core.NewCustomerAddress) (*core.Customer, error) {
				var c *core.Customer
				err := k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					c, _, err = k.customers.UpdateCustomer(ctx, u, gd, both.ID, core.CustomerUpdate{Addresses: &addrs})
					return err
				})
				return c, err
			}
			_, err = update(append(addr("南宁 9 号 之一", &gx, ""), addr("深圳 9 号", &sz, "")...))
			wantField(t, err, core.EFORBIDDEN, "addresses[0].region_id")
			_, err = update(append(addr("深圳 9 号", &sz, ""), addr("南宁 9 号", &gx, "")...)[:1:1])
			must(t, err) // dropping one is allowed
			_, err = update(append(addr("深圳 9 号", &sz, ""), addr("南宁 9 号", &gx, "")...))
			wantField(t, err, core.EFORBIDDEN, "addresses[1].region_id") // no longer stored: not kept
			got := k.find(t, e.Tenant, core.CustomerFilter{Query: "两地客户"})
			equal(t, "one address left", len(got[0].Addresses), 1)
			equal(t, "the one in scope", *got[0].Addresses[0].RegionID, sz)

			rows := []core.CustomerImportRow{
				{Row: 2, Customer: core.NewCustomer{Name: "导入甲", Addresses: addr("深圳 5 号", nil, "GD-SZ")}},
				{Row: 3, Customer: core.NewCustomer{Name: "导入乙", Addresses: addr("南宁 5 号", nil, "GX")}},
				{Row: 4, Customer: core.NewCustomer{Name: "导入丙"}},
			}
			var rep *core.ImportReport
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
				rep, err = k.customers.ImportCustomers(ctx, u, gd, rows)
				return err
			}))
			equal(t, "created", rep.Created, 1)
			equal(t, "failed", rep.Failed, 2)
			equal(t, "row 3", rep.Errors[0], core.ImportError{Row: 3, Field: "addresses[0].region_code", Message: "is outside your scope"})
			equal(t, "row 4", rep.Errors[1].Field, "addresses")
			equal(t, "imported", len(k.find(t, e.Tenant, core.CustomerFilter{Query: "导入"})), 1)
		}},
		{"a unit is changed at the version read, by a caller who sees it, and audited", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			gx := e.Seed.Region(t, nil, "GX")
			c, _, err := k.create(t, core.NewCustomer{Name: "王芳", Addresses: []core.NewCustomerAddress{{Address: "深圳", RegionID: &e.Region}}})
			must(t, err)
			m := k.model(t, 12)
			today := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
			unit, err := k.register(t, core.NewUnit{CustomerID: c.ID, ModelID: m.ID, Serial: "SN-1", PurchaseDate: "2025-03-31"}, today)
			must(t, err)
			equal(t, "version", unit.Version, 1)
			_, err = k.register(t, core.NewUnit{CustomerID: c.ID, ModelID: m.ID, Serial: "SN-2", PurchaseDate: "2025-03-31"}, today)
			must(t, err)
			update := func(tenant uuid.UUID, v core.Viewer, id uuid.UUID, up core.UnitUpdate) (*core.Unit, error) {
				var out *core.Unit
				err := k.in(tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					out, err = k.customers.UpdateUnit(ctx, u, v, id, up, today)
					return err
				})
				return out, err
			}
			serial, date := "SN-1B", "2025-06-30"
			e.Clock.Advance(time.Hour)
			got, err := update(e.Tenant, core.TenantWide, unit.ID, core.UnitUpdate{Version: 1, Serial: &serial, PurchaseDate: &date})
			must(t, err)
			equal(t, "serial", got.Serial, "SN-1B")
			equal(t, "version", got.Version, 2)
			equal(t, "warranty recomputed", got.Warranty, core.WarrantyStatus{InWarranty: true, ExpiresOn: "2026-06-30", DaysLeft: 107})
			equal(t, "updated at", got.UpdatedAt.Sub(unit.UpdatedAt) >= time.Hour, true)
			equal(t, "created at kept", got.CreatedAt.Equal(unit.CreatedAt), true)

			dup, future, nowhere := "SN-2", "2026-04-01", uuid.New()
			gxView := core.Viewer{Scope: core.Scope{Regions: []uuid.UUID{gx}}}
			for name, c := range map[string]struct {
				tenant uuid.UUID
				v      core.Viewer
				up     core.UnitUpdate
				code   string
			}{
				"a stale version":         {e.Tenant, core.TenantWide, core.UnitUpdate{Version: 1, Serial: &serial}, core.ECONFLICT},
				"a serial taken":          {e.Tenant, core.TenantWide, core.UnitUpdate{Version: 2, Serial: &dup}, core.ECONFLICT},
				"a future purchase":       {e.Tenant, core.TenantWide, core.UnitUpdate{Version: 2, PurchaseDate: &future}, core.EINVALID},
				"no such model":           {e.Tenant, core.TenantWide, core.UnitUpdate{Version: 2, ModelID: &nowhere}, core.EINVALID},
				"no such dealer site":     {e.Tenant, core.TenantWide, core.UnitUpdate{Version: 2, DealerSiteID: &nowhere}, core.EINVALID},
				"a caller out of sight":   {e.Tenant, gxView, core.UnitUpdate{Version: 2, Serial: &dup}, core.ENOTFOUND},
				"another tenant's caller": {e.Other, core.TenantWide, core.UnitUpdate{Version: 2, Serial: &dup}, core.ENOTFOUND},
			} {
				_, err := update(c.tenant, c.v, unit.ID, c.up)
				if core.ErrorCode(err) != c.code {
					t.Fatalf("%s: want %s, got %v", name, c.code, err)
				}
			}
			var stored *core.Unit
			var events []*audit.Event
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
				if stored, err = k.customers.FindUnitByID(ctx, u, core.TenantWide, unit.ID, today); err != nil {
					return err
				}
				events, _, err = e.Customers.Audit(u).FindEvents(ctx, audit.Filter{ResourceType: audit.ResUnit})
				return err
			}))
			equal(t, "serial unchanged by the refused", stored.Serial, "SN-1B")
			equal(t, "version unchanged by the refused", stored.Version, 2)
			equal(t, "one event", len(events), 1)
			equal(t, "event", events[0].Action+" "+events[0].ResourceID, audit.ActUpdate+" "+unit.ID.String())
			equal(t, "before", events[0].Before["serial"], any("SN-1"))
			equal(t, "after", events[0].After["serial"], any("SN-1B"))
		}},
	}
}

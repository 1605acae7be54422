package coretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

// NetworkEnv is what the network scenarios run on: a store with a tenant
// whose network is empty.
type NetworkEnv struct {
	Units  core.UnitsOfWork
	Store  network.Store
	Clock  *Clock
	Tenant uuid.UUID
	// AddUser adds a user to the tenant and returns its ID.
	AddUser func(username string) uuid.UUID
	// GrantRegion gives a new user or key scope over a region.
	GrantRegion func(region uuid.UUID)
}

// NewMemoryNetworkEnv returns a NetworkEnv on the fake.
func NewMemoryNetworkEnv() NetworkEnv {
	tenant := uuid.New()
	f := NewNetworks(tenant)
	return NetworkEnv{Units: f, Store: f, Clock: &Clock{}, Tenant: tenant,
		AddUser: func(username string) uuid.UUID {
			id := uuid.New()
			f.Write(func(ts NetworkTenants) NetworkTenants {
				ts[tenant].Users[id] = username
				return ts
			})
			return id
		},
		GrantRegion: func(region uuid.UUID) {
			f.Write(func(ts NetworkTenants) NetworkTenants {
				ts[tenant].Grants[region]++
				return ts
			})
		}}
}

// NetworkScenario is one scenario of the network use cases.
type NetworkScenario struct {
	Name string
	Run  func(t *testing.T, e NetworkEnv)
}

// call runs fn in a unit of the env's tenant, committed when fn succeeds.
func call[T any](e NetworkEnv, fn func(s *network.Service, u core.UnitOfWork) (T, error)) (T, error) {
	var out T
	s := network.NewService(network.Config{Store: e.Store, Clock: e.Clock})
	err := core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) (err error) {
		out, err = fn(s, u)
		return err
	})
	return out, err
}

// made runs a use case that must succeed and returns what it made.
func made[T any](t *testing.T, e NetworkEnv, fn func(s *network.Service, u core.UnitOfWork) (T, error)) T {
	t.Helper()
	out, err := call(e, fn)
	must(t, err)
	return out
}

func (e NetworkEnv) region(t *testing.T, parent *uuid.UUID, level, code string) *core.Region {
	t.Helper()
	return made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Region, error) {
		return s.CreateRegion(context.Background(), u, core.NewRegion{ParentID: parent, Level: level, Code: code, Name: code})
	})
}

func newSite(region uuid.UUID, code string) core.NewSite {
	return core.NewSite{Code: code, Name: "服务站 " + code, Kind: core.SiteServiceStation, RegionID: region,
		Location: core.GeoPoint{Lat: 22.54, Lon: 113.93}, Area: core.ServiceArea{RadiusKm: 15}}
}

func (e NetworkEnv) site(t *testing.T, n core.NewSite) *core.Site {
	t.Helper()
	return made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) {
		return s.CreateSite(context.Background(), u, n)
	})
}

func newTechnician(site uuid.UUID, code, phone string) core.NewTechnician {
	return core.NewTechnician{Code: code, Name: "师傅 " + code, Phone: phone, SiteID: site}
}

func (e NetworkEnv) technician(t *testing.T, n core.NewTechnician) *core.Technician {
	t.Helper()
	return made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
		return s.CreateTechnician(context.Background(), u, n)
	})
}

// list runs a list use case and returns the codes it listed.
func list[T any](t *testing.T, e NetworkEnv, code func(T) string, find func(s *network.Service, u core.UnitOfWork) ([]T, string, error)) []string {
	t.Helper()
	return codesOf(made(t, e, func(s *network.Service, u core.UnitOfWork) ([]T, error) {
		items, _, err := find(s, u)
		return items, err
	}), code)
}

func codesOf[T any](items []T, code func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, code(it))
	}
	return out
}

func regionCode(r *core.Region) string         { return r.Code }
func siteCode(s *core.Site) string             { return s.Code }
func technicianCode(t *core.Technician) string { return t.Code }

func allowAll(context.Context, string, core.Target) error { return nil }

// wantReport checks an import's counts, and the rows and fields of its
// errors, in order.
func wantReport(t *testing.T, rep *core.ImportReport, created, updated int, rows []int, fields []string) {
	t.Helper()
	equal(t, "created", rep.Created, created)
	equal(t, "updated", rep.Updated, updated)
	equal(t, "failed", rep.Failed, len(rows))
	var gotRows []int
	var gotFields []string
	for _, f := range rep.Errors {
		gotRows, gotFields = append(gotRows, f.Row), append(gotFields, f.Field)
	}
	if !slices.Equal(gotRows, rows) {
		t.Fatalf("failed rows: got %v, want %v (%+v)", gotRows, rows, rep.Errors)
	}
	sameStrings(t, "fields", gotFields, fields)
}

func ptr[T any](v T) *T { return &v }

// NetworkScenarios are the network use cases' scenarios; core/network's
// tests run them on the fake, core/postgres's on PostgreSQL.
func NetworkScenarios() []NetworkScenario {
	ctx := context.Background()
	return append([]NetworkScenario{
		{"the region tree: each level below its parent, codes unique, only unreferenced leaves deleted", func(t *testing.T, e NetworkEnv) {
			cn := e.region(t, nil, core.LevelCountry, "CN")
			create := func(parent *uuid.UUID, level, code string) error {
				_, err := call(e, func(s *network.Service, u core.UnitOfWork) (*core.Region, error) {
					return s.CreateRegion(ctx, u, core.NewRegion{ParentID: parent, Level: level, Code: code, Name: code})
				})
				return err
			}
			wantCode(t, create(nil, core.LevelCity, "SZ"), core.EINVALID)             // a city needs a parent
			wantCode(t, create(ptr(uuid.New()), core.LevelCity, "SZ"), core.EINVALID) // no such parent
			wantCode(t, create(&cn.ID, core.LevelCountry, "US"), core.EINVALID)       // a country has no parent
			wantCode(t, create(&cn.ID, core.LevelProvince, "CN"), core.ECONFLICT)
			gd := e.region(t, &cn.ID, core.LevelProvince, "GD")
			wantCode(t, create(&gd.ID, core.LevelRegion, "SOUTH"), core.EINVALID) // above its parent's level
			equal(t, "version", gd.Version, 1)

			update := func(version int, code, name *string) (*core.Region, error) {
				return call(e, func(s *network.Service, u core.UnitOfWork) (*core.Region, error) {
					return s.UpdateRegion(ctx, u, gd.ID, core.RegionUpdate{Version: version, Code: code, Name: name})
				})
			}
			up, err := update(1, nil, ptr("广东省"))
			must(t, err)
			equal(t, "name", up.Name, "广东省")
			equal(t, "code kept", up.Code, "GD")
			equal(t, "version", up.Version, 2)
			_, err = update(1, nil, ptr("stale"))
			wantCode(t, err, core.ECONFLICT)
			_, err = update(2, ptr("CN"), nil)
			wantCode(t, err, core.ECONFLICT)
			_, err = update(2, ptr("bad code!"), nil)
			wantCode(t, err, core.EINVALID)

			del := func(id uuid.UUID, version int) error {
				_, err := call(e, func(s *network.Service, u core.UnitOfWork) (struct{}, error) {
					return struct{}{}, s.DeleteRegion(ctx, u, id, version)
				})
				return err
			}
			wantCode(t, del(cn.ID, 0), core.ECONFLICT) // it has a child
			wantCode(t, del(gd.ID, 1), core.ECONFLICT) // stale version
			sz := e.region(t, &gd.ID, core.LevelCity, "SZ")
			e.GrantRegion(sz.ID)
			wantCode(t, del(sz.ID, 0), core.ECONFLICT) // in someone's scope
			sh := e.region(t, &cn.ID, core.LevelCity, "SH")
			e.site(t, newSite(sh.ID, "S-1"))
			wantCode(t, del(sh.ID, 0), core.EINVALID) // its site refers to it
			zj := e.region(t, &cn.ID, core.LevelProvince, "ZJ")
			must(t, del(zj.ID, 1))
			_, err = call(e, func(s *network.Service, u core.UnitOfWork) (*core.Region, error) {
				return s.FindRegionByID(ctx, u, zj.ID)
			})
			wantCode(t, err, core.ENOTFOUND)
		}},
		{"a scoped caller lists the regions, sites and technicians of its subtrees and sites only", func(t *testing.T, e NetworkEnv) {
			cn := e.region(t, nil, core.LevelCountry, "CN")
			gd := e.region(t, &cn.ID, core.LevelProvince, "GD")
			sz := e.region(t, &gd.ID, core.LevelCity, "SZ")
			zj := e.region(t, &cn.ID, core.LevelProvince, "ZJ")
			a, b := e.site(t, newSite(sz.ID, "A")), e.site(t, newSite(zj.ID, "B"))
			e.technician(t, newTechnician(a.ID, "T-A", "13900000001"))
			e.technician(t, newTechnician(b.ID, "T-B", "13900000002"))

			regions := func(f core.RegionFilter, within core.Scope) []string {
				return list(t, e, regionCode, func(s *network.Service, u core.UnitOfWork) ([]*core.Region, string, error) {
					return s.FindRegions(ctx, u, f, within)
				})
			}
			sameStrings(t, "all regions", regions(core.RegionFilter{}, core.Scope{All: true}), []string{"CN", "GD", "SZ", "ZJ"})
			sameStrings(t, "GD's subtree", regions(core.RegionFilter{}, core.Scope{Regions: []uuid.UUID{gd.ID}}), []string{"GD", "SZ"})
			sameStrings(t, "no scope", regions(core.RegionFilter{}, core.Scope{}), []string{})
			sameStrings(t, "children", regions(core.RegionFilter{ParentID: &cn.ID}, core.Scope{All: true}), []string{"GD", "ZJ"})
			sameStrings(t, "cities", regions(core.RegionFilter{Level: core.LevelCity}, core.Scope{All: true}), []string{"SZ"})
			sameStrings(t, "a page", regions(core.RegionFilter{After: "CN", Limit: 2}, core.Scope{All: true}), []string{"GD", "SZ"})

			sites := func(f core.SiteFilter, within core.Scope) []string {
				return list(t, e, siteCode, func(s *network.Service, u core.UnitOfWork) ([]*core.Site, string, error) {
					return s.FindSites(ctx, u, f, within)
				})
			}
			sameStrings(t, "GD's sites", sites(core.SiteFilter{}, core.Scope{Regions: []uuid.UUID{gd.ID}}), []string{"A"})
			sameStrings(t, "a granted site", sites(core.SiteFilter{}, core.Scope{Sites: []uuid.UUID{b.ID}}), []string{"B"})
			sameStrings(t, "region filter", sites(core.SiteFilter{RegionID: &gd.ID}, core.Scope{All: true}), []string{"A"})
			sameStrings(t, "query", sites(core.SiteFilter{Query: "b"}, core.Scope{All: true}), []string{"B"})

			techs := func(f core.TechnicianFilter, within core.Scope) []string {
				return list(t, e, technicianCode, func(s *network.Service, u core.UnitOfWork) ([]*core.Technician, string, error) {
					return s.FindTechnicians(ctx, u, f, within)
				})
			}
			sameStrings(t, "GD's technicians", techs(core.TechnicianFilter{}, core.Scope{Regions: []uuid.UUID{gd.ID}}), []string{"T-A"})
			sameStrings(t, "a site's", techs(core.TechnicianFilter{SiteID: &b.ID}, core.Scope{All: true}), []string{"T-B"})
		}},
		{"a site takes its defaults, is checked, versioned, and leaves the dispatch network when suspended", func(t *testing.T, e NetworkEnv) {
			cn := e.region(t, nil, core.LevelCountry, "CN")
			create := func(n core.NewSite) error {
				_, err := call(e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) { return s.CreateSite(ctx, u, n) })
				return err
			}
			wantCode(t, create(newSite(uuid.New(), "S-1")), core.EINVALID) // no such region
			bad := newSite(cn.ID, "S-1")
			bad.Kind = "shop"
			wantCode(t, create(bad), core.EINVALID)
			n := newSite(cn.ID, "S-1")
			n.Tags = []string{" 24h", "flagship", "24h"}
			site := e.site(t, n)
			equal(t, "capacity", site.DailyCapacity, core.DefaultSiteCapacity)
			equal(t, "status", site.Status, core.SiteActive)
			equal(t, "reputation", site.Reputation, core.DefaultSiteReputation)
			equal(t, "auto assign", site.AutoAssign, true)
			equal(t, "version", site.Version, 1)
			sameStrings(t, "tags", site.Tags, []string{"24h", "flagship"})
			wantCode(t, create(newSite(cn.ID, "S-1")), core.ECONFLICT)

			update := func(up core.SiteUpdate) (*core.Site, error) {
				return call(e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) {
					return s.UpdateSite(ctx, u, site.ID, up)
				})
			}
			_, err := update(core.SiteUpdate{Version: 2, Name: ptr("stale")})
			wantCode(t, err, core.ECONFLICT)
			_, err = update(core.SiteUpdate{Version: 1, RegionID: ptr(uuid.New())})
			wantCode(t, err, core.EINVALID)
			_, err = update(core.SiteUpdate{Version: 1, DailyCapacity: ptr(-1)})
			wantCode(t, err, core.EINVALID)
			other := e.site(t, newSite(cn.ID, "S-2"))
			_, err = update(core.SiteUpdate{Version: 1, Code: &other.Code})
			wantCode(t, err, core.ECONFLICT)
			up, err := update(core.SiteUpdate{Version: 1, Name: ptr("南山站")})
			must(t, err)
			equal(t, "version", up.Version, 2)
			sameStrings(t, "tags kept", up.Tags, []string{"24h", "flagship"})

			e.technician(t, newTechnician(site.ID, "T-1", "13900000001"))
			e.technician(t, newTechnician(other.ID, "T-2", "13900000002"))
			_, err = call(e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) {
				return s.UpdateSite(ctx, u, other.ID, core.SiteUpdate{Status: ptr(core.SiteSuspended)})
			})
			must(t, err)
			var techs []*core.Technician
			sites, err := call(e, func(s *network.Service, u core.UnitOfWork) (sites []*core.Site, err error) {
				sites, techs, err = s.LoadNetwork(ctx, u)
				return sites, err
			})
			must(t, err)
			sameStrings(t, "network sites", codesOf(sites, siteCode), []string{"S-1"})
			sameStrings(t, "network technicians", codesOf(techs, technicianCode), []string{"T-1"})
		}},
		{"a technician links a user no other technician has, and keeps the latest location", func(t *testing.T, e NetworkEnv) {
			cn := e.region(t, nil, core.LevelCountry, "CN")
			site := e.site(t, newSite(cn.ID, "S-1"))
			wang := e.AddUser("wang")
			create := func(n core.NewTechnician) error {
				_, err := call(e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
					return s.CreateTechnician(ctx, u, n)
				})
				return err
			}
			wantCode(t, create(newTechnician(uuid.New(), "T-1", "13900000001")), core.EINVALID) // no such site
			n := newTechnician(site.ID, "T-1", "13900000001")
			n.UserID = ptr(uuid.New())
			wantCode(t, create(n), core.EINVALID) // no such user
			n.UserID = &wang
			tech := e.technician(t, n)
			equal(t, "status", tech.Status, core.TechAvailable)
			second := newTechnician(site.ID, "T-2", "13900000002")
			second.UserID = &wang
			wantCode(t, create(second), core.ECONFLICT)
			wantCode(t, create(newTechnician(site.ID, "T-1", "13900000003")), core.ECONFLICT)
			_, err := call(e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
				return s.UpdateTechnician(ctx, u, tech.ID, core.TechnicianUpdate{UserID: &wang, UnlinkUser: true})
			})
			wantCode(t, err, core.EINVALID)
			up, err := call(e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
				return s.UpdateTechnician(ctx, u, tech.ID, core.TechnicianUpdate{Version: 1, UnlinkUser: true})
			})
			must(t, err)
			equal(t, "unlinked", up.UserID == nil, true)
			equal(t, "version", up.Version, 2)

			report := func(lat float64, at time.Time) (*core.Technician, error) {
				return call(e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
					return s.UpdateTechnicianLocation(ctx, u, tech.ID, core.TechnicianLocation{
						Location: core.GeoPoint{Lat: lat, Lon: 113.9}, At: at})
				})
			}
			now := e.Clock.Now()
			got, err := report(22.5, now.Add(-time.Minute))
			must(t, err)
			equal(t, "latitude", got.Location.Lat, 22.5)
			got, err = report(22.6, now.Add(-time.Hour)) // late: ignored
			must(t, err)
			equal(t, "latitude kept", got.Location.Lat, 22.5)
			equal(t, "version kept", got.Version, 2)
			_, err = report(22.7, now.Add(time.Hour))
			wantCode(t, err, core.EINVALID)
			got, err = report(22.8, time.Time{}) // at now
			must(t, err)
			equal(t, "latitude", got.Location.Lat, 22.8)
			_, err = call(e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
				return s.UpdateTechnicianLocation(ctx, u, uuid.New(), core.TechnicianLocation{Location: core.GeoPoint{Lat: 1, Lon: 1}})
			})
			wantCode(t, err, core.ENOTFOUND)
		}},
		{"a site import creates and updates by code and fails each bad row alone", func(t *testing.T, e NetworkEnv) {
			cn := e.region(t, nil, core.LevelCountry, "CN")
			gd := e.region(t, &cn.ID, core.LevelProvince, "GD")
			n := newSite(cn.ID, "OLD")
			n.Tags = []string{"24h"}
			old := e.site(t, n)
			row := func(line int, region, code string) core.SiteImportRow {
				r := core.SiteImportRow{Row: line, RegionCode: region, Site: newSite(uuid.Nil, code)}
				r.Site.Tags = nil
				return r
			}
			rename := row(3, "CN", "OLD")
			rename.Site.Name = "改名"
			badKind := row(7, "CN", "BAD")
			badKind.Site.Kind = "shop"
			byID := row(8, "", "BY-ID")
			byID.Site.RegionID = gd.ID
			rows := []core.SiteImportRow{row(2, "CN", "NEW"), rename, row(4, "CN", "NEW"), row(5, "XX", "LOST"),
				row(6, "GD", "REFUSED"), badKind, byID, row(9, "", "NO-REGION")}
			refuseGD := func(_ context.Context, _ string, target core.Target) error {
				if target.RegionID != nil && *target.RegionID == gd.ID {
					return core.Errorf(core.EFORBIDDEN, "outside your scope")
				}
				return nil
			}
			rep := made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.ImportReport, error) {
				return s.ImportSites(ctx, u, rows, refuseGD)
			})
			equal(t, "total", rep.Total, 8)
			wantReport(t, rep, 1, 1, []int{4, 5, 6, 7, 8, 9},
				[]string{"code", "region_code", "region_code", "kind", "region_id", "region_id"})

			got, err := call(e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) { return s.FindSiteByID(ctx, u, old.ID) })
			must(t, err)
			equal(t, "renamed", got.Name, "改名")
			equal(t, "version", got.Version, 2)
			sameStrings(t, "tags kept", got.Tags, []string{"24h"})
		}},
		{"a technician import links each user to one technician", func(t *testing.T, e NetworkEnv) {
			cn := e.region(t, nil, core.LevelCountry, "CN")
			site := e.site(t, newSite(cn.ID, "S-1"))
			wang, li := e.AddUser("wang"), e.AddUser("li")
			linked := newTechnician(site.ID, "T-0", "13900000000")
			linked.UserID = &li
			e.technician(t, linked)
			row := func(line int, siteCode, username, code, phone string) core.TechnicianImportRow {
				return core.TechnicianImportRow{Row: line, SiteCode: siteCode, Username: username,
					Technician: newTechnician(uuid.Nil, code, phone)}
			}
			rows := []core.TechnicianImportRow{row(2, "S-1", "wang", "T-1", "13900000001"),
				row(3, "S-1", "wang", "T-2", "13900000002"), row(4, "S-1", "li", "T-3", "13900000003"),
				row(5, "S-9", "", "T-4", "13900000004"), row(6, "S-1", "zhao", "T-5", "13900000005"),
				row(7, "S-1", "li", "T-0", "13900000009")}
			rep := made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.ImportReport, error) {
				return s.ImportTechnicians(ctx, u, rows, allowAll)
			})
			wantReport(t, rep, 1, 1, []int{3, 4, 5, 6}, []string{"username", "username", "site_code", "username"})
			techs, err := call(e, func(s *network.Service, u core.UnitOfWork) ([]*core.Technician, error) {
				ts, _, err := s.FindTechnicians(ctx, u, core.TechnicianFilter{}, core.Scope{All: true})
				return ts, err
			})
			must(t, err)
			sameStrings(t, "technicians", codesOf(techs, technicianCode), []string{"T-0", "T-1"})
			equal(t, "T-1's user", *techs[1].UserID, wang)
			equal(t, "T-0's phone", techs[0].Phone, "13900000009")
		}},
		{"a site's misses: a cursor not from the list is refused, a site without misses has none", func(t *testing.T, e NetworkEnv) {
			cn := e.region(t, nil, core.LevelCountry, "CN")
			site := e.site(t, newSite(cn.ID, "S-1"))
			find := func(after string) ([]*core.SiteSLAMiss, *core.SiteSLAMissCounts, error) {
				var counts *core.SiteSLAMissCounts
				misses, err := call(e, func(s *network.Service, u core.UnitOfWork) (misses []*core.SiteSLAMiss, err error) {
					misses, _, counts, err = s.FindSiteSLAMisses(ctx, u, site.ID, after, 0)
					return misses, err
				})
				return misses, counts, err
			}
			for _, bad := range []string{"abc", "0", "-5"} {
				_, _, err := find(bad)
				wantCode(t, err, core.EINVALID)
			}
			misses, counts, err := find("")
			must(t, err)
			equal(t, "misses", len(misses), 0)
			equal(t, "totals", *counts, core.SiteSLAMissCounts{})
		}},
	}, networkAuditScenarios()...)
}

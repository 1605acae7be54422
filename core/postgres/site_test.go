package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// newTenantWithRegion creates a tenant with one country region.
func newTenantWithRegion(t *testing.T, s *postgres.Store) (uuid.UUID, uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	tenant := &core.Tenant{ID: uuid.New(), Slug: "acme", Name: "ACME", Locale: "zh-CN", TimeZone: "Asia/Shanghai"}
	pgtest.CreateTenant(t, s, tenant, uuid.New(), "x")
	var region *core.Region
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant.ID, func(u core.UnitOfWork) error {
		var err error
		region, err = networkOf(s).CreateRegion(ctx, u, core.NewRegion{Level: core.LevelCountry, Code: "CN", Name: "中国"})
		return err
	}))
	return tenant.ID, region.ID
}

// networkOf returns the network use cases over s.
func networkOf(s *postgres.Store) *network.Service {
	return network.NewService(network.Config{Store: s})
}

func allow(context.Context, string, core.Target) error { return nil }

// TestImportSitesDoesNotOverwriteAConcurrentChange: a site changed by
// another transaction between the import's read and its write is not
// overwritten; its row fails and asks to be imported again.
func TestImportSitesDoesNotOverwriteAConcurrentChange(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	net := networkOf(s)
	tenant, region := newTenantWithRegion(t, s)
	ctx := context.Background()
	row := func(code, name string) core.SiteImportRow {
		return core.SiteImportRow{Row: 2, Site: core.NewSite{Code: code, Name: name, Kind: core.SiteDealer, RegionID: region,
			Location: core.GeoPoint{Lat: 22.5, Lon: 113.9}, Area: core.ServiceArea{RadiusKm: 10}}}
	}
	var site *core.Site
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		var err error
		site, err = net.CreateSite(ctx, u, row("S-1", "first").Site)
		return err
	}))

	// The guard runs after the import read S-1 and before it writes: the
	// change it commits meanwhile wins.
	sneaky := func(ctx context.Context, action string, target core.Target) error {
		require.Equal(t, core.ActUpdate, action)
		return core.InUnitOfWork(context.Background(), s, tenant, func(u core.UnitOfWork) error {
			name := "changed meanwhile"
			_, err := net.UpdateSite(ctx, u, site.ID, core.SiteUpdate{Name: &name})
			return err
		})
	}
	var rep *core.ImportReport
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		var err error
		rep, err = net.ImportSites(ctx, u, []core.SiteImportRow{row("S-1", "from the file")}, func(ctx context.Context, a string, tg core.Target) error {
			return sneaky(ctx, a, tg)
		})
		return err
	}))
	require.Equal(t, 0, rep.Updated)
	require.Equal(t, 1, rep.Failed)
	require.Contains(t, rep.Errors[0].Message, "import this row again")

	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		got, err := net.FindSiteByID(ctx, u, site.ID)
		require.NoError(t, err)
		require.Equal(t, "changed meanwhile", got.Name)
		require.Equal(t, 2, got.Version)
		// Imported again, it applies.
		rep, err = net.ImportSites(ctx, u, []core.SiteImportRow{row("S-1", "from the file")}, allow)
		require.NoError(t, err)
		require.Equal(t, 1, rep.Updated)
		return nil
	}))
}

// TestSiteRoundTrip: polygons, working hours and lists come back as
// written, through the single and the bulk paths alike.
func TestSiteRoundTrip(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	net := networkOf(s)
	tenant, region := newTenantWithRegion(t, s)
	ctx := context.Background()
	capacity, rep := 0, 99.5
	n := core.NewSite{Code: "P-1", Name: "多边形", Kind: core.SiteRepairCenter, RegionID: region,
		Location:     core.GeoPoint{Lat: 22.123456789, Lon: 113.987654321},
		Area:         core.ServiceArea{Polygon: []core.GeoPoint{{Lat: 22, Lon: 113}, {Lat: 22, Lon: 114.5}, {Lat: 23.25, Lon: 114}}},
		ProductLines: []string{"AC"}, Skills: []string{"install", "repair"}, DailyCapacity: &capacity, Reputation: &rep,
		WorkingHours: core.WorkingHours{"mon": {"08:30-12:00", "13:30-18:00"}, "sun": {}}}
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		created, err := net.CreateSite(ctx, u, n)
		require.NoError(t, err)
		bulk := n
		bulk.Code = "P-2"
		report, err := net.ImportSites(ctx, u, []core.SiteImportRow{{Row: 2, Site: bulk}}, allow)
		require.NoError(t, err)
		require.Equal(t, 1, report.Created, "%+v", report.Errors)
		sites, _, err := net.FindSites(ctx, u, core.SiteFilter{}, core.Scope{All: true})
		require.NoError(t, err)
		require.Len(t, sites, 2)
		for _, got := range sites {
			require.Equal(t, n.Location, got.Location)
			require.Equal(t, n.Area, got.Area)
			require.Equal(t, n.WorkingHours, got.WorkingHours)
			require.Equal(t, n.Skills, got.Skills)
			require.Equal(t, 0, got.DailyCapacity)
			require.Equal(t, 99.5, got.Reputation)
			require.Equal(t, 1, got.Version)
		}
		require.Equal(t, created.CreatedAt, sites[0].CreatedAt)
		return nil
	}))
}

// TestSiteTagsRoundTrip: tags are stored normalised and come back from
// every read (by ID, lists, the dispatch network), through create, update
// and the bulk import alike; an update or import row that leaves them out
// keeps them.
func TestSiteTagsRoundTrip(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	net := networkOf(s)
	tenant, region := newTenantWithRegion(t, s)
	ctx := context.Background()
	n := core.NewSite{Code: "T-1", Name: "旗舰店", Kind: core.SiteServiceStation, RegionID: region,
		Location: core.GeoPoint{Lat: 22.5, Lon: 113.9}, Area: core.ServiceArea{RadiusKm: 10},
		Tags: []string{" flagship", "24h", "flagship "}}
	want := []string{"24h", "flagship"}
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		created, err := net.CreateSite(ctx, u, n)
		require.NoError(t, err)
		require.Equal(t, want, created.Tags)
		got, err := net.FindSiteByID(ctx, u, created.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.Tags)

		name := "改名"
		up, err := net.UpdateSite(ctx, u, created.ID, core.SiteUpdate{Version: 1, Name: &name})
		require.NoError(t, err)
		require.Equal(t, want, up.Tags, "kept when not given")
		up, err = net.UpdateSite(ctx, u, created.ID, core.SiteUpdate{Version: 2, Tags: &[]string{"night", "24h"}})
		require.NoError(t, err)
		require.Equal(t, []string{"24h", "night"}, up.Tags)
		_, err = net.UpdateSite(ctx, u, created.ID, core.SiteUpdate{Tags: &[]string{""}})
		require.Equal(t, core.EINVALID, core.ErrorCode(err))

		bulk := n
		bulk.Code, bulk.Tags = "T-2", []string{"rural"}
		untagged := n
		untagged.Code, untagged.Tags = "T-3", nil
		again := n
		again.Tags = nil // T-1 again: keeps its tags
		report, err := net.ImportSites(ctx, u, []core.SiteImportRow{{Row: 2, Site: bulk}, {Row: 3, Site: untagged},
			{Row: 4, Site: again}}, allow)
		require.NoError(t, err)
		require.Equal(t, 2, report.Created, "%+v", report.Errors)
		require.Equal(t, 1, report.Updated, "%+v", report.Errors)
		report, err = net.ImportSites(ctx, u, []core.SiteImportRow{{Row: 2, Site: core.NewSite{Code: "T-4", Name: "x",
			Kind: core.SiteDealer, RegionID: region, Location: n.Location, Area: n.Area, Tags: []string{"a\tb"}}}}, allow)
		require.NoError(t, err)
		require.Equal(t, []core.ImportError{{Row: 2, Field: "tags[0]", Message: "must not contain control characters"}},
			report.Errors)

		byCode := map[string][]string{"T-1": {"24h", "night"}, "T-2": {"rural"}, "T-3": {}}
		list, _, err := net.FindSites(ctx, u, core.SiteFilter{}, core.Scope{All: true})
		require.NoError(t, err)
		require.Len(t, list, 3)
		for _, got := range list {
			require.Equal(t, byCode[got.Code], got.Tags, got.Code)
		}
		network, _, err := net.LoadNetwork(ctx, u)
		require.NoError(t, err)
		require.Len(t, network, 3)
		for _, got := range network {
			require.Equal(t, byCode[got.Code], got.Tags, got.Code)
		}
		return nil
	}))
}

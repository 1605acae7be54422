package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestTechnicianTagsRoundTrip: tags are stored normalised and come back
// from every read and write (by ID, lists, location reports, the dispatch
// network), through create, update and the bulk import alike; an update
// or import row that leaves them out keeps them.
func TestTechnicianTagsRoundTrip(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	net := networkOf(s)
	tenant, region := newTenantWithRegion(t, s)
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		site, err := net.CreateSite(ctx, u, core.NewSite{Code: "S-1", Name: "站", Kind: core.SiteServiceStation, RegionID: region,
			Location: core.GeoPoint{Lat: 22.5, Lon: 113.9}, Area: core.ServiceArea{RadiusKm: 10}})
		require.NoError(t, err)
		require.Equal(t, []string{}, site.Tags)
		n := core.NewTechnician{Code: "T-1", Name: "王师傅", Phone: "+8613800138000", SiteID: site.ID,
			Tags: []string{"senior ", "gas-certified", "senior"}}
		want := []string{"gas-certified", "senior"}
		created, err := net.CreateTechnician(ctx, u, n)
		require.NoError(t, err)
		require.Equal(t, want, created.Tags)
		got, err := net.FindTechnicianByID(ctx, u, created.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.Tags)

		busy := core.TechBusy
		up, err := net.UpdateTechnician(ctx, u, created.ID, core.TechnicianUpdate{Version: 1, Status: &busy})
		require.NoError(t, err)
		require.Equal(t, want, up.Tags, "kept when not given")
		up, err = net.UpdateTechnician(ctx, u, created.ID, core.TechnicianUpdate{Version: 2, Tags: &[]string{"senior", "ladder"}})
		require.NoError(t, err)
		require.Equal(t, []string{"ladder", "senior"}, up.Tags)
		_, err = net.UpdateTechnician(ctx, u, created.ID, core.TechnicianUpdate{Tags: &[]string{" "}})
		require.Equal(t, core.EINVALID, core.ErrorCode(err))
		moved, err := net.UpdateTechnicianLocation(ctx, u, created.ID, core.TechnicianLocation{
			Location: core.GeoPoint{Lat: 22.51, Lon: 113.91}, At: time.Now()})
		require.NoError(t, err)
		require.Equal(t, []string{"ladder", "senior"}, moved.Tags)

		bulk := n
		bulk.Code, bulk.Phone, bulk.Tags = "T-2", "13900139000", []string{"apprentice"}
		untagged := n
		untagged.Code, untagged.Phone, untagged.Tags = "T-3", "13900139001", nil
		again := n
		again.Tags = nil // T-1 again: keeps its tags
		report, err := net.ImportTechnicians(ctx, u, []core.TechnicianImportRow{{Row: 2, Technician: bulk},
			{Row: 3, Technician: untagged}, {Row: 4, Technician: again}}, allow)
		require.NoError(t, err)
		require.Equal(t, 2, report.Created, "%+v", report.Errors)
		require.Equal(t, 1, report.Updated, "%+v", report.Errors)

		byCode := map[string][]string{"T-1": {"ladder", "senior"}, "T-2": {"apprentice"}, "T-3": {}}
		list, _, err := net.FindTechnicians(ctx, u, core.TechnicianFilter{}, core.Scope{All: true})
		require.NoError(t, err)
		require.Len(t, list, 3)
		for _, got := range list {
			require.Equal(t, byCode[got.Code], got.Tags, got.Code)
		}
		_, network, err := net.LoadNetwork(ctx, u)
		require.NoError(t, err)
		require.Len(t, network, 3)
		for _, got := range network {
			require.Equal(t, byCode[got.Code], got.Tags, got.Code)
		}
		return nil
	}))
}

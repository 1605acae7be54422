package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestDispatchFactsCarryTags: the facts a dispatch-rules plugin gets hold
// the tags of the candidate sites and of their technicians (empty, not
// nil, when none), and nothing of another tenant even when asked for its
// site.
func TestDispatchFactsCarryTags(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	net := networkOf(s)
	ps := newPlugins(t, s, newKey(t))
	acme := pgtest.NewNetwork(t, s, "acme", "")
	other := pgtest.NewNetwork(t, s, "other", "")
	ctx := context.Background()
	tag := func(n *pgtest.Network, site, tech []string) {
		capacity := core.MaxSiteCapacity // the network's own is beyond what a client may set
		require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			if _, err := net.UpdateSite(ctx, u, n.Site, core.SiteUpdate{Tags: &site, DailyCapacity: &capacity}); err != nil {
				return err
			}
			_, err := net.UpdateTechnician(ctx, u, n.Technician, core.TechnicianUpdate{Tags: &tech})
			return err
		}))
	}
	tag(acme, []string{"flagship", "24h"}, []string{"senior", "gas-certified"})
	tag(other, []string{"secret"}, []string{"secret"})

	var plain, plainTech uuid.UUID
	require.NoError(t, core.InUnitOfWork(ctx, s, acme.Tenant, func(u core.UnitOfWork) error {
		site, err := net.CreateSite(ctx, u, core.NewSite{Code: "S-2", Name: "无标签", Kind: core.SiteDealer, RegionID: acme.Region,
			Location: core.GeoPoint{Lat: acme.Lat, Lon: acme.Lon}, Area: core.ServiceArea{RadiusKm: 10}})
		if err != nil {
			return err
		}
		tech, err := net.CreateTechnician(ctx, u, core.NewTechnician{Code: "T-2", Name: "李师傅", Phone: "13900139000", SiteID: site.ID})
		plain, plainTech = site.ID, tech.ID
		return err
	}))

	var f *core.DispatchFacts
	require.NoError(t, core.InUnitOfWork(ctx, s, acme.Tenant, func(u core.UnitOfWork) error {
		var err error
		f, err = ps.DispatchFacts(ctx, u, uuid.New(), []uuid.UUID{acme.Site, plain, other.Site})
		return err
	}))
	require.Len(t, f.Sites, 2, "the other tenant's site is not seen")
	require.Equal(t, []string{"24h", "flagship"}, f.Sites[acme.Site].Tags)
	require.Equal(t, []string{}, f.Sites[plain].Tags)
	require.Len(t, f.Technicians, 2)
	require.Equal(t, []string{"gas-certified", "senior"}, f.Technicians[acme.Technician].Tags)
	require.Equal(t, []string{}, f.Technicians[plainTech].Tags)
	require.Equal(t, "张伟", f.Technicians[acme.Technician].Name)
}

package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
)

// TestDecisionMigrationRewritesTheOldShape: decisions stored before
// migration 00016, in the engine's Go field names as the old code wrote
// them (json.Marshal of a dispatch.Decision), read after it in the API's
// shape: snake_case, sites and technicians named, the engine's suggestion
// and the outcome, an old override recognised with its reason and author.
// The migration also rolls back and forth.
func TestDecisionMigrationRewritesTheOldShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(t)
	clock := &coretest.Clock{}
	s := postgres.NewStore(pool, clock, slog.New(slog.DiscardHandler))
	n := pgtest.NewNetwork(t, s, "acme", "")
	svc := workorder.NewService(workorder.Config{Store: s, Units: s, Clock: clock})
	net := coretest.Net{Tenant: n.Tenant, Site: n.Site, Technician: n.Technician, Customer: n.Customer, Unit: n.Unit, Lat: n.Lat, Lon: n.Lon}
	dispatcher := uuid.New()
	pgtest.TenantExec(t, pool, n.Tenant, `INSERT INTO users (tenant_id, id, username, display_name, password_hash)
		VALUES ($1, $2, 'li', '李调度', 'x')`, n.Tenant, dispatcher)
	do := func(fn func(u core.UnitOfWork) error) { require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, fn)) }
	var engineOrder, overridden *core.WorkOrder
	do(func(u core.UnitOfWork) (err error) {
		engineOrder, err = svc.Intake(ctx, u, net.NewOrder(), "agent")
		return err
	})
	do(func(u core.UnitOfWork) (err error) {
		if overridden, err = svc.Intake(ctx, u, net.NewOrder(), "agent"); err != nil {
			return err
		}
		if _, err = svc.Act(ctx, u, overridden.ID, core.ActionInput{Action: core.ActionReject, Reason: "no parts"}, "agent"); err != nil {
			return err
		}
		site := n.Site
		_, err = svc.Act(ctx, u, overridden.ID, core.ActionInput{Action: core.ActionDispatch, SiteID: &site,
			Reason: "called the site: they have parts"}, core.UserSubject(dispatcher))
		return err
	})

	p := migratedDownTo(t, dbURL, 15)
	stored := func(id uuid.UUID) (d map[string]any) {
		var raw []byte
		pgtest.InTenant(t, pool, n.Tenant, func(ctx context.Context, tx pgx.Tx) {
			require.NoError(t, tx.QueryRow(ctx, `SELECT decision FROM work_orders WHERE id = $1`, id).Scan(&raw))
		})
		require.NoError(t, json.Unmarshal(raw, &d))
		return d
	}
	require.Contains(t, stored(engineOrder.ID), "Chosen", "rolled back to the old shape")

	// The rows exactly as the old code wrote them.
	site, tech := n.Site, n.Technician
	old := func(d dispatch.Decision) []byte {
		raw, err := json.Marshal(d)
		require.NoError(t, err)
		return raw
	}
	ranking := []dispatch.Candidate{{SiteID: site, Kind: dispatch.KindServiceStation, Eligible: true, DistanceKm: 1.2, Score: 0.8,
		Components: dispatch.Components{Distance: 0.9, Load: 1, Reputation: 0.8, SLARisk: 0.5}, Reasons: []string{"1.2 km away"}}}
	techs := dispatch.TechDecision{SiteID: site, Chosen: &tech, Ranking: []dispatch.TechCandidate{{TechnicianID: tech, Eligible: true,
		Status: dispatch.TechAvailable, LocationFrom: "last location", Score: 0.9, Reasons: []string{"nearest"}}}}
	pgtest.TenantExec(t, pool, n.Tenant, `UPDATE work_orders SET decision = $2 WHERE id = $1`, engineOrder.ID,
		old(dispatch.Decision{Chosen: &site, Ranking: ranking, Summary: "1 sites near the address examined, 1 cover it, 1 eligible",
			Technician: techs, Engine: dispatch.EngineVersion}))
	var noSite *uuid.UUID
	pgtest.TenantExec(t, pool, n.Tenant, `UPDATE work_orders SET decision = $2 WHERE id = $1`, overridden.ID,
		old(dispatch.Decision{Ranking: []dispatch.Candidate{{SiteID: site, Kind: dispatch.KindServiceStation,
			Reasons: []string{"excluded: rejected or lost the order"}}}, NoCandidateReason: "no eligible site",
			Summary: fmt.Sprintf("dispatcher override to site %s: %s (engine suggested %v)", site, "called the site: they have parts", noSite),
			Engine:  dispatch.EngineVersion}))
	require.Contains(t, stored(overridden.ID), "Summary")

	_, err := p.Up(ctx)
	require.NoError(t, err)
	find := func(id uuid.UUID) (w *core.WorkOrder) {
		do(func(u core.UnitOfWork) (err error) {
			w, err = svc.FindWorkOrderByID(ctx, u, id)
			return err
		})
		require.NotNil(t, w.Decision)
		return w
	}
	d := find(engineOrder.ID).Decision
	require.NotContains(t, stored(engineOrder.ID), "Chosen")
	require.Equal(t, dispatch.EngineVersion, d.Engine)
	require.Equal(t, site, *d.Suggestion.SiteID)
	require.Equal(t, coretest.NetSiteName, d.Suggestion.SiteName)
	require.Equal(t, coretest.NetTechnicianName, d.Suggestion.TechnicianName)
	require.Equal(t, []string{"1.2 km away"}, d.Ranking[0].Reasons)
	require.Equal(t, coretest.NetSiteName, d.Ranking[0].SiteName)
	require.Equal(t, 0.5, d.Ranking[0].Components.SLARisk)
	require.Equal(t, coretest.NetTechnicianName, d.Technicians.Ranking[0].TechnicianName)
	require.Equal(t, core.OutcomeEngine, d.Outcome.Kind)
	require.Equal(t, site, *d.Outcome.SiteID)
	require.Equal(t, tech, *d.Outcome.TechnicianID, "the order's technician")
	require.Nil(t, d.Outcome.By)
	require.False(t, d.DecidedAt.IsZero())

	d = find(overridden.ID).Decision
	require.Nil(t, d.Suggestion.SiteID, "the engine suggested nothing")
	require.Equal(t, "no eligible site", d.Suggestion.NoSiteReason)
	require.Equal(t, []string{"excluded: rejected or lost the order"}, d.Ranking[0].Reasons)
	require.Empty(t, d.Technicians.Ranking)
	o := d.Outcome
	require.Equal(t, core.OutcomeOverride, o.Kind)
	require.Equal(t, site, *o.SiteID)
	require.Equal(t, coretest.NetSiteName, o.SiteName)
	require.Equal(t, "called the site: they have parts", o.Reason)
	require.Equal(t, core.UserSubject(dispatcher), o.By.Actor)
	require.Equal(t, dispatcher, *o.By.UserID)
	require.Equal(t, "李调度", o.By.Name)

	// New rows are left alone: down and up again gives the same decision.
	_, err = p.DownTo(ctx, 15)
	require.NoError(t, err)
	_, err = p.Up(ctx)
	require.NoError(t, err)
	require.Equal(t, core.OutcomeOverride, find(overridden.ID).Decision.Outcome.Kind)
}

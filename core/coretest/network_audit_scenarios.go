package coretest

import (
	"context"
	"testing"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
	"github.com/aftersales/aftersales/core/network"
)

// networkAuditScenarios check that admins' changes of the network reach
// the audit log with the actor and the resource before and after, and
// that a refused change records nothing.
func networkAuditScenarios() []NetworkScenario {
	ctx := core.WithActor(context.Background(), auditActor)
	events := func(t *testing.T, e NetworkEnv, resource string) []*audit.Event {
		t.Helper()
		return made(t, e, func(_ *network.Service, u core.UnitOfWork) ([]*audit.Event, error) {
			out, _, err := audit.NewService(e.Store).FindEvents(ctx, u, audit.Filter{ResourceType: resource})
			return out, err
		})
	}
	return []NetworkScenario{
		{"changes of regions, sites and technicians are audited with before and after", func(t *testing.T, e NetworkEnv) {
			cn := made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Region, error) {
				return s.CreateRegion(ctx, u, core.NewRegion{Level: core.LevelCountry, Code: "CN", Name: "中国"})
			})
			leaf := made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Region, error) {
				return s.CreateRegion(ctx, u, core.NewRegion{ParentID: &cn.ID, Level: core.LevelProvince, Code: "GD", Name: "广东"})
			})
			site := made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) {
				return s.CreateSite(ctx, u, newSite(cn.ID, "S-1"))
			})
			_, err := call(e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) {
				return s.UpdateSite(ctx, u, site.ID, core.SiteUpdate{Version: 9, Name: ptr("stale")})
			})
			wantCode(t, err, core.ECONFLICT)
			made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Site, error) {
				return s.UpdateSite(ctx, u, site.ID, core.SiteUpdate{Version: 1, Name: ptr("南山站")})
			})
			tech := made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
				return s.CreateTechnician(ctx, u, newTechnician(site.ID, "T-1", "13900000001"))
			})
			made(t, e, func(s *network.Service, u core.UnitOfWork) (*core.Technician, error) {
				return s.UpdateTechnician(ctx, u, tech.ID, core.TechnicianUpdate{Name: ptr("王师傅")})
			})
			made(t, e, func(s *network.Service, u core.UnitOfWork) (struct{}, error) {
				return struct{}{}, s.DeleteRegion(ctx, u, leaf.ID, 0)
			})

			sites := events(t, e, audit.ResSite)
			equal(t, "site events", len(sites), 2)
			up := sites[0]
			equal(t, "action", up.Action, audit.ActUpdate)
			equal(t, "resource", up.ResourceID, site.ID.String())
			equal(t, "actor", up.ActorName, auditActor.Name)
			equal(t, "name before", up.Before["name"], any(site.Name))
			equal(t, "name after", up.After["name"], any("南山站"))
			equal(t, "created", sites[1].Action, audit.ActCreate)
			equal(t, "nothing before a create", sites[1].Before == nil, true)

			techs := events(t, e, audit.ResTechnician)
			equal(t, "technician events", len(techs), 2)
			equal(t, "technician name after", techs[0].After["name"], any("王师傅"))

			regions := events(t, e, audit.ResRegion)
			equal(t, "region events", len(regions), 3)
			equal(t, "deleted", regions[0].Action, audit.ActDelete)
			equal(t, "deleted region", regions[0].Before["code"], any("GD"))
			equal(t, "nothing after a delete", regions[0].After == nil, true)
		}},
	}
}

package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

type PlanningSettingsOutput struct{ Body parts.PlanningSettings }

type PutPlanningSettingsInput struct{ Body parts.PlanningSettings }

type ListABCInput struct {
	Class string `query:"class" enum:"A,B,C,"`
}

type ListABCOutput struct {
	Body struct {
		Items []parts.PartClass `json:"items" nullable:"false"`
	}
}

type RecomputeABCOutput struct {
	Body struct {
		Parts int `json:"parts" doc:"How many parts were classified."`
	}
}

type WarehouseQueryInput struct {
	WarehouseID string `query:"warehouse_id" format:"uuid"`
}

type DueCountsOutput struct {
	Body struct {
		Items []parts.DueCount `json:"items" nullable:"false"`
	}
}

type PlanInput struct {
	WarehouseID string `query:"warehouse_id" format:"uuid"`
	Month       string `query:"month" doc:"YYYY-MM; empty: the current month." example:"2026-12"`
}

type PlanOutput struct{ Body *parts.MonthlyPlan }

type CreateCampaignInput struct {
	Body struct {
		Name        string               `json:"name" minLength:"1" maxLength:"200"`
		WarehouseID uuid.UUID            `json:"warehouse_id"`
		StartsOn    string               `json:"starts_on" format:"date"`
		EndsOn      string               `json:"ends_on" format:"date"`
		Lines       []parts.CampaignLine `json:"lines" minItems:"1" maxItems:"200"`
	}
}

type CampaignOutput struct{ Body *parts.Campaign }

type ListCampaignsOutput struct {
	Body struct {
		Items []*parts.Campaign `json:"items" nullable:"false"`
	}
}

func registerPlanningRoutes(api huma.API, s *Server, svc *parts.PlanningService, stock *parts.Service) {
	tags := []string{"Stock planning"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	register(api, huma.Operation{OperationID: "get-stock-planning-settings", Method: http.MethodGet, Path: "/v1/stock/planning/settings",
		Summary: "ABC, stocktake cadence and planning settings", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*PlanningSettingsOutput, error) {
			set, err := svc.Settings(ctx, unitOfWork(ctx))
			return &PlanningSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "put-stock-planning-settings", Method: http.MethodPut, Path: "/v1/stock/planning/settings",
		Summary: "Replace the planning settings", Tags: tags,
		Description: "Pareto shares (A, B; C the rest), count cadence per class in days, lead time, safety days and history days."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *PutPlanningSettingsInput) (*PlanningSettingsOutput, error) {
			set, err := svc.SaveSettings(ctx, unitOfWork(ctx), in.Body)
			return &PlanningSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "list-part-abc-classes", Method: http.MethodGet, Path: "/v1/stock/abc",
		Summary: "Parts' ABC classes", Tags: tags,
		Description: "As the daily job last computed them from a year's consumption value (quantity consumed × cost), highest first."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListABCInput) (*ListABCOutput, error) {
			items, err := svc.Classes(ctx, unitOfWork(ctx), in.Class)
			out := &ListABCOutput{}
			out.Body.Items = items
			if items == nil {
				out.Body.Items = []parts.PartClass{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "recompute-part-abc-classes", Method: http.MethodPost, Path: "/v1/stock/abc/recompute",
		Summary: "Recompute the ABC classes now", Tags: tags, Description: "What the daily job does, for this tenant."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, _ *struct{}) (*RecomputeABCOutput, error) {
			n, err := svc.RecomputeTenant(ctx, unitOfWork(ctx))
			out := &RecomputeABCOutput{}
			out.Body.Parts = n
			return out, err
		})
	register(api, huma.Operation{OperationID: "list-stocktakes-due", Method: http.MethodGet, Path: "/v1/stock/due-counts",
		Summary: "Parts due for a count", Tags: tags,
		Description: "Stock rows of the warehouses the caller sees whose last posted count is older than their class's cadence (or never counted)."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *WarehouseQueryInput) (*DueCountsOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			w, err := queryID("warehouse_id", in.WarehouseID)
			if err != nil {
				return nil, err
			}
			items, err := svc.DueCounts(ctx, unitOfWork(ctx), reach, w)
			out := &DueCountsOutput{}
			out.Body.Items = items
			if items == nil {
				out.Body.Items = []parts.DueCount{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "get-stock-plan", Method: http.MethodGet, Path: "/v1/stock/plan",
		Summary: "Suggested monthly replenishment plan", Tags: tags,
		Description: "Parts below their reorder point (average daily consumption × lead time + safety stock) with the " +
			"quantity to bring them to the reorder point plus a month's demand, plus the campaign plans overlapping the month."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *PlanInput) (*PlanOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			w, err := queryID("warehouse_id", in.WarehouseID)
			if err != nil {
				return nil, err
			}
			p, err := svc.Plan(ctx, unitOfWork(ctx), reach, w, in.Month)
			return &PlanOutput{Body: p}, err
		})
	register(api, huma.Operation{OperationID: "create-stock-campaign-plan", Method: http.MethodPost, Path: "/v1/stock/campaigns",
		Summary: "Add a temporary (campaign) plan", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Parts and quantities a warehouse needs over a period; added to the plans of the months it overlaps."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *CreateCampaignInput) (*CampaignOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			b := in.Body
			c, err := svc.AddCampaign(ctx, unitOfWork(ctx), parts.CampaignInput{Name: b.Name, WarehouseID: b.WarehouseID,
				StartsOn: b.StartsOn, EndsOn: b.EndsOn, Lines: b.Lines}, reach, stock, actorOf(ctx))
			return &CampaignOutput{Body: c}, err
		})
	register(api, huma.Operation{OperationID: "list-stock-campaign-plans", Method: http.MethodGet, Path: "/v1/stock/campaigns",
		Summary: "List campaign plans", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ListCampaignsOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			items, err := svc.Campaigns(ctx, unitOfWork(ctx), reach)
			out := &ListCampaignsOutput{}
			out.Body.Items = items
			if items == nil {
				out.Body.Items = []*parts.Campaign{}
			}
			return out, err
		})
}

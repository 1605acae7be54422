package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

type ReputationRankingInput struct {
	RegionID string `query:"region_id" format:"uuid" doc:"Only the sites in this region's subtree."`
	Limit    int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

type ReputationRankingOutput struct {
	Body struct {
		Items []report.SiteReputation `json:"items" nullable:"false"`
	}
}

type SiteReputationInput struct {
	ID uuid.UUID `path:"id"`
}

type SiteReputationOutput struct{ Body *report.SiteReputation }

type SiteReputationAdjustInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Adjustment float64 `json:"adjustment" doc:"Points (−100 to 100) added to the computed score; 0: none."`
		Note       string  `json:"note,omitempty" maxLength:"500" doc:"Why, for the record."`
	}
}

type ReportSettingsInput struct {
	Body report.Settings
}

type ReportSettingsOutput struct{ Body report.Settings }

func registerReputationRoutes(api huma.API, s *Server, d ReportServices) {
	svc := d.Reputation
	tags := []string{"Reports"}
	read := access{Who: accessTenant, Perm: core.Permission{Resource: core.ResReports, Action: core.ActRead}}
	register(api, huma.Operation{OperationID: "list-site-reputations", Method: http.MethodGet, Path: "/v1/reports/reputation",
		Summary: "Sites ranked by reputation", Tags: tags, Errors: []int{http.StatusForbidden},
		Description: "The sites within the caller's scope (or region_id's subtree), best effective reputation first, " +
			"each with its computed score, its components, the manual adjustment and what dispatch uses (`effective`). " +
			"The formula is in docs/reports.md; the reputation job recomputes the scores every " +
			"few minutes from the report aggregates."},
		read, func(ctx context.Context, in *ReputationRankingInput) (*ReputationRankingOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			reach := report.ReachOf(v)
			if in.RegionID != "" {
				id, err := uuid.Parse(in.RegionID)
				if err != nil {
					return nil, core.FieldError("region_id", "is not a UUID")
				}
				if err := d.Service.CheckScope(ctx, unitOfWork(ctx), reach, report.Filter{Region: &id}); err != nil {
					return nil, err
				}
				reach = report.Reach{Regions: []uuid.UUID{id}}
			}
			out := &ReputationRankingOutput{}
			out.Body.Items, err = svc.Reputations(ctx, unitOfWork(ctx), reach, nil, in.Limit)
			return out, err
		})
	register(api, huma.Operation{OperationID: "get-site-reputation", Method: http.MethodGet, Path: "/v1/sites/{id}/reputation",
		Summary: "A site's reputation with its components", Tags: tags, Errors: []int{http.StatusNotFound}},
		read, func(ctx context.Context, in *SiteReputationInput) (*SiteReputationOutput, error) {
			return siteReputation(ctx, s, svc, in.ID)
		})
	register(api, huma.Operation{OperationID: "adjust-site-reputation", Method: http.MethodPut, Path: "/v1/sites/{id}/reputation/adjustment",
		Summary: "Set a site's manual reputation adjustment", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "The optional manual adjustment: points added to the computed score (or to the typed reputation " +
			"while the site has no score), the sum clamped to 0–100, is what dispatch ranks by."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResSites, Action: core.ActUpdate}},
		func(ctx context.Context, in *SiteReputationAdjustInput) (*SiteReputationOutput, error) {
			if _, err := siteReputation(ctx, s, svc, in.ID); err != nil {
				return nil, err
			}
			r, err := svc.Adjust(ctx, unitOfWork(ctx), in.ID, in.Body.Adjustment, in.Body.Note)
			return &SiteReputationOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "get-report-settings", Method: http.MethodGet, Path: "/v1/settings/reports",
		Summary: "The tenant's report settings: response target, service-level threshold, period limit and reputation formula", Tags: []string{"Settings"}},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActRead}},
		func(ctx context.Context, _ *struct{}) (*ReportSettingsOutput, error) {
			set, err := svc.Settings(ctx, unitOfWork(ctx))
			return &ReportSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "put-report-settings", Method: http.MethodPut, Path: "/v1/settings/reports",
		Summary: "Set the tenant's response target, service-level threshold, period limit and reputation weights", Tags: []string{"Settings"},
		Description: "Every field is required but service_level_seconds and max_period_days (left out: unchanged). A weight " +
			"outside 0–100, all weights 0, a window outside 7–366 days, a service-level threshold outside 1–600 seconds, a " +
			"period limit outside 31–1830 days: 422 naming the field, nothing changed. A changed response target marks every " +
			"day of the aggregates for recomputation, a changed service-level threshold the days of the tenant's calls; the " +
			"scores follow at the reputation job's next run."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}},
		func(ctx context.Context, in *ReportSettingsInput) (*ReportSettingsOutput, error) {
			set, err := svc.UpdateSettings(ctx, unitOfWork(ctx), in.Body)
			return &ReportSettingsOutput{Body: set}, err
		})
}

// siteReputation reads one site's reputation within the caller's reach.
func siteReputation(ctx context.Context, s *Server, svc *report.ReputationService, id uuid.UUID) (*SiteReputationOutput, error) {
	v, err := s.viewer(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := svc.Reputations(ctx, unitOfWork(ctx), report.ReachOf(v), &id, 1)
	if err != nil {
		return nil, err
	}
	return &SiteReputationOutput{Body: &rs[0]}, nil
}

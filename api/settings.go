package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/settings"
)

type SettingsOutput struct{ Body *core.TenantSettings }

type PutSettingsInput struct {
	Body struct {
		DispatchWeights core.DispatchWeights `json:"dispatch_weights"`
		Calendar        *struct {
			TimeZone string              `json:"time_zone,omitempty" doc:"Defaults to the tenant's time zone."`
			Week     map[string][]string `json:"week" doc:"Per weekday (mon…sun), intervals like 08:30-12:00."`
			Holidays []string            `json:"holidays,omitempty" doc:"Closed dates, YYYY-MM-DD."`
			Workdays map[string][]string `json:"workdays,omitempty" doc:"Make-up working days (调休) or special hours: date → intervals."`
		} `json:"calendar,omitempty" doc:"Omitted: every day 08:00-20:00 in the tenant's time zone."`
		AcceptanceMinutes   int `json:"acceptance_minutes,omitempty" minimum:"0" maximum:"10080" doc:"Business minutes a site has to assign or accept a dispatched order before it passes to the next candidate. Omitted or 0: 30."`
		UrgeIntervalMinutes int `json:"urge_interval_minutes,omitempty" minimum:"0" maximum:"1440" doc:"Least minutes between two manual urges of one order. Omitted or 0: 10."`
	}
}

func registerSettingsRoutes(api huma.API, s *Server, svc *settings.Service) {
	tags := []string{"Settings"}
	register(api, huma.Operation{OperationID: "get-settings", Method: http.MethodGet, Path: "/v1/settings",
		Summary: "The tenant's dispatch weights and business calendar", Tags: tags},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActRead}},
		func(ctx context.Context, _ *struct{}) (*SettingsOutput, error) {
			out, err := svc.FindSettings(ctx, unitOfWork(ctx))
			return &SettingsOutput{Body: out}, err
		})
	register(api, huma.Operation{OperationID: "put-settings", Method: http.MethodPut, Path: "/v1/settings",
		Summary: "Set the tenant's dispatch weights and business calendar", Tags: tags,
		Description: "New SLA deadlines are counted in the new calendar; existing orders keep theirs."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}},
		func(ctx context.Context, in *PutSettingsInput) (*SettingsOutput, error) {
			set := core.TenantSettings{DispatchWeights: in.Body.DispatchWeights, AcceptanceMinutes: in.Body.AcceptanceMinutes,
				UrgeIntervalMinutes: in.Body.UrgeIntervalMinutes}
			if c := in.Body.Calendar; c != nil {
				set.Calendar = &calendar.Spec{TimeZone: c.TimeZone, Week: c.Week, Holidays: c.Holidays, Workdays: c.Workdays}
			}
			out, err := svc.UpdateSettings(ctx, unitOfWork(ctx), set)
			return &SettingsOutput{Body: out}, err
		})
}

package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/settings"
)

// SettingsView is the tenant's settings with the calendar used while it
// has set none.
type SettingsView struct {
	core.TenantSettings
	DefaultCalendar calendar.Spec `json:"default_calendar" readOnly:"true" doc:"The calendar deadlines are counted in while calendar is absent: every day 08:00-20:00 in the tenant's time zone."`
}

type SettingsOutput struct{ Body *SettingsView }

// DispatchWeightsPatch names the weights a patch changes.
type DispatchWeightsPatch struct {
	Distance   *float64 `json:"distance,omitempty" minimum:"0" maximum:"100"`
	Load       *float64 `json:"load,omitempty" minimum:"0" maximum:"100"`
	Reputation *float64 `json:"reputation,omitempty" minimum:"0" maximum:"100"`
	SLARisk    *float64 `json:"sla_risk,omitempty" minimum:"0" maximum:"100"`
}

// CalendarPatch names the parts of the calendar a patch replaces.
type CalendarPatch struct {
	TimeZone *string              `json:"time_zone,omitempty" maxLength:"64" doc:"An IANA name such as Asia/Shanghai; empty: the tenant's time zone."`
	Week     map[string][]string  `json:"week,omitempty" doc:"Replaces the working hours per weekday (mon…sun), intervals like 08:30-12:00; a day left out is closed."`
	Holidays *[]string            `json:"holidays,omitempty" doc:"Replaces the closed dates, YYYY-MM-DD."`
	Workdays *map[string][]string `json:"workdays,omitempty" doc:"Replaces the make-up working days (调休) and special hours: date → intervals."`
}

// PatchSettingsInput changes what it names and keeps the rest.
type PatchSettingsInput struct {
	Body struct {
		UpdatedAt           *time.Time            `json:"updated_at,omitempty" doc:"The updated_at you read (0001-01-01T00:00:00Z while the tenant has set nothing): 409 when the settings changed since. Omitted: no check."`
		DispatchWeights     *DispatchWeightsPatch `json:"dispatch_weights,omitempty" doc:"The weights to change."`
		Calendar            *CalendarPatch        `json:"calendar,omitempty" doc:"The parts of the calendar to replace; the others are kept (from the default calendar while the tenant has none)."`
		AcceptanceMinutes   *int                  `json:"acceptance_minutes,omitempty" minimum:"1" maximum:"10080" doc:"Business minutes a site has to assign or accept a dispatched order."`
		UrgeIntervalMinutes *int                  `json:"urge_interval_minutes,omitempty" minimum:"1" maximum:"1440" doc:"Least minutes between two manual urges of one order."`
		PartsMode           *string               `json:"parts_mode,omitempty" enum:"built_in,erp" doc:"Where stock is kept: built_in (the platform's ledger) or erp (the tenant's ERP through its parts plugin; 422 naming parts_mode while no parts plugin is bound and enabled)."`
		PartReturnDays      *int                  `json:"part_return_days,omitempty" minimum:"1" maximum:"365" doc:"Days after a must-return part is used by which its defective part is due back."`
	}
}

type PutSettingsInput struct {
	Body struct {
		DispatchWeights core.DispatchWeights `json:"dispatch_weights"`
		Calendar        *struct {
			TimeZone string              `json:"time_zone,omitempty" doc:"Defaults to the tenant's time zone."`
			Week     map[string][]string `json:"week" doc:"Per weekday (mon…sun), intervals like 08:30-12:00."`
			Holidays []string            `json:"holidays,omitempty" doc:"Closed dates, YYYY-MM-DD."`
			Workdays map[string][]string `json:"workdays,omitempty" doc:"Make-up working days (调休) or special hours: date → intervals."`
		} `json:"calendar,omitempty" doc:"Omitted: every day 08:00-20:00 in the tenant's time zone."`
		AcceptanceMinutes   int    `json:"acceptance_minutes,omitempty" minimum:"0" maximum:"10080" doc:"Business minutes a site has to assign or accept a dispatched order before it passes to the next candidate. Omitted or 0: 30."`
		UrgeIntervalMinutes int    `json:"urge_interval_minutes,omitempty" minimum:"0" maximum:"1440" doc:"Least minutes between two manual urges of one order. Omitted or 0: 10."`
		PartsMode           string `json:"parts_mode,omitempty" enum:"built_in,erp" doc:"Where stock is kept (see patch-settings). Omitted: kept as it is."`
		PartReturnDays      int    `json:"part_return_days,omitempty" minimum:"0" maximum:"365" doc:"Days after a must-return part is used by which its defective part is due back. Omitted or 0: 15."`
	}
}

func registerSettingsRoutes(api huma.API, s *Server, svc *settings.Service) {
	tags := []string{"Settings"}
	register(api, huma.Operation{OperationID: "get-settings", Method: http.MethodGet, Path: "/v1/settings",
		Summary: "The tenant's dispatch weights and business calendar", Tags: tags},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActRead}},
		func(ctx context.Context, _ *struct{}) (*SettingsOutput, error) {
			out, err := svc.FindSettings(ctx, unitOfWork(ctx))
			return settingsView(ctx, svc, out, err)
		})
	register(api, huma.Operation{OperationID: "put-settings", Method: http.MethodPut, Path: "/v1/settings",
		Summary: "Set the tenant's dispatch weights and business calendar", Tags: tags, Errors: []int{http.StatusConflict},
		Description: "New SLA deadlines are counted in the new calendar; existing orders keep theirs. " + partsModeSwitch},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}},
		func(ctx context.Context, in *PutSettingsInput) (*SettingsOutput, error) {
			set := core.TenantSettings{DispatchWeights: in.Body.DispatchWeights, AcceptanceMinutes: in.Body.AcceptanceMinutes,
				UrgeIntervalMinutes: in.Body.UrgeIntervalMinutes, PartsMode: in.Body.PartsMode,
				PartReturnDays: in.Body.PartReturnDays}
			if c := in.Body.Calendar; c != nil {
				set.Calendar = &calendar.Spec{TimeZone: c.TimeZone, Week: c.Week, Holidays: c.Holidays, Workdays: c.Workdays}
			}
			out, err := svc.UpdateSettings(ctx, unitOfWork(ctx), set)
			return settingsView(ctx, svc, out, err)
		})
	register(api, huma.Operation{OperationID: "patch-settings", Method: http.MethodPatch, Path: "/v1/settings",
		Summary: "Change some of the tenant's settings", Tags: tags, Errors: []int{http.StatusConflict},
		Description: "Changes the fields given and keeps the others; the calendar's time_zone, week, holidays and workdays " +
			"are replaced one by one. The result is checked as a whole (422 names the field, e.g. calendar.week.mon or " +
			"calendar.workdays.2026-09-27; parts_mode erp while the tenant has no enabled parts plugin binding). 409 when " +
			"updated_at is given and the settings changed since. " + partsModeSwitch},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}},
		func(ctx context.Context, in *PatchSettingsInput) (*SettingsOutput, error) {
			b := in.Body
			p := settings.Patch{UpdatedAt: b.UpdatedAt, AcceptanceMinutes: b.AcceptanceMinutes, UrgeIntervalMinutes: b.UrgeIntervalMinutes,
				PartsMode: b.PartsMode, PartReturnDays: b.PartReturnDays}
			if w := b.DispatchWeights; w != nil {
				p.Distance, p.Load, p.Reputation, p.SLARisk = w.Distance, w.Load, w.Reputation, w.SLARisk
			}
			if c := b.Calendar; c != nil {
				p.TimeZone, p.Week, p.Holidays, p.Workdays = c.TimeZone, c.Week, c.Holidays, c.Workdays
			}
			out, err := svc.PatchSettings(ctx, unitOfWork(ctx), p)
			return settingsView(ctx, svc, out, err)
		})
}

func settingsView(ctx context.Context, svc *settings.Service, s *core.TenantSettings, err error) (*SettingsOutput, error) {
	if err != nil {
		return nil, err
	}
	def, err := svc.DefaultCalendar(ctx, unitOfWork(ctx))
	if err != nil {
		return nil, err
	}
	return &SettingsOutput{Body: &SettingsView{TenantSettings: *s, DefaultCalendar: def}}, nil
}

// partsModeSwitch documents the refusal of a parts mode switch midway
// through field requests.
const partsModeSwitch = "A parts_mode switch is refused with 409 naming parts_mode and the field part requests still " +
	"moving stock in the current mode (approved, received, or consumed with more to consume or a defective part to " +
	"return): each finishes in the mode it started in, so no part is taken in one mode and consumed or returned in the other."

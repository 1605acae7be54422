package core

import (
	"encoding/json"
	"math"
	"time"

	"github.com/aftersales/aftersales/core/calendar"
)

// DispatchWeights are a tenant's weights for ranking candidate sites.
type DispatchWeights struct {
	Distance   float64 `json:"distance" minimum:"0" maximum:"100"`
	Load       float64 `json:"load" minimum:"0" maximum:"100"`
	Reputation float64 `json:"reputation" minimum:"0" maximum:"100"`
	SLARisk    float64 `json:"sla_risk" minimum:"0" maximum:"100"`
}

// TenantSettings are what a tenant admin tunes: dispatch weights and the
// business calendar SLA deadlines are counted in.
type TenantSettings struct {
	DispatchWeights DispatchWeights `json:"dispatch_weights"`
	Calendar        *calendar.Spec  `json:"calendar,omitempty" doc:"Working hours per weekday, holidays and make-up working days; absent: every day 08:00-20:00 in the tenant's time zone."`
	// AcceptanceMinutes: business minutes a site has to take a dispatched
	// order (assign or accept it) before it goes to the next candidate.
	AcceptanceMinutes int `json:"acceptance_minutes" doc:"Business minutes (in the calendar) a site has to assign or accept a dispatched order before it passes to the next candidate."`
	// UrgeIntervalMinutes: the least time between two manual urges of an order.
	UrgeIntervalMinutes int `json:"urge_interval_minutes" doc:"Least minutes between two manual urges (催办) of one order."`
	// PartsMode says where the tenant's stock truth is: PartsBuiltIn (the
	// platform's ledger) or PartsERP (the ERP, through its parts plugin).
	PartsMode string `json:"parts_mode" enum:"built_in,erp" doc:"Where stock is kept: built_in, the platform's stock ledger; erp, the tenant's ERP through its parts plugin, which the platform reserves, consumes and returns through (a parts plugin must be bound to switch to it)."`
	// PartReturnDays: days a technician has to return the defective part
	// of a must-return part once used (the field request's return due).
	PartReturnDays int       `json:"part_return_days" doc:"Days after a must-return part is used by which its defective part is due back."`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Parts modes of a tenant (TenantSettings.PartsMode).
const (
	PartsBuiltIn = "built_in"
	PartsERP     = "erp"
)

// DefaultPartReturnDays is the defective-part return window of a tenant
// that has set none.
const DefaultPartReturnDays = 15

// Validate checks the weights, the timer limits (0: the default), the
// parts mode (empty: built_in), the return window (0: the default) and
// that the calendar builds and has working time.
func (s *TenantSettings) Validate(tz string) error {
	w := s.DispatchWeights
	for name, v := range map[string]float64{"distance": w.Distance, "load": w.Load, "reputation": w.Reputation, "sla_risk": w.SLARisk} {
		if math.IsNaN(v) || v < 0 || v > 100 {
			return FieldError("dispatch_weights."+name, "must be between 0 and 100")
		}
	}
	if s.AcceptanceMinutes == 0 {
		s.AcceptanceMinutes = DefaultAcceptanceMinutes
	}
	if s.UrgeIntervalMinutes == 0 {
		s.UrgeIntervalMinutes = DefaultUrgeIntervalMinutes
	}
	if s.PartsMode == "" {
		s.PartsMode = PartsBuiltIn
	}
	if s.PartsMode != PartsBuiltIn && s.PartsMode != PartsERP {
		return FieldError("parts_mode", "must be built_in or erp")
	}
	if s.PartReturnDays == 0 {
		s.PartReturnDays = DefaultPartReturnDays
	}
	if s.PartReturnDays < 1 || s.PartReturnDays > 365 {
		return FieldError("part_return_days", "must be between 1 and 365")
	}
	if s.AcceptanceMinutes < 1 || s.AcceptanceMinutes > 10080 {
		return FieldError("acceptance_minutes", "must be between 1 and 10080")
	}
	if s.UrgeIntervalMinutes < 1 || s.UrgeIntervalMinutes > 1440 {
		return FieldError("urge_interval_minutes", "must be between 1 and 1440")
	}
	if s.Calendar == nil {
		return nil
	}
	if s.Calendar.TimeZone == "" {
		s.Calendar.TimeZone = tz
	}
	cal, err := s.Calendar.Calendar()
	if err != nil {
		if f := calendar.Field(err); f != "" {
			return FieldError("calendar."+f, "%v", err)
		}
		return FieldError("calendar", "%v", err)
	}
	if _, ok := cal.NextOpen(time.Now()); !ok {
		return FieldError("calendar", "has no working time at all")
	}
	return nil
}

// DefaultCalendar is the business calendar of a tenant that has set none:
// every day 08:00-20:00 in its time zone (service desks of manufacturers
// work weekends).
func DefaultCalendar(tz string) calendar.Spec {
	week := calendar.WeekSpec{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		week[d] = []string{"08:00-20:00"}
	}
	return calendar.Spec{TimeZone: tz, Week: week}
}

// TenantCalendar is a tenant's business calendar: its stored spec (JSON;
// its time zone defaults to tz), or DefaultCalendar when it stored none.
func TenantCalendar(tz string, spec []byte) (*calendar.Calendar, error) {
	sp := DefaultCalendar(tz)
	if len(spec) > 2 {
		sp = calendar.Spec{}
		if err := json.Unmarshal(spec, &sp); err != nil {
			return nil, err
		}
		if sp.TimeZone == "" {
			sp.TimeZone = tz
		}
	}
	return sp.Calendar()
}

package settings

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
)

// Patch changes some of a tenant's settings: a nil field is kept as it is.
// The calendar's parts replace the stored calendar's (or, for a tenant
// that has set none, core.DefaultCalendar's) one by one.
type Patch struct {
	// UpdatedAt, when set, is the UpdatedAt the caller read: the patch is
	// refused with ECONFLICT when the settings changed since.
	UpdatedAt *time.Time

	Distance, Load, Reputation, SLARisk *float64

	TimeZone *string
	Week     calendar.WeekSpec    // nil: kept
	Holidays *[]string            // nil: kept; empty: none
	Workdays *map[string][]string // nil: kept; empty: none

	AcceptanceMinutes, UrgeIntervalMinutes *int

	PartsMode      *string // core.PartsBuiltIn or core.PartsERP
	PartReturnDays *int
}

// PatchSettings changes the settings the patch names and keeps the rest;
// the result is checked as UpdateSettings checks a whole one (EINVALID
// names the field). ECONFLICT when p.UpdatedAt is not when the settings
// were last changed (zero for a tenant that has set none).
func (s *Service) PatchSettings(ctx context.Context, u core.UnitOfWork, p Patch) (*core.TenantSettings, error) {
	cur, err := s.FindSettings(ctx, u)
	if err != nil {
		return nil, err
	}
	if p.UpdatedAt != nil && !p.UpdatedAt.Equal(cur.UpdatedAt) {
		return nil, core.Errorf(core.ECONFLICT, "the settings were changed at %s, after you read them; reload and try again",
			cur.UpdatedAt.UTC().Format(time.RFC3339))
	}
	next := *cur
	w := &next.DispatchWeights
	for _, f := range []struct {
		v   *float64
		dst *float64
	}{{p.Distance, &w.Distance}, {p.Load, &w.Load}, {p.Reputation, &w.Reputation}, {p.SLARisk, &w.SLARisk}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if p.AcceptanceMinutes != nil {
		next.AcceptanceMinutes = *p.AcceptanceMinutes
	}
	if p.UrgeIntervalMinutes != nil {
		next.UrgeIntervalMinutes = *p.UrgeIntervalMinutes
	}
	if p.PartsMode != nil {
		next.PartsMode = *p.PartsMode
		if next.PartsMode == "" {
			return nil, core.FieldError("parts_mode", "must be built_in or erp")
		}
	}
	if p.PartReturnDays != nil {
		next.PartReturnDays = *p.PartReturnDays
	}
	if p.TimeZone != nil || p.Week != nil || p.Holidays != nil || p.Workdays != nil {
		cal, err := s.calendarOf(ctx, u, cur)
		if err != nil {
			return nil, err
		}
		if p.TimeZone != nil {
			cal.TimeZone = *p.TimeZone
		}
		if p.Week != nil {
			cal.Week = p.Week
		}
		if p.Holidays != nil {
			cal.Holidays = *p.Holidays
		}
		if p.Workdays != nil {
			cal.Workdays = *p.Workdays
		}
		next.Calendar = &cal
	}
	return s.UpdateSettings(ctx, u, next)
}

// calendarOf returns a copy of the settings' calendar, or the default one.
func (s *Service) calendarOf(ctx context.Context, u core.UnitOfWork, cur *core.TenantSettings) (calendar.Spec, error) {
	if cur.Calendar == nil {
		return s.DefaultCalendar(ctx, u)
	}
	c := *cur.Calendar
	c.Week = maps.Clone(c.Week)
	c.Holidays = slices.Clone(c.Holidays)
	c.Workdays = maps.Clone(c.Workdays)
	return c, nil
}

// DefaultCalendar is the calendar the tenant's deadlines are counted in
// while it has set none.
func (s *Service) DefaultCalendar(ctx context.Context, u core.UnitOfWork) (calendar.Spec, error) {
	tz, err := s.store.Settings(u).TimeZone(ctx)
	return core.DefaultCalendar(tz), err
}

package coretest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/settings"
)

// SettingsScenarios are the scenarios of tenant settings.
func SettingsScenarios() []CustomerScenario {
	return []CustomerScenario{
		{"settings default until set, and are checked when set", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				s, err := k.settings.FindSettings(ctx, u)
				must(t, err)
				equal(t, "default weight", s.DispatchWeights.Load, 1.0)
				equal(t, "default acceptance", s.AcceptanceMinutes, core.DefaultAcceptanceMinutes)
				equal(t, "no calendar", s.Calendar == nil, true)
				_, err = k.settings.UpdateSettings(ctx, u, core.TenantSettings{DispatchWeights: core.DispatchWeights{Load: 101}})
				wantCode(t, err, core.EINVALID)
				_, err = k.settings.UpdateSettings(ctx, u, core.TenantSettings{Calendar: &calendar.Spec{Week: map[string][]string{}}})
				wantCode(t, err, core.EINVALID)
				s, err = k.settings.UpdateSettings(ctx, u, core.TenantSettings{DispatchWeights: core.DispatchWeights{Distance: 2},
					UrgeIntervalMinutes: 30, Calendar: &calendar.Spec{Week: map[string][]string{"mon": {"09:00-18:00"}}}})
				must(t, err)
				equal(t, "weight", s.DispatchWeights.Distance, 2.0)
				equal(t, "unset weight", s.DispatchWeights.Load, 0.0)
				equal(t, "acceptance defaults", s.AcceptanceMinutes, core.DefaultAcceptanceMinutes)
				equal(t, "urge", s.UrgeIntervalMinutes, 30)
				equal(t, "calendar zone", s.Calendar.TimeZone, "Asia/Shanghai")
				return nil
			}))
			must(t, k.in(e.Other, func(ctx context.Context, u core.UnitOfWork) error {
				s, err := k.settings.FindSettings(ctx, u)
				equal(t, "other tenant's", s.DispatchWeights.Distance, 1.0)
				return err
			}))
		}},
		{"a patch changes only what it names, is checked, and is refused when stale", patchScenario},
		{"the parts mode is built_in until set, kept when omitted, and erp needs a parts plugin", partsModeScenario},
	}
}

// partsModeScenario runs without a parts plugin: the switch to erp is
// refused naming parts_mode, and nothing is stored.
func partsModeScenario(t *testing.T, e CustomerEnv) {
	k := e.kit()
	erp, odd, builtIn := core.PartsERP, "ledger", core.PartsBuiltIn
	must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
		s, err := k.settings.FindSettings(ctx, u)
		must(t, err)
		equal(t, "default mode", s.PartsMode, core.PartsBuiltIn)
		for name, mode := range map[string]*string{"erp without a parts plugin": &erp, "an unknown mode": &odd} {
			_, err = k.settings.PatchSettings(ctx, u, settings.Patch{PartsMode: mode})
			wantCode(t, err, core.EINVALID)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Fields["parts_mode"] == "" {
				t.Fatalf("%s: the error names parts_mode: %v", name, err)
			}
		}
		s, err = k.settings.PatchSettings(ctx, u, settings.Patch{PartsMode: &builtIn})
		must(t, err)
		equal(t, "mode", s.PartsMode, core.PartsBuiltIn)
		s, err = k.settings.UpdateSettings(ctx, u, core.TenantSettings{DispatchWeights: core.DispatchWeights{Load: 2}})
		must(t, err)
		equal(t, "kept when omitted", s.PartsMode, core.PartsBuiltIn)
		return nil
	}))
}

func patchScenario(t *testing.T, e CustomerEnv) {
	k := e.kit()
	ptr := func(v float64) *float64 { return &v }
	mars := "Mars/Olympus"
	var never time.Time
	must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
		def, err := k.settings.DefaultCalendar(ctx, u)
		must(t, err)
		equal(t, "default zone", def.TimeZone, "Asia/Shanghai")
		equal(t, "default sunday", strings.Join(def.Week["sun"], ","), "08:00-20:00")
		holidays := []string{"2026-10-01", "2026-10-02"}
		workdays := map[string][]string{"2026-09-27": {"09:00-18:00"}}
		s, err := k.settings.PatchSettings(ctx, u, settings.Patch{UpdatedAt: &never, Load: ptr(3), Holidays: &holidays, Workdays: &workdays})
		must(t, err)
		equal(t, "patched weight", s.DispatchWeights.Load, 3.0)
		equal(t, "kept weight", s.DispatchWeights.Distance, 1.0)
		equal(t, "calendar from the default", strings.Join(s.Calendar.Week["wed"], ","), "08:00-20:00")
		equal(t, "holidays", strings.Join(s.Calendar.Holidays, ","), "2026-10-01,2026-10-02")
		equal(t, "make-up day", strings.Join(s.Calendar.Workdays["2026-09-27"], ","), "09:00-18:00")
		read := s.UpdatedAt

		_, err = k.settings.PatchSettings(ctx, u, settings.Patch{UpdatedAt: &never, Distance: ptr(5)})
		wantCode(t, err, core.ECONFLICT)
		for name, p := range map[string]settings.Patch{
			"calendar.workdays.2026-10-01": {Workdays: &map[string][]string{"2026-10-01": {"09:00-18:00"}}},
			"calendar.week.mon":            {Week: calendar.WeekSpec{"mon": {"18:00-09:00"}}},
			"calendar.holidays":            {Holidays: &[]string{"2026-02-30"}},
			"calendar.time_zone":           {TimeZone: &mars},
			"dispatch_weights.sla_risk":    {SLARisk: ptr(100.5)},
		} {
			p.UpdatedAt = &read
			_, err = k.settings.PatchSettings(ctx, u, p)
			wantCode(t, err, core.EINVALID)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Fields[name] == "" {
				t.Fatalf("the error names %s: %v", name, err)
			}
		}
		s, err = k.settings.PatchSettings(ctx, u, settings.Patch{Reputation: ptr(2)})
		must(t, err)
		equal(t, "nothing else changed: distance", s.DispatchWeights.Distance, 1.0)
		equal(t, "nothing else changed: make-up days", len(s.Calendar.Workdays), 1)
		equal(t, "nothing else changed: week", strings.Join(s.Calendar.Week["mon"], ","), "08:00-20:00")
		equal(t, "reputation", s.DispatchWeights.Reputation, 2.0)
		return nil
	}))
}

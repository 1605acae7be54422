package coretest

import (
	"context"
	"testing"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
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
	}
}

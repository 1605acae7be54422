package claim_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/claim"
)

// normal is an unremarkable claim: every default rule lets it through.
func normal() claim.Facts {
	return claim.Facts{LabourHours: 1.5, StandardHours: 1.5, MileageKm: 12, DistanceKm: 12, Total: 9900, RepeatDays: -1,
		FilingDelayDays: 2, SiteCostPerOrder: 10000, TechnicianCostPerOrder: 11000, PeerMedianCost: 9000, TechnicianPeerMedianCost: 12000}
}

// TestDefaultRulesEachFlagsAndNot: every default rule flags the claim
// that breaks it, and only that rule; the normal claim is not flagged.
func TestDefaultRulesEachFlagsAndNot(t *testing.T) {
	rules, err := claim.CompileRules(claim.DefaultRules())
	require.NoError(t, err)
	require.Empty(t, claim.Evaluate(rules, ptr(normal())), "a normal claim is not flagged")
	for _, tc := range []struct {
		rule      string
		flag, not func(*claim.Facts)
	}{
		{"labour_above_standard", func(f *claim.Facts) { f.LabourHours = 2 }, func(f *claim.Facts) { f.LabourHours = 1 }},
		{"mileage_above_distance", func(f *claim.Facts) { f.MileageKm = 40 }, func(f *claim.Facts) { f.MileageKm = 15 }},
		{"repeat_repair", func(f *claim.Facts) { f.RepeatDays = 12 }, func(f *claim.Facts) { f.RepeatDays = 45 }},
		{"part_not_returned", func(f *claim.Facts) { f.PartsOverdue = 1 }, func(f *claim.Facts) { f.PartsCount = 2 }},
		{"part_not_fitting", func(f *claim.Facts) { f.PartsUnfitting = 1 }, func(f *claim.Facts) { f.PartsCount = 1 }},
		{"late_filing", func(f *claim.Facts) { f.FilingDelayDays = 31 }, func(f *claim.Facts) { f.FilingDelayDays = 29.5 }},
		{"site_out_of_line", func(f *claim.Facts) { f.SiteCostPerOrder = 18001 }, func(f *claim.Facts) { f.SiteCostPerOrder = 18000 }},
		{"technician_out_of_line", func(f *claim.Facts) { f.TechnicianCostPerOrder = 24001 },
			func(f *claim.Facts) { f.TechnicianCostPerOrder = 24000 }},
		{"technician_out_of_line", func(f *claim.Facts) { f.TechnicianCostPerOrder = 24001 },
			func(f *claim.Facts) { f.TechnicianPeerMedianCost = 0; f.TechnicianCostPerOrder = 24001 }},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			f := normal()
			tc.flag(&f)
			flags := claim.Evaluate(rules, &f)
			require.Len(t, flags, 1, "%v", flags)
			require.Equal(t, tc.rule, flags[0].Rule)
			g := normal()
			tc.not(&g)
			require.Empty(t, claim.Evaluate(rules, &g))
		})
	}
}

func TestRulesThatDoNotCompileNameTheField(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		rule        claim.AuditRule
	}{
		{"syntax", "rules[1].condition", claim.AuditRule{Code: "x", Name: "x", Condition: "labour_hours >"}},
		{"unknown field", "rules[1].condition", claim.AuditRule{Code: "x", Name: "x", Condition: "mileage > 3"}},
		{"not boolean", "rules[1].condition", claim.AuditRule{Code: "x", Name: "x", Condition: "labour_hours + 1"}},
		{"bad code", "rules[1].code", claim.AuditRule{Code: "X Y", Name: "x", Condition: "true"}},
		{"duplicate code", "rules[1].code", claim.AuditRule{Code: "ok", Name: "x", Condition: "true"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := claim.CompileRules([]claim.AuditRule{{Code: "ok", Name: "ok", Condition: "true"}, tc.rule})
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			var ce *core.Error
			require.ErrorAs(t, err, &ce)
			require.Contains(t, ce.Fields, tc.field)
		})
	}
}

func ptr[T any](v T) *T { return &v }

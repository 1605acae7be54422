package warranty_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/warranty"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// acPolicy is an air conditioner's: refund 7 days, replacement 15 days,
// repair 12 months, compressor 36 months.
var acPolicy = warranty.Policy{Scope: warranty.ScopeLine, ProductLine: "AC", RepairMonths: 12, ReplaceDays: 15, RefundDays: 7,
	Components: []warranty.Component{{Code: "compressor", Months: 36}, {Code: "pcb", Months: 24}}}

// TestEvaluateSanBaoTable is the 三包 table: days since purchase ×
// component × policy, with the boundaries (day N and N+1), month ends,
// leap years and the tenant's time zone.
func TestEvaluateSanBaoTable(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	repairOnly := warranty.Policy{Scope: warranty.ScopeModel, RepairMonths: 12}
	none := warranty.Policy{Scope: warranty.ScopeModel}
	componentOnly := warranty.Policy{Scope: warranty.ScopeModel, Components: []warranty.Component{{Code: "compressor", Months: 60}}}
	cases := []struct {
		name      string
		policy    warranty.Policy
		purchase  string
		today     time.Time
		component string
		coverage  string
		reason    string
		day       int
		until     string
	}{
		{"purchase day is day 1 of the refund window", acPolicy, "2026-03-01", date("2026-03-01"), "", warranty.CoverRefund, warranty.ReasonRefundWindow, 1, "2026-03-07"},
		{"day 7: last day of refund", acPolicy, "2026-03-01", date("2026-03-07"), "", warranty.CoverRefund, warranty.ReasonRefundWindow, 7, "2026-03-07"},
		{"day 8: replacement", acPolicy, "2026-03-01", date("2026-03-08"), "", warranty.CoverReplacement, warranty.ReasonReplaceWindow, 8, "2026-03-15"},
		{"day 15: last day of replacement", acPolicy, "2026-03-01", date("2026-03-15"), "", warranty.CoverReplacement, warranty.ReasonReplaceWindow, 15, "2026-03-15"},
		{"day 16: free repair", acPolicy, "2026-03-01", date("2026-03-16"), "", warranty.CoverFreeRepair, warranty.ReasonUnitTerm, 16, "2027-02-28"},
		{"refund window covers a component too", acPolicy, "2026-03-01", date("2026-03-03"), "compressor", warranty.CoverRefund, warranty.ReasonRefundWindow, 3, "2026-03-07"},
		{"replacement window covers a component too", acPolicy, "2026-03-01", date("2026-03-10"), "compressor", warranty.CoverReplacement, warranty.ReasonReplaceWindow, 10, "2026-03-15"},
		{"last day of the unit's 12 months", acPolicy, "2026-03-01", date("2027-02-28"), "", warranty.CoverFreeRepair, warranty.ReasonUnitTerm, 365, "2027-02-28"},
		{"first day after the unit's 12 months", acPolicy, "2026-03-01", date("2027-03-01"), "", warranty.CoverCharged, warranty.ReasonExpired, 366, ""},
		{"compressor still covered when the unit is not", acPolicy, "2026-03-01", date("2027-03-01"), "compressor", warranty.CoverFreeRepair, warranty.ReasonComponentTerm, 366, "2029-02-28"},
		{"pcb on its 24 months", acPolicy, "2026-03-01", date("2028-02-29"), "pcb", warranty.CoverFreeRepair, warranty.ReasonComponentTerm, 731, "2028-02-29"},
		{"pcb the day after its 24 months", acPolicy, "2026-03-01", date("2028-03-01"), "pcb", warranty.CoverCharged, warranty.ReasonComponentExpired, 732, ""},
		{"compressor last day of 36 months", acPolicy, "2026-03-01", date("2029-02-28"), "compressor", warranty.CoverFreeRepair, warranty.ReasonComponentTerm, 1096, "2029-02-28"},
		{"compressor first day after 36 months", acPolicy, "2026-03-01", date("2029-03-01"), "compressor", warranty.CoverCharged, warranty.ReasonComponentExpired, 1097, ""},
		{"a component not in the policy has the unit's term", acPolicy, "2026-03-01", date("2027-03-01"), "fan", warranty.CoverCharged, warranty.ReasonExpired, 366, ""},
		{"a component not in the policy, in the unit's term", acPolicy, "2026-03-01", date("2026-06-01"), "fan", warranty.CoverFreeRepair, warranty.ReasonUnitTerm, 93, "2027-02-28"},
		{"leap day purchase: 12 months end on Feb 28", acPolicy, "2024-02-29", date("2025-02-27"), "", warranty.CoverFreeRepair, warranty.ReasonUnitTerm, 365, "2025-02-27"},
		{"leap day purchase: Feb 28 next year is out", acPolicy, "2024-02-29", date("2025-02-28"), "", warranty.CoverCharged, warranty.ReasonExpired, 366, ""},
		{"refund window across Feb 29 of a leap year", acPolicy, "2028-02-25", date("2028-03-02"), "", warranty.CoverRefund, warranty.ReasonRefundWindow, 7, "2028-03-02"},
		{"refund window across Feb 28 of a common year", acPolicy, "2027-02-25", date("2027-03-03"), "", warranty.CoverRefund, warranty.ReasonRefundWindow, 7, "2027-03-03"},
		{"Jan 31 + 12 months", repairOnly, "2026-01-31", date("2027-01-30"), "", warranty.CoverFreeRepair, warranty.ReasonUnitTerm, 365, "2027-01-30"},
		{"repair-only policy has no refund window", repairOnly, "2026-03-01", date("2026-03-01"), "", warranty.CoverFreeRepair, warranty.ReasonUnitTerm, 1, "2027-02-28"},
		{"no warranty at all", none, "2026-03-01", date("2026-03-02"), "", warranty.CoverCharged, warranty.ReasonNoPolicy, 2, ""},
		{"no unit term but a component term", componentOnly, "2026-03-01", date("2030-01-01"), "compressor", warranty.CoverFreeRepair, warranty.ReasonComponentTerm, 1403, "2031-02-28"},
		{"no unit term, other part", componentOnly, "2026-03-01", date("2026-03-02"), "fan", warranty.CoverCharged, warranty.ReasonNoPolicy, 2, ""},
		{"today before purchase", acPolicy, "2026-03-10", date("2026-03-09"), "", warranty.CoverCharged, warranty.ReasonNotYetPurchased, 0, ""},
		// 2026-03-07 17:00 UTC is 2026-03-08 01:00 in Shanghai: day 8.
		{"tenant zone moves the day past the refund window", acPolicy, "2026-03-01", time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC).In(shanghai), "", warranty.CoverReplacement, warranty.ReasonReplaceWindow, 8, "2026-03-15"},
		{"same instant read in UTC is still day 7", acPolicy, "2026-03-01", time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC), "", warranty.CoverRefund, warranty.ReasonRefundWindow, 7, "2026-03-07"},
		{"tenant zone at the end of the repair term", acPolicy, "2026-03-01", time.Date(2027, 2, 28, 16, 30, 0, 0, time.UTC).In(shanghai), "", warranty.CoverCharged, warranty.ReasonExpired, 366, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := warranty.Evaluate(c.policy, date(c.purchase), c.today, c.component)
			require.Equal(t, c.coverage, d.Coverage)
			require.Equal(t, c.reason, d.Reason)
			require.Equal(t, c.day, d.Day)
			require.Equal(t, c.until, d.Until)
			require.Equal(t, c.coverage != warranty.CoverCharged, d.Free())
		})
	}
}

func TestPolicyValidateNamesTheField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		p     warranty.Policy
		field string
	}{
		{"bad scope", warranty.Policy{Scope: "x"}, "scope"},
		{"negative repair months", warranty.Policy{Scope: "line", RepairMonths: -1}, "repair_months"},
		{"negative replacement days", warranty.Policy{Scope: "line", ReplaceDays: -1}, "replace_days"},
		{"negative refund days", warranty.Policy{Scope: "line", RefundDays: -3}, "refund_days"},
		{"refund longer than replacement", warranty.Policy{Scope: "line", RefundDays: 15, ReplaceDays: 7}, "refund_days"},
		{"component without code", warranty.Policy{Scope: "line", Components: []warranty.Component{{Code: "", Months: 1}}}, "components[0].code"},
		{"component twice", warranty.Policy{Scope: "line", Components: []warranty.Component{{Code: "a"}, {Code: "a"}}}, "components[1].code"},
		{"component negative months", warranty.Policy{Scope: "line", Components: []warranty.Component{{Code: "a", Months: -1}}}, "components[0].months"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.p.Validate()
			require.Error(t, err)
			require.Contains(t, err.Error(), c.field+":")
		})
	}
	ok := acPolicy
	require.NoError(t, ok.Validate())
}

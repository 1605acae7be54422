package warranty_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/warranty"
)

var schedule = warranty.FeeSchedule{Currency: "CNY", DefaultLabour: 5000,
	Labour: []warranty.LabourRate{{ServiceType: "repair", Amount: 8000}, {ServiceType: "repair", ProductLine: "AC", Amount: 10000},
		{ServiceType: "repair", ModelCode: "KFR-35", Amount: 12000}},
	Travel: []warranty.DistanceBand{{FromKm: 0, ToKm: 10, Amount: 0}, {FromKm: 10, ToKm: 30, Amount: 3000}, {FromKm: 30, Amount: 6000}}}

func ptr[T any](v T) *T { return &v }

func TestLabourFallsBackFromModelToLineToDefault(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		st, line, model string
		amount          int64
		rate            string
	}{{"repair", "AC", "KFR-35", 12000, "model"}, {"repair", "AC", "KFR-50", 10000, "line"}, {"repair", "WM", "X", 8000, "service_type"},
		{"installation", "AC", "KFR-35", 5000, "default"}} {
		a, r := schedule.LabourFor(c.st, c.line, c.model)
		require.Equal(t, c.amount, a, c)
		require.Equal(t, c.rate, r, c)
	}
}

func TestTravelBandsAreHalfOpen(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		km     float64
		amount int64
	}{{0, 0}, {9.9, 0}, {10, 3000}, {29.9, 3000}, {30, 6000}, {500, 6000}} {
		a, _, ok := schedule.TravelFor(c.km)
		require.True(t, ok)
		require.Equal(t, c.amount, a, c.km)
	}
	gap := warranty.FeeSchedule{Travel: []warranty.DistanceBand{{FromKm: 5, ToKm: 10, Amount: 1}}}
	_, _, ok := gap.TravelFor(2)
	require.False(t, ok)
}

func TestFeeScheduleValidateNamesTheField(t *testing.T) {
	t.Parallel()
	yes := func(string) bool { return true }
	no := func(string) bool { return false }
	cases := []struct {
		name      string
		f         warranty.FeeSchedule
		st, model func(string) bool
		field     string
	}{
		{"currency", warranty.FeeSchedule{Currency: "rmb"}, yes, yes, "currency"},
		{"overlapping bands", warranty.FeeSchedule{Currency: "CNY", Travel: []warranty.DistanceBand{{FromKm: 10, ToKm: 30}, {FromKm: 0, ToKm: 15}}}, yes, yes, "travel[0].from_km"},
		{"band after an open one", warranty.FeeSchedule{Currency: "CNY", Travel: []warranty.DistanceBand{{FromKm: 0}, {FromKm: 50, ToKm: 60}}}, yes, yes, "travel[1].from_km"},
		{"empty band", warranty.FeeSchedule{Currency: "CNY", Travel: []warranty.DistanceBand{{FromKm: 10, ToKm: 10}}}, yes, yes, "travel[0].to_km"},
		{"negative band", warranty.FeeSchedule{Currency: "CNY", Travel: []warranty.DistanceBand{{FromKm: -1, ToKm: 10}}}, yes, yes, "travel[0].from_km"},
		{"negative amount", warranty.FeeSchedule{Currency: "CNY", Travel: []warranty.DistanceBand{{FromKm: 0, ToKm: 10, Amount: -1}}}, yes, yes, "travel[0].amount"},
		{"unknown model", warranty.FeeSchedule{Currency: "CNY", Labour: []warranty.LabourRate{{ServiceType: "repair", ModelCode: "NOPE"}}}, yes, no, "labour[0].model_code"},
		{"unknown service type", warranty.FeeSchedule{Currency: "CNY", Labour: []warranty.LabourRate{{ServiceType: "zzz"}}}, no, yes, "labour[0].service_type"},
		{"rate twice", warranty.FeeSchedule{Currency: "CNY", Labour: []warranty.LabourRate{{ServiceType: "repair"}, {ServiceType: "repair"}}}, yes, yes, "labour[1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.f.Validate(c.st, yes, c.model)
			require.Error(t, err)
			require.Contains(t, err.Error(), c.field+":")
		})
	}
	ok := schedule
	ok.Travel = []warranty.DistanceBand{{FromKm: 30}, {FromKm: 0, ToKm: 10}, {FromKm: 10, ToKm: 30}}
	require.NoError(t, ok.Validate(yes, yes, yes))
	require.Equal(t, 0, ok.Travel[0].FromKm, "bands are sorted")
}

func TestPriceChargesOnlyWhatThePolicyDoesNotCover(t *testing.T) {
	t.Parallel()
	m := warranty.Model{Code: "KFR-35", ProductLine: "AC"}
	parts := []warranty.PartLine{{PartCode: "CMP-1", Component: "compressor", Quantity: 1, UnitPrice: ptr[int64](90000)},
		{PartCode: "FAN-1", Quantity: 2, UnitPrice: ptr[int64](1500)}, {PartCode: "X", Quantity: 1}}
	in := warranty.PriceInput{Policy: acPolicy, PolicySource: "line", Schedule: schedule, Model: m, Purchase: date("2026-03-01"),
		ServiceType: "repair", DistanceKm: ptr(12.5), Parts: parts}

	in.Today = date("2026-06-01") // in the unit's term: all free
	q := warranty.Price(in)
	require.Equal(t, int64(0), q.Total)
	require.Equal(t, warranty.CoverFreeRepair, q.Warranty.Coverage)
	require.Len(t, q.Items, 5)
	for _, it := range q.Items {
		require.False(t, it.Charged, it)
	}
	require.Equal(t, "10-30 km", q.Items[1].Code)
	require.True(t, q.Items[4].PriceUnknown)

	in.Today = date("2027-06-01") // unit out, compressor in: compressor, labour and travel free; the fan charged
	q = warranty.Price(in)
	require.Equal(t, warranty.CoverCharged, q.Warranty.Coverage)
	require.Equal(t, int64(3000), q.Total)
	require.False(t, q.Items[0].Charged)
	require.Equal(t, warranty.ReasonComponentTerm, q.Items[0].Reason)
	require.False(t, q.Items[2].Charged)
	require.True(t, q.Items[3].Charged)
	require.Equal(t, warranty.ReasonExpired, q.Items[3].Reason)

	in.Parts = parts[1:2] // no compressor: everything charged
	q = warranty.Price(in)
	require.Equal(t, int64(12000+3000+3000), q.Total)
	require.Equal(t, "model", q.Items[0].Rate)

	// Travel the schedule cannot price is the visit's still: charged on a
	// charged visit, covered on a covered one, priced 0 and marked.
	in.DistanceKm = nil
	q = warranty.Price(in)
	require.Equal(t, warranty.ReasonNoDistance, q.Items[1].Reason)
	require.True(t, q.Items[1].Charged, "the customer pays for the visit")
	require.Equal(t, warranty.CoverCharged, q.Items[1].Coverage)
	require.True(t, q.Items[1].PriceUnknown)
	require.Equal(t, int64(12000+3000), q.Total)
	gap := in
	gap.DistanceKm, gap.Schedule.Travel = ptr(12.5), schedule.Travel[:1]
	q = warranty.Price(gap)
	require.Equal(t, warranty.ReasonNoBand, q.Items[1].Reason)
	require.Equal(t, "12.5 km", q.Items[1].Code)
	require.True(t, q.Items[1].Charged)
	require.True(t, q.Items[1].PriceUnknown)
	gap.Today = date("2026-06-01")
	q = warranty.Price(gap)
	require.False(t, q.Items[1].Charged, "a covered visit's travel is covered, band or none")
	require.Equal(t, warranty.CoverFreeRepair, q.Items[1].Coverage)
	require.True(t, q.Items[1].PriceUnknown)
}

func TestDistanceKm(t *testing.T) {
	t.Parallel()
	// Shanghai People's Square to Hongqiao station: about 15 km as the crow flies.
	d := warranty.DistanceKm(31.2304, 121.4737, 31.1945, 121.3204)
	require.InDelta(t, 15.1, d, 0.5)
}

package claim

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestBuildSettlesChargedServices: the total is claims + charged −
// deductions and the sum of the lines; a charged service in another
// currency than the statement's is left out and named in a note.
func TestBuildSettlesChargedServices(t *testing.T) {
	set := DefaultSettings()
	src := &Sources{SiteName: "S", Claims: []SettledClaim{{ID: uuid.New(), OrderNumber: "WO-1", State: "approved", Approved: 30000, Currency: "CNY"}},
		Charged: []ChargedService{{WorkOrderID: uuid.New(), OrderNumber: "WO-2", Amount: 13500, Currency: "CNY"},
			{WorkOrderID: uuid.New(), OrderNumber: "WO-3", Amount: 999, Currency: "USD"}},
		Misses: []SLAMiss{{WorkOrderID: uuid.New(), OrderNumber: "WO-2", Kind: "arrival"}}}
	st := Build(uuid.New(), "2026-11", src, &set)
	require.EqualValues(t, 30000, st.ClaimsTotal)
	require.EqualValues(t, 13500, st.ChargedTotal)
	require.EqualValues(t, set.ArrivalMissFee, st.DeductionsTotal)
	require.EqualValues(t, 30000+13500-set.ArrivalMissFee, st.Total)
	var sum int64
	for _, l := range st.Lines {
		sum += l.Amount
	}
	require.Equal(t, st.Total, sum)
	require.Len(t, st.Lines, 3)
	require.Len(t, st.Notes, 1)
	require.Contains(t, st.Notes[0], "WO-3")

	empty := Build(uuid.New(), "2026-11", &Sources{}, &set)
	require.Empty(t, empty.Notes)
	require.Zero(t, empty.Total)
}

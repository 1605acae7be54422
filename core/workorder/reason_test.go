package workorder

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

func TestExplainNote(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, text string
		want       *core.Reason
	}{
		{"engine's", "sites cover the address but none is authorised for AC",
			&core.Reason{Code: "none_authorised", Values: map[string]any{"line": "AC"}}},
		{"this package's", noGeoPoint, &core.Reason{Code: "no_geo_point", Values: map[string]any{}}},
		{"lead", leadNoDealer, &core.Reason{Code: "lead_no_dealer", Values: map[string]any{}}},
		{"an older engine's words", "no eligible site", nil},
		{"a timeout's prefix", core.AcceptanceTimeoutReason + ": " + noSuitableSite, nil},
		{"empty", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, ExplainNote(c.text)) })
	}
}

// TestReasonDetails: one for one; the rules' reasons after the engine's,
// and one that does not follow its code's template, are text.
func TestReasonDetails(t *testing.T) {
	t.Parallel()
	got := reasonDetails([]string{"capacity 2/8 used", "reputation ninety/100", "tenant: VIP"},
		[]dispatch.ReasonCode{dispatch.ReasonCapacity, dispatch.ReasonReputation})
	require.Equal(t, []core.Reason{
		{Code: "capacity", Values: map[string]any{"open": 2.0, "capacity": 8.0}},
		{Code: "text"},
		{Code: "text"},
	}, got)
	require.Empty(t, reasonDetails(nil, nil))
}

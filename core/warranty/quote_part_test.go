package warranty_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/warranty"
)

// TestPricePartTermOrder: a part's term is its component's when the
// policy lists it, else its own months, else the unit's; the refund and
// replacement windows come first; only a listed component frees the
// visit.
func TestPricePartTermOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, today, component string
		own                    int
		charged                bool
		reason                 string
		labourFree             bool
	}{
		{"listed component wins over own months", "2028-03-01", "compressor", 6, false, warranty.ReasonComponentTerm, true},
		{"own months when the component is not listed", "2027-06-01", "fan", 24, false, warranty.ReasonPartTerm, false},
		{"own months ended", "2028-03-01", "", 24, true, warranty.ReasonPartExpired, false},
		{"own months shorter than the unit's", "2026-10-01", "", 6, true, warranty.ReasonPartExpired, true},
		{"the refund window before own months", "2026-03-03", "", 1, false, warranty.ReasonRefundWindow, true},
		{"no own months: the unit's term", "2026-10-01", "", 0, false, warranty.ReasonUnitTerm, true},
		{"no own months, unit expired", "2027-03-01", "", 0, true, warranty.ReasonExpired, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q := warranty.Price(warranty.PriceInput{Policy: acPolicy, Schedule: schedule, Purchase: date("2026-03-01"),
				Today: date(c.today), ServiceType: "repair", Model: warranty.Model{ProductLine: "AC", Code: "KFR-35"},
				Parts: []warranty.PartLine{{PartCode: "P-1", Component: c.component, Quantity: 1, UnitPrice: ptr(int64(100)), OwnMonths: c.own}}})
			part := q.Items[len(q.Items)-1]
			require.Equal(t, c.charged, part.Charged)
			require.Equal(t, c.reason, part.Reason)
			require.Equal(t, !c.labourFree, q.Items[0].Charged, "labour")
		})
	}
}

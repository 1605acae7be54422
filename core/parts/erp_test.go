package parts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aftersales/aftersales/core"
)

// stockOnly is a parts plugin that answers stock queries only: the edge
// the refusals ask what is available.
type stockOnly struct {
	core.PartsPlugin
	levels []core.StockLevel
	err    error
}

func (s stockOnly) PartStock(context.Context, string) ([]core.StockLevel, error) {
	return s.levels, s.err
}

// TestERPRefusals: the ERP's answers become the platform's: a shortage a
// 409 naming the part and what is available, a refusal of the input a
// 409 with the ERP's reason, and every failure of the plugin or the ERP
// a 503 with a retry delay (never an internal error).
func TestERPRefusals(t *testing.T) {
	t.Parallel()
	short := &core.Error{Code: core.ECONFLICT, Message: "insufficient stock: ERP: only 1 left",
		Fields: map[string]string{"quantity": "insufficient stock"}}
	m := Move{PartNumber: "P-COMP", Quantity: 5}
	pp := stockOnly{levels: []core.StockLevel{{WarehouseCode: "C2", Available: 9}, {WarehouseCode: "C1", Available: 1}}}
	for _, tc := range []struct {
		name    string
		pp      core.PartsPlugin
		err     error
		code    string
		message []string
	}{
		{"shortage", pp, short, core.ECONFLICT, []string{"P-COMP", "C1", "1 available", "5 asked"}},
		{"shortage, stock unknown", stockOnly{err: errors.New("down")}, short, core.ECONFLICT, []string{"P-COMP", "an unknown number available"}},
		{"other conflict", pp, core.Errorf(core.ECONFLICT, "ERP: period closed"), core.ECONFLICT, []string{"period closed"}},
		{"unknown part", pp, core.Errorf(core.ENOTFOUND, "ERP: no part P-COMP"), core.ECONFLICT, []string{"refused", "P-COMP"}},
		{"failing plugin", pp, core.Errorf(core.EUNPROCESSABLE, "plugin parts-erp failed"), core.EUNAVAILABLE, []string{"retry later"}},
		{"not a domain error", pp, errors.New("boom"), core.EUNAVAILABLE, []string{"nothing was changed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ERP{}.refusal(context.Background(), tc.pp, m, "C1", "reservation", tc.err)
			if got := core.ErrorCode(err); got != tc.code {
				t.Fatalf("code %s, want %s: %v", got, tc.code, err)
			}
			for _, s := range tc.message {
				if !strings.Contains(core.ErrorMessage(err), s) {
					t.Errorf("%q does not say %q", core.ErrorMessage(err), s)
				}
			}
			var ce *core.Error
			if errors.As(err, &ce) && (ce.Code == core.EUNAVAILABLE) != (ce.RetryAfterSeconds > 0) {
				t.Errorf("retry after %d for %s", ce.RetryAfterSeconds, ce.Code)
			}
		})
	}
}

package api_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// TestClaimStatementExportInCurrencyDecimals: a statement's CSV and XLSX
// write amounts with the decimals of its currency's ISO 4217 minor unit:
// a claim of 1,234 minor units is 1234 yen, 12.34 yuan, 1.234 dinars.
func TestClaimStatementExportInCurrencyDecimals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []struct{ currency, want string }{{"JPY", "1234"}, {"CNY", "12.34"}, {"KWD", "1.234"}} {
		t.Run(c.currency, func(t *testing.T) {
			n := b.newNetwork("export-" + strings.ToLower(c.currency))
			admin := n.tenant.admin
			b.must(200, "PUT", "/v1/claim-rules", admin, map[string]any{"rules": []any{}})
			set := b.must(200, "GET", "/v1/claim-settings", admin, nil).JSON
			// One standard hour at 1,234; no travel.
			set["currency"], set["labour_rate"], set["travel_rate_per_km"] = c.currency, 1234, 0
			b.must(200, "PUT", "/v1/claim-settings", admin, set)
			cl := b.must(201, "POST", "/v1/claims", admin, map[string]any{"work_order_id": b.completedOrder(n, n.unit, n.near, &n.techNear, 1)})
			require.Equal(t, c.currency, cl.str("currency"))
			require.EqualValues(t, 1234, cl.JSON["claimed_total"])
			b.must(200, "POST", "/v1/claims/"+cl.str("id")+"/actions", admin, map[string]any{"action": "submit"})
			b.must(200, "POST", "/v1/claims/"+cl.str("id")+"/actions", admin, map[string]any{"action": "approve"})
			gen := b.must(200, "POST", "/v1/claim-statements/generate", admin, map[string]any{"period": time.Now().UTC().Format("2006-01")})
			require.Len(t, gen.JSON["items"], 1)
			st := gen.JSON["items"].([]any)[0].(map[string]any)
			require.EqualValues(t, 1234, st["total"])

			r := b.do("GET", "/v1/claim-statements/"+st["id"].(string)+"/export?format=csv", admin, nil)
			require.Equal(t, 200, r.Status)
			cr := csv.NewReader(bytes.NewReader(r.Raw))
			cr.FieldsPerRecord = -1
			rows, err := cr.ReadAll()
			require.NoError(t, err)
			require.Equal(t, []string{"claim", c.want}, []string{rows[2][0], rows[2][3]}, "the claim line: %q", rows)
			require.Equal(t, []string{"total", "", "", c.want}, rows[len(rows)-1])

			x := b.do("GET", "/v1/claim-statements/"+st["id"].(string)+"/export?format=xlsx", admin, nil)
			require.Equal(t, 200, x.Status)
			f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
			require.NoError(t, err)
			all, err := f.GetRows("Sheet1")
			require.NoError(t, err)
			require.Equal(t, []string{"total", c.want}, []string{all[len(all)-1][0], all[len(all)-1][3]})
		})
	}
}

//go:build linux

package main_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalClaimSettings: in zh-CN and in en, a tenant admin sets the
// claim prices and the deductions per missed deadline on the audit rules
// page, in yuan; the server keeps them in minor units. A currency that is
// not an ISO code is refused beside its field and nothing is saved. A
// quality auditor sees the settings but cannot change them. axe-core
// finds no serious violation.
func TestPortalClaimSettings(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, slug, saved string }{
		{"zh-CN", "clmset-zh", "索赔设置已保存"},
		{"en", "clmset-en", "Claim settings saved"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.slug, tc.lang)
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "boss", "password": dispatchPassword,
				"roles": []string{"tenant_admin"}, "scope": map[string]any{"all": true}})
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "qa", "password": dispatchPassword,
				"roles": []string{"quality_auditor"}, "scope": map[string]any{"all": true}})
			var set struct {
				Currency        string `json:"currency"`
				LabourRate      int64  `json:"labour_rate"`
				ArrivalMissFee  int64  `json:"arrival_miss_fee"`
				ResponseMissFee int64  `json:"response_miss_fee"`
			}
			settings := func() {
				c.expect(http.StatusOK, "GET", "/v1/claim-settings", n.admin, nil).decode(t, &set)
			}

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/claims/rules", n.slug, "boss")
			b.waitVisible(`[data-test="claim-settings-save"]`)
			b.waitJS("the saved labour rate shows in yuan",
				`document.querySelector('#claim-labour_rate').value === '50.00'`)
			b.requireSettledAccessible("the claim settings")

			b.fill(`#claim-currency`, "cny")
			b.click(`[data-test="claim-settings-save"]`)
			b.waitJS("the refusal shows beside the currency",
				`document.querySelector('.el-form-item.is-error #claim-currency') !== null`)
			settings()
			require.Equal(t, "CNY", set.Currency, "nothing saved")

			b.fill(`#claim-arrival_miss_fee`, "80.50")
			b.fill(`#claim-labour_rate`, "60")
			b.fill(`#claim-currency`, "CNY")
			b.click(`[data-test="claim-settings-save"]`)
			b.waitVisible(`[data-test="claim-settings-notice"]`)
			b.waitText(tc.saved)
			settings()
			require.Equal(t, int64(8050), set.ArrivalMissFee)
			require.Equal(t, int64(6000), set.LabourRate)
			require.Equal(t, int64(2000), set.ResponseMissFee, "untouched")
			b.requireSettledAccessible("the claim settings saved")

			b.signOut()
			b.openSignedIn("/claims/rules", n.slug, "qa")
			b.waitJS("the auditor sees the saved deduction",
				`document.querySelector('#claim-arrival_miss_fee').value === '80.50'`)
			require.Equal(t, "false", b.evalString(`String(document.querySelector('[data-test="claim-settings-save"]') !== null)`))
		})
	}
}

//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalWarranty: a tenant admin sets the AC line's 三包 policy with a
// compressor on its own term (a refund window longer than the replacement
// window is refused beside its field) and the fee schedule (an overlapping
// distance band is refused beside the band); an agent quotes a caller's
// unit from the console (in warranty: every item free); a completed
// order's page shows its charge items. Each change is checked through the
// API; axe-core checks the settings page, the console and the order. In
// zh-CN and en.
func TestPortalWarranty(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, saved, free string }{{"zh-CN", "已保存", "免费"}, {"en", "Saved", "Free"}} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, "wty-"+map[string]string{"zh-CN": "zh", "en": "en"}[tc.lang], tc.lang)
			for _, u := range []struct{ name, role string }{{"warranty.admin", "tenant_admin"}, {"agent.li", "agent"}} {
				c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": u.name, "display_name": u.name,
					"password": dispatchPassword, "roles": []string{u.role}, "scope": map[string]any{"all": true}})
			}

			// The policy: refused beside its field, then saved.
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/admin/warranty", n.slug, "warranty.admin")
			b.click(`[data-test="wp-new"]`)
			b.fill(`#wp-refund`, "20")
			b.click(`[data-test="wp-add-component"]`)
			b.fill(`#wp-comp-code-0`, "compressor")
			b.fill(`#wp-comp-zh-0`, "压缩机")
			b.fill(`#wp-comp-months-0`, "36")
			b.click(`[data-test="wp-save"]`)
			b.waitVisible(`[data-test="wp-error-refund_days"]`)
			b.fill(`#wp-refund`, "7")
			b.click(`[data-test="wp-save"]`)
			b.waitText(tc.saved)
			b.waitVisible(`[data-test="wp-row-line-AC"]`)
			var pols struct {
				Items []struct {
					ProductLine string `json:"product_line"`
					RefundDays  int    `json:"refund_days"`
					Components  []struct {
						Code   string `json:"code"`
						Months int    `json:"months"`
					} `json:"components"`
				} `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/warranty-policies", n.admin, nil).decode(t, &pols)
			require.Len(t, pols.Items, 1)
			require.Equal(t, "AC", pols.Items[0].ProductLine)
			require.Equal(t, 7, pols.Items[0].RefundDays)
			require.Equal(t, "compressor", pols.Items[0].Components[0].Code)
			require.Equal(t, 36, pols.Items[0].Components[0].Months)

			// The fee schedule: an overlapping band refused beside it.
			b.click(`[data-test="fs-add-rate"]`)
			b.fill(`#fs-rate-amount-0`, "120")
			b.click(`[data-test="fs-add-band"]`)
			b.fill(`#fs-band-to-0`, "10")
			b.fill(`#fs-band-amount-0`, "15")
			b.click(`[data-test="fs-add-band"]`)
			b.fill(`#fs-band-from-1`, "5")
			b.fill(`#fs-band-amount-1`, "50")
			b.click(`[data-test="fs-save"]`)
			b.waitVisible(`[data-test="fs-error-band-1"]`)
			b.fill(`#fs-band-from-1`, "10")
			b.click(`[data-test="fs-save"]`)
			b.waitVisible(`[data-test="fs-saved"]`)
			var fees struct {
				Version int `json:"version"`
				Labour  []struct {
					ServiceType string `json:"service_type"`
					Amount      int64  `json:"amount"`
				} `json:"labour"`
				Travel []struct {
					FromKm int   `json:"from_km"`
					ToKm   int   `json:"to_km"`
					Amount int64 `json:"amount"`
				} `json:"travel"`
			}
			c.expect(http.StatusOK, "GET", "/v1/fee-schedule", n.admin, nil).decode(t, &fees)
			require.Equal(t, 1, fees.Version)
			require.Len(t, fees.Labour, 1)
			require.Equal(t, int64(12000), fees.Labour[0].Amount, "typed in yuan, stored in fen")
			require.Len(t, fees.Travel, 2)
			require.Equal(t, 10, fees.Travel[1].FromKm)
			require.Equal(t, int64(5000), fees.Travel[1].Amount)
			b.requireSettledAccessible("the warranty settings")
			b.signOut()

			// The agent quotes the caller's unit, bought 3 months ago.
			b = newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/agent", n.slug, "agent.li")
			b.fill(`#lookup-phone`, "13800138000")
			b.click(`[data-test="lookup-submit"]`)
			b.waitVisible(`[data-test="quote-panel"]`)
			b.fill(`#quote-distance`, "12")
			b.click(`[data-test="quote-submit"]`)
			b.waitVisible(`[data-test="quote-total"]`)
			require.Equal(t, "0", b.evalString(`document.querySelector('[data-test="quote-total"]').dataset.total`))
			require.Equal(t, "free_repair", b.evalString(`document.querySelector('[data-test="quote-coverage"]').dataset.coverage`))
			require.Contains(t, b.evalString(`document.querySelector('[data-test="quote-item-travel"]').innerText`), tc.free)
			b.requireSettledAccessible("the agent console with a quote")
			b.signOut()

			// A completed order shows its charges.
			order := n.intake(t)
			c.expect(http.StatusOK, "POST", "/v1/work-orders/"+order.ID+"/reassign", n.admin,
				map[string]any{"site_id": n.siteB, "reason": "客户要求罗湖网点"})
			n.complete(t, order.ID)
			b = newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn(fmt.Sprintf("/orders/%s", order.ID), n.slug, "warranty.admin")
			b.waitVisible(`[data-test="order-charges"] [data-test="quote-total"]`)
			require.Equal(t, "false", b.evalString(`document.querySelector('[data-test="order-charges"] [data-test="quote-item-labour"]').dataset.charged`))
			require.Equal(t, "0", b.evalString(`document.querySelector('[data-test="order-charges"] [data-test="quote-total"]').dataset.total`))
			b.requireSettledAccessible("the order with its charges")
		})
	}
}

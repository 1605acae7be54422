//go:build linux

package main_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalPartComponents: in zh-CN and in en, a parts clerk adds a
// compressor to the catalogue with its major component (三包) through
// the catalogue page, which lists the component; a technician records on
// the phone a part the catalogue lists for another model: the record is
// saved and the phone warns, naming the part and the order's model.
// axe-core finds no serious violation on either page.
func TestPortalPartComponents(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, slug, warning string }{
		{"zh-CN", "partcmp-zh", "目录中备件 P-100 不适用机型 KFR-35"},
		{"en", "partcmp-en", "The catalogue does not list model KFR-35 for part P-100"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := newTechWorld(c, platformToken, tc.slug, tc.lang)
			c.post(w.admin, "/v1/users", map[string]any{"username": "clerk", "display_name": "备件员", "password": dispatchPassword,
				"roles": []string{"parts_clerk"}, "scope": map[string]any{"all": true}})
			c.post(w.admin, "/v1/product-models", map[string]any{"product_line": "AC", "code": "KFR-99", "name": "KFR-99GW", "warranty_months": 12})
			c.post(w.admin, "/v1/parts/catalog", map[string]any{"number": "P-100", "name_zh": "风扇", "name_en": "Fan",
				"models": []string{"KFR-99"}, "cost_minor": 1000, "sale_minor": 1500})

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/parts", tc.slug, "clerk")
			b.click(`[data-test="new-part"]`)
			b.fill(`[data-test="part-number"]`, "P-CMP")
			b.fill(`[data-test="part-name-zh"]`, "压缩机")
			b.fill(`[data-test="part-component"]`, "compressor")
			b.requireSettledAccessible("the part form with its component")
			b.click(`[data-test="save-part"]`)
			b.waitJS("the component listed", `[...document.querySelectorAll('[data-test="part-component-cell"]')].some((e) => e.innerText === 'compressor')`)
			var got struct {
				Items []struct{ Number, Component string }
			}
			c.expect(http.StatusOK, "GET", "/v1/parts/catalog?q=P-CMP", w.admin, nil).decode(t, &got)
			require.Len(t, got.Items, 1)
			require.Equal(t, "compressor", got.Items[0].Component)

			o := w.order(c, "风扇异响")
			tech := c.login(tc.slug, "li.tech", techPassword)
			for _, a := range []string{"accept", "start_travel", "arrive"} {
				c.expect(http.StatusOK, "POST", "/v1/work-orders/"+o.ID+"/"+a, tech, map[string]any{"lat": techLat, "lon": techLon})
			}
			p := newPhone(t, addr, tc.lang)
			p.signIn(tc.slug, "li.tech")
			p.openOrder(o)
			p.b.click(`[data-test="record"]`)
			p.b.waitPath("/m/orders/" + o.ID + "/record")
			p.fillRecord()
			p.b.waitVisible(`[data-test="fit-warnings"]`)
			p.b.waitText(tc.warning)
			require.Equal(t, "completed", w.state(c, o.ID), "the record is saved all the same")
			p.b.requireAccessible("the fit warning (phone)")
			p.b.click(`[data-test="to-order"]`)
			p.b.waitPath("/m/orders/" + o.ID)
		})
	}
}

// signIn signs a technician in on the phone pages.
func (p *phone) signIn(slug, username string) {
	p.t.Helper()
	p.b.open("/m")
	p.b.waitPath("/login")
	p.b.fill("#tenant", slug)
	p.b.fill("#username", username)
	p.b.fill("#password", techPassword)
	p.b.click(`[data-test="login-submit"]`)
	p.b.waitPath("/m")
}

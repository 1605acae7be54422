//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalFieldParts: in zh-CN and in en, a technician requests two
// parts in one request for an order on the phone page (the second found
// by searching the catalogue by name); the parts clerk approves one on
// the queue page, which ships a transfer from the central warehouse to
// the site's. The API's request lines, state, stock figures and the
// order's timeline follow, and the phone shows each line's state;
// axe-core finds no serious violation on the queue or the phone page.
func TestPortalFieldParts(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, slug, requested, filter string }{
		{"zh-CN", "fieldparts-zh", "待审批", "滤网"},
		{"en", "fieldparts-en", "Awaiting approval", "Filter"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := newTechWorld(c, platformToken, tc.slug, tc.lang)
			site := c.list(t, w.admin, "/v1/sites")[0]["id"].(string)
			c.post(w.admin, "/v1/users", map[string]any{"username": "clerk", "display_name": "备件员", "password": dispatchPassword,
				"roles": []string{"parts_clerk"}, "scope": map[string]any{"all": true}})
			central := c.post(w.admin, "/v1/warehouses", map[string]any{"code": "WH-C", "name": "中心库", "kind": "central"})
			siteWH := c.post(w.admin, "/v1/warehouses", map[string]any{"code": "WH-S", "name": "南山网点库", "kind": "site", "site_id": site})
			part := c.post(w.admin, "/v1/parts/catalog", map[string]any{"number": "P-COMP", "name_zh": "压缩机", "name_en": "Compressor",
				"cost_minor": 32000, "sale_minor": 45000, "must_return": true})
			c.post(w.admin, "/v1/parts/catalog", map[string]any{"number": "P-FILT", "name_zh": "滤网", "name_en": "Filter",
				"cost_minor": 1500, "sale_minor": 2500})
			c.post(w.admin, "/v1/stock/documents", map[string]any{"kind": "receipt", "warehouse_id": central,
				"lines": []map[string]any{{"part_id": part, "quantity": 5}}})
			o := w.order(c, "压缩机不启动")
			tech := c.login(tc.slug, "li.tech", techPassword)
			c.expect(http.StatusOK, "POST", "/v1/work-orders/"+o.ID+"/accept", tech, map[string]any{})
			stock := func(wh string) map[string]any {
				items := c.list(t, w.admin, "/v1/stock?part_id="+part+"&warehouse_id="+wh)
				require.Len(t, items, 1)
				return items[0]
			}

			// The technician asks for 2 compressors and 3 filters in one request
			// on the order's phone page, finding the filter by its name.
			p := newPhone(t, addr, tc.lang)
			p.b.open("/m")
			p.b.waitPath("/login")
			p.b.fill("#tenant", tc.slug)
			p.b.fill("#username", "li.tech")
			p.b.fill("#password", techPassword)
			p.b.click(`[data-test="login-submit"]`)
			p.b.waitPath("/m")
			p.openOrder(o)
			p.b.waitVisible(`[data-test="part-requests"]`)
			p.b.fill(`[data-test="part-line-0"] [data-test="part-request-number"] input`, "P-COMP")
			p.b.fill(`[data-test="part-line-0"] [data-test="part-request-quantity"] input`, "2")
			// The catalogue's suggestions for what was typed show under the line
			// a moment later and move the buttons below; wait for them before
			// tapping one (the line is still sent by its exact number).
			p.b.waitVisible(`[data-test="part-line-0"] [data-test="part-suggestion-P-COMP"]`)
			p.b.click(`[data-test="part-line-add"]`)
			p.b.fill(`[data-test="part-line-1"] [data-test="part-request-number"] input`, tc.filter)
			p.b.click(`[data-test="part-line-1"] [data-test="part-suggestion-P-FILT"]`)
			p.b.fill(`[data-test="part-line-1"] [data-test="part-request-quantity"] input`, "3")
			p.b.requireSettledAccessible("the phone's part request lines")
			p.b.click(`[data-test="part-request-submit"]`)
			p.b.waitVisible(`[data-request="P-COMP"][data-state="requested"]`)
			p.b.waitVisible(`[data-request="P-FILT"][data-state="requested"]`)
			p.b.waitText(tc.requested)
			reqs := c.list(t, w.admin, "/v1/work-orders/"+o.ID+"/part-requests")
			require.Len(t, reqs, 2, "one line per part")
			byNumber := map[string]map[string]any{}
			for _, r := range reqs {
				require.Equal(t, "requested", r["state"])
				byNumber[r["part_number"].(string)] = r
			}
			require.EqualValues(t, 2, byNumber["P-COMP"]["quantity"])
			require.EqualValues(t, 3, byNumber["P-FILT"]["quantity"])
			require.Equal(t, byNumber["P-COMP"]["group_id"], byNumber["P-FILT"]["group_id"], "one request")
			id := byNumber["P-COMP"]["id"].(string)

			// The clerk approves it from the queue, shipping from the central warehouse.
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/parts/requests", tc.slug, "clerk")
			b.waitVisible(fmt.Sprintf(`[data-test="approve-%s"]`, id))
			b.requireSettledAccessible("the part request queue")
			b.click(fmt.Sprintf(`[data-test="approve-%s"]`, id))
			b.waitVisible(`[data-test="decision-form"]`)
			b.waitJS("the source chosen", `document.querySelector('[data-test="decision-from"]').innerText.includes('WH-C')`)
			b.click(`[data-test="decision-submit"]`)
			b.waitJS("the request leaves the queue", fmt.Sprintf(`document.querySelector('[data-test="approve-%s"]') === null`, id))

			var got struct {
				State      string `json:"state"`
				DocumentID string `json:"document_id"`
			}
			c.expect(http.StatusOK, "GET", "/v1/part-requests/"+id, w.admin, nil).decode(t, &got)
			require.Equal(t, "approved", got.State)
			require.NotEmpty(t, got.DocumentID)
			require.EqualValues(t, 3, stock(central)["available"])
			require.EqualValues(t, 2, stock(siteWH)["in_transit"])
			var types []string
			for _, e := range w.events(c, o.ID) {
				types = append(types, e.Type)
			}
			require.Contains(t, types, "part_requested")
			require.Contains(t, types, "part_request_approved")
			// The phone shows each line's state.
			p.b.open("/m/orders/" + o.ID)
			p.b.waitVisible(`[data-request="P-COMP"][data-state="approved"]`)
			p.b.waitVisible(`[data-request="P-FILT"][data-state="requested"]`)
		})
	}
}

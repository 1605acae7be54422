//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalComplaints: in zh-CN and in en, a complaint opened by the agent
// on a call shows in the handler's workbench; the handler opens the case,
// acknowledges it, transfers it to a region with a reason, proposes a
// resolution with the handling form, records the customer's confirmation
// and closes it. Every step is on the case's timeline; axe-core finds no
// serious violation on the workbench or the case page.
func TestPortalComplaints(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct {
		lang, tenant, acknowledged, region, proposed, closed string
	}{
		{"zh-CN", "cmp-zh", "已受理", "区域", "已提出处理方案", "已结案"},
		{"en", "cmp-en", "Acknowledged", "Region", "Resolution proposed", "Closed"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Complaints " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": dispatchPassword}})
			admin := c.login(tc.tenant, "admin", dispatchPassword)
			region := c.post(admin, "/v1/regions", map[string]any{"level": "country", "code": "CN", "name": "中国"})
			customer := c.post(admin, "/v1/customers", map[string]any{"name": "王芳", "phones": []map[string]any{{"phone": "13800138000"}}})
			var opened struct{ ID, Number string }
			c.expect(http.StatusCreated, "POST", "/v1/complaints", admin, map[string]any{"customer_id": customer,
				"category": "service_attitude", "channel": "phone", "description": "师傅态度差"}).decode(t, &opened)

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/complaints", tc.tenant, "admin")
			b.waitText(opened.Number)
			b.requireSettledAccessible("the complaint workbench")
			b.click(fmt.Sprintf(`a[href="/complaints/%s"]`, opened.ID))
			b.waitPath("/complaints/" + opened.ID)
			b.waitVisible(`[data-test="act-acknowledge"]`)
			b.requireSettledAccessible("the complaint page")

			b.click(`[data-test="act-acknowledge"]`)
			b.waitJS("acknowledged", fmt.Sprintf(`document.querySelector('[data-test="complaint-state"]').innerText === %q`, tc.acknowledged))
			b.fill("#c-reason", "需区域协调")
			b.fill("#c-owner-id", region)
			b.click(`[data-test="act-transfer"]`)
			b.waitJS("transferred", fmt.Sprintf(`document.querySelector('[data-test="complaint-owner"]').innerText === %q`, tc.region))
			b.fill("#c-measures", "重新上门维修")
			b.click(`[data-test="act-propose"]`)
			b.waitJS("proposed", fmt.Sprintf(`document.querySelector('[data-test="complaint-state"]').innerText === %q`, tc.proposed))
			b.click(`[data-test="act-confirm"]`)
			b.waitVisible(`[data-test="act-close"]`)
			b.click(`[data-test="act-close"]`)
			b.waitJS("closed", fmt.Sprintf(`document.querySelector('[data-test="complaint-state"]').innerText === %q`, tc.closed))

			var events struct {
				Items []struct {
					Type    string         `json:"type"`
					Payload map[string]any `json:"payload"`
				} `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/complaints/"+opened.ID+"/events", admin, nil).decode(t, &events)
			var types []string
			for _, e := range events.Items {
				types = append(types, e.Type)
			}
			require.Equal(t, []string{"opened", "acknowledge", "transfer", "propose", "confirm", "close"}, types)
			require.Equal(t, "需区域协调", events.Items[2].Payload["reason"])
		})
	}
}

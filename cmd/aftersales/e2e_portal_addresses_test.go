//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalAddresses: in zh-CN and in en, an agent creates a customer
// with a text-only address and sees, as they type, the district the
// platform reads in it; on the customer's page the address shows its
// province, city and district and an "approximate location" tag (the
// district's point, no coordinate having been given). A tenant admin then
// maps a city node of the region tree to its administrative division with
// the division picker. The API confirms both; axe-core finds no serious
// violation on the customer's page and the region tree.
func TestPortalAddresses(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, tenant, approximate, divisions string
	}{
		{"zh-CN", "addr-zh", "近似位置", "广东省 深圳市 南山区"},
		{"en", "addr-en", "Approximate location", "广东省 深圳市 南山区"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Addresses " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": adminPassword}})
			admin := c.login(tc.tenant, "admin", adminPassword)
			c.expect(http.StatusCreated, "POST", "/v1/users", admin, map[string]any{"username": "agent.li", "display_name": "李坐席",
				"password": "agent-password-1", "roles": []string{"agent"}, "scope": map[string]any{"all": true}})
			var cn, south, gd, sz struct{ ID string }
			c.expect(http.StatusCreated, "POST", "/v1/regions", admin, map[string]any{"level": "country", "code": "CN", "name": "中国"}).decode(t, &cn)
			c.expect(http.StatusCreated, "POST", "/v1/regions", admin, map[string]any{"level": "region", "code": "SOUTH", "name": "华南大区",
				"parent_id": cn.ID}).decode(t, &south)
			c.expect(http.StatusCreated, "POST", "/v1/regions", admin, map[string]any{"level": "province", "code": "GD", "name": "广东",
				"parent_id": south.ID, "division_code": "440000"}).decode(t, &gd)
			c.expect(http.StatusCreated, "POST", "/v1/regions", admin, map[string]any{"level": "city", "code": "GD-SZ", "name": "深圳",
				"parent_id": gd.ID}).decode(t, &sz)

			// The agent creates a customer with only a text address.
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/login")
			b.fill("#tenant", tc.tenant)
			b.fill("#username", "agent.li")
			b.fill("#password", "agent-password-1")
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/")
			b.open("/admin/customers")
			b.waitVisible(`[data-test="customer-new"]`)
			b.click(`[data-test="customer-new"]`)
			name := "地址客户 " + tc.lang
			b.fill("#nc-name", name)
			b.fill("#nc-phone-0", "138 0013 8002")
			b.fill("#nc-address-0", "深圳南山科苑路15号")
			b.waitVisible(`[data-test="customer-create"] [data-test="address-parse-result"]`)
			require.Contains(t, b.evalString(`document.querySelector('[data-test="customer-create"] [data-test="address-parse-result"]').innerText`),
				"南山区", "the district read as the agent types")
			b.waitVisible(`[data-test="address-approx-hint-0"]`)
			b.click(`[data-test="customer-create-save"]`)
			b.run("the new customer's page", chromedp.Poll[chromedp.Void](`location.pathname.startsWith('/admin/customers/') && location.pathname.length > 20`,
				chromedp.WithPollingTimeout(browserWait)))
			b.waitVisible(`[data-test="customer-title"]`)

			created := c.list(t, admin, "/v1/customers?phone=13800138002")
			require.Len(t, created, 1)
			a := created[0]["addresses"].([]any)[0].(map[string]any)
			require.Equal(t, "440305", a["district"].(map[string]any)["code"], "parsed and stored by the server")
			require.Equal(t, true, a["location_approximate"])
			require.NotNil(t, a["lat"], "the district's point")
			id := a["id"].(string)
			b.waitVisible(fmt.Sprintf(`[data-test="address-approximate-%s"]`, id))
			require.Equal(t, tc.approximate, b.evalString(fmt.Sprintf(`document.querySelector('[data-test="address-approximate-%s"]').innerText.trim()`, id)))
			require.Equal(t, tc.divisions, b.evalString(fmt.Sprintf(`document.querySelector('[data-test="address-divisions-%s"]').innerText.trim()`, id)))
			b.requireAccessible("a customer's page with a parsed address")

			// The admin maps the city node 深圳 to 深圳市 (440300).
			ab := newBrowser(t, addr, tc.lang, 1366, 900)
			ab.open("/login")
			ab.fill("#tenant", tc.tenant)
			ab.fill("#username", "admin")
			ab.fill("#password", adminPassword)
			ab.click(`[data-test="login-submit"]`)
			ab.waitPath("/")
			ab.click(`[data-nav="/admin/regions"]`)
			ab.waitPath("/admin/regions")
			ab.waitVisible(`[data-test="region-division-GD"]`)
			ab.requireAccessible("the region tree with divisions")
			ab.click(`[data-test="edit-GD-SZ"]`)
			ab.waitVisible(`[data-test="division-picker"] .el-cascader`)
			ab.click(`[data-test="division-picker"] .el-cascader`)
			for _, node := range []string{"广东省", "深圳市"} {
				ab.run("pick "+node, chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => {
					const n = [...document.querySelectorAll('.el-cascader-node')].find((e) => e.offsetParent !== null && e.innerText.trim() === %q)
					if (!n) return false
					n.click()
					return true
				})()`, node), chromedp.WithPollingTimeout(browserWait)))
			}
			ab.click(`[data-test="region-save"]`)
			ab.waitVisible(`[data-test="region-division-GD-SZ"]`)
			var got map[string]any
			c.expect(http.StatusOK, "GET", "/v1/regions/"+sz.ID, admin, nil).decode(t, &got)
			require.Equal(t, "440300", got["division_code"], "mapped through the picker")
			require.Contains(t, ab.evalString(`document.querySelector('[data-test="region-division-GD-SZ"]').innerText`), "440300")
		})
	}
}

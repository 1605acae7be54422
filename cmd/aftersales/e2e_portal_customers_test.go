//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalCustomers: a tenant admin, in zh-CN and in en, finds a
// customer by phone; creates one (a bad phone first: the server's message
// stands next to the phone field, what was typed stays, nothing is
// created) with an address in a region of the tree; registers a unit of a
// catalogue model and reads its warranty as the server computes it;
// changes the customer in the edit drawer; and imports a CSV file with a
// bad row, reading the per-row report. The API confirms each change.
// axe-core finds no serious violation on the list and the detail.
func TestPortalCustomers(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, tenant, inWarranty, summary string
	}{
		{"zh-CN", "cust-zh", "在保", "共 3 行：新建 2，更新 0，失败 1"},
		{"en", "cust-en", "In warranty", "3 rows: 2 created, 0 updated, 1 failed"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Customers " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": adminPassword}})
			admin := c.login(tc.tenant, "admin", adminPassword)
			var cn, gd struct{ ID string }
			c.expect(http.StatusCreated, "POST", "/v1/regions", admin, map[string]any{"level": "country", "code": "CN", "name": "中国"}).decode(t, &cn)
			c.expect(http.StatusCreated, "POST", "/v1/regions", admin, map[string]any{"level": "province", "code": "GD", "name": "广东",
				"parent_id": cn.ID}).decode(t, &gd)
			c.expect(http.StatusCreated, "POST", "/v1/regions", admin, map[string]any{"level": "city", "code": "GD-SZ", "name": "深圳",
				"parent_id": gd.ID})
			c.expect(http.StatusCreated, "POST", "/v1/product-lines", admin, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners"})
			c.expect(http.StatusCreated, "POST", "/v1/product-models", admin, map[string]any{"product_line": "AC", "code": "KFR-35",
				"name": "壁挂式空调", "warranty_months": 36})
			c.expect(http.StatusCreated, "POST", "/v1/customers", admin, map[string]any{"name": "老客户",
				"phones": []map[string]any{{"phone": "13912345678"}}})
			c.expect(http.StatusCreated, "POST", "/v1/customers", admin, map[string]any{"name": "别的客户",
				"phones": []map[string]any{{"phone": "13700000000"}}})

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/login")
			b.fill("#tenant", tc.tenant)
			b.fill("#username", "admin")
			b.fill("#password", adminPassword)
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/")
			b.click(`[data-nav="/admin/customers"]`)
			b.waitPath("/admin/customers")
			b.waitVisible(`[data-customer="别的客户"]`)
			b.requireAccessible("the customers list")

			// Search by phone, typed as the caller says it.
			b.fill(`[data-test="customer-filters"] input`, "139-1234-5678")
			b.click(`[data-test="customer-search-go"]`)
			b.run("only the caller is listed", chromedp.Poll[chromedp.Void](
				`document.querySelectorAll('[data-test="customers"] tbody tr').length === 1 && !!document.querySelector('[data-customer="老客户"]')`,
				chromedp.WithPollingTimeout(browserWait)))
			require.Contains(t, b.text(), "+86 139 1234 5678")

			// Create: a bad phone first.
			name := "新客户 " + tc.lang
			b.click(`[data-test="customer-new"]`)
			b.fill("#nc-name", name)
			b.fill("#nc-phone-0", "12")
			b.fill("#nc-address-0", "科技园南路 8 号")
			b.pickOption(`[data-test="customer-create"] [data-test="address-0"]`, "深圳")
			b.click(`[data-test="customer-create-save"]`)
			b.waitVisible(`[data-test="customer-phones"] .el-form-item.is-error .el-form-item__error`)
			phoneError := b.evalString(`document.querySelector('[data-test="customer-phones"] .el-form-item.is-error .el-form-item__error').innerText`)
			require.Contains(t, phoneError, "is not a valid phone number", "the server's message next to the phone")
			require.Equal(t, name, b.evalString(`document.querySelector('#nc-name').value`), "what was typed stays")
			require.Empty(t, c.list(t, admin, "/v1/customers?q="+url.QueryEscape(name)), "nothing created")

			b.fill("#nc-phone-0", "138 0013 8001")
			b.click(`[data-test="customer-create-save"]`)
			b.run("the new customer's page", chromedp.Poll[chromedp.Void](`location.pathname.startsWith('/admin/customers/') && location.pathname.length > 20`,
				chromedp.WithPollingTimeout(browserWait)))
			b.waitVisible(`[data-test="customer-title"]`)
			b.waitText("深圳")
			created := c.list(t, admin, "/v1/customers?phone=13800138001")
			require.Len(t, created, 1)
			cust := created[0]
			require.Equal(t, name, cust["name"])
			addrs := cust["addresses"].([]any)
			require.Len(t, addrs, 1)
			require.Equal(t, "科技园南路 8 号", addrs[0].(map[string]any)["address"])
			require.NotNil(t, addrs[0].(map[string]any)["region_id"], "placed in the region picked")
			id := cust["id"].(string)

			// Register a unit bought 100 days ago: in warranty.
			purchase := time.Now().In(shanghai(t)).AddDate(0, 0, -100).Format(time.DateOnly)
			serial := "SN-" + tc.tenant
			b.click(`[data-test="unit-new"]`)
			b.pickOption(`[data-test="unit-register"]`, "KFR-35")
			b.fill("#unit-serial", serial)
			b.fill("#unit-date", purchase)
			b.run("confirm the date", chromedp.SendKeys("#unit-date", "\t"),
				chromedp.Poll[chromedp.Void](`![...document.querySelectorAll('.el-picker-panel')].some((e) => e.offsetParent !== null)`,
					chromedp.WithPollingTimeout(browserWait)))
			b.click(`[data-test="unit-register-save"]`)
			b.waitVisible(fmt.Sprintf(`[data-warranty=%q]`, serial))
			units := c.list(t, admin, "/v1/units?customer_id="+id)
			require.Len(t, units, 1)
			warranty := units[0]["warranty"].(map[string]any)
			require.Equal(t, true, warranty["in_warranty"])
			require.Equal(t, purchase, units[0]["purchase_date"])
			shown := b.evalString(fmt.Sprintf(`document.querySelector('[data-warranty=%q]').innerText`, serial))
			require.Contains(t, shown, tc.inWarranty)
			require.Contains(t, shown, warranty["expires_on"].(string), "the end date the server computed")
			require.Contains(t, shown, fmt.Sprint(warranty["days_left"]))
			b.requireAccessible("a customer's page")

			// Edit the customer: name and VIP; the list of addresses is
			// sent only if changed, so the stored one stays.
			b.click(`[data-test="customer-edit"]`)
			b.waitVisible(`[data-test="customer-drawer"]`)
			b.fill("#ec-name", name+" 改")
			b.click(`[data-test="customer-drawer"] .el-switch`)
			b.click(`[data-test="customer-save"]`)
			b.waitText(name + " 改")
			var got map[string]any
			c.expect(http.StatusOK, "GET", "/v1/customers/"+id, admin, nil).decode(t, &got)
			require.Equal(t, name+" 改", got["name"])
			require.Equal(t, true, got["vip"])
			require.EqualValues(t, 2, got["version"])
			require.Len(t, got["addresses"], 1)

			// Import three rows, one with a bad phone.
			csv := filepath.Join(t.TempDir(), "customers.csv")
			require.NoError(t, os.WriteFile(csv, []byte("name,phones,address,region\n"+
				"导入甲,13800138010,南山 1 号,GD-SZ\n导入乙,12,南山 2 号,GD-SZ\n导入丙,13800138012,南山 3 号,GD-SZ\n"), 0o600))
			b.open("/admin/customers")
			b.click(`[data-test="open-import"]`)
			b.waitVisible(`[data-test="import-send"]`)
			b.run("choose the CSV file", chromedp.SetUploadFiles(`[data-test="import-file"]`, []string{csv}))
			b.click(`[data-test="import-send"]`)
			b.waitVisible(`[data-test="import-summary"]`)
			b.waitText(tc.summary)
			report := b.evalString(`document.querySelector('[data-test="import-errors"]').innerText`)
			require.Contains(t, report, "3", "the bad row's line")
			require.Contains(t, report, "phones", "its column")
			require.Contains(t, report, "is not a valid phone number", "what is wrong")
			imported := c.list(t, admin, "/v1/customers?q="+url.QueryEscape("导入"))
			require.Len(t, imported, 2)
		})
	}
}

// pickOption opens the Element Plus select (or tree select) in container,
// types text into its filter and clicks the shown option that holds text.
func (b *browser) pickOption(container, text string) {
	b.t.Helper()
	b.click(container + " .el-select__wrapper")
	b.run("filter by "+text, chromedp.SendKeys(container+" .el-select__wrapper input", text))
	click := fmt.Sprintf(`(() => {
		const shown = [...document.querySelectorAll('.el-select-dropdown__item, .el-tree-node__content')]
			.filter((e) => e.offsetParent !== null && e.innerText.includes(%q))
		if (!shown.length) return false
		shown[shown.length - 1].click()
		return true
	})()`, text)
	b.run("pick "+text, chromedp.Poll[chromedp.Void](click, chromedp.WithPollingTimeout(browserWait)))
}

// list reads the items of a list endpoint.
func (c *client) list(t *testing.T, token, path string) []map[string]any {
	t.Helper()
	var out struct{ Items []map[string]any }
	c.expect(http.StatusOK, "GET", path, token, nil).decode(t, &out)
	return out.Items
}

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	return loc
}

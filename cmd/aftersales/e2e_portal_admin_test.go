//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalAdminImportsSites: a tenant admin, in zh-CN and in en, works
// the region tree (adds a city; deleting a region with children is refused
// with the server's reason), imports 1,000 sites from a CSV file through
// the file input (a few rows deliberately bad) and reads the per-row
// report naming them and the count imported, pages through the list,
// edits one site, and finds the change with its before and after in the
// audit log. axe-core finds no serious violation on these pages and on
// the technicians list.
func TestPortalAdminImportsSites(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, tenant, summary, refused, changed string
	}{
		{"zh-CN", "net-zh", "共 1000 行：新建 997，更新 0，失败 3", "无法删除", "已变更"},
		{"en", "net-en", "1000 rows: 997 created, 0 updated, 3 failed", "Could not delete", "(changed)"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Network " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": adminPassword}})
			admin := c.login(tc.tenant, "admin", adminPassword)
			region := func(parent, level, code, name string) string {
				body := map[string]any{"level": level, "code": code, "name": name}
				if parent != "" {
					body["parent_id"] = parent
				}
				var out struct{ ID string }
				c.expect(http.StatusCreated, "POST", "/v1/regions", admin, body).decode(t, &out)
				return out.ID
			}
			cn := region("", "country", "CN", "中国")
			gd := region(cn, "province", "GD", "广东")
			region(gd, "city", "GD-SZ", "深圳")

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/login")
			b.fill("#tenant", tc.tenant)
			b.fill("#username", "admin")
			b.fill("#password", adminPassword)
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/")

			// The region tree: add a city under Guangdong; Guangdong itself
			// cannot go while it has children, and the page says why.
			b.click(`[data-nav="/admin/regions"]`)
			b.waitPath("/admin/regions")
			b.waitVisible(`[data-region="GD-SZ"]`)
			b.requireAccessible("the region tree")
			b.click(`[data-test="add-child-GD"]`)
			b.fill("#rg-code", "GD-GZ")
			b.fill("#rg-name", "广州")
			b.click(`[data-test="region-save"]`)
			b.waitVisible(`[data-region="GD-GZ"]`)
			b.click(`[data-test="delete-GD"]`)
			b.click(`.el-message-box .el-button--primary`)
			b.waitVisible(`[data-test="regions-failure"]`)
			require.Contains(t, b.text(), tc.refused)
			require.Contains(t, b.text(), "child regions", "the server's reason is shown")

			// The import: 1,000 rows, three of them bad.
			csvPath := writeSitesCSV(t, 1000)
			b.click(`[data-nav="/admin/sites"]`)
			b.waitPath("/admin/sites")
			b.click(`[data-test="open-import"]`)
			b.waitVisible(`[data-test="import-send"]`)
			b.run("choose the CSV file", chromedp.SetUploadFiles(`[data-test="import-file"]`, []string{csvPath}))
			// The progress shows while the upload and the import run.
			b.run("watch for the progress", chromedp.Evaluate[chromedp.Void](`window.sawProgress = false;
				new MutationObserver(() => { if (document.querySelector('[data-test="import-progress"]')) window.sawProgress = true })
					.observe(document.body, {childList: true, subtree: true})`))
			b.click(`[data-test="import-send"]`)
			b.waitVisible(`[data-test="import-summary"]`)
			require.Equal(t, "true", b.evalString(`String(window.sawProgress)`), "the progress was shown")
			b.waitText(tc.summary)
			report := b.evalString(`document.querySelector('[data-test="import-errors"]').innerText`)
			for _, want := range []string{"101", "region", "501", "lat", "901", "code"} {
				require.Contains(t, report, want, "the report names the bad rows and their columns")
			}
			b.requireAccessible("the import report")
			b.click(`[data-test="import-dialog"] .el-dialog__footer button`)

			// The list pages through the sites, 50 at a time.
			b.waitText("SITE-0001")
			b.run("the first page", chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-test="sites"] tbody tr').length === 50`,
				chromedp.WithPollingTimeout(browserWait)))
			b.click(`[data-test="sites-more"]`)
			b.run("the second page", chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-test="sites"] tbody tr').length === 100`,
				chromedp.WithPollingTimeout(browserWait)))
			b.requireAccessible("the sites list")

			// Edit one site found by its code.
			b.fill(`[data-test="filter-q"]`, "SITE-0498")
			b.click(`[data-test="site-search"]`)
			b.click(`[data-test="edit-site-SITE-0498"]`)
			b.fill(`#st-name`, "南山旗舰店 "+tc.lang)
			b.click(`[data-test="site-save"]`)
			b.waitText("南山旗舰店 " + tc.lang)

			var sites struct{ Items []struct{ ID, Name string } }
			c.expect(http.StatusOK, "GET", "/v1/sites?q=SITE-0498", admin, nil).decode(t, &sites)
			require.Len(t, sites.Items, 1)
			require.Equal(t, "南山旗舰店 "+tc.lang, sites.Items[0].Name)

			// The audit log shows the change, the name before and after.
			b.click(`[data-nav="/admin/audit"]`)
			b.waitPath("/admin/audit")
			show := fmt.Sprintf(`[data-test="show-%s"]`, sites.Items[0].ID)
			b.click(show)
			b.waitVisible(`[data-test="diff"] tr[data-changed="name"]`)
			row := b.evalString(`document.querySelector('[data-test="diff"] tr[data-changed="name"]').innerText`)
			require.Contains(t, row, "服务站 0498", "the name before")
			require.Contains(t, row, "南山旗舰店 "+tc.lang, "the name after")
			require.Contains(t, row, tc.changed)
			b.requireAccessible("the audit log")

			b.click(`[data-nav="/admin/technicians"]`)
			b.waitPath("/admin/technicians")
			b.waitVisible(`[data-test="technicians"]`)
			b.requireAccessible("the technicians list")
		})
	}
}

// writeSitesCSV writes n sites in Guangdong's two cities. Three rows are
// bad: site 100 (line 101 of the file, the header being line 1) names an
// unknown region, site 500 (line 501) has a latitude that is not a number,
// site 900 (line 901) repeats the code of the first.
func writeSitesCSV(t *testing.T, n int) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("code,name,kind,region,lat,lon,radius_km,product_lines,tags\n")
	for i := 1; i <= n; i++ {
		code, region, lat := fmt.Sprintf("SITE-%04d", i), "GD-SZ", fmt.Sprintf("%.4f", 22.5+float64(i)/10000)
		if i%2 == 0 {
			region = "GD-GZ"
		}
		switch i {
		case 100:
			region = "NOWHERE"
		case 500:
			lat = "north"
		case 900:
			code = "SITE-0001"
		}
		fmt.Fprintf(&sb, "%s,服务站 %04d,service_station,%s,%s,113.93,15,AC|FRIDGE,24h\n", code, i, region, lat)
	}
	path := filepath.Join(t.TempDir(), "sites.csv")
	require.NoError(t, os.WriteFile(path, []byte(sb.String()), 0o600))
	return path
}

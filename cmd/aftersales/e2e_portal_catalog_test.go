//go:build linux

package main_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalCatalog: a tenant admin, in zh-CN and in en, adds a product
// line and a model of it, edits the repair type's SLA targets (a value
// over the spec's limit is refused next to its field before sending, an
// arrival target on a type that is not dispatched is refused by the
// server next to its field, and neither changes anything), imports a
// fault code CSV with one bad row and reads the per-row report, and
// finds the new codes nested in the tree. The API confirms each change;
// axe-core finds no serious violation on each tab.
func TestPortalCatalog(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, tenant, summary, tooBig, lineName string
	}{
		{"zh-CN", "cat-zh", "共 4 行：新建 3，更新 0，失败 1", "不能大于 525600", "空调"},
		{"en", "cat-en", "4 rows: 3 created, 0 updated, 1 failed", "At most 525600", "Air conditioners"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Catalogue " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": adminPassword}})
			admin := c.login(tc.tenant, "admin", adminPassword)

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/login")
			b.fill("#tenant", tc.tenant)
			b.fill("#username", "admin")
			b.fill("#password", adminPassword)
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/")
			b.click(`[data-nav="/admin/catalog"]`)
			b.waitPath("/admin/catalog")

			// A product line, then a model of it.
			b.click(`[data-test="add-line"]`)
			b.fill("#pl-code", "AC")
			b.fill("#pl-name_zh", "空调")
			b.fill("#pl-name_en", "Air conditioners")
			b.click(`[data-test="line-save"]`)
			b.waitVisible(`[data-test="models-AC"]`)
			b.requireAccessible("the product lines")
			var line struct {
				Status  string
				Version int
			}
			c.expect(http.StatusOK, "GET", "/v1/product-lines/AC", admin, nil).decode(t, &line)
			require.Equal(t, "active", line.Status)
			require.Equal(t, 1, line.Version)

			b.click(`[data-test="models-AC"]`)
			b.waitText(tc.lineName)
			b.click(`[data-test="add-model"]`)
			b.fill("#pm-code", "KFR-35GW")
			b.fill("#pm-name", "壁挂式空调 1.5 匹")
			b.fill("#pm-warranty_months", "36")
			// Labour off the spinner's 0.25 step, saved with Enter: the
			// browser's own step check must not swallow it.
			b.fill("#pm-labour_hours", "1.3")
			b.run("Enter", chromedp.KeyEvent("\r"))
			b.waitVisible(`[data-test="edit-model-KFR-35GW"]`)
			var models struct {
				Items []struct {
					Code           string
					WarrantyMonths int     `json:"warranty_months"`
					LabourHours    float64 `json:"labour_hours"`
				}
			}
			c.expect(http.StatusOK, "GET", "/v1/product-models?product_line=AC", admin, nil).decode(t, &models)
			require.Len(t, models.Items, 1)
			require.Equal(t, "KFR-35GW", models.Items[0].Code)
			require.Equal(t, 36, models.Items[0].WarrantyMonths)
			require.Equal(t, 1.3, models.Items[0].LabourHours)
			b.requireAccessible("the models of a line")

			// The repair type's SLA targets.
			b.click("#tab-types")
			b.waitVisible(`[data-test="edit-type-repair"]`)
			b.requireAccessible("the service types")
			repair := func() map[string]any {
				var types struct{ Items []map[string]any }
				c.expect(http.StatusOK, "GET", "/v1/service-types?limit=100", admin, nil).decode(t, &types)
				for _, st := range types.Items {
					if st["code"] == "repair" {
						return st
					}
				}
				t.Fatal("no repair type")
				return nil
			}
			before := repair()
			// the field whose error shows
			errorField := `document.querySelector('[data-test="type-drawer"] .el-form-item.is-error label').getAttribute('for')`
			b.click(`[data-test="edit-type-repair"]`)
			b.fill("#st-respond_minutes", "600000")
			b.click(`[data-test="type-save"]`)
			b.waitText(tc.tooBig)
			require.Equal(t, "st-respond_minutes", b.evalString(errorField), "the limit is said next to the respond field")
			require.Equal(t, before, repair(), "nothing was sent")

			// Not dispatched but with an arrival target: the server refuses
			// it next to the arrival field and keeps what was typed.
			b.fill("#st-respond_minutes", "90")
			b.click(`[data-test="type-drawer"] .el-switch`)
			b.click(`[data-test="type-save"]`)
			b.waitText("must be 0 for a type that is not dispatched")
			require.Equal(t, "st-arrive_minutes", b.evalString(errorField), "the server's problem is next to the arrival field")
			require.Equal(t, "90", b.evalString(`document.querySelector('#st-respond_minutes').value`), "what was typed is kept")
			require.Equal(t, before, repair(), "nothing changed")

			b.click(`[data-test="type-drawer"] .el-switch`)
			b.click(`[data-test="type-save"]`)
			b.waitVisible(`[data-test="type-notice"]`)
			b.run("the new target in the list", chromedp.Poll[chromedp.Void](
				`document.querySelector('[data-test="repair-respond_minutes"]').innerText.startsWith('90 ')`, chromedp.WithPollingTimeout(browserWait)))
			after := repair()
			require.Equal(t, 90.0, after["respond_minutes"])
			require.Equal(t, before["arrive_minutes"], after["arrive_minutes"])
			require.Equal(t, true, after["field"])

			// The fault codes: a CSV file with one bad row (line 4).
			b.click("#tab-faults")
			b.waitVisible(`[data-test="open-import"]`)
			b.requireAccessible("the fault code tree")
			csvPath := filepath.Join(t.TempDir(), "faults.csv")
			require.NoError(t, os.WriteFile(csvPath, []byte("kind,code,parent_code,product_line,name_zh,name_en\n"+
				"symptom,E1-01,E1,,制冷效果差,Cools poorly\n"+
				"symptom,E1,,AC,不制冷,Not cooling\n"+
				"cause,C9,NOPE,,未知原因,Unknown cause\n"+
				"action,A1,,,更换压缩机,Replace the compressor\n"), 0o600))
			b.click(`[data-test="open-import"]`)
			b.waitVisible(`[data-test="import-send"]`)
			b.run("choose the CSV file", chromedp.SetUploadFiles(`[data-test="import-file"]`, []string{csvPath}))
			b.click(`[data-test="import-send"]`)
			b.waitVisible(`[data-test="import-summary"]`)
			b.waitText(tc.summary)
			report := b.evalString(`document.querySelector('[data-test="import-errors"]').innerText`)
			for _, want := range []string{"4", "parent_code", `no cause code "NOPE"`} {
				require.Contains(t, report, want, "the report names the bad row, its column and why")
			}
			b.requireAccessible("the fault code import report")
			b.click(`[data-test="import-dialog"] .el-dialog__footer button`)

			// The new codes in the tree: E1-01 under E1; A1 among the actions.
			b.waitVisible(`[data-code="E1-01"]`)
			nested := `String(!!document.querySelector('[data-code="E1"]').closest('.el-tree-node').querySelector('[data-code="E1-01"]'))`
			require.Equal(t, "true", b.evalString(nested), "E1-01 is a child of E1")
			b.click(`[data-test="kind-action"]`)
			b.waitVisible(`[data-code="A1"]`)
			require.NotContains(t, b.text(), "C9")

			var codes struct {
				Items []struct {
					Kind, Code  string
					ParentCode  *string `json:"parent_code"`
					ProductLine *string `json:"product_line"`
				}
			}
			c.expect(http.StatusOK, "GET", "/v1/fault-codes", admin, nil).decode(t, &codes)
			var got []string
			for _, it := range codes.Items {
				line := ""
				if it.ProductLine != nil {
					line = *it.ProductLine
				}
				got = append(got, it.Kind+"/"+it.Code+"/"+line)
			}
			require.Equal(t, []string{"action/A1/", "symptom/E1/AC", "symptom/E1-01/AC"}, got, "the bad row wrote nothing")
		})
	}
}

//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalKB: in zh-CN and in en, an editor writes a public article in
// the portal's editor (the preview shows it rendered, a script stripped),
// submits it; a reviewer finds it in the review queue and approves it;
// the list finds it by its pinyin initials with the match marked; the
// tenant's public FAQ serves it without a login. axe-core finds no
// serious violation on the list and the editor.
func TestPortalKB(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, tenant, public string }{
		{"zh-CN", "kb-zh", "公开"},
		{"en", "kb-en", "Public"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "KB " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": adminPassword}})
			admin := c.login(tc.tenant, "admin", adminPassword)
			for _, u := range []struct{ name, role string }{{"editor", "kb_editor"}, {"reviewer", "kb_reviewer"}} {
				c.expect(http.StatusCreated, "POST", "/v1/users", admin, map[string]any{"username": u.name, "password": adminPassword,
					"roles": []string{u.role}})
			}

			ed := newBrowser(t, addr, tc.lang, 1366, 900)
			ed.open("/login")
			ed.signIn(tc.tenant, "editor", adminPassword)
			ed.click(`[data-nav="/kb"]`)
			ed.waitPath("/kb")
			ed.requireAccessible("the knowledge base list")
			ed.click(`[data-test="kb-new"]`)
			ed.waitPath("/kb/new")
			ed.fill(`input[data-test="kb-title"]`, "燃气热水器点火失败的处理")
			ed.fill(`textarea[data-test="kb-body"]`, "检查**点火针**<script>alert(1)</script>")
			ed.click(`[data-test="kb-audience"] .el-select__wrapper`)
			ed.run("pick "+tc.public, chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => {
				const e = [...document.querySelectorAll('.el-select-dropdown__item')].filter((e) => e.offsetParent !== null && e.innerText.trim() === %q)
				if (!e.length) return false
				e[0].click()
				return true
			})()`, tc.public), chromedp.WithPollingTimeout(browserWait)))
			ed.click(`.editor .el-button`)
			ed.waitVisible(`[data-test="kb-preview"] strong`)
			require.NotContains(t, ed.evalString(`document.querySelector('[data-test="kb-preview"]').innerHTML`), "<script")
			ed.requireAccessible("the editor")
			ed.click(`[data-test="kb-save"]`)
			ed.waitVisible(`[data-test="kb-submit"]`)
			ed.click(`[data-test="kb-submit"]`)
			ed.waitJS("submitted", `!document.querySelector('[data-test="kb-submit"]')`)

			rv := newBrowser(t, addr, tc.lang, 1366, 900)
			rv.open("/login")
			rv.signIn(tc.tenant, "reviewer", adminPassword)
			rv.open("/kb")
			rv.click(`[data-test="kb-review-queue"]`)
			rv.click(`[data-article="燃气热水器点火失败的处理"]`)
			rv.waitVisible(`[data-test="kb-approve"]`)
			rv.click(`[data-test="kb-approve"]`)
			rv.waitJS("published", `!document.querySelector('[data-test="kb-approve"]')`)

			rv.open("/kb")
			rv.fill(`input[data-test="kb-search"]`, "rsqdh")
			rv.click(`[data-test="kb-search-go"]`)
			rv.waitVisible(`[data-article="燃气热水器点火失败的处理"]`)
			rv.waitVisible(`[data-test="kb-snippet"] mark`)

			var faq struct{ Items []struct{ Title string } }
			c.expect(http.StatusOK, "GET", "/v1/public/"+tc.tenant+"/faq?q="+url.QueryEscape("rsq dh"), "", nil).decode(t, &faq)
			require.Len(t, faq.Items, 1)
			require.Equal(t, "燃气热水器点火失败的处理", faq.Items[0].Title)
		})
	}
}

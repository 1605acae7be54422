//go:build linux

package main_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalSignIn signs in through the portal in a real browser, in
// zh-CN and in en: a wrong password shows the server's problem, the right
// one the user's roles and the navigation their permissions allow; signing
// out, an ended session and a platform admin's token each land where they
// should. axe-core finds no serious violation on the pages seen.
func TestPortalSignIn(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	// One tenant per language: the portal speaks the tenant's language
	// until a user picks another.
	for _, tenant := range []struct{ slug, locale string }{{"acme-zh", "zh-CN"}, {"acme-en", "en"}} {
		c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
			"slug": tenant.slug, "name": "ACME " + tenant.locale, "locale": tenant.locale, "timezone": "Asia/Shanghai",
			"admin": map[string]string{"username": "admin", "password": adminPassword}})
		admin := c.login(tenant.slug, "admin", adminPassword)
		c.expect(http.StatusCreated, "POST", "/v1/users", admin, map[string]any{
			"username": "li.tech", "display_name": "李师傅", "password": "technician-pass-1", "roles": []string{"technician"}})
	}

	for _, tc := range []struct {
		lang, tenant, signIn, orders, signedOut, ended, platform string
	}{
		{"zh-CN", "acme-zh", "登录", "工单", "已退出登录", "会话已过期", "平台管理员"},
		{"en", "acme-en", "Sign in", "Work orders", "You have signed out", "Your session has ended", "Platform admin"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			b := newBrowser(t, addr, tc.lang, 1280, 800)
			b.open("/orders")
			b.waitPath("/login")
			b.waitText(tc.signIn)
			b.requireAccessible("the sign-in page")

			// A wrong password: the server's problem is shown, nothing else happens.
			b.fill("#tenant", tc.tenant)
			b.fill("#username", "admin")
			b.fill("#password", "not-the-password")
			b.click(`[data-test="login-submit"]`)
			b.run("the login error", chromedp.WaitVisible(`[data-test="login-error"]`))
			require.Equal(t, "/login", pathOf(b.location()))

			// The right one: back to the page asked for, with the nav the roles allow.
			b.fill("#password", adminPassword)
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/orders")
			b.waitText(tc.orders)
			b.requireAccessible("the work orders page")
			b.open("/")
			b.waitText("tenant_admin")
			require.Contains(t, b.text(), tc.orders, "a tenant admin's navigation offers the work orders")

			// Signing out.
			b.click(`[data-test="logout"]`)
			b.waitPath("/login")
			b.waitText(tc.signedOut)

			// A technician's session that the server ends (here: logged out
			// through the API) sends the next page to sign-in, saying why.
			b.fill("#tenant", tc.tenant)
			b.fill("#username", "li.tech")
			b.fill("#password", "technician-pass-1")
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/m")
			token := b.evalString(`JSON.parse(localStorage.getItem('aftersales.session')).token`)
			c.expect(http.StatusNoContent, "POST", "/v1/auth/logout", token, nil)
			b.open("/m")
			b.waitPath("/login")
			b.waitText(tc.ended)
			// A page loaded after that (a reload, another tab) still says why:
			// the phone may have noticed the end on its own before this reload.
			b.open("/m")
			b.waitPath("/login")
			b.waitText(tc.ended)

			// A platform admin signs in with the platform token.
			b.click(`label:has(input[value="platform"])`)
			b.fill("#token", platformToken)
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/")
			b.waitText(tc.platform)
			require.NotContains(t, b.text(), tc.orders, "a platform admin is offered no tenant's pages")
		})
	}
}

// pathOf is the path of a URL.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path
}

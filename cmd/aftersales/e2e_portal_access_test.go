//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// accessUser is a user as GET /v1/users returns it.
type accessUser struct {
	ID           string
	Username     string
	Roles        []string
	CTIExtension string `json:"cti_extension"`
	Scope        struct {
		All     bool
		Regions []string
		Sites   []string
	}
}

// TestPortalAccess: a tenant admin, in zh-CN and in en, administers users
// and access in the portal. A too-short password is stopped with the
// spec's limit next to the field and a taken username with the server's
// message next to it; neither creates anyone. A dispatcher scoped to one
// province is created, gets a CTI extension, and the "why" check says
// they may read a work order in their province and not in another. A
// custom role is created from the permission grid. An API key's secret is
// shown once, works against the API, is gone from the page once the
// dialog closes, and after revocation gets 401. The dispatcher then signs
// in and is offered only the pages their role opens, and sees only their
// province's sites. axe-core finds no serious violation on these pages.
func TestPortalAccess(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, tenant, tooShort, taken, scopeWords, denied, allowed, revoked, never string
	}{
		{"zh-CN", "access-zh", "至少 10 个字符", "is taken", "1 个区域（含下级）、0 个网点", "拒绝", "允许", "已吊销", "从未使用"},
		{"en", "access-en", "At least 10 characters", "is taken", "1 region(s) with their sub-regions, 0 site(s)", "Denied", "Allowed", "Revoked", "Never"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			lang := strings.ToLower(tc.lang[:2])
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Access " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": adminPassword}})
			admin := c.login(tc.tenant, "admin", adminPassword)
			post := func(path string, body map[string]any) string {
				var out struct{ ID string }
				c.expect(http.StatusCreated, "POST", path, admin, body).decode(t, &out)
				return out.ID
			}
			cn := post("/v1/regions", map[string]any{"level": "country", "code": "CN", "name": "中国"})
			gd := post("/v1/regions", map[string]any{"parent_id": cn, "level": "province", "code": "GD", "name": "广东"})
			zj := post("/v1/regions", map[string]any{"parent_id": cn, "level": "province", "code": "ZJ", "name": "浙江"})
			site := func(region, code, name string) string {
				return post("/v1/sites", map[string]any{"region_id": region, "code": code, "name": name, "kind": "service_station",
					"location": map[string]float64{"lat": 23.1, "lon": 113.3}, "area": map[string]float64{"radius_km": 30}})
			}
			site(gd, "S-GD", "广州服务站")
			site(zj, "S-ZJ", "杭州服务站")
			users := func(q string) []accessUser {
				var out struct{ Items []accessUser }
				c.expect(http.StatusOK, "GET", "/v1/users?q="+q, admin, nil).decode(t, &out)
				return out.Items
			}
			username := "disp." + lang

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/login")
			b.signIn(tc.tenant, "admin", adminPassword)

			b.click(`[data-nav="/admin/users"]`)
			b.waitPath("/admin/users")
			b.waitVisible(`[data-test="user-admin"]`)
			b.requireAccessible("the users list")

			// Bad input: a password shorter than the spec allows is stopped
			// next to its field before anything is sent.
			b.click(`[data-test="user-new"]`)
			b.fill("#uc-username", username)
			b.fill("#uc-name", "调度小王 "+lang)
			b.fill("#uc-password", "short-1")
			b.click(`[data-test="uc-role-dispatcher"]`)
			b.click(`[data-test="user-create-save"]`)
			require.Contains(t, b.fieldError("#uc-password"), tc.tooShort)
			require.Empty(t, users(username), "a refused form creates nobody")
			b.requireAccessible("the new user form with its errors")

			// A taken username: the server's 409 names the field; the form
			// keeps what was typed.
			b.fill("#uc-username", "admin")
			b.fill("#uc-password", "dispatcher-pass-1")
			b.click(`[data-test="user-create-save"]`)
			require.Contains(t, b.fieldError("#uc-username"), tc.taken)
			require.Len(t, users(""), 1, "still only the admin")
			require.Equal(t, "dispatcher-pass-1", b.evalString(`document.querySelector('#uc-password').value`))

			// The dispatcher, scoped to Guangdong; the form says what they will see.
			b.fill("#uc-username", username)
			b.click(`[data-test="uc-scope-regions"] .el-select__wrapper`)
			b.pick(`[data-scope-region="GD"]`)
			b.waitText(tc.scopeWords)
			b.click(`[data-test="user-create-save"]`)
			b.waitVisible(fmt.Sprintf(`[data-test="user-%s"]`, username))
			require.Equal(t, tc.scopeWords, b.evalString(fmt.Sprintf(`document.querySelector('[data-test="scope-%s"]').innerText`, username)))
			created := users(username)
			require.Len(t, created, 1)
			require.Equal(t, []string{"dispatcher"}, created[0].Roles)
			require.Equal(t, []string{gd}, created[0].Scope.Regions)
			require.False(t, created[0].Scope.All)

			// Their page: a CTI extension, and why they may or may not read
			// a work order in Zhejiang and in Guangdong.
			b.click(fmt.Sprintf(`[data-test="user-%s"]`, username))
			b.waitPath("/admin/users/" + created[0].ID)
			b.fill("#user-cti", "81"+lang)
			b.click(`[data-test="user-cti-save"]`)
			require.Eventually(t, func() bool { return users(username)[0].CTIExtension == "81"+lang }, browserWait, 100*time.Millisecond)
			b.click(`[data-test="explain-region"] .el-select__wrapper`)
			b.pick(`[data-explain-region="ZJ"]`)
			b.waitJS("the region chosen", `document.querySelector('[data-test="explain-region"]').innerText.includes('浙江')`)
			b.click(`[data-test="explain-check"]`)
			b.waitVisible(`[data-test="explain-result"]`)
			verdict := b.evalString(`document.querySelector('[data-test="explain-result"]').innerText`)
			require.Contains(t, verdict, tc.denied)
			require.Contains(t, verdict, "调度小王 "+lang, "the explanation names the user")
			b.click(`[data-test="explain-region"] .el-select__wrapper`)
			b.pick(`[data-explain-region="GD"]`)
			b.waitJS("the region chosen", `document.querySelector('[data-test="explain-region"]').innerText.includes('广东')`)
			b.click(`[data-test="explain-check"]`)
			b.waitJS("the second verdict", fmt.Sprintf(`(document.querySelector('[data-test="explain-result"]')?.innerText ?? '').includes(%q)`, tc.allowed))
			verdict = b.evalString(`document.querySelector('[data-test="explain-result"]').innerText`)
			require.Contains(t, verdict, tc.allowed)
			require.Contains(t, verdict, "调度小王 "+lang+" → 广东", "the scope path by name")
			b.click(`[data-test="user-title"]`)
			b.waitJS("the drop-downs closed", `![...document.querySelectorAll('.el-select-dropdown')].some((e) => e.offsetParent !== null)`)
			b.requireAccessible("a user's page")

			// A custom role from the grid.
			b.click(`[data-nav="/admin/roles"]`)
			b.waitPath("/admin/roles")
			b.click(`[data-test="role-dispatcher"]`)
			b.waitVisible(`[data-test="role-drawer"] [data-perm="work_orders:dispatch"]`)
			require.Equal(t, "true", b.evalString(`String(document.querySelector('[data-test="role-drawer"] [data-perm="work_orders:dispatch"]').checked)`))
			require.Equal(t, "false", b.evalString(`String(document.querySelector('[data-test="role-drawer"] [data-perm="users:read"]').checked)`))
			b.requireAccessible("the roles grid")
			b.click(`[data-test="role-drawer"] .el-drawer__footer button`)
			b.click(`[data-test="role-new"]`)
			role := "night_" + lang
			b.fill("#role-name", role)
			b.click(`[data-test="role-drawer"] [data-perm="work_orders:read"]`)
			b.click(`[data-test="role-drawer"] [data-perm="kb:*"]`)
			b.click(`[data-test="role-save"]`)
			b.waitVisible(fmt.Sprintf(`[data-test="role-%s"]`, role))
			var roles struct {
				Items []struct {
					Name        string
					Permissions []struct{ Resource, Action string }
				}
			}
			c.expect(http.StatusOK, "GET", "/v1/roles", admin, nil).decode(t, &roles)
			var got []string
			for _, r := range roles.Items {
				if r.Name == role {
					for _, p := range r.Permissions {
						got = append(got, p.Resource+":"+p.Action)
					}
				}
			}
			require.ElementsMatch(t, []string{"work_orders:read", "kb:*"}, got)

			// An API key: the secret once, working, then revoked.
			b.click(`[data-nav="/admin/api-keys"]`)
			b.waitPath("/admin/api-keys")
			b.click(`[data-test="key-new"]`)
			keyName := "ERP bridge " + lang
			b.fill("#kc-name", keyName)
			b.click(`[data-test="kc-role-integration"]`)
			b.click(`[data-test="kc-scope-all"]`)
			b.click(`[data-test="key-create-save"]`)
			b.waitVisible(`[data-test="key-secret"]`)
			secret := b.evalString(`document.querySelector('#key-secret').value`)
			require.True(t, strings.HasPrefix(secret, "ask_"), "the secret is shown: %q", secret)
			b.requireAccessible("the new key's secret")
			var sites struct{ Items []struct{ Code string } }
			c.expect(http.StatusOK, "GET", "/v1/sites", secret, nil).decode(t, &sites)
			require.Len(t, sites.Items, 2, "the key reaches the whole tenant")
			b.click(`[data-test="key-secret-done"]`)
			b.waitJS("the secret is forgotten", fmt.Sprintf(`!document.body.innerHTML.includes(%q)`, secret))
			require.NotContains(t, string(c.expect(http.StatusOK, "GET", "/v1/api-keys", admin, nil).Body), secret, "the list never has it")
			var keys struct {
				Items []struct {
					LastUsedAt *time.Time `json:"last_used_at"`
				}
			}
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/api-keys", admin, nil).decode(t, &keys)
				return len(keys.Items) == 1 && keys.Items[0].LastUsedAt != nil
			}, browserWait, 200*time.Millisecond, "the key's use is recorded")
			b.open("/admin/api-keys")
			usedSel := fmt.Sprintf(`[data-test="key-used-%s"]`, keyName)
			b.waitVisible(usedSel)
			require.NotEqual(t, tc.never, b.evalString(fmt.Sprintf(`document.querySelector(%q).innerText`, usedSel)))
			b.click(fmt.Sprintf(`[data-test="key-revoke-%s"]`, keyName))
			b.click(`.el-message-box .el-button--primary`)
			b.waitJS("the key shows revoked", fmt.Sprintf(`document.querySelector('[data-test="key-state-%s"]').innerText === %q`, keyName, tc.revoked))
			c.expect(http.StatusUnauthorized, "GET", "/v1/sites", secret, nil)
			b.requireAccessible("the API keys")

			// The dispatcher signs in: only the pages their role opens, and
			// only their province's sites.
			b.click(`[data-test="logout"]`)
			b.waitPath("/login")
			b.signIn(tc.tenant, username, "dispatcher-pass-1")
			b.waitVisible(`[data-nav="/dispatch"]`)
			for _, page := range []string{"/orders", "/dispatch", "/admin/sites"} {
				require.Equal(t, "true", b.evalString(fmt.Sprintf(`String(!!document.querySelector('[data-nav=%q]'))`, page)), page)
			}
			for _, page := range []string{"/admin/users", "/admin/roles", "/admin/api-keys", "/admin/audit"} {
				require.Equal(t, "false", b.evalString(fmt.Sprintf(`String(!!document.querySelector('[data-nav=%q]'))`, page)), page)
			}
			b.click(`[data-nav="/admin/sites"]`)
			b.waitText("S-GD")
			require.NotContains(t, b.text(), "S-ZJ", "a site outside their scope is not listed")
			b.open("/admin/users")
			b.waitPath("/")
		})
	}
}

// signIn fills the sign-in form and waits for the home page.
func (b *browser) signIn(tenant, username, password string) {
	b.t.Helper()
	b.fill("#tenant", tenant)
	b.fill("#username", username)
	b.fill("#password", password)
	b.click(`[data-test="login-submit"]`)
	b.waitPath("/")
}

// pick chooses an option in an open drop-down (a node of a tree select)
// once it shows: the element's own click, as the drop-down may still be
// sliding into place under a pointer.
func (b *browser) pick(sel string) {
	b.t.Helper()
	b.waitVisible(sel)
	b.run("pick "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).click()`, sel)))
}

// waitJS waits until js is true in the page.
func (b *browser) waitJS(what, js string) {
	b.t.Helper()
	b.run(what, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(browserWait)))
}

// fieldError is the message shown under the form field holding sel.
func (b *browser) fieldError(sel string) string {
	b.t.Helper()
	item := fmt.Sprintf(`document.querySelector(%q).closest('.el-form-item')`, sel)
	b.waitJS("the message next to "+sel, item+`.querySelector('.el-form-item__error') !== null`)
	return b.evalString(item + `.querySelector('.el-form-item__error').innerText`)
}

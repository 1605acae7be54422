//go:build linux

package main_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalPlatformAdminOnboardsATenant: a platform admin signs in with
// the platform token, onboards a manufacturer through the wizard (a slug
// the spec refuses is caught before anything is sent), suspends it with a
// reason its users then read, and resumes it; it issues a new invitation
// for a tenant whose admin was invited (the first one is refused from then
// on, the new link sets the password once) and is told there is none to
// issue for a tenant whose admin has a password; in zh-CN and in en.
func TestPortalPlatformAdminOnboardsATenant(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, slug, pattern, onboarded, suspended, active, reason, issued, notPending string
	}{
		{"zh-CN", "gree-sz", "格式不正确", "已开通", "已停用", "正常", "合同到期", "已生成新的邀请", "已设置密码"},
		{"en", "midea-fs", "Not in the expected format", "is onboarded", "Suspended", "Active", "Contract ended",
			"New invitation issued", "already set their password"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			b := newBrowser(t, addr, tc.lang, 1280, 900)
			b.open("/login")
			b.click(`label:has(input[value="platform"])`)
			b.fill("#token", platformToken)
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/")
			b.click(`[data-nav="/platform/tenants"]`)
			b.waitPath("/platform/tenants")
			b.requireAccessible("the tenants page")

			// The wizard: a slug the spec's pattern refuses never leaves the page.
			b.click(`[data-test="onboard"]`)
			b.waitVisible("#ob-slug")
			b.fill("#ob-slug", "Not A Slug")
			b.fill("#ob-name", "ACME "+tc.lang)
			b.click(`[data-test="next"]`)
			b.waitText(tc.pattern)
			b.fill("#ob-slug", tc.slug)
			b.click(`[data-test="next"]`)
			b.click(`[data-test="next"]`) // language and time zone keep their defaults
			b.fill("#ob-display", "王经理")
			b.fill("#ob-pass", "short")
			b.click(`[data-test="next"]`)
			b.waitText("10") // at least 10 characters, from the spec
			b.fill("#ob-pass", "a-long-enough-password")
			b.click(`[data-test="next"]`)
			b.waitVisible(`[data-test="review"]`)
			b.requireAccessible("the onboarding wizard")
			b.click(`[data-test="submit-onboard"]`)
			b.waitVisible(`[data-test="onboarded"]`)
			b.waitText(tc.onboarded)

			// The tenant exists and its admin signs in.
			admin := c.login(tc.slug, "admin", "a-long-enough-password")
			require.Equal(t, "王经理", c.me(admin).DisplayName)

			// Suspend with a reason; the tenant's users are refused and read it.
			b.open("/platform/tenants")
			b.click(`[data-test="suspend-` + tc.slug + `"]`)
			b.fill("#suspend-reason", tc.reason)
			b.click(`[data-test="confirm-suspend"]`)
			waitDialogsClosed(b)
			b.waitVisible(`[data-test="resume-` + tc.slug + `"]`)
			b.waitText(tc.reason)
			p := c.expectProblem(http.StatusForbidden, "GET", "/v1/me", admin, nil)
			require.Contains(t, p.Detail, tc.reason)

			b.click(`[data-test="resume-` + tc.slug + `"]`)
			b.waitVisible(`[data-test="suspend-` + tc.slug + `"]`)
			c.expect(http.StatusOK, "GET", "/v1/me", admin, nil)

			// A tenant whose admin was invited: a new invitation from the list
			// replaces the first (refused from then on) and is shown once.
			invited := tc.slug + "-inv"
			var out struct {
				Invitation struct{ Token string } `json:"invitation"`
			}
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": invited, "name": invited, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]any{"username": "admin"}}).decode(t, &out)
			b.open("/platform/tenants")
			b.click(`[data-test="reinvite-` + invited + `"]`)
			b.click(`[data-test="confirm-reinvite"]`)
			b.waitVisible(`[data-test="reinvite-link"]`)
			b.waitText(tc.issued)
			b.requireAccessible("the new invitation")
			link := b.evalString(`document.querySelector('[data-test="reinvite-link"]').value`)
			u, err := url.Parse(link)
			require.NoError(t, err)
			require.Equal(t, "/invite", u.Path)
			require.Equal(t, invited, u.Query().Get("tenant"))
			newToken := u.Query().Get("token")
			require.NotEmpty(t, newToken)
			require.NotEqual(t, out.Invitation.Token, newToken)
			accept := func(status int, token string) {
				t.Helper()
				c.expect(status, "POST", "/v1/auth/invitations/accept", "", map[string]any{
					"tenant": invited, "token": token, "password": adminPassword})
			}
			accept(http.StatusUnprocessableEntity, out.Invitation.Token) // replaced
			b.open(u.RequestURI())                                       // the new link sets the password
			b.waitVisible(`[data-test="invite-submit"]`)
			b.fill("#inv-pass", adminPassword)
			b.fill("#inv-again", adminPassword)
			b.click(`[data-test="invite-submit"]`)
			b.waitPath("/login")
			c.login(invited, "admin", adminPassword)
			accept(http.StatusUnprocessableEntity, newToken) // used once

			// A tenant whose admin has a password has no invitation to re-issue.
			b.open("/platform/tenants")
			b.click(`[data-test="reinvite-` + tc.slug + `"]`)
			b.click(`[data-test="confirm-reinvite"]`)
			b.waitVisible(`[data-test="reinvite-error"]`)
			b.waitText(tc.notPending)
			b.click(`[data-test="reinvite-cancel"]`)
			waitDialogsClosed(b)

			// The plugin registry opens (no plugin registered on this server).
			b.click(`[data-nav="/platform/plugins"]`)
			b.waitPath("/platform/plugins")
			b.waitVisible(`[data-test="plugins"]`)
			b.requireAccessible("the plugin registry")
		})
	}
}

// waitDialogsClosed waits until no dialog's overlay is left on the page
// (Element Plus fades them out; a click meanwhile lands on the overlay).
func waitDialogsClosed(b *browser) {
	b.t.Helper()
	b.run("dialogs closed", chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('.el-overlay')].every(e => getComputedStyle(e).display === 'none')`,
		chromedp.WithPollingTimeout(browserWait)))
}

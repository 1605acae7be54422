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

type settingsJSON struct {
	DispatchWeights     map[string]float64 `json:"dispatch_weights"`
	UrgeIntervalMinutes int                `json:"urge_interval_minutes"`
	Calendar            *struct {
		Week     map[string][]string `json:"week"`
		Holidays []string            `json:"holidays"`
		Workdays map[string][]string `json:"workdays"`
	} `json:"calendar"`
}

// TestPortalSettings: a tenant admin, in zh-CN and in en, marks a holiday
// and a make-up working day on the calendar and changes dispatch weights;
// a weight out of range is stopped by the spec's limit and reversed hours
// by the server, each shown next to its field, and nothing is stored; the
// corrected settings are saved, GET /v1/settings returns them and a reload
// shows them; a save over someone else's change is refused and names what
// they changed. On the SMS page the admin types a template and watches the
// live preview count its segments (70 Chinese characters are one message,
// 71 two; 160 GSM-7 characters one, 161 two) and sign it with the signature
// being typed; a template with an unknown variable is flagged as typed and
// refused on save next to the field, and nothing is stored; a good one is
// saved with the signature and is there after a reload.
// axe-core finds no serious violation on either page.
func TestPortalSettings(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, tenant, atMost, saved, theyChanged, smsSaved string
		locale, unit                                       string // the template edited and its one-segment limit's character
		single                                             int
		encoding                                           string
	}{
		{"zh-CN", "cal-zh", "不能大于 100", "设置已保存", "对方修改了：信誉", "短信设置已保存", "zh-CN", "修", 70, "UCS-2"},
		{"en", "cal-en", "At most 100", "Settings saved", "They changed: Reputation", "SMS settings saved", "en", "a", 160, "GSM-7"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
				"slug": tc.tenant, "name": "Calendar " + tc.lang, "locale": tc.lang, "timezone": "Asia/Shanghai",
				"admin": map[string]string{"username": "admin", "password": dispatchPassword}})
			admin := c.login(tc.tenant, "admin", dispatchPassword)
			read := func() settingsJSON {
				var s settingsJSON
				c.expect(http.StatusOK, "GET", "/v1/settings", admin, nil).decode(t, &s)
				return s
			}

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/admin/settings", tc.tenant, "admin")
			b.waitVisible(`[data-test="default-calendar"]`)
			b.requireAccessible("the settings")

			// A holiday and a make-up working day of this month, marked on
			// the month view (the browser shows today's month).
			now := time.Now()
			holiday, makeUp := now.Format("2006-01-")+"10", now.Format("2006-01-")+"11"
			for _, d := range []struct{ day, button, mark string }{{holiday, "mark-holiday", "holiday"}, {makeUp, "mark-workday", "workday"}} {
				b.click(fmt.Sprintf(`[data-date="%s"]`, d.day))
				b.run("select "+d.day, chromedp.Poll[chromedp.Void](
					fmt.Sprintf(`document.querySelector('[data-test="selected-day"]').innerText.includes(%q)`, d.day), chromedp.WithPollingTimeout(browserWait)))
				b.click(fmt.Sprintf(`[data-test="%s"]`, d.button))
				b.waitVisible(fmt.Sprintf(`[data-date="%s"][data-mark="%s"]`, d.day, d.mark))
			}
			b.fill("#w-load", "3")
			b.fill("#w-distance", "150")
			b.fill("#wk-mon", "18:00-09:00")
			b.click(`[data-test="settings-save"]`)
			// The spec's limit stops the weight before anything is sent.
			require.Contains(t, fieldError(b, "#w-distance"), tc.atMost)
			b.fill("#w-distance", "2")
			b.click(`[data-test="settings-save"]`)
			// The server refuses the reversed hours, next to Monday.
			b.waitVisible(`[data-test="settings-failure"]`)
			require.Contains(t, fieldError(b, "#wk-mon"), "does not end after it starts")
			require.Nil(t, read().Calendar, "nothing stored")
			require.Equal(t, 1.0, read().DispatchWeights["load"], "nothing stored")

			b.fill("#wk-mon", "08:30-12:00, 13:30-18:00")
			b.click(`[data-test="settings-save"]`)
			b.waitText(tc.saved)
			s := read()
			require.NotNil(t, s.Calendar)
			require.Equal(t, []string{holiday}, s.Calendar.Holidays)
			require.Contains(t, s.Calendar.Workdays, makeUp)
			require.Equal(t, []string{"08:30-12:00", "13:30-18:00"}, s.Calendar.Week["mon"])
			require.Equal(t, []string{"08:00-20:00"}, s.Calendar.Week["sun"], "the rest of the default week is kept")
			require.Equal(t, 3.0, s.DispatchWeights["load"])
			require.Equal(t, 2.0, s.DispatchWeights["distance"])
			require.Equal(t, 1.0, s.DispatchWeights["reputation"])

			b.open("/admin/settings")
			b.waitVisible(fmt.Sprintf(`[data-date="%s"][data-mark="holiday"]`, holiday))
			b.waitVisible(fmt.Sprintf(`[data-date="%s"][data-mark="workday"]`, makeUp))
			require.Equal(t, "3.0", b.evalString(`document.querySelector('#w-load').value`))
			require.Equal(t, "08:30-12:00, 13:30-18:00", b.evalString(`document.querySelector('#wk-mon').value`))

			// Someone else raises reputation meanwhile: the save is refused,
			// names their change and keeps what was typed; saving again works.
			c.expect(http.StatusOK, "PATCH", "/v1/settings", admin, map[string]any{"dispatch_weights": map[string]any{"reputation": 5}})
			b.fill("#urge", "25")
			b.click(`[data-test="settings-save"]`)
			b.waitText(tc.theyChanged)
			require.Equal(t, "25", b.evalString(`document.querySelector('#urge').value`))
			b.click(`[data-test="settings-save"]`)
			b.waitText(tc.saved)
			s = read()
			require.Equal(t, 25, s.UrgeIntervalMinutes)
			require.Equal(t, 5.0, s.DispatchWeights["reputation"], "their change is kept")

			checkSMSSettings(t, b, c, admin, tc.locale, tc.unit, tc.single, tc.encoding, tc.smsSaved)
		})
	}
}

// checkSMSSettings drives the SMS page: the live preview's segments, an
// unknown variable refused next to the field, a good template saved.
func checkSMSSettings(t *testing.T, b *browser, c *client, admin, locale, unit string, single int, encoding, saved string) {
	t.Helper()
	b.click(`[data-nav="/admin/sms"]`)
	b.waitPath("/admin/sms")
	b.waitVisible(`[data-test="sms-form"] [data-test="preview-body"]`)
	b.requireAccessible("the SMS settings")

	b.click(`#tab-help_reply`)
	field := fmt.Sprintf("#tpl-help_reply-%s", locale)
	preview := fmt.Sprintf(`[data-test="preview-help_reply-%s"]`, locale)
	segmentsAre := func(text string, n int) {
		t.Helper()
		b.fill(field, text)
		b.run(fmt.Sprintf("the preview of %d characters", len([]rune(text))), chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => {
			const p = document.querySelector(%q)
			return p !== null && p.querySelector('[data-test="preview-body"]').innerText === %q &&
				p.querySelector('[data-test="preview-counts"]').dataset.segments === %q &&
				(p.querySelector('[data-test="preview-multi"]') !== null) === %t })()`, preview, text, fmt.Sprint(n), n > 1),
			chromedp.WithPollingTimeout(browserWait)))
		counts := b.evalString(fmt.Sprintf(`document.querySelector('%s [data-test="preview-counts"]').innerText`, preview))
		require.Contains(t, counts, encoding)
		require.Contains(t, counts, fmt.Sprint(len([]rune(text))))
	}
	segmentsAre(strings.Repeat(unit, single), 1)
	long := strings.Repeat(unit, single+1)
	segmentsAre(long, 2)
	// The signature being typed is in the preview before it is saved.
	b.fill("#sms-signature", "海尔服务")
	b.run("the signed preview", chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('%s [data-test="preview-body"]').innerText === %q`,
		preview, "【海尔服务】"+long), chromedp.WithPollingTimeout(browserWait)))

	// An unknown variable: flagged while typing, refused on save.
	b.fill(field, "{order_number} "+unit)
	b.run("the preview flags the variable", chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => {
		const e = document.querySelector(%q).closest('.el-form-item').querySelector('.el-form-item__error')
		return e !== null && e.innerText.includes('unknown variable {order_number}') })()`, field), chromedp.WithPollingTimeout(browserWait)))
	b.click(`[data-test="sms-save"]`)
	b.waitVisible(`[data-test="sms-failure"]`)
	require.Contains(t, fieldError(b, field), "unknown variable {order_number}")
	var sms struct {
		Signature     string                                           `json:"signature"`
		Notifications map[string]struct{ Templates map[string]string } `json:"notifications"`
	}
	c.expect(http.StatusOK, "GET", "/v1/settings/sms", admin, nil).decode(t, &sms)
	require.Empty(t, sms.Notifications["help_reply"].Templates, "nothing stored")
	require.Empty(t, sms.Signature, "nothing stored")

	b.fill(field, long)
	b.click(`[data-test="sms-save"]`)
	b.waitText(saved)
	c.expect(http.StatusOK, "GET", "/v1/settings/sms", admin, nil).decode(t, &sms)
	require.Equal(t, long, sms.Notifications["help_reply"].Templates[locale])
	require.Equal(t, "【海尔服务】", sms.Signature)
	b.open("/admin/sms")
	b.click(`#tab-help_reply`)
	b.run("the saved template", chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value === %q`, field, long),
		chromedp.WithPollingTimeout(browserWait)))
}

// fieldError is the message shown under the form field holding sel.
func fieldError(b *browser, sel string) string {
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q).closest('.el-form-item').querySelector('.el-form-item__error'); return e ? e.innerText : '' })()`, sel)
	b.run("an error next to "+sel, chromedp.Poll[chromedp.Void](js+` !== ''`, chromedp.WithPollingTimeout(browserWait)))
	return b.evalString(js)
}

//go:build linux

package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalTechnician works orders on the technician's phone pages in a
// phone-sized Chromium, in zh-CN and in en. A declined order needs a
// reason and goes back to the site. Online: the technician sees
// the order with the customer to call and the address to navigate to,
// accepts, starts travel, arrives where the (emulated) GPS says, types the
// serial, picks the fault codes, has the customer sign and completes. Then
// with the network cut in the middle: the actions queue on the phone, an
// order cancelled
// meanwhile is refused and said so plainly, and when the network returns
// every queued action is done exactly once (the API's timeline says so).
// Last, the service worker holds what the app needs and the app opens
// with no network.
func TestPortalTechnician(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	for _, tc := range []struct {
		lang, slug, locale                                   string
		accepted, enRoute, onSite, completed, queue1, queue3 string
		refused, offline, title                              string
		reasonRequired, declined, noCamera                   string
	}{
		{"zh-CN", "tech-zh", "zh-CN", "已接单", "在途", "已到达", "已完工", "1 个操作待提交", "3 个操作待提交", "未完成", "离线", "我的工单",
			"请填写原因", "已拒单", "无法使用摄像头"},
		{"en", "tech-en", "en", "Accepted", "On the way", "On site", "Completed", "One action waiting to be sent", "3 actions waiting to be sent", "was not done", "Offline", "My orders",
			"Please give a reason", "Declined", "The camera is not available"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := newTechWorld(c, platformToken, tc.slug, tc.locale)
			online, offline, cancelled := w.order(c, "空调不制冷"), w.order(c, "空调漏水"), w.order(c, "空调噪音大")
			declined := w.order(c, "空调不开机")
			p := newPhone(t, addr, tc.lang)

			p.b.open("/m")
			p.b.waitPath("/login")
			p.b.fill("#tenant", tc.slug)
			p.b.fill("#username", "li.tech")
			p.b.fill("#password", techPassword)
			p.b.click(`[data-test="login-submit"]`)
			p.b.waitPath("/m")
			p.b.waitText(online.Number)
			p.b.waitText("王芳")
			require.Equal(t, "tel:+"+techPhone, p.b.evalString(`document.querySelector('[data-test="call"]').getAttribute('href')`))
			require.Regexp(t, `^geo:22\.5431,114\.0579\?q=`, p.b.evalString(`document.querySelector('[data-test="navigate"]').getAttribute('href')`))
			p.b.requireAccessible("my orders (phone)")
			p.b.run("the icons' font", chromedp.Poll[chromedp.Void](
				`[...document.fonts].some(f => f.family.includes('vant-icon') && f.status === 'loaded')`,
				chromedp.WithPollingTimeout(browserWait)))
			screenshot(p.b, "technician-phone-"+tc.lang)

			// Declining needs a reason; the order goes back to the site.
			p.openOrder(declined)
			p.b.click(`[data-test="decline"]`)
			p.b.click(`.van-dialog__confirm`)
			p.b.waitText(tc.reasonRequired)
			p.b.fill(`#decline-reason`, "今天生病")
			p.b.click(`.van-dialog__confirm`)
			p.b.waitText(tc.declined)
			p.waitNoOverlay()
			var declines int
			for _, e := range w.events(c, declined.ID) {
				if e.Type == "declined" {
					declines++
				}
			}
			require.Equal(t, 1, declines, "the order was declined once")
			p.b.click(`.van-nav-bar__left`)
			p.b.waitPath("/m")

			// Online, step by step.
			p.openOrder(online)
			p.b.requireAccessible("an order (phone)")
			p.step("accept", tc.accepted)
			p.step("start_travel", tc.enRoute)
			p.step("arrive", tc.onSite)
			p.b.click(`[data-test="record"]`)
			p.b.waitPath("/m/orders/" + online.ID + "/record")
			p.b.requireAccessible("the service record (phone)")
			// No camera in this browser: the scanner says so and offers a photo.
			p.b.click(`[data-test="scan-serial"]`)
			p.b.waitText(tc.noCamera)
			p.b.requireAccessible("the barcode scanner (phone)")
			p.b.click(`[data-test="close-scanner"]`)
			p.waitNoOverlay()
			p.fillRecord()
			p.b.waitPath("/m/orders/" + online.ID)
			p.b.waitText(tc.completed)
			require.Equal(t, "completed", w.state(c, online.ID))
			requireOnce(t, w.events(c, online.ID))
			rec := w.serviceRecord(c, online.ID)
			require.Equal(t, techSerial, rec["unit_serial"])
			require.Equal(t, "E1-01", rec["symptom_code"])
			require.Equal(t, []any{map[string]any{"barcode": "P-100", "quantity": float64(1)}}, rec["parts"])
			confirmation := rec["confirmation"].(map[string]any)
			require.Equal(t, "王芳", confirmation["name"])
			require.Regexp(t, `^data:image/png;base64,`, confirmation["signature"], "the drawn signature, as a PNG")

			// The network is cut after travel has started.
			p.b.click(`[data-test="back"], .van-nav-bar__left`)
			p.b.waitPath("/m")
			p.waitServiceWorker()
			p.openOrder(offline)
			p.step("accept", tc.accepted)
			p.step("start_travel", tc.enRoute)
			p.waitSent()
			require.Equal(t, "en_route", w.state(c, offline.ID))
			p.setOffline(true)
			p.b.waitText(tc.offline)
			p.step("arrive", tc.onSite)
			p.b.waitText(tc.queue1)

			// Meanwhile the dispatcher cancels another order of the
			// technician, who accepts it on the phone, offline.
			c.expectStatus(w.admin, "/v1/work-orders/"+cancelled.ID+"/cancel", map[string]any{"reason": "客户取消"})
			p.b.click(`.van-nav-bar__left`)
			p.b.waitPath("/m")
			p.openOrder(cancelled)
			p.step("accept", tc.accepted)
			p.b.click(`.van-nav-bar__left`)
			p.b.waitPath("/m")

			// The service record, offline.
			p.openOrder(offline)
			p.b.click(`[data-test="record"]`)
			p.fillRecord()
			p.b.waitPath("/m/orders/" + offline.ID)
			p.b.waitText(tc.completed)
			p.b.click(`.van-nav-bar__left`)
			p.b.waitPath("/m")
			p.b.waitText(tc.queue3)
			require.Equal(t, "en_route", w.state(c, offline.ID), "nothing reached the server while offline")

			// The network returns: the queue replays in order, once each.
			p.setOffline(false)
			p.waitSent()
			require.Equal(t, "completed", w.state(c, offline.ID))
			requireOnce(t, w.events(c, offline.ID))
			require.Equal(t, "cancelled", w.state(c, cancelled.ID))

			// The refused action is shown plainly until dismissed.
			p.b.waitText(tc.refused)
			p.b.waitText(cancelled.Number)
			p.b.requireAccessible("my orders with a refused action (phone)")
			p.b.click(`[data-test="dismiss"]`)
			p.b.run("the refusal is dismissed", chromedp.Poll[chromedp.Void](`!document.querySelector('[data-test="refused"]')`,
				chromedp.WithPollingTimeout(10*time.Second)))

			// Installed as an app: the service worker keeps the shell and
			// every script and style the phone pages loaded, and the app
			// starts with no network (the session, the orders last seen and
			// the queue are on the phone).
			kept := p.b.evalString(`caches.keys()
				.then(ks => caches.open(ks.find(k => k.startsWith('aftersales-phone-'))))
				.then(c => c.keys()).then(rs => JSON.stringify(rs.map(r => new URL(r.url).pathname)))`)
			loaded := p.b.evalString(`JSON.stringify(performance.getEntriesByType('resource')
				.map(e => new URL(e.name).pathname).filter(p => p.startsWith('/assets/')))`)
			var keptPaths, loadedPaths []string
			require.NoError(t, json.Unmarshal([]byte(kept), &keptPaths))
			require.NoError(t, json.Unmarshal([]byte(loaded), &loadedPaths))
			require.Contains(t, keptPaths, "/m")
			require.NotEmpty(t, loadedPaths)
			for _, f := range loadedPaths {
				require.Contains(t, keptPaths, f, "the service worker keeps what the phone pages load")
			}
			p.setOffline(true)
			p.b.open("/m")
			p.b.waitText(tc.offline)
			p.b.waitText(tc.title)
		})
	}
}

// requireOnce requires the order's transitions in the timeline (SMS
// statuses aside), the technician's steps each once, the arrival where the
// phone was.
func requireOnce(t *testing.T, events []orderEvent) {
	t.Helper()
	var types []string
	for _, e := range events {
		if e.ToState == "" {
			continue
		}
		types = append(types, e.Type)
		if e.Type == "arrived" {
			require.NotNil(t, e.Lat, "the arrival has the phone's position")
			require.InDelta(t, techLat, *e.Lat, 1e-6)
			require.InDelta(t, techLon, *e.Lon, 1e-6)
		}
	}
	require.Equal(t, []string{"created", "dispatched", "assigned", "accepted", "en_route", "arrived", "completed"}, types)
}

func (c *client) expectStatus(token, path string, body any) {
	c.t.Helper()
	c.expect(200, "POST", path, token, body)
}

// phone is a browser emulating a phone: 390×844, touch, the position of
// the customer's address, and a network the test can cut.
type phone struct {
	t *testing.T
	b *browser
}

func newPhone(t *testing.T, addr, lang string) *phone {
	b := newBrowser(t, addr, lang, 390, 844)
	lat, lon, acc := techLat, techLon, 10.0
	err := chromedp.Do(b.ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: b.base})
			return err
		}),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &acc})
			return err
		}),
	)
	require.NoError(t, err)
	return &phone{t: t, b: b}
}

// setOffline cuts the network of the page and its service worker, and
// says so to the page (navigator.onLine, the online and offline events).
func (p *phone) setOffline(off bool) {
	p.t.Helper()
	yes := true
	p.b.run(fmt.Sprintf("set offline %v", off), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		var rules []*network.Conditions
		if off {
			rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
		}
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &yes, MatchedNetworkConditions: rules}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// waitNoOverlay waits until no dialog or popup covers the page.
func (p *phone) waitNoOverlay() {
	p.t.Helper()
	p.b.run("the overlay goes", chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('.van-overlay')].every(o => getComputedStyle(o).display === 'none')`,
		chromedp.WithPollingTimeout(5*time.Second)))
}

// waitSent waits until the phone has nothing left to send.
func (p *phone) waitSent() {
	p.t.Helper()
	p.b.run("the queue is sent", chromedp.Poll[chromedp.Void](`!document.querySelector('[data-test="pending"]')`,
		chromedp.WithPollingTimeout(20*time.Second)))
}

// waitServiceWorker waits until the service worker controls the page, so
// that the app opens without a network.
func (p *phone) waitServiceWorker() {
	p.t.Helper()
	p.b.run("the service worker takes control", chromedp.Poll[chromedp.Void](`!!navigator.serviceWorker.controller`,
		chromedp.WithPollingTimeout(10*time.Second)))
}

func (p *phone) openOrder(o techOrder) {
	p.t.Helper()
	p.b.click(fmt.Sprintf(`[data-test="open-%s"]`, o.Number))
	p.b.waitPath("/m/orders/" + o.ID)
	p.b.waitText(o.Number)
}

// step takes the next action on the order page and waits for the state it
// leads to.
func (p *phone) step(action, state string) {
	p.t.Helper()
	p.b.click(fmt.Sprintf(`[data-test=%q]`, action))
	p.b.run("the order is "+state, chromedp.Poll[chromedp.Void](
		fmt.Sprintf(`document.querySelector('[data-test="order-state"]')?.innerText === %q`, state), chromedp.WithPollingTimeout(10*time.Second)))
}

// fillRecord types the serial, picks the four codes, types a part used,
// has the customer sign with a finger and submits.
func (p *phone) fillRecord() {
	p.t.Helper()
	p.b.fill("#serial", techSerial)
	for kind, code := range map[string]string{"symptom": "E1-01", "cause": "C01", "object": "O01", "action": "A01"} {
		sel := fmt.Sprintf("#code-%s", kind)
		p.b.run("wait for the "+kind+" codes", chromedp.Poll[chromedp.Void](
			fmt.Sprintf(`!!document.querySelector('%s option[value=%q]')`, sel, code), chromedp.WithPollingTimeout(10*time.Second)))
		p.b.run("pick "+code, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`(() => { const s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})) })()`, sel, code)))
	}
	p.b.click(`[data-test="add-part"]`)
	p.b.fill("#part-0", "P-100")
	p.sign()
	p.b.click(`[data-test="submit-record"]`)
}

// sign draws a stroke on the signature pad.
func (p *phone) sign() {
	p.t.Helper()
	p.b.run("scroll to the pad", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test="signature"]').scrollIntoView({block: 'center'})`))
	ctx, cancel := context.WithTimeout(p.b.ctx, 5*time.Second)
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ X, Y, W, H float64 }](
		`(() => { const b = document.querySelector('[data-test="signature"]').getBoundingClientRect(); return {X: b.x, Y: b.y, W: b.width, H: b.height} })()`))
	require.NoError(p.t, err)
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, r.X+20, r.Y+r.H/2, chromedp.ButtonLeft)}
	for i := 1; i <= 10; i++ {
		x := r.X + 20 + float64(i)*(r.W-40)/10
		y := r.Y + r.H/2 + float64((i%2)*30-15)
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x, y, chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, r.X+r.W-20, r.Y+r.H/2, chromedp.ButtonLeft))
	p.b.run("sign", steps...)
}

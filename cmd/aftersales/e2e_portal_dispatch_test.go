//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// TestPortalDispatch: the dispatcher sees an order dispatched to one site
// in the board's "dispatched, not accepted" queue, opens its drawer (the
// ranking and the outcome) and overrides it to the other site with a
// reason, which the order's decision then records; that site's manager
// opens the site desk, assigns a technician and, once the technician has
// completed the order (through the API), confirms it. In zh-CN and en;
// axe-core checks the board, the drawer and the desk.
func TestPortalDispatch(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)

	// The site manager uses the desk on a phone in one journey and on a
	// desktop in the other.
	for _, tc := range []struct {
		lang, queue, overridden, desk, confirmed string
		deskW, deskH                             int
	}{
		{"zh-CN", "已派未接", "人工改派网点", "网点工作台", "已确认", 390, 844},
		{"en", "Dispatched, not accepted", "Site overridden", "Site desk", "Confirmed", 1366, 900},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, "disp-"+map[string]string{"zh-CN": "zh", "en": "en"}[tc.lang], tc.lang)
			order := n.intake(t)
			require.Equal(t, "dispatched", order.State, "the nearer site takes the order and assigns its own technicians")
			require.Equal(t, n.siteA, order.SiteID)

			// The dispatcher: the board, the queue, the drawer, the override.
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.openSignedIn("/dispatch", n.slug, "dispatcher")
			b.click(`[data-test="queue-unaccepted"]`)
			b.waitText(tc.queue)
			open := fmt.Sprintf(`[data-test="open-%s"]`, order.Number)
			b.waitVisible(open)
			b.requireSettledAccessible("the dispatch board")
			b.click(open)
			b.waitVisible(`[data-test="ranking"]`)
			b.waitText("罗湖服务站")
			b.click(`[data-test="override-site"]`)
			b.choose(fmt.Sprintf(`[data-test="site-option-%s"]`, n.siteB))
			b.fill(`#ov-reason`, "客户要求罗湖网点上门")
			b.requireSettledAccessible("the order drawer")
			b.click(`[data-test="override-submit"]`)
			b.waitText(tc.overridden)

			n.requireOverridden(t, order.ID, n.siteB, "客户要求罗湖网点上门")

			// Closed, the drawer leaves the board, which shows the order at
			// its new site.
			b.click(`.el-drawer__close-btn`)
			b.run("the board shows the new site", chromedp.Poll[chromedp.Void](
				`document.querySelector('[data-test="queue-unaccepted-rows"]').innerText.includes('罗湖服务站')`,
				chromedp.WithPollingTimeout(browserWait)))
			b.signOut()

			// The manager of the other site: the desk, assign, confirm.
			b = newBrowser(t, addr, tc.lang, tc.deskW, tc.deskH)
			b.openSignedIn("/site", n.slug, "luohu.manager")
			b.waitText(tc.desk)
			pick := fmt.Sprintf(`[data-test="desk-tech-%s"]`, order.Number)
			b.waitVisible(pick)
			b.requireSettledAccessible("the site desk")
			b.click(pick)
			b.choose(fmt.Sprintf(`[data-test="desk-tech-option-%s"]`, n.techB))
			b.click(fmt.Sprintf(`[data-test="desk-assign-%s"]`, order.Number))
			var got workOrderSeen
			require.Eventually(t, func() bool {
				got = n.order(t, order.ID)
				return got.State == "assigned"
			}, browserWait, 200*time.Millisecond, "the assignment reached the server")
			require.Equal(t, n.techB, got.TechnicianID)

			n.complete(t, order.ID)
			b.open("/site")
			confirm := fmt.Sprintf(`[data-test="desk-confirm-%s"]`, order.Number)
			b.waitVisible(confirm)
			b.click(confirm)
			b.waitText(tc.confirmed)
			require.Eventually(t, func() bool { return n.order(t, order.ID).State == "confirmed" },
				browserWait, 200*time.Millisecond, "the confirmation reached the server")
			b.requireSettledAccessible("the site desk after confirming")
		})
	}
}

const dispatchPassword = "dispatch-pass-123"

// choose selects the option sel of an open Element Plus select: it clicks
// the option (the element's own click: the drop-down may still be placing
// itself under a pointer) until the select marks it chosen.
func (b *browser) choose(sel string) {
	b.t.Helper()
	b.waitJS("choose "+sel, fmt.Sprintf(`(() => {
		const o = document.querySelector(%q)
		if (!o) return false
		if (o.classList.contains('is-selected')) return true
		if (o.offsetParent !== null) o.click()
		return false
	})()`, sel))
}

// openSignedIn opens a page, is sent to sign in, signs in as the tenant's
// user and is brought back to the page.
func (b *browser) openSignedIn(path, tenant, username string) {
	b.t.Helper()
	b.open(path)
	b.waitPath("/login")
	b.fill("#tenant", tenant)
	b.fill("#username", username)
	b.fill("#password", dispatchPassword)
	b.click(`[data-test="login-submit"]`)
	b.waitPath(path)
}

// requireSettledAccessible runs axe-core once no loading mask or message
// covers the page (their fading would lower the colours axe measures).
func (b *browser) requireSettledAccessible(page string) {
	b.t.Helper()
	b.settle()
	b.requireAccessible(page)
}

// settle waits until no loading mask or message is shown or fading out,
// so axe-core sees the page's own colours.
func (b *browser) settle() {
	b.t.Helper()
	b.run("wait for the loading masks and messages to go", chromedp.Poll[chromedp.Void](
		`document.querySelector('.el-loading-mask, .el-message') === null`,
		chromedp.WithPollingTimeout(browserWait)))
}

// signOut signs out through the portal's header.
func (b *browser) signOut() {
	b.t.Helper()
	b.click(`[data-test="logout"]`)
	b.waitPath("/login")
}

// dispatchNetwork is a tenant set up through the API: a region tree, two
// Shenzhen sites that assign their own technicians (Nanshan nearer the
// customer than Luohu), a technician at each, a dispatcher, Luohu's
// manager, the catalogue a service record needs and a customer's unit.
type dispatchNetwork struct {
	c                    *client
	slug                 string
	admin                string
	siteA, siteB         string
	techA, techB         string
	techBTok             string
	customer, unitSerial string
	unit                 string
}

type workOrderSeen struct {
	ID           string `json:"id"`
	Number       string `json:"number"`
	State        string `json:"state"`
	SiteID       string `json:"site_id"`
	TechnicianID string `json:"technician_id"`
	Version      int    `json:"version"`
	Decision     struct {
		Outcome struct {
			Kind   string `json:"kind"`
			Reason string `json:"reason"`
			By     struct {
				Name string `json:"name"`
			} `json:"by"`
		} `json:"outcome"`
	} `json:"dispatch_decision"`
}

const (
	customerLat, customerLon = 22.5431, 114.0579 // Shenzhen, Nanshan
)

func newDispatchNetwork(t *testing.T, c *client, platformToken, slug, locale string) *dispatchNetwork {
	t.Helper()
	c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
		"slug": slug, "name": "ACME " + locale, "locale": locale, "timezone": "Asia/Shanghai",
		"admin": map[string]string{"username": "admin", "password": adminPassword}})
	n := &dispatchNetwork{c: c, slug: slug, admin: c.login(slug, "admin", adminPassword), unitSerial: "SN-" + slug}
	id := func(r response) string {
		var out struct {
			ID string `json:"id"`
		}
		r.decode(t, &out)
		require.NotEmpty(t, out.ID)
		return out.ID
	}
	post := func(path string, body map[string]any) string {
		return id(c.expect(http.StatusCreated, "POST", path, n.admin, body))
	}
	country := post("/v1/regions", map[string]any{"level": "country", "code": "CN", "name": "中国"})
	gd := post("/v1/regions", map[string]any{"level": "province", "code": "GD", "name": "广东省", "parent_id": country})
	sz := post("/v1/regions", map[string]any{"level": "city", "code": "SZ", "name": "深圳市", "parent_id": gd})
	c.expect(http.StatusCreated, "POST", "/v1/product-lines", n.admin, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners"})
	model := post("/v1/product-models", map[string]any{"product_line": "AC", "code": "KFR-35", "name": "KFR-35GW", "warranty_months": 36})
	c.expect(http.StatusOK, "PUT", "/v1/service-types/repair", n.admin, map[string]any{"name_zh": "维修", "name_en": "Repair",
		"field": true, "respond_minutes": 120, "arrive_minutes": 1440, "complete_minutes": 4320})
	for _, fc := range [][2]string{{"symptom", "S01"}, {"cause", "C01"}, {"object", "O01"}, {"action", "A01"}} {
		c.expect(http.StatusCreated, "POST", "/v1/fault-codes", n.admin, map[string]any{"kind": fc[0], "code": fc[1],
			"name_zh": fc[1], "name_en": fc[1], "product_line": "AC"})
	}
	site := func(code, name string, lat, lon float64) string {
		return post("/v1/sites", map[string]any{"region_id": sz, "code": code, "name": name, "kind": "service_station",
			"location": map[string]float64{"lat": lat, "lon": lon}, "area": map[string]float64{"radius_km": 60},
			"product_lines": []string{"AC"}, "auto_assign": false, "phone": "075586000000"})
	}
	n.siteA = site("S-NS", "南山服务站", customerLat+0.01, customerLon+0.01)
	n.siteB = site("S-LH", "罗湖服务站", 22.5480, 114.1310)
	user := func(username, display string, roles []string, scope map[string]any) string {
		return post("/v1/users", map[string]any{"username": username, "display_name": display, "password": dispatchPassword,
			"roles": roles, "scope": scope})
	}
	user("dispatcher", "调度小王", []string{"dispatcher"}, map[string]any{"all": true})
	user("luohu.manager", "罗湖站长", []string{"site_manager"}, map[string]any{"sites": []string{n.siteB}})
	techUser := user("luohu.tech", "张师傅", []string{"technician"}, map[string]any{"sites": []string{n.siteB}})
	n.techA = post("/v1/technicians", map[string]any{"site_id": n.siteA, "code": "T-NS-1", "name": "李师傅", "phone": "13900000001"})
	n.techB = post("/v1/technicians", map[string]any{"site_id": n.siteB, "code": "T-LH-1", "name": "张师傅", "phone": "13900000002",
		"user_id": techUser})
	n.techBTok = c.login(slug, "luohu.tech", dispatchPassword)
	n.customer = post("/v1/customers", map[string]any{"name": "王芳", "phones": []map[string]string{{"phone": "13800138000"}}})
	n.unit = post("/v1/units", map[string]any{"customer_id": n.customer, "model_id": model, "serial": n.unitSerial,
		"purchase_date": time.Now().AddDate(0, -3, 0).Format("2006-01-02")})
	return n
}

// intake takes in a repair at the customer's Nanshan address.
func (n *dispatchNetwork) intake(t *testing.T) workOrderSeen {
	t.Helper()
	var w workOrderSeen
	n.c.expect(http.StatusCreated, "POST", "/v1/work-orders", n.admin, map[string]any{"type": "repair", "channel": "phone",
		"customer_id": n.customer, "unit_id": n.unit, "description": "空调不制冷", "address": "深圳市南山区科技园",
		"lat": customerLat, "lon": customerLon}).decode(t, &w)
	return w
}

// requireOverridden waits until the order is at site, then checks that
// the dispatcher overrode it there with reason.
func (n *dispatchNetwork) requireOverridden(t *testing.T, id, site, reason string) {
	t.Helper()
	var got workOrderSeen
	require.Eventually(t, func() bool {
		got = n.order(t, id)
		return got.SiteID == site
	}, browserWait, 200*time.Millisecond, "the override reached the server")
	require.Equal(t, "dispatched", got.State)
	require.Equal(t, "override", got.Decision.Outcome.Kind)
	require.Equal(t, reason, got.Decision.Outcome.Reason)
	require.Equal(t, "调度小王", got.Decision.Outcome.By.Name)
}

func (n *dispatchNetwork) order(t *testing.T, id string) workOrderSeen {
	t.Helper()
	var w workOrderSeen
	n.c.expect(http.StatusOK, "GET", "/v1/work-orders/"+id, n.admin, nil).decode(t, &w)
	return w
}

// complete works the order as Luohu's technician: accept, travel, arrive,
// complete with the service record.
func (n *dispatchNetwork) complete(t *testing.T, id string) {
	t.Helper()
	for _, step := range []struct {
		action string
		body   map[string]any
	}{
		{"accept", nil},
		{"start_travel", nil},
		{"arrive", map[string]any{"lat": customerLat, "lon": customerLon}},
		{"complete", map[string]any{"record": map[string]any{"unit_serial": n.unitSerial, "symptom_code": "S01", "cause_code": "C01",
			"object_code": "O01", "action_code": "A01", "confirmation": map[string]any{"name": "王芳", "signature": testkit.PNGSignature}}}},
	} {
		body := step.body
		if body == nil {
			body = map[string]any{}
		}
		n.c.expect(http.StatusOK, "POST", "/v1/work-orders/"+id+"/"+step.action, n.techBTok, body)
	}
}

//go:build linux

package main_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// agentDesk is one tenant's agent with a CTI extension, the tenant's
// binding of the reference CTI plugin, and a network whose customer calls.
type agentDesk struct {
	slug, admin      string
	binding, ctiTok  string
	net              *pgtest.Network
	agentName        string
	siteName, techer string
}

// TestPortalAgent is the agent's day in a real browser, in zh-CN and en:
// calls posted to the tenant's CTI binding (the reference plugin, run by
// the real binary) pop up on the console — the time from posting to the
// pop on screen is logged as p50/p95; an unknown caller becomes a
// customer inline; a repair is opened from the keyboard alone and the
// answer names the site and technician chosen; the order's page shows the
// timeline in names, the clocks and only the actions the agent may take,
// and an action on an order changed meanwhile reloads it and says what
// changed. axe-core finds no serious violation on either page.
func TestPortalAgent(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	dbURL, rURL, dataDir := newDatabase(t), privateRedis(t), t.TempDir()
	pluginFile, pluginSum := installCTIPlugin(t, filepath.Join(dataDir, "plugins"))
	addr := freeAddr(t)
	p := startProc(t, "serve", map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": rURL, "DATA_DIR": dataDir,
		"HTTP_ADDR": addr, "DB_MAX_CONNS": "10"}, "serve")
	p.waitReady(t, "http://"+addr)
	c := newClient(t, addr)
	platform := readToken(t, filepath.Join(dataDir, "platform-admin.token"))
	var plugin struct{ ID string }
	c.expect(http.StatusCreated, "POST", "/v1/platform/plugins", platform, map[string]any{"name": "cti-generic", "kind": "cti",
		"version": "1.0.0", "path": pluginFile, "sha256": pluginSum}).decode(t, &plugin)
	owner, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(owner.Close)

	var all []time.Duration
	for _, tc := range []struct {
		lang, slug, agentName, stateCancelled, left string
		covers, authorised, notSaid                 string // the ranking's reasons, in the reader's language
	}{
		{"zh-CN", "agent-zh", "王坐席", "已取消", "剩余", "覆盖该地址（", "已获产品线 AC 授权", "covers address"},
		{"en", "agent-en", "Agent Wang", "Cancelled", "left", "covers address (", "authorised for line AC", "覆盖该地址"},
	} {
		d := newAgentDesk(t, c, owner, platform, plugin.ID, tc.slug, tc.lang, tc.agentName)
		t.Run(tc.lang, func(t *testing.T) {
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/agent")
			b.waitPath("/login")
			b.fill("#tenant", d.slug)
			b.fill("#username", "agent.wang")
			b.fill("#password", "agent-password-1")
			signIn := time.Now()
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/agent")
			b.run("the call stream open", chromedp.WaitVisible(`[data-test="stream-state"][data-state="open"]`))
			t.Logf("sign-in to the console taking calls (%s): %v", tc.lang, time.Since(signIn))
			b.requireAccessible("the agent console, waiting")
			b.run("watch for pops", chromedp.Evaluate[chromedp.Void](popWatcher))

			// An unknown caller becomes a customer inline.
			d.ring(t, c, "unknown-"+tc.lang, "13700001111")
			b.run("the unknown caller's pop", chromedp.WaitVisible(`[data-test="new-customer"]`))
			b.fill("#nc-name", "赵先生")
			b.click(`[data-test="nc-submit"]`)
			b.run("the new customer shown", chromedp.Poll[chromedp.Void](
				`document.querySelector('[data-test="caller-name"]')?.innerText === '赵先生'`, chromedp.WithPollingTimeout(10*time.Second)))

			// Calls from the known customer: each pop on screen, timed.
			var took []time.Duration
			for i := range 6 {
				call := fmt.Sprintf("call-%s-%d", tc.lang, i)
				start := time.Now()
				d.ring(t, c, call, "138 0013 8000")
				b.run("the pop of "+call, chromedp.WaitVisible(fmt.Sprintf(`[data-test="screen-pop"][data-call=%q] [data-test="caller-name"]`, call)))
				b.run("the frame of "+call, chromedp.Poll[chromedp.Void](fmt.Sprintf(`window.__pops[%q] > 0`, call),
					chromedp.WithPollingTimeout(5*time.Second)))
				at, err := strconv.ParseInt(b.evalString(fmt.Sprintf(`String(window.__pops[%q])`, call)), 10, 64)
				require.NoError(t, err)
				shown := time.UnixMilli(at)
				require.False(t, shown.Before(start.Truncate(time.Millisecond)), "the pop of %s after its call", call)
				took = append(took, shown.Sub(start))
			}
			all = append(all, took...)
			t.Logf("CTI event to pop on screen (%s, %d calls): p50 %v, p95 %v", tc.lang, len(took), percentile(took, 50), percentile(took, 95))
			require.Contains(t, b.text(), "王芳")
			require.Contains(t, b.text(), "KFR-35GW")

			// The repair, from the keyboard alone: Alt+N, Tab through the
			// form (unit, saved address and product line are the
			// caller's), a description, Enter.
			b.run("Alt+N", chromedp.KeyEvent("n", chromedp.KeyModifiers(chromedp.ModifierAlt)))
			require.Equal(t, "intake-type", activeID(b))
			for _, want := range []string{"intake-unit", "intake-address-id", "intake-line", "intake-description"} {
				b.run("Tab", chromedp.KeyEvent("\t"))
				require.Equal(t, want, activeID(b))
			}
			b.run("type the description", chromedp.KeyEvent("AC blows warm air"))
			b.run("Enter", chromedp.KeyEvent("\r"))
			b.run("the order created", chromedp.WaitVisible(`[data-test="intake-created"] [data-test="decision-site"]`))
			require.Equal(t, d.siteName, b.evalString(`document.querySelector('[data-test="decision-site"]').innerText`))
			require.Equal(t, d.techer, b.evalString(`document.querySelector('[data-test="decision-technician"]').innerText`))
			ranking := b.evalString(`document.querySelector('[data-test="decision-ranking"]').innerText`)
			require.Contains(t, ranking, d.siteName)
			require.Contains(t, ranking, tc.covers, "the ranking's reasons in the console's language")
			require.Contains(t, ranking, tc.authorised)
			require.NotContains(t, ranking, tc.notSaid)
			b.requireAccessible("the agent console with a pop and a decision")
			screenshot(b, "agent-console-"+tc.lang)

			// The order's page.
			b.click(`[data-test="intake-open"]`)
			b.run("the order page", chromedp.WaitVisible(`[data-test="timeline"] [data-test="event-actor"]`))
			actors := b.evalString(`[...document.querySelectorAll('[data-test="event-actor"]')].map(e => e.innerText).join('|')`)
			require.Contains(t, actors, tc.agentName, "the timeline names the agent")
			require.NotContains(t, actors, "user:", "no IDs for people")
			timeline := b.evalString(`document.querySelector('[data-test="timeline"]').innerText`)
			require.Contains(t, timeline, d.siteName)
			require.Contains(t, timeline, d.techer)
			require.Contains(t, b.evalString(`document.querySelector('[data-test="clock-respond_by"]').innerText`), tc.left)
			require.Equal(t, d.techer, b.evalString(`document.querySelector('[data-test="order-technician"]').innerText`))
			require.Equal(t, []string{"cancel"}, offered(b), "an agent may cancel the assigned order, not dispatch it")
			b.requireAccessible("the work order page")
			screenshot(b, "work-order-"+tc.lang)

			// Someone cancels meanwhile; the agent's cancel meets the change.
			id := pathOf(b.location())[len("/orders/"):]
			c.expect(http.StatusOK, "POST", "/v1/work-orders/"+id+"/cancel", d.admin, map[string]any{"reason": "the customer called back"})
			b.click(`[data-action="cancel"]`)
			b.fill("#act-reason", "duplicate")
			b.click(`[data-test="act-submit"]`)
			b.run("the reload notice", chromedp.WaitVisible(`[data-test="order-notice"]`))
			require.Contains(t, b.evalString(`document.querySelector('[data-test="order-notice"]').innerText`), tc.stateCancelled)
			b.run("no actions left", chromedp.WaitVisible(`[data-test="no-actions"]`))
			require.Empty(t, offered(b))

			// The orders list leads to the page too.
			b.open("/orders")
			// (clicked once the table's loading mask is gone)
			b.run("the list loaded", chromedp.WaitVisible(fmt.Sprintf(`[data-order=%q]`, id)),
				chromedp.Poll[chromedp.Void](`!document.querySelector('[data-test="orders"] .el-loading-mask')`, chromedp.WithPollingTimeout(10*time.Second)))
			b.click(fmt.Sprintf(`[data-order=%q]`, id))
			b.waitPath("/orders/" + id)
			b.run("the order page again", chromedp.WaitVisible(`[data-test="order-state"][data-state="cancelled"]`))
		})
	}
	t.Logf("CTI event to pop on screen (all %d calls): p50 %v, p95 %v", len(all), percentile(all, 50), percentile(all, 95))
}

// popWatcher records, per call, when the screen pop first shows it: the
// frame after the DOM changed.
const popWatcher = `window.__pops = {};
new MutationObserver(() => {
  const el = document.querySelector('[data-test="screen-pop"]');
  const call = el && el.dataset.call;
  if (call && !window.__pops[call]) { window.__pops[call] = -1; requestAnimationFrame(() => { window.__pops[call] = Date.now() }) }
}).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-call']});`

// screenshot saves the page as PNG into $PORTAL_SCREENSHOTS, when set
// (for the README's pictures).
func screenshot(b *browser, name string) {
	dir := os.Getenv("PORTAL_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(b.t, err)
	require.NoError(b.t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

func activeID(b *browser) string {
	return b.evalString(`document.activeElement ? document.activeElement.id : ''`)
}

// offered lists the actions the order page offers.
func offered(b *browser) []string {
	var out []string
	for _, a := range []string{"dispatch", "reassign", "assign", "accept", "decline", "reject", "start_travel", "arrive",
		"wait_parts", "resume", "take_to_workshop", "complete", "confirm", "close", "cancel"} {
		if b.evalString(fmt.Sprintf(`String(!!document.querySelector('[data-action=%q]'))`, a)) == "true" {
			out = append(out, a)
		}
	}
	return out
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

// installCTIPlugin builds the reference CTI plugin into dir, as an
// operator installs it; it returns the file name and its SHA-256.
func installCTIPlugin(t *testing.T, dir string) (string, string) {
	t.Helper()
	raw, err := os.ReadFile(plugintest.Build(t, "../../plugins/cti-generic"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cti-generic"), raw, 0o755))
	sum := sha256.Sum256(raw)
	return "cti-generic", hex.EncodeToString(sum[:])
}

// newAgentDesk onboards a tenant in locale with the small network of
// pgtest (the customer gets a saved address with its point), binds the
// CTI plugin and creates the agent with extension 801.
func newAgentDesk(t *testing.T, c *client, owner *pgxpool.Pool, platform, pluginID, slug, locale, agentName string) *agentDesk {
	t.Helper()
	var tenant struct{ ID string }
	c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platform, map[string]any{"slug": slug, "name": slug,
		"locale": locale, "timezone": "Asia/Shanghai", "admin": map[string]string{"username": "admin", "password": adminPassword}}).decode(t, &tenant)
	d := &agentDesk{slug: slug, admin: c.login(slug, "admin", adminPassword), agentName: agentName,
		net: pgtest.NetworkOf(uuid.MustParse(tenant.ID)), siteName: "深圳南山服务站", techer: "张伟"}
	pgtest.AddNetwork(t, owner, d.net)
	ctx := context.Background()
	tx, err := owner.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenant.ID)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO customer_addresses (tenant_id, id, customer_id, label, address, lat, lon)
		VALUES ($1, $2, $3, '家', '深圳市南山区科技园', $4, $5)`, d.net.Tenant, uuid.New(), d.net.Customer, d.net.Lat, d.net.Lon)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))

	var bind struct {
		ID       string `json:"id"`
		CTIToken string `json:"cti_token"`
	}
	c.expect(http.StatusCreated, "POST", "/v1/plugin-bindings", d.admin, map[string]any{"plugin_id": pluginID, "name": "cti",
		"config": map[string]any{}}).decode(t, &bind)
	d.binding, d.ctiTok = bind.ID, bind.CTIToken
	var agent struct{ ID string }
	c.expect(http.StatusCreated, "POST", "/v1/users", d.admin, map[string]any{"username": "agent.wang", "display_name": agentName,
		"password": "agent-password-1", "roles": []string{"agent"}, "scope": map[string]any{"all": true}}).decode(t, &agent)
	c.expect(http.StatusOK, "PUT", "/v1/users/"+agent.ID+"/cti-extension", d.admin, map[string]any{"extension": "801"})
	return d
}

// ring posts a ringing call at the agent's extension to the binding, as
// the switch would.
func (d *agentDesk) ring(t *testing.T, c *client, callID, caller string) {
	t.Helper()
	c.expect(http.StatusOK, "POST", "/v1/cti/"+d.binding+"/events", "", map[string]any{"event": "ringing", "call_id": callID,
		"caller": caller, "called": "4008001234", "agent_extension": "801", "timestamp": time.Now().Format(time.RFC3339)},
		"X-CTI-Token", d.ctiTok)
}

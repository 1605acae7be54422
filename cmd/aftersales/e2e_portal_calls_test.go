//go:build linux

package main_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// TestPortalCalls is a call in a real browser, in zh-CN and en: the
// reference CTI plugin rings the agent, the screen pops, the agent answers
// and creates an order during the call; when the call ends it is in the
// call log linked to the order, on the order's page and on the customer's.
// axe-core finds no serious violation on the call log.
func TestPortalCalls(t *testing.T) {
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

	for _, tc := range []struct{ lang, slug, answered, history string }{
		{"zh-CN", "calls-zh", "已接听", "通话记录"},
		{"en", "calls-en", "Answered", "Calls"},
	} {
		d := newAgentDesk(t, c, owner, platform, plugin.ID, tc.slug, tc.lang, "Agent Wang")
		t.Run(tc.lang, func(t *testing.T) {
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/agent")
			b.waitPath("/login")
			b.fill("#tenant", d.slug)
			b.fill("#username", "agent.wang")
			b.fill("#password", "agent-password-1")
			b.click(`[data-test="login-submit"]`)
			b.waitPath("/agent")
			b.run("the call stream open", chromedp.WaitVisible(`[data-test="stream-state"][data-state="open"]`))

			call := "log-" + tc.lang
			event := func(typ string, extra map[string]any) {
				body := map[string]any{"event": typ, "call_id": call, "caller": "138 0013 8000", "called": "4008001234",
					"agent_extension": "801", "timestamp": time.Now().Format(time.RFC3339Nano)}
				for k, v := range extra {
					body[k] = v
				}
				c.expect(http.StatusOK, "POST", "/v1/cti/"+d.binding+"/events", "", body, "X-CTI-Token", d.ctiTok)
			}
			d.ring(t, c, call, "138 0013 8000")
			b.run("the pop", chromedp.WaitVisible(fmt.Sprintf(`[data-test="screen-pop"][data-call=%q] [data-test="caller-name"]`, call)))
			event("answered", nil)
			// The agent's header and the supervisors' board say on a call.
			b.run("the agent on a call", chromedp.WaitVisible(`[data-test="agent-state"][data-state="on_call"]`))
			var board struct {
				Agents []struct{ Extension, State string }
			}
			c.expect(http.StatusOK, "GET", "/v1/agents/board", d.admin, nil).decode(t, &board)
			require.Len(t, board.Agents, 1)
			require.Equal(t, "on_call", board.Agents[0].State)

			// The repair, taken during the call.
			b.run("Alt+N", chromedp.KeyEvent("n", chromedp.KeyModifiers(chromedp.ModifierAlt)))
			for range 4 {
				b.run("Tab", chromedp.KeyEvent("\t"))
			}
			b.run("type the description", chromedp.KeyEvent("AC blows warm air"))
			b.run("Enter", chromedp.KeyEvent("\r"))
			b.run("the order created", chromedp.WaitVisible(`[data-test="intake-created"] [data-test="decision-site"]`))
			// The call ends (the switch replays an event too).
			event("ended", map[string]any{"recording_url": "https://pbx.example/rec/" + call})
			event("answered", nil)

			b.click(`[data-test="intake-open"]`)
			b.run("the order page", chromedp.WaitVisible(`[data-test="timeline"]`))
			order := pathOf(b.location())[len("/orders/"):]
			b.run("the order's calls", chromedp.WaitVisible(fmt.Sprintf(`[data-test="call-history"] [data-call=%q]`, call)))
			require.Contains(t, b.evalString(`document.querySelector('[data-test="call-history"]').innerText`), tc.history)

			// The call log: the call, answered, linked to the order.
			b.open("/calls")
			b.run("the call in the log", chromedp.WaitVisible(fmt.Sprintf(`[data-test="calls"] [data-call=%q]`, call)),
				chromedp.WaitVisible(fmt.Sprintf(`[data-test="calls"] [data-link=%q]`, order)),
				chromedp.Poll[chromedp.Void](`!document.querySelector('[data-test="calls"] .el-loading-mask')`, chromedp.WithPollingTimeout(10*time.Second)))
			require.Equal(t, tc.answered, b.evalString(`document.querySelector('[data-test="calls"] [data-outcome]').innerText`))
			b.requireAccessible("the call log")
			screenshot(b, "call-log-"+tc.lang)

			// The customer's page lists it too.
			b.open("/admin/customers/" + d.net.Customer.String())
			b.run("the customer's calls", chromedp.WaitVisible(fmt.Sprintf(`[data-test="call-history"] [data-call=%q]`, call)))
		})
	}
}

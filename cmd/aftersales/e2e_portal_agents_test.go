//go:build linux

package main_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// TestPortalAgentGroups, in zh-CN and en, in a real browser: a supervisor
// creates an agent group and adds an agent; the agent sets themselves
// available at their desk; the supervisors' board shows them available
// under the group. axe-core finds no serious violation on the groups page.
func TestPortalAgentGroups(t *testing.T) {
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

	for _, tc := range []struct{ lang, slug, group, agent, available string }{
		{"zh-CN", "groups-zh", "维修组", "王芳", "示闲"},
		{"en", "groups-en", "Repair team", "Agent Wang", "Available"},
	} {
		d := newAgentDesk(t, c, owner, platform, plugin.ID, tc.slug, tc.lang, tc.agent)
		t.Run(tc.lang, func(t *testing.T) {
			// The supervisor creates the group with the agent in it.
			sup := newBrowser(t, addr, tc.lang, 1366, 900)
			sup.open("/calls/groups")
			sup.waitPath("/login")
			sup.fill("#tenant", d.slug)
			sup.fill("#username", "admin")
			sup.fill("#password", adminPassword)
			sup.click(`[data-test="login-submit"]`)
			sup.waitPath("/calls/groups")
			sup.click(`[data-test="new-group"]`)
			sup.fill("#grp-name", tc.group)
			sup.fill("#grp-queue", "q-repair")
			sup.pickOption(`[data-test="group-members"]`, tc.agent)
			// The members' drop-down stays open over the footer: the button's own click.
			sup.pick(`[data-test="save-group"]`)
			sup.waitJS("the group listed", fmt.Sprintf(`[...document.querySelectorAll('[data-test="agent-groups"] tr')]
				.some((r) => r.innerText.includes(%q) && r.innerText.includes(%q))`, tc.group, tc.agent))
			sup.requireAccessible("the agent groups")
			screenshot(sup, "agent-groups-"+tc.lang)

			var groups struct {
				Items []struct {
					Name, Skill, Queue string
					Members            []struct{ Name, State string }
				}
			}
			c.expect(http.StatusOK, "GET", "/v1/agent-groups", d.admin, nil).decode(t, &groups)
			require.Len(t, groups.Items, 1)
			require.Equal(t, tc.group, groups.Items[0].Name)
			require.Equal(t, "repair", groups.Items[0].Skill)
			require.Equal(t, "q-repair", groups.Items[0].Queue)
			require.Len(t, groups.Items[0].Members, 1)
			require.Equal(t, tc.agent, groups.Items[0].Members[0].Name)

			// The agent sets themselves available.
			ag := newBrowser(t, addr, tc.lang, 1366, 900)
			ag.open("/agent")
			ag.waitPath("/login")
			ag.fill("#tenant", d.slug)
			ag.fill("#username", "agent.wang")
			ag.fill("#password", "agent-password-1")
			ag.click(`[data-test="login-submit"]`)
			ag.waitPath("/agent")
			ag.click(`[data-test="agent-state"] .el-select__wrapper`)
			ag.waitJS("the states shown", fmt.Sprintf(`[...document.querySelectorAll('.el-select-dropdown__item')]
				.some((e) => e.offsetParent !== null && e.innerText.trim() === %q)`, tc.available))
			ag.run("choose available", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`[...document.querySelectorAll('.el-select-dropdown__item')]
				.find((e) => e.offsetParent !== null && e.innerText.trim() === %q).click()`, tc.available)))
			ag.waitVisible(`[data-test="agent-state"][data-state="available"]`)

			// The board shows them available under the group.
			sup.open("/calls/board")
			sup.waitVisible(fmt.Sprintf(`[data-group=%q] [data-member=%q][data-state="available"]`, tc.group, tc.agent))
			require.Equal(t, tc.available, sup.evalString(fmt.Sprintf(
				`document.querySelector('[data-group=%q] [data-member=%q]').innerText`, tc.group, tc.agent)))
			screenshot(sup, "agent-board-groups-"+tc.lang)
		})
	}
}

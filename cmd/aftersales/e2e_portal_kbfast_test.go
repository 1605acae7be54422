//go:build linux

package main_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalKBPending: in zh-CN and in en, an editor's knowledge-base list
// marks a published article whose new version is a draft (with its
// version), and "new version pending" narrows the list to it; the server
// agrees. axe-core finds no serious violation on the filtered list.
func TestPortalKBPending(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, tc := range []struct{ lang, slug, mark string }{
		{"zh-CN", "kbpend-zh", "新版本 v2"},
		{"en", "kbpend-en", "New version v2"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := newTechWorld(c, platformToken, tc.slug, tc.lang)
			for _, u := range []struct{ name, role string }{{"editor", "kb_editor"}, {"reviewer", "kb_reviewer"}} {
				c.post(w.admin, "/v1/users", map[string]any{"username": u.name, "password": adminPassword, "roles": []string{u.role}})
			}
			editorTok := c.login(tc.slug, "editor", adminPassword)
			reviewerTok := c.login(tc.slug, "reviewer", adminPassword)
			publish := func(title string) string {
				id := c.post(editorTok, "/v1/kb/articles", map[string]any{"title": title, "audience": "internal", "body": "正文"})
				c.expect(http.StatusOK, "POST", "/v1/kb/articles/"+id+"/submit", editorTok, map[string]any{"version": 1})
				c.expect(http.StatusOK, "POST", "/v1/kb/articles/"+id+"/approve", reviewerTok, map[string]any{"version": 1})
				return id
			}
			edited := publish("热水器不点火")
			publish("洗衣机漏水")
			c.expect(http.StatusOK, "PUT", "/v1/kb/articles/"+edited, editorTok,
				map[string]any{"version": 1, "title": "热水器不点火（修订）", "audience": "internal", "body": "新正文"})

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/login")
			b.signIn(tc.slug, "editor", adminPassword)
			b.open("/kb")
			b.waitVisible(`[data-test="kb-articles"] [data-article="洗衣机漏水"]`)
			b.waitVisible(`[data-test="kb-pending"]`)
			b.waitText(tc.mark)
			require.Equal(t, "1", b.evalString(`String(document.querySelectorAll('[data-test="kb-pending"]').length)`),
				"only the edited article is marked")
			b.click(`[data-test="kb-pending-only"]`)
			b.click(`[data-test="kb-search-go"]`)
			b.waitJS("only the pending article is listed",
				`!document.querySelector('[data-article="洗衣机漏水"]') && document.querySelectorAll('[data-test="kb-articles"] [data-article]').length === 1`)
			b.requireSettledAccessible("the knowledge base filtered to pending versions")

			var list struct {
				Items []struct {
					ID      string
					Pending *struct{ Version int } `json:"pending"`
				} `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/kb/articles?pending=true", editorTok, nil).decode(t, &list)
			require.Len(t, list.Items, 1)
			require.Equal(t, edited, list.Items[0].ID)
			require.Equal(t, 2, list.Items[0].Pending.Version)
		})
	}
}

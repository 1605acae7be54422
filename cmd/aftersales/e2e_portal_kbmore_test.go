//go:build linux

package main_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalKBMore: in zh-CN and in en, an editor imports a small set of
// Markdown files (one of them bad: the report names its row, file and
// field, and nothing of it is stored), attaches an image to an imported
// article in the editor (inserted into the Markdown, shown in the
// preview), submits it; a reviewer approves it. On a phone-sized browser
// the technician's order page lists it for the unit's model, and another
// one once the technician chooses its fault code — not the draft; opening
// it renders it with the image. axe-core finds no serious violation on
// the import dialog and the phone's article.
func TestPortalKBMore(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	mdFiles := []string{
		write("e1.md", "---\nkey: ac-e1\ntitle: 空调不制冷的检修\nmodels: [KFR-35]\naudience: technicians\ntags: [制冷]\n---\n先检查**室外机**是否运转。\n"),
		write("compressor.md", "---\nkey: ac-compressor\ntitle: 压缩机异响的判断\nfault_codes: [E1]\naudience: technicians\n---\n听压缩机声音。\n"),
		write("filter.md", "---\nkey: ac-filter\ntitle: 滤网清洗草稿\nmodels: KFR-35\naudience: technicians\n---\n草稿。\n"),
		write("bad.md", "---\ntitle: 坏文件\naudience: everyone\n---\n正文\n"),
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{R: uint8(x * 6), G: 90, B: uint8(y * 8), A: 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	photo := write("wiring.png", buf.String())

	for _, tc := range []struct{ lang, slug, summary string }{
		{"zh-CN", "kbmore-zh", "新建 3"},
		{"en", "kbmore-en", "3 created"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := newTechWorld(c, platformToken, tc.slug, tc.lang)
			for _, u := range []struct{ name, role string }{{"editor", "kb_editor"}, {"reviewer", "kb_reviewer"}} {
				c.post(w.admin, "/v1/users", map[string]any{"username": u.name, "password": adminPassword, "roles": []string{u.role}})
			}
			editorTok := c.login(tc.slug, "editor", adminPassword)

			ed := newBrowser(t, addr, tc.lang, 1366, 900)
			ed.open("/login")
			ed.signIn(tc.slug, "editor", adminPassword)
			ed.open("/kb")
			ed.click(`[data-test="kb-import"]`)
			ed.waitVisible(`[data-test="kb-import-dialog"]`)
			ed.run("pick the Markdown files", chromedp.SetUploadFiles(`input[data-test="kb-import-files"]`, mdFiles))
			ed.click(`[data-test="kb-import-send"]`)
			ed.waitVisible(`[data-test="kb-import-summary"]`)
			ed.waitText(tc.summary)
			ed.waitVisible(`[data-test="kb-import-errors"]`)
			ed.waitText("bad.md")
			ed.waitText("audience")
			ed.requireAccessible("the import dialog with its report")

			var list struct {
				Items []struct{ ID, Title, Status string } `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/kb/articles", editorTok, nil).decode(t, &list)
			require.Len(t, list.Items, 3, "the bad file is not stored")
			ids := map[string]string{}
			for _, it := range list.Items {
				require.Equal(t, "draft", it.Status)
				ids[it.Title] = it.ID
			}

			// The image, attached in the editor and inserted into the body.
			e1 := ids["空调不制冷的检修"]
			ed.open("/kb/" + e1)
			ed.waitVisible(`[data-test="kb-attachments"]`)
			ed.run("pick the image", chromedp.SetUploadFiles(`input[data-test="kb-attach-file"]`, []string{photo}))
			ed.waitVisible(`[data-file="wiring.png"]`)
			ed.waitJS("the image is in the Markdown", `document.querySelector('textarea[data-test="kb-body"]').value.includes('](/v1/attachments/')`)
			ed.click(`[data-test="kb-save"]`)
			ed.waitJS("the preview shows the image", `(() => { const i = document.querySelector('[data-test="kb-preview"] img[data-attachment]'); return !!i && i.complete && i.naturalWidth === 40 })()`)
			ed.click(`[data-test="kb-submit"]`)
			ed.waitJS("submitted", `!document.querySelector('[data-test="kb-submit"]')`)
			// The second article goes through review too (without an image).
			c.expect(http.StatusOK, "POST", "/v1/kb/articles/"+ids["压缩机异响的判断"]+"/submit", editorTok, map[string]any{"version": 1})

			rv := newBrowser(t, addr, tc.lang, 1366, 900)
			rv.open("/login")
			rv.signIn(tc.slug, "reviewer", adminPassword)
			for _, id := range []string{e1, ids["压缩机异响的判断"]} {
				rv.open("/kb/" + id)
				rv.waitVisible(`[data-test="kb-approve"]`)
				rv.click(`[data-test="kb-approve"]`)
				rv.waitJS("published", `!document.querySelector('[data-test="kb-approve"]')`)
			}

			// The technician's order page on the phone.
			o := w.order(c, "空调不制冷")
			p := newPhone(t, addr, tc.lang)
			p.b.open("/m")
			p.b.waitPath("/login")
			p.b.fill("#tenant", tc.slug)
			p.b.fill("#username", "li.tech")
			p.b.fill("#password", techPassword)
			p.b.click(`[data-test="login-submit"]`)
			p.b.waitPath("/m")
			p.openOrder(o)
			p.b.waitVisible(`[data-test="order-articles"] [data-article="空调不制冷的检修"]`)
			require.Equal(t, "0", p.b.evalString(`String(document.querySelectorAll('[data-article="滤网清洗草稿"], [data-article="压缩机异响的判断"]').length)`),
				"the draft is not listed, nor the fault code's article before the code is chosen")
			p.b.click(`[data-test="order-article-codes"] [data-code="E1"]`)
			p.b.waitVisible(`[data-test="order-articles"] [data-article="压缩机异响的判断"]`)
			require.Equal(t, "0", p.b.evalString(`String(document.querySelectorAll('[data-article="滤网清洗草稿"]').length)`))
			p.b.click(`[data-article="空调不制冷的检修"]`)
			p.b.waitPath("/m/kb/" + e1)
			p.b.waitVisible(`[data-test="m-kb-html"] strong`)
			p.b.waitJS("the image shows on the phone", `(() => { const i = document.querySelector('[data-test="m-kb-html"] img[data-attachment]'); return !!i && i.complete && i.naturalWidth === 40 })()`)
			p.b.requireAccessible("an article on the phone")

			// The server agrees: published at version 2 with its image, and
			// every step is in the audit log.
			var art struct {
				Status  string
				Version int
				HTML    string
			}
			techTok := c.login(tc.slug, "li.tech", techPassword)
			c.expect(http.StatusOK, "GET", "/v1/kb/articles/"+e1, techTok, nil).decode(t, &art)
			require.Equal(t, "published", art.Status)
			require.Equal(t, 2, art.Version)
			require.Contains(t, art.HTML, "/v1/attachments/")
			var events struct {
				Items []struct{ Action string } `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/audit-events?resource_type=kb_article&resource_id="+e1, w.admin, nil).decode(t, &events)
			var actions []string
			for _, e := range events.Items {
				actions = append(actions, e.Action)
			}
			require.Equal(t, []string{"publish", "submit", "update"}, actions, fmt.Sprint(actions))
			c.expect(http.StatusOK, "GET", "/v1/audit-events?resource_type=kb_import", w.admin, nil).decode(t, &events)
			require.Len(t, events.Items, 1)
		})
	}
}

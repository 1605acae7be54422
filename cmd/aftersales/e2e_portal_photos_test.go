//go:build linux

package main_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPortalPhotos: on the phone, in zh-CN and in en, the technician on
// site takes a photo (a file picked for the camera's input) and signs on
// the order; both are stored as the order's attachments (the embedded
// default: a directory under DATA_DIR). The dispatcher then sees them on
// the order's page in the portal.
func TestPortalPhotos(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	photo := filepath.Join(t.TempDir(), "IMG_0001.png")
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{R: uint8(x * 8), G: 120, B: uint8(y * 10), A: 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	require.NoError(t, os.WriteFile(photo, buf.Bytes(), 0o600))

	for _, tc := range []struct{ lang, slug, locale, title, saved string }{
		{"zh-CN", "photos-zh", "zh-CN", "照片与签名", "已保存"},
		{"en", "photos-en", "en", "Photos and signatures", "Saved"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := newTechWorld(c, platformToken, tc.slug, tc.locale)
			o := w.order(c, "空调不制冷")
			techTok := c.login(tc.slug, "li.tech", techPassword)
			for _, a := range []string{"accept", "start_travel"} {
				c.expectStatus(techTok, "/v1/work-orders/"+o.ID+"/"+a, map[string]any{})
			}
			c.expectStatus(techTok, "/v1/work-orders/"+o.ID+"/arrive", map[string]any{"lat": techLat, "lon": techLon})

			p := newPhone(t, addr, tc.lang)
			p.b.open("/m")
			p.b.waitPath("/login")
			p.b.fill("#tenant", tc.slug)
			p.b.fill("#username", "li.tech")
			p.b.fill("#password", techPassword)
			p.b.click(`[data-test="login-submit"]`)
			p.b.waitPath("/m")
			p.openOrder(o)
			p.b.waitText(tc.title)
			p.b.run("pick a photo", chromedp.SetUploadFiles(`input[type=file]`, []string{photo}))
			p.b.waitText(tc.saved)
			p.b.waitJS("the photo shows", `document.querySelectorAll('[data-test="attachments"] img').length === 1`)
			p.sign()
			p.b.click(`[data-test="save-signature"]`)
			p.b.waitJS("the signature shows", `document.querySelectorAll('[data-test="attachments"] img').length === 2`)
			p.b.requireAccessible("an order with photos (phone)")

			var list struct {
				Items []struct {
					Label, ContentType, FileName string
					Size                         int64
				} `json:"items"`
			}
			c.expect(http.StatusOK, "GET", "/v1/attachments?owner_kind=work_order&owner_id="+o.ID, w.admin, nil).decode(t, &list)
			require.Len(t, list.Items, 2)
			require.Equal(t, "photo", list.Items[0].Label)
			require.Equal(t, int64(buf.Len()), list.Items[0].Size, "the photo as picked")
			require.Equal(t, "signature", list.Items[1].Label)

			// The dispatcher sees them on the order's page.
			c.post(w.admin, "/v1/users", map[string]any{"username": "zhou.dispatch", "display_name": "周调度", "password": techPassword,
				"roles": []string{"dispatcher"}, "scope": map[string]any{"all": true}})
			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/login")
			b.signIn(tc.slug, "zhou.dispatch", techPassword)
			b.open("/orders/" + o.ID)
			b.waitText(tc.title)
			b.run("both images load", chromedp.Poll[chromedp.Void](`(() => { const i = [...document.querySelectorAll('[data-test="attachments"] img')];
				return i.length === 2 && i.every(x => x.complete && x.naturalWidth > 0) })()`, chromedp.WithPollingTimeout(20*time.Second)))
			b.requireAccessible("an order with photos (portal)")
			screenshot(b, "order-photos-"+tc.lang)
		})
	}
}

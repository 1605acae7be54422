package api_test

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core/coretest"
)

// upload sends a multipart upload of content as file name to owner.
func (b *testBundle) upload(token, kind, owner, label, name string, content []byte, extra ...string) resp {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fields := append([]string{"owner_kind", kind, "owner_id", owner, "label", label}, extra...)
	for i := 0; i+1 < len(fields); i += 2 {
		require.NoError(b.t, w.WriteField(fields[i], fields[i+1]))
	}
	if content != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
		h.Set("Content-Type", "image/png") // claimed, never trusted
		part, err := w.CreatePart(h)
		require.NoError(b.t, err)
		_, err = part.Write(content)
		require.NoError(b.t, err)
	}
	require.NoError(b.t, w.Close())
	return b.do("POST", "/v1/attachments", token, body.Bytes(), "Content-Type", w.FormDataContentType())
}

// TestWorkOrderAttachments: the technician holding an order attaches a
// photo and a signature; who sees the order reads them, nobody else does
// (another tenant, another site's manager, another technician: 404); bad
// files are refused naming the limit; a replay is stored once; deleting
// deletes.
func TestWorkOrderAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *wire.Options) { o.Blobs.MaxSize = 64 << 10 })
	n := b.newNetwork("acme")
	other := b.onboard("rival")
	_, agent := b.createUser(n.tenant.admin, "acme", "agent.li", []string{"agent"}, map[string]any{"all": true})
	_, analyst := b.createUser(n.tenant.admin, "acme", "analyst.zhao", []string{"analyst"}, map[string]any{"all": true})
	r := b.intake(n, agent, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	order := r.str("id")

	photo := b.upload(n.techNearTok, "work_order", order, "photo", "../../IMG_0001.png", coretest.SamplePNG)
	require.Equal(t, 201, photo.Status, "%s", photo.Raw)
	require.Equal(t, "image/png", photo.str("content_type"))
	require.Equal(t, "IMG_0001.png", photo.str("file_name"))
	sig := b.upload(n.techNearTok, "work_order", order, "signature", "signature.png", coretest.SamplePNG)
	require.Equal(t, 201, sig.Status, "%s", sig.Raw)
	id := photo.str("id")

	list := "/v1/attachments?owner_kind=work_order&owner_id=" + order
	for _, c := range []struct {
		name, token string
		status      int
	}{
		{"the tenant admin", n.tenant.admin, 200},
		{"the site's manager", n.nearMgrTok, 200},
		{"the technician holding it", n.techNearTok, 200},
		{"an agent with tenant-wide scope", agent, 200},
		{"an analyst", analyst, 200},
		{"another technician of the site", n.techFarTok, 404},
		{"another region's manager", n.gxMgrTok, 404},
		{"another tenant's admin", other.admin, 404},
	} {
		t.Run("read/"+c.name, func(t *testing.T) {
			l := b.must(c.status, "GET", list, c.token, nil)
			d := b.must(c.status, "GET", "/v1/attachments/"+id+"/content", c.token, nil)
			b.must(c.status, "GET", "/v1/attachments/"+id, c.token, nil)
			if c.status != 200 {
				return
			}
			require.Len(t, l.JSON["items"], 2)
			require.Equal(t, coretest.SamplePNG, d.Raw)
			require.Equal(t, "image/png", d.Header.Get("Content-Type"))
			require.Equal(t, `attachment; filename=IMG_0001.png`, d.Header.Get("Content-Disposition"))
			require.Equal(t, "nosniff", d.Header.Get("X-Content-Type-Options"))
			require.Contains(t, d.Header.Get("Content-Security-Policy"), "sandbox")
		})
	}
	for _, c := range []struct {
		name, token string
		status      int
	}{
		{"another technician of the site", n.techFarTok, 404},
		{"another tenant's admin", other.admin, 404},
		{"an analyst, who only reads", analyst, 403},
		{"the site's manager", n.nearMgrTok, 201},
	} {
		t.Run("attach/"+c.name, func(t *testing.T) {
			r := b.upload(c.token, "work_order", order, "photo", "x.png", coretest.SamplePNG)
			require.Equal(t, c.status, r.Status, "%s", r.Raw)
		})
	}

	t.Run("bad files are refused naming the problem, nothing stored", func(t *testing.T) {
		r := b.upload(n.techNearTok, "work_order", order, "photo", "evil.png", []byte("<html><script>alert(1)</script>"))
		require.Equal(t, 415, r.Status, "%s", r.Raw)
		require.Contains(t, r.str("detail"), "accepted: image/jpeg, image/png, image/webp, image/heic, application/pdf")
		big := append(bytes.Clone(coretest.SamplePNG), bytes.Repeat([]byte{0}, 64<<10)...)
		r = b.upload(n.techNearTok, "work_order", order, "photo", "big.png", big)
		require.Equal(t, 413, r.Status, "%s", r.Raw)
		require.Contains(t, r.str("detail"), "64 KiB")
		huge := bytes.Repeat([]byte{0}, 200<<10) // over the body limit: refused before it is read
		r = b.upload(n.techNearTok, "work_order", order, "photo", "huge.png", huge)
		require.Equal(t, 413, r.Status, "%s", r.Raw)
		require.Contains(t, r.str("detail"), "64 KiB")
		r = b.upload(n.techNearTok, "nope", order, "photo", "a.png", coretest.SamplePNG)
		require.Equal(t, 422, r.Status, "%s", r.Raw)
		require.Contains(t, r.str("detail"), "owner_kind")
		r = b.upload(n.techNearTok, "work_order", order, "photo", "", nil)
		require.Equal(t, 422, r.Status, "%s", r.Raw)
		require.Contains(t, string(r.Raw), "file")
		r = b.upload(n.techNearTok, "work_order", "not-a-uuid", "photo", "a.png", coretest.SamplePNG)
		require.Equal(t, 422, r.Status, "%s", r.Raw)
		require.Contains(t, r.str("detail"), "owner_id")
		l := b.must(200, "GET", list, n.tenant.admin, nil)
		require.Len(t, l.JSON["items"], 3, "the two and the manager's")
	})

	t.Run("an upload replayed with its id is stored once", func(t *testing.T) {
		cid := uuid.NewString()
		first := b.upload(n.techNearTok, "work_order", order, "photo", "q.png", coretest.SamplePNG, "id", cid)
		require.Equal(t, 201, first.Status, "%s", first.Raw)
		again := b.upload(n.techNearTok, "work_order", order, "photo", "q.png", coretest.SamplePNG, "id", cid)
		require.Equal(t, 201, again.Status, "%s", again.Raw)
		require.Equal(t, cid, again.str("id"))
		l := b.must(200, "GET", list, n.tenant.admin, nil)
		require.Len(t, l.JSON["items"], 4)
	})

	t.Run("deleting deletes; others may not", func(t *testing.T) {
		b.must(404, "DELETE", "/v1/attachments/"+id, other.admin, nil)
		b.must(403, "DELETE", "/v1/attachments/"+id, analyst, nil)
		b.must(204, "DELETE", "/v1/attachments/"+id, n.techNearTok, nil)
		r := b.must(404, "GET", "/v1/attachments/"+id+"/content", n.tenant.admin, nil)
		require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json"))
	})
}

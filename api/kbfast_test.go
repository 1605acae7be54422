package api_test

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core/coretest"
)

// kbImportParts posts an import whose form has the fields (name, value
// pairs) and one file per part (name, content type, content triples).
func (b *testBundle) kbImportParts(token string, fields []string, files ...string) resp {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		require.NoError(b.t, w.WriteField(fields[i], fields[i+1]))
	}
	for i := 0; i+2 < len(files); i += 3 {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+files[i]+`"`)
		h.Set("Content-Type", files[i+1])
		part, err := w.CreatePart(h)
		require.NoError(b.t, err)
		_, err = part.Write([]byte(files[i+2]))
		require.NoError(b.t, err)
	}
	require.NoError(b.t, w.Close())
	return b.do("POST", "/v1/kb/articles/import", token, body.Bytes(), "Content-Type", w.FormDataContentType())
}

func gbk(t *testing.T, s string) string {
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	require.NoError(t, err)
	require.NotEqual(t, s, out)
	return out
}

// TestKBImportGBK: a CSV saved by Excel in a Chinese locale (GBK) is
// imported whether its charset is detected, given in the form or in the
// file's Content-Type; a file that is neither UTF-8 nor GBK, or GBK sent
// as UTF-8, is refused naming the file, and nothing is written.
func TestKBImportGBK(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.onboard("kbgbk")
	_, editor := b.createUser(a.admin, "kbgbk", "editor", []string{"kb_editor"}, nil)
	csv := func(key, title string) string {
		return gbk(t, "key,title,body,tags,audience\n"+key+","+title+",检查进水管，清理过滤网。,漏水|洗衣机,internal\n")
	}
	titles := func() []string {
		r := b.must(200, "GET", "/v1/kb/articles", editor, nil)
		var out []string
		for _, it := range r.JSON["items"].([]any) {
			out = append(out, it.(map[string]any)["title"].(string))
		}
		return out
	}
	bad := "key,title,body\nk,\xff\xfe\xfd,x\n"
	for _, c := range []struct {
		name   string
		fields []string
		files  []string
		status int
		want   string // a title imported, or a text of the problem
	}{
		{"GBK sent as UTF-8 is refused", []string{"charset", "utf-8"}, []string{"a.csv", "text/csv", csv("g0", "错误编码")}, 422, "a.csv is not valid UTF-8"},
		{"neither UTF-8 nor GBK is refused", nil, []string{"b.csv", "text/csv", bad}, 422, "b.csv is neither UTF-8 nor GBK"},
		{"an unknown charset is refused", []string{"charset", "big5"}, []string{"c.csv", "text/csv", csv("g0", "繁体")}, 422, "charset"},
		{"detected", nil, []string{"d.csv", "application/octet-stream", csv("g1", "洗衣机漏水")}, 200, "洗衣机漏水"},
		{"declared in the form", []string{"charset", "gbk"}, []string{"e.csv", "text/csv", csv("g2", "热水器不点火")}, 200, "热水器不点火"},
		{"declared by the file", nil, []string{"f.csv", "text/csv; charset=GB18030", csv("g3", "冰箱结霜")}, 200, "冰箱结霜"},
		{"UTF-8 still works", nil, []string{"g.csv", "text/csv", "key,title,body\ng4,空调异响,检查风扇\n"}, 200, "空调异响"},
	} {
		before := len(titles())
		r := b.kbImportParts(editor, c.fields, c.files...)
		require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Raw)
		if c.status != 200 {
			require.Contains(t, string(r.Raw), c.want, c.name)
			require.Len(t, titles(), before, "%s: nothing written", c.name)
			continue
		}
		require.EqualValues(t, 1, r.JSON["created"], "%s: %s", c.name, r.Raw)
		require.Contains(t, titles(), c.want, c.name)
	}
	// The body and tags came through decoded, and search finds them.
	r := b.must(200, "GET", "/v1/kb/articles?q=xyj", editor, nil)
	require.Contains(t, string(r.Raw), "洗衣机漏水")
	require.Contains(t, string(r.Raw), "清理过滤网")
}

// TestAttachmentLimitsPerKind: images and PDFs have their own size
// limits (BLOB_IMAGE_MAX_SIZE_MB, BLOB_PDF_MAX_SIZE_MB), capped by the
// overall one; a 413 names the limit of the kind, a 415 the accepted
// types, and nothing is stored.
func TestAttachmentLimitsPerKind(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *wire.Options) {
		o.Blobs.ImageMaxSize, o.Blobs.PDFMaxSize, o.Blobs.MaxSize = 32<<10, 96<<10, 128<<10
	})
	n := b.newNetwork("kindlim")
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	order := r.str("id")
	png := func(size int) []byte {
		return append(bytes.Clone(coretest.SamplePNG), bytes.Repeat([]byte{0}, size-len(coretest.SamplePNG))...)
	}
	pdf := func(size int) []byte {
		head := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
		return append(head, bytes.Repeat([]byte{' '}, size-len(head))...)
	}
	count := func() int {
		l := b.must(200, "GET", "/v1/attachments?owner_kind=work_order&owner_id="+order, n.tenant.admin, nil)
		return len(l.JSON["items"].([]any))
	}
	for _, c := range []struct {
		name    string
		file    string
		content []byte
		status  int
		detail  string
	}{
		{"an image within its limit", "a.png", png(30 << 10), 201, ""},
		{"an image over the image limit", "b.png", png(40 << 10), 413, "limit for images of 32 KiB"},
		{"a PDF over the image limit but within its own", "c.pdf", pdf(80 << 10), 201, ""},
		{"a PDF over its limit", "d.pdf", pdf(100 << 10), 413, "limit for PDFs of 96 KiB"},
		{"anything over the overall limit, before it is read", "e.pdf", pdf(200 << 10), 413, "limit of 128 KiB"},
		{"a disallowed type", "f.html", []byte("<html><script>alert(1)</script></html>"), 415, "accepted: image/jpeg"},
	} {
		before := count()
		r := b.upload(n.techNearTok, "work_order", order, "photo", c.file, c.content)
		require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Raw)
		if c.status == 201 {
			require.Equal(t, before+1, count(), c.name)
			continue
		}
		require.Contains(t, r.str("detail"), c.detail, c.name)
		require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json"), c.name)
		require.Equal(t, before, count(), "%s: nothing stored", c.name)
	}
}

// uploadWithKey sends an upload of content as name to owner with an
// Idempotency-Key (a fresh multipart boundary each time, as browsers do).
func (b *testBundle) uploadWithKey(token, owner, key, name string, content []byte) resp {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	require.NoError(b.t, w.WriteField("owner_kind", "work_order"))
	require.NoError(b.t, w.WriteField("owner_id", owner))
	require.NoError(b.t, w.WriteField("label", "photo"))
	part, err := w.CreateFormFile("file", name)
	require.NoError(b.t, err)
	_, err = part.Write(content)
	require.NoError(b.t, err)
	require.NoError(b.t, w.Close())
	return b.do("POST", "/v1/attachments", token, body.Bytes(), "Content-Type", w.FormDataContentType(), "Idempotency-Key", key)
}

// TestUploadIdempotencyKey: a multipart upload with an Idempotency-Key is
// read, stored once and replayed when sent again with the same key, even
// with another multipart boundary; the same key with another file is
// refused (422) and stores nothing; the article import takes a key too.
func TestUploadIdempotencyKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("idemup")
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	order := r.str("id")
	count := func() int {
		l := b.must(200, "GET", "/v1/attachments?owner_kind=work_order&owner_id="+order, n.tenant.admin, nil)
		return len(l.JSON["items"].([]any))
	}
	first := b.uploadWithKey(n.techNearTok, order, "up-1", "a.png", coretest.SamplePNG)
	require.Equal(t, 201, first.Status, "%s", first.Raw)
	require.Equal(t, "image/png", first.str("content_type"))
	require.EqualValues(t, len(coretest.SamplePNG), first.JSON["size"])
	again := b.uploadWithKey(n.techNearTok, order, "up-1", "a.png", coretest.SamplePNG)
	require.Equal(t, 201, again.Status, "%s", again.Raw)
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.Equal(t, first.str("id"), again.str("id"))
	require.Equal(t, 1, count(), "stored once")
	other := append(bytes.Clone(coretest.SamplePNG), 0)
	r = b.uploadWithKey(n.techNearTok, order, "up-1", "a.png", other)
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, r.str("detail"), "Idempotency-Key")
	require.Equal(t, 1, count())
	r = b.uploadWithKey(n.techNearTok, order, "up-2", "b.png", other)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.NotEqual(t, first.str("id"), r.str("id"))
	require.Equal(t, 2, count())
	d := b.must(200, "GET", "/v1/attachments/"+r.str("id")+"/content", n.tenant.admin, nil)
	require.Equal(t, other, d.Raw, "the content stored is the content sent")

	_, editor := b.createUser(n.tenant.admin, "idemup", "editor", []string{"kb_editor"}, nil)
	imp := func() resp {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		part, err := w.CreateFormFile("files", "a.csv")
		require.NoError(t, err)
		_, err = part.Write([]byte("key,title,body\nk1,空调异响,检查风扇\n"))
		require.NoError(t, err)
		require.NoError(t, w.Close())
		return b.do("POST", "/v1/kb/articles/import", editor, body.Bytes(), "Content-Type", w.FormDataContentType(),
			"Idempotency-Key", "imp-1")
	}
	r = imp()
	require.Equal(t, 200, r.Status, "%s", r.Raw)
	require.EqualValues(t, 1, r.JSON["created"])
	r = imp()
	require.Equal(t, 200, r.Status, "%s", r.Raw)
	require.Equal(t, "true", r.Header.Get("Idempotent-Replayed"))
	require.EqualValues(t, 1, r.JSON["created"], "the first response, replayed")
}

// TestKBListPending: a published article with a new version in draft or
// review is marked pending in the editors' list (with the version, its
// status and editor) and found with pending=true, by list and by search;
// readers see neither the mark nor the new version.
func TestKBListPending(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.onboard("kbpend")
	_, editor := b.createUser(a.admin, "kbpend", "editor", []string{"kb_editor"}, nil)
	_, reviewer := b.createUser(a.admin, "kbpend", "reviewer", []string{"kb_reviewer"}, nil)
	_, tech := b.createUser(a.admin, "kbpend", "tech", []string{"technician"}, nil)
	edited := b.publishKB(editor, reviewer, map[string]any{"title": "空调不制冷", "audience": "technicians", "body": "旧"})
	b.publishKB(editor, reviewer, map[string]any{"title": "空调漏水", "audience": "technicians", "body": "正文"})
	b.must(201, "POST", "/v1/kb/articles", editor, map[string]any{"title": "空调草稿", "audience": "technicians"})
	b.must(200, "PUT", "/v1/kb/articles/"+edited, editor,
		map[string]any{"version": 1, "title": "空调不制冷（新版）", "audience": "technicians", "body": "新"})
	items := func(token, query string) []map[string]any {
		r := b.must(200, "GET", "/v1/kb/articles"+query, token, nil)
		var out []map[string]any
		for _, it := range r.JSON["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	all := items(editor, "")
	require.Len(t, all, 3)
	marked := 0
	for _, it := range all {
		if it["pending"] != nil {
			marked++
			require.Equal(t, edited, it["id"])
		}
	}
	require.Equal(t, 1, marked, "only the edited article is marked")
	for _, q := range []string{"?pending=true", "?pending=true&q=kongtiao", "?pending=true&status=published"} {
		got := items(editor, q)
		require.Len(t, got, 1, q)
		require.Equal(t, edited, got[0]["id"], q)
		p := got[0]["pending"].(map[string]any)
		require.EqualValues(t, 2, p["version"], q)
		require.Equal(t, "draft", p["status"], q)
		require.Equal(t, "editor", p["edited_by_name"], q)
	}
	b.must(200, "POST", "/v1/kb/articles/"+edited+"/submit", editor, map[string]any{"version": 2})
	require.Equal(t, "in_review", items(editor, "?pending=true")[0]["pending"].(map[string]any)["status"])
	for _, it := range items(tech, "?q=kongtiao") {
		require.Nil(t, it["pending"], "readers are not told")
		require.NotContains(t, it["title"], "新版")
	}
	b.must(200, "POST", "/v1/kb/articles/"+edited+"/approve", reviewer, map[string]any{"version": 2})
	require.Empty(t, items(editor, "?pending=true"), "approved: nothing pending")
	require.Empty(t, items(editor, "?pending=true&q=kongtiao"))
}

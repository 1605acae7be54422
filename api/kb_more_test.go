package api_test

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/textproto"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/coretest"
)

// kbImport posts files (name, content pairs) to the article import.
func (b *testBundle) kbImport(token string, publish bool, files ...string) resp {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if publish {
		require.NoError(b.t, w.WriteField("publish", "true"))
	}
	for i := 0; i+1 < len(files); i += 2 {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+files[i]+`"`)
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		require.NoError(b.t, err)
		_, err = part.Write([]byte(files[i+1]))
		require.NoError(b.t, err)
	}
	require.NoError(b.t, w.Close())
	return b.do("POST", "/v1/kb/articles/import", token, body.Bytes(), "Content-Type", w.FormDataContentType())
}

func zipOf(t *testing.T, files ...string) string {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		f, err := z.Create(files[i])
		require.NoError(t, err)
		_, err = f.Write([]byte(files[i+1]))
		require.NoError(t, err)
	}
	require.NoError(t, z.Close())
	return buf.String()
}

// publishKB writes, submits and has reviewer approve an article.
func (b *testBundle) publishKB(editor, reviewer string, body map[string]any) string {
	b.t.Helper()
	id := b.must(201, "POST", "/v1/kb/articles", editor, body).str("id")
	b.must(200, "POST", "/v1/kb/articles/"+id+"/submit", editor, map[string]any{"version": 1})
	b.must(200, "POST", "/v1/kb/articles/"+id+"/approve", reviewer, map[string]any{"version": 1})
	return id
}

// auditActions lists the actions the audit log recorded for a resource,
// oldest first.
func (b *testBundle) auditActions(admin, query string) []string {
	b.t.Helper()
	items := b.must(200, "GET", "/v1/audit-events?"+query, admin, nil).JSON["items"].([]any)
	out := make([]string, len(items))
	for i, it := range items {
		out[len(items)-1-i] = it.(map[string]any)["action"].(string)
	}
	return out
}

// TestKBArticleAttachments: editors attach images and PDFs to an article;
// who reads the article reads them (a technician an article for
// technicians), nobody else does (an agent, a draft's readers, another
// tenant: 404); readers may not attach or delete (403); bad files are
// refused naming the limit.
func TestKBArticleAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("kbatt"), b.onboard("kbatt2")
	_, editor := b.createUser(a.admin, "kbatt", "editor", []string{"kb_editor"}, nil)
	_, reviewer := b.createUser(a.admin, "kbatt", "reviewer", []string{"kb_reviewer"}, nil)
	_, tech := b.createUser(a.admin, "kbatt", "tech", []string{"technician"}, nil)
	_, agent := b.createUser(a.admin, "kbatt", "agent", []string{"agent"}, map[string]any{"all": true})
	pub := b.publishKB(editor, reviewer, map[string]any{"title": "压缩机更换", "audience": "technicians", "body": "步骤"})
	draft := b.must(201, "POST", "/v1/kb/articles", editor, map[string]any{"title": "草稿", "audience": "technicians"}).str("id")

	img := b.upload(editor, "kb_article", pub, "image", "wiring.png", coretest.SamplePNG)
	require.Equal(t, 201, img.Status, "%s", img.Raw)
	pdf := b.upload(editor, "kb_article", pub, "", "manual.pdf", coretest.SamplePDF)
	require.Equal(t, 201, pdf.Status, "%s", pdf.Raw)
	require.Equal(t, "application/pdf", pdf.str("content_type"))
	dimg := b.upload(editor, "kb_article", draft, "image", "d.png", coretest.SamplePNG)
	require.Equal(t, 201, dimg.Status, "%s", dimg.Raw)

	for _, c := range []struct {
		name, token, owner, id string
		status                 int
	}{
		{"editor reads the published", editor, pub, img.str("id"), 200},
		{"technician reads an article for technicians", tech, pub, img.str("id"), 200},
		{"agent does not see an article for technicians", agent, pub, img.str("id"), 404},
		{"technician does not see a draft", tech, draft, dimg.str("id"), 404},
		{"editor reads a draft", editor, draft, dimg.str("id"), 200},
		{"another tenant", o.admin, pub, img.str("id"), 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.must(c.status, "GET", "/v1/attachments?owner_kind=kb_article&owner_id="+c.owner, c.token, nil)
			d := b.must(c.status, "GET", "/v1/attachments/"+c.id+"/content", c.token, nil)
			if c.status == 200 {
				require.Equal(t, coretest.SamplePNG, d.Raw)
			}
		})
	}
	items := b.must(200, "GET", "/v1/attachments?owner_kind=kb_article&owner_id="+pub, tech, nil).JSON["items"].([]any)
	require.Len(t, items, 2)

	// Readers may not change them; another tenant cannot even see them.
	r := b.upload(tech, "kb_article", pub, "image", "x.png", coretest.SamplePNG)
	require.Equal(t, 403, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "editors")
	b.must(403, "DELETE", "/v1/attachments/"+img.str("id"), tech, nil)
	require.Equal(t, 404, b.upload(o.admin, "kb_article", pub, "image", "x.png", coretest.SamplePNG).Status)
	b.must(404, "DELETE", "/v1/attachments/"+img.str("id"), o.admin, nil)
	// Bad files: refused naming the problem, nothing stored.
	r = b.upload(editor, "kb_article", pub, "image", "evil.html", []byte("<html><script>alert(1)</script></html>"))
	require.Equal(t, 415, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "application/pdf")
	require.Len(t, b.must(200, "GET", "/v1/attachments?owner_kind=kb_article&owner_id="+pub, editor, nil).JSON["items"], 2)
	b.must(204, "DELETE", "/v1/attachments/"+pdf.str("id"), editor, nil)
	require.Len(t, b.must(200, "GET", "/v1/attachments?owner_kind=kb_article&owner_id="+pub, tech, nil).JSON["items"], 1)
}

// TestKBImport: Markdown (a zip and a loose file) and CSV are imported
// with a per-row report; bad rows are reported and nothing of them is
// stored; importing the same files again duplicates nothing; a changed
// file updates its article; publishing on import needs kb:approve; the
// other tenant sees none of it; the import is audited.
func TestKBImport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("kbimp"), b.onboard("kbimp2")
	_, editor := b.createUser(a.admin, "kbimp", "editor", []string{"kb_editor"}, nil)
	_, chief := b.createUser(a.admin, "kbimp", "chief", []string{"kb_editor", "kb_reviewer"}, nil)
	_, tech := b.createUser(a.admin, "kbimp", "tech", []string{"technician"}, nil)
	b.must(200, "PUT", "/v1/kb/categories/11111111-1111-4111-8111-111111111111", a.admin,
		map[string]any{"name_zh": "空调", "name_en": "Air conditioners"})
	zipped := zipOf(t,
		"ac/e1.md", "---\ntitle: 空调E1故障处理\ncategory: 空调\ntags: [E1, 制冷]\nmodels:\n  - KFR-35GW\nfault_codes: E1\naudience: technicians\n---\n检查**室外机**连接线。\n",
		"ac/bad.md", "---\ntitle: 坏文件\naudience: everyone\n---\n正文\n",
		"ac/notes.txt", "ignored",
	)
	loose := "# 冰箱不制冷\n\n清理冷凝器。\n"
	csv := "key,title,body,category,tags,models,fault_codes,audience\n" +
		"csv-1,洗衣机漏水,检查进水管,,漏水|洗衣机,XQB-70,F3,technicians\n" +
		"csv-2,无分类,正文,没有这个分类,,,,internal\n" +
		"csv-3,,没有标题,,,,,internal\n" +
		"csv-1,重复,重复的键,,,,,internal\n"
	files := []string{"kb.zip", zipped, "fridge.md", loose, "articles.csv", csv}

	r := b.kbImport(editor, false, files...)
	require.Equal(t, 200, r.Status, "%s", r.Raw)
	require.EqualValues(t, 7, r.JSON["total"])
	require.EqualValues(t, 3, r.JSON["created"])
	require.EqualValues(t, 4, r.JSON["failed"])
	type problem struct {
		Row         float64
		File, Field string
	}
	var got []problem
	for _, e := range r.JSON["errors"].([]any) {
		m := e.(map[string]any)
		got = append(got, problem{m["row"].(float64), m["file"].(string), m["field"].(string)})
	}
	require.ElementsMatch(t, []problem{{2, "kb.zip/ac/bad.md", "audience"}, {3, "articles.csv", "category"},
		{4, "articles.csv", "title"}, {5, "articles.csv", "key"}}, got, "%s", r.Raw)

	list := func(token string) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, it := range b.must(200, "GET", "/v1/kb/articles", token, nil).JSON["items"].([]any) {
			m := it.(map[string]any)
			out[m["title"].(string)] = m
		}
		return out
	}
	arts := list(editor)
	require.Len(t, arts, 3)
	require.Equal(t, "draft", arts["空调E1故障处理"]["status"])
	e1 := b.must(200, "GET", "/v1/kb/articles/"+arts["空调E1故障处理"]["id"].(string), editor, nil)
	require.Equal(t, "ac/e1", e1.str("external_key"))
	require.Equal(t, "11111111-1111-4111-8111-111111111111", e1.str("category_id"))
	require.Equal(t, []any{"KFR-35GW"}, e1.JSON["models"])
	require.Contains(t, e1.str("html"), "<strong>室外机</strong>")
	require.Empty(t, list(tech), "drafts until reviewed")
	require.Empty(t, list(o.admin))

	// Again: nothing duplicated; a changed file updates its article.
	r = b.kbImport(editor, false, files...)
	require.Equal(t, 200, r.Status, "%s", r.Raw)
	require.EqualValues(t, 0, r.JSON["created"])
	require.EqualValues(t, 3, r.JSON["unchanged"])
	require.Len(t, list(editor), 3)
	r = b.kbImport(editor, false, "fridge.md", "# 冰箱不制冷\n\n清理冷凝器，检查温控器。\n")
	require.EqualValues(t, 1, r.JSON["updated"], "%s", r.Raw)
	require.Len(t, list(editor), 3)

	// Publishing on import needs kb:approve; nothing is written without it.
	pub := "---\nkey: pub-1\ntitle: 直接发布\naudience: technicians\n---\n正文\n"
	r = b.kbImport(editor, true, "p.md", pub)
	require.Equal(t, 403, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "kb:approve")
	require.Len(t, list(editor), 3)
	r = b.kbImport(chief, true, "p.md", pub)
	require.EqualValues(t, 1, r.JSON["created"], "%s", r.Raw)
	require.Contains(t, list(tech), "直接发布")

	// File-level problems: 422 naming the file, nothing written.
	r = b.kbImport(editor, false, "x.docx", "nope")
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "x.docx")
	r = b.kbImport(editor, false, "y.csv", "title,nope\n")
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Len(t, list(editor), 4)

	require.Equal(t, []string{"import", "import", "import", "import"}, b.auditActions(a.admin, "resource_type=kb_import"))
	require.Empty(t, b.auditActions(o.admin, "resource_type=kb_import"))
}

// TestKBPublishedEditStaysLive: editing a published article makes a
// pending draft; readers keep the published version until a reviewer
// approves the new one. Every change is in the audit log.
func TestKBPublishedEditStaysLive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.onboard("kblive")
	_, editor := b.createUser(a.admin, "kblive", "editor", []string{"kb_editor"}, nil)
	_, reviewer := b.createUser(a.admin, "kblive", "reviewer", []string{"kb_reviewer"}, nil)
	_, tech := b.createUser(a.admin, "kblive", "tech", []string{"technician"}, nil)
	id := b.publishKB(editor, reviewer, map[string]any{"title": "第一版", "audience": "technicians", "body": "旧内容"})
	path := "/v1/kb/articles/" + id

	e := b.must(200, "PUT", path, editor, map[string]any{"version": 1, "title": "第二版", "audience": "technicians", "body": "新内容"})
	require.Equal(t, "draft", e.str("status"))
	require.EqualValues(t, 2, e.JSON["version"])
	require.EqualValues(t, 1, e.JSON["live_version"])
	seen := b.must(200, "GET", path, tech, nil)
	require.Equal(t, "第一版", seen.str("title"), "readers keep the published version")
	require.Equal(t, "published", seen.str("status"))
	require.Nil(t, seen.JSON["live_version"])
	hits := b.must(200, "GET", "/v1/kb/articles?q=diyiban", tech, nil).JSON["items"].([]any)
	require.Len(t, hits, 1)
	require.Empty(t, b.must(200, "GET", "/v1/kb/articles?q=dierban", tech, nil).JSON["items"])
	require.Equal(t, "第二版", b.must(200, "GET", path, editor, nil).str("title"))

	b.must(409, "POST", path+"/approve", reviewer, map[string]any{"version": 2})
	b.must(409, "PUT", path, editor, map[string]any{"version": 1, "title": "x", "audience": "technicians"})
	b.must(200, "POST", path+"/submit", editor, map[string]any{"version": 2})
	b.must(409, "PUT", path, editor, map[string]any{"version": 2, "title": "x", "audience": "technicians"})
	require.Equal(t, "第一版", b.must(200, "GET", path, tech, nil).str("title"))
	b.must(403, "POST", path+"/approve", editor, map[string]any{"version": 2})
	b.must(200, "POST", path+"/approve", reviewer, map[string]any{"version": 2})
	seen = b.must(200, "GET", path, tech, nil)
	require.Equal(t, "第二版", seen.str("title"))
	require.EqualValues(t, 2, seen.JSON["version"])
	require.Nil(t, b.must(200, "GET", path, editor, nil).JSON["live_version"])

	// Restore version 1: pending again, readers keep version 2.
	r := b.must(200, "POST", path+"/restore", editor, map[string]any{"version": 1})
	require.EqualValues(t, 3, r.JSON["version"])
	require.Equal(t, "第一版", r.str("title"))
	require.Equal(t, "第二版", b.must(200, "GET", path, tech, nil).str("title"))
	require.Len(t, b.must(200, "GET", path+"/versions", editor, nil).JSON["items"], 3)
	// Archiving archives it at the pending version; readers lose it.
	b.must(200, "POST", path+"/archive", editor, map[string]any{"version": 3})
	b.must(404, "GET", path, tech, nil)
	ar := b.must(200, "GET", path, editor, nil)
	require.Equal(t, "archived", ar.str("status"))
	require.EqualValues(t, 3, ar.JSON["version"])

	require.Equal(t, []string{"create", "submit", "publish", "update", "submit", "publish", "restore", "archive"},
		b.auditActions(a.admin, "resource_type=kb_article&resource_id="+id))
}

// TestKBDeleteDraft: a draft never published is deleted with its files
// (audited); a published article is not (409); another tenant's is 404.
func TestKBDeleteDraft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("kbdel"), b.onboard("kbdel2")
	_, editor := b.createUser(a.admin, "kbdel", "editor", []string{"kb_editor"}, nil)
	_, reviewer := b.createUser(a.admin, "kbdel", "reviewer", []string{"kb_reviewer"}, nil)
	draft := b.must(201, "POST", "/v1/kb/articles", editor, map[string]any{"title": "草稿", "audience": "internal"}).str("id")
	f := b.upload(editor, "kb_article", draft, "image", "a.png", coretest.SamplePNG)
	require.Equal(t, 201, f.Status, "%s", f.Raw)
	pub := b.publishKB(editor, reviewer, map[string]any{"title": "已发布", "audience": "internal"})

	b.must(404, "DELETE", "/v1/kb/articles/"+draft+"?version=1", o.admin, nil)
	b.must(409, "DELETE", "/v1/kb/articles/"+draft+"?version=2", editor, nil)
	r := b.must(409, "DELETE", "/v1/kb/articles/"+pub+"?version=1", editor, nil)
	require.Contains(t, string(r.Raw), "archive")
	b.must(200, "GET", "/v1/kb/articles/"+pub, editor, nil)
	b.must(204, "DELETE", "/v1/kb/articles/"+draft+"?version=1", editor, nil)
	b.must(404, "GET", "/v1/kb/articles/"+draft, editor, nil)
	b.must(404, "GET", "/v1/attachments/"+f.str("id"), a.admin, nil)
	require.Equal(t, []string{"create", "delete"}, b.auditActions(a.admin, "resource_type=kb_article&resource_id="+draft))
}

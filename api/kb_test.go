package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKBWorkflowAndBadInput: an editor writes, a reviewer approves; self-
// approval, publishing without review, script in Markdown and bad fields
// are refused or stripped with a 4xx naming the problem, nothing changed.
func TestKBWorkflowAndBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.onboard("kbwf")
	_, editor := b.createUser(a.admin, "kbwf", "editor", []string{"kb_editor"}, nil)
	_, reviewer := b.createUser(a.admin, "kbwf", "reviewer", []string{"kb_reviewer"}, nil)
	art := b.must(201, "POST", "/v1/kb/articles", editor, map[string]any{"title": "空调不制冷", "audience": "public",
		"body": "检查冷媒<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"})
	id := art.str("id")
	require.NotContains(t, art.str("html"), "<script")
	require.NotContains(t, art.str("html"), "javascript:")
	require.NotContains(t, art.str("html"), "onerror")
	path := "/v1/kb/articles/" + id
	for _, tc := range []struct {
		name, token, method, path string
		body                      any
		status                    int
		says                      string
	}{
		{"publish without review", reviewer, "POST", path + "/approve", map[string]any{"version": 1}, 409, "review"},
		{"no title", editor, "POST", "/v1/kb/articles", map[string]any{"title": "", "audience": "public"}, 422, "title"},
		{"bad audience", editor, "POST", "/v1/kb/articles", map[string]any{"title": "x", "audience": "all"}, 422, "audience"},
		{"editor cannot approve", editor, "POST", path + "/approve", map[string]any{"version": 1}, 403, "kb"},
		{"send back a draft", reviewer, "POST", path + "/send-back", map[string]any{"version": 1, "comment": "x"}, 409, "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.must(tc.status, tc.method, tc.path, tc.token, tc.body)
			require.Contains(t, string(r.Raw), tc.says)
		})
	}
	b.must(200, "POST", path+"/submit", editor, map[string]any{"version": 1})
	// An admin who also edited it cannot approve their own version either.
	b.must(200, "POST", path+"/send-back", reviewer, map[string]any{"version": 1, "comment": "补充"})
	b.must(200, "PUT", path, a.admin, map[string]any{"version": 1, "title": "空调不制冷的处理", "audience": "public", "body": "检查冷媒"})
	b.must(200, "POST", path+"/submit", a.admin, map[string]any{"version": 2})
	r := b.must(403, "POST", path+"/approve", a.admin, map[string]any{"version": 2})
	require.Contains(t, string(r.Raw), "another reviewer")
	require.Equal(t, "in_review", b.must(200, "GET", path, editor, nil).str("status"))
	b.must(200, "POST", path+"/approve", reviewer, map[string]any{"version": 2, "comment": "ok"})
	require.Equal(t, "published", b.must(200, "GET", path, editor, nil).str("status"))
	d := b.must(200, "GET", path+"/diff?from=1&to=2", reviewer, nil)
	require.Contains(t, d.str("diff"), "+# 空调不制冷的处理")
	require.Len(t, b.must(200, "GET", path+"/versions", reviewer, nil).JSON["items"], 2)
	b.must(204, "POST", path+"/feedback", editor, map[string]any{"view": true, "helpful": true})
	require.EqualValues(t, 1, b.must(200, "GET", path, editor, nil).JSON["helpful"])

	// Found by pinyin initials, and shown on the tenant's public FAQ
	// without a login; the other tenant's FAQ does not have it.
	hits := b.must(200, "GET", "/v1/kb/articles?q="+url.QueryEscape("kt bzl"), editor, nil).JSON["items"].([]any)
	require.Len(t, hits, 1)
	require.Contains(t, hits[0].(map[string]any)["snippet"], "<mark>")
	b.onboard("kbother")
	faq := b.must(200, "GET", "/v1/public/kbwf/faq?q=ktbzl", "", nil).JSON["items"].([]any)
	require.Len(t, faq, 1)
	require.Empty(t, b.must(200, "GET", "/v1/public/kbother/faq?q=ktbzl", "", nil).JSON["items"])
	b.must(404, "GET", "/v1/public/nobody/faq", "", nil)
	b.must(200, "GET", "/v1/public/kbwf/faq/"+id, "", nil)
	b.must(404, "GET", "/v1/public/kbother/faq/"+id, "", nil)
}

// TestKBPerRoleIsolation: each role sees the published articles of its
// audience and regions, in lists, searches and by ID; drafts only editors
// and reviewers; the other tenant's nothing.
func TestKBPerRoleIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("kbiso"), b.onboard("kbiso2")
	country := b.createRegion(a.admin, nil, "country", "CN", "中国")
	east := b.createRegion(a.admin, &country, "region", "CN-E", "华东")
	west := b.createRegion(a.admin, &country, "region", "CN-W", "华西")
	_, reviewer := b.createUser(a.admin, "kbiso", "reviewer", []string{"kb_reviewer"}, nil)
	ids := map[string]string{}
	publish := func(token, name, audience string, regions ...string) {
		body := map[string]any{"title": "维修手册 " + name, "audience": audience, "body": "文章 " + name}
		if len(regions) > 0 {
			body["regions"] = regions
		}
		id := b.must(201, "POST", "/v1/kb/articles", token, body).str("id")
		b.must(200, "POST", "/v1/kb/articles/"+id+"/submit", token, map[string]any{"version": 1})
		if name != "draft" {
			b.must(200, "POST", "/v1/kb/articles/"+id+"/approve", reviewer, map[string]any{"version": 1})
		}
		ids[name] = id
	}
	for _, aud := range []string{"internal", "sites", "technicians", "public"} {
		publish(a.admin, aud, aud)
	}
	publish(a.admin, "east", "internal", east.String())
	publish(a.admin, "draft", "public")
	_, otherReviewer := b.createUser(o.admin, "kbiso2", "reviewer", []string{"kb_reviewer"}, nil)
	oid := b.must(201, "POST", "/v1/kb/articles", o.admin, map[string]any{"title": "维修手册 other", "audience": "public"}).str("id")
	b.must(200, "POST", "/v1/kb/articles/"+oid+"/submit", o.admin, map[string]any{"version": 1})
	b.must(200, "POST", "/v1/kb/articles/"+oid+"/approve", otherReviewer, map[string]any{"version": 1})

	user := func(name string, roles []string, scope map[string]any) string {
		_, tok := b.createUser(a.admin, "kbiso", name, roles, scope)
		return tok
	}
	for _, tc := range []struct {
		name  string
		token string
		sees  []string
	}{
		{"admin", a.admin, []string{"internal", "sites", "technicians", "public", "east", "draft"}},
		{"editor", user("editor", []string{"kb_editor"}, nil), []string{"internal", "sites", "technicians", "public", "east", "draft"}},
		{"agent everywhere", user("agent", []string{"agent"}, map[string]any{"all": true}), []string{"internal", "public", "east"}},
		{"agent in the east", user("agente", []string{"agent"}, map[string]any{"regions": []string{east.String()}}), []string{"internal", "public", "east"}},
		{"agent in the west", user("agentw", []string{"agent"}, map[string]any{"regions": []string{west.String()}}), []string{"internal", "public"}},
		{"site manager", user("sm", []string{"site_manager"}, nil), []string{"sites", "technicians", "public"}},
		{"technician", user("tech", []string{"technician"}, nil), []string{"technicians", "public"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range []string{"", "?q=weixiu", "?q=" + url.QueryEscape("维修手册")} {
				items := b.must(200, "GET", "/v1/kb/articles"+q, tc.token, nil).JSON["items"].([]any)
				var got []string
				for _, it := range items {
					got = append(got, strings.TrimPrefix(it.(map[string]any)["title"].(string), "维修手册 "))
				}
				require.ElementsMatch(t, tc.sees, got, "query %q", q)
			}
			for name, id := range ids {
				want := 404
				for _, s := range tc.sees {
					if s == name {
						want = 200
					}
				}
				b.must(want, "GET", "/v1/kb/articles/"+id, tc.token, nil)
			}
			b.must(404, "GET", "/v1/kb/articles/"+oid, tc.token, nil)
		})
	}
	r := b.do("PUT", fmt.Sprintf("/v1/kb/articles/%s", oid), a.admin, map[string]any{"version": 1, "title": "x", "audience": "public"})
	require.Equal(t, 404, r.Status)
	r = b.do("POST", "/v1/kb/articles/"+oid+"/approve", reviewer, map[string]any{"version": 1})
	require.Equal(t, 404, r.Status)
}

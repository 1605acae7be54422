package coretest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

// KBEnv is what the knowledge-base scenarios run on: a store with two
// tenants (their slugs TenantSlug and OtherSlug), and a region of Tenant.
type KBEnv struct {
	Store      kb.Store
	Clock      *Clock
	Tenant     uuid.UUID
	Other      uuid.UUID
	TenantSlug string
	OtherSlug  string
	Region     uuid.UUID
}

// KBScenario is a scenario of the knowledge base.
type KBScenario struct {
	Name string
	Run  func(t *testing.T, e KBEnv)
}

type kbKit struct {
	e   KBEnv
	svc *kb.Service
}

var (
	kbEditor   = core.Actor{Kind: core.PrincipalUser, ID: uuid.MustParse("00000000-0000-0000-0000-00000000e001"), Name: "editor"}
	kbReviewer = core.Actor{Kind: core.PrincipalUser, ID: uuid.MustParse("00000000-0000-0000-0000-00000000e002"), Name: "reviewer"}
	kbAll      = kb.Viewer{Editorial: true, AllRegions: true}
)

func (k kbKit) in(t *testing.T, tenant uuid.UUID, who core.Actor, fn func(ctx context.Context, u core.UnitOfWork) error) error {
	t.Helper()
	ctx := core.WithActor(context.Background(), who)
	return core.InUnitOfWork(ctx, k.e.Store, tenant, func(u core.UnitOfWork) error { return fn(ctx, u) })
}

// publish creates an article and takes it through review.
func (k kbKit) publish(t *testing.T, tenant uuid.UUID, f kb.Fields) *kb.Article {
	t.Helper()
	var a *kb.Article
	must(t, k.in(t, tenant, kbEditor, func(ctx context.Context, u core.UnitOfWork) (err error) {
		if a, err = k.svc.Create(ctx, u, f); err != nil {
			return err
		}
		a, err = k.svc.Submit(ctx, u, a.ID, a.Version, "")
		return err
	}))
	must(t, k.in(t, tenant, kbReviewer, func(ctx context.Context, u core.UnitOfWork) (err error) {
		a, err = k.svc.Approve(ctx, u, a.ID, a.Version, "ok")
		return err
	}))
	return a
}

func (k kbKit) search(t *testing.T, tenant uuid.UUID, v kb.Viewer, c kb.Criteria) []*kb.Hit {
	t.Helper()
	var hits []*kb.Hit
	must(t, k.in(t, tenant, kbEditor, func(ctx context.Context, u core.UnitOfWork) (err error) {
		hits, _, err = k.svc.Search(ctx, u, v, c)
		return err
	}))
	return hits
}

func titles(hits []*kb.Hit) string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Title)
	}
	return strings.Join(out, "|")
}

// KBScenarios are the scenarios of the knowledge base.
func KBScenarios() []KBScenario {
	return []KBScenario{
		{"an article goes through review; its editor cannot approve it; versions are kept, diffed, restored", func(t *testing.T, e KBEnv) {
			k := kbKit{e, kb.NewService(kb.Config{Store: e.Store, Clock: e.Clock})}
			var a *kb.Article
			step := func(who core.Actor, fn func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error)) error {
				return k.in(t, e.Tenant, who, func(ctx context.Context, u core.UnitOfWork) error {
					got, err := fn(ctx, u)
					if err == nil {
						a = got
					}
					return err
				})
			}
			must(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Create(ctx, u, kb.Fields{Title: "空调不制冷", Body: "检查冷媒", Audience: kb.AudienceInternal})
			}))
			equal(t, "status", a.Status, kb.StatusDraft)
			wantCode(t, step(kbReviewer, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Approve(ctx, u, a.ID, 1, "")
			}), core.ECONFLICT) // publishing without review
			must(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Submit(ctx, u, a.ID, 1, "请审核")
			}))
			wantCode(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Approve(ctx, u, a.ID, 1, "")
			}), core.EFORBIDDEN) // self-approval
			wantCode(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Update(ctx, u, a.ID, 1, kb.Fields{Title: "x", Audience: kb.AudienceInternal}, "")
			}), core.ECONFLICT) // in review
			wantCode(t, step(kbReviewer, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.SendBack(ctx, u, a.ID, 1, " ")
			}), core.EINVALID)
			equal(t, "still in review", a.Status, kb.StatusInReview)
			must(t, step(kbReviewer, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.SendBack(ctx, u, a.ID, 1, "补充步骤")
			}))
			equal(t, "sent back", a.Status, kb.StatusDraft)
			must(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Update(ctx, u, a.ID, 1, kb.Fields{Title: "空调不制冷的处理", Body: "检查冷媒\n\n补充氟利昂",
					Audience: kb.AudienceInternal}, "补充步骤")
			}))
			equal(t, "version", a.Version, 2)
			wantCode(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Submit(ctx, u, a.ID, 1, "")
			}), core.ECONFLICT) // stale version
			must(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Submit(ctx, u, a.ID, 2, "")
			}))
			must(t, step(kbReviewer, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Approve(ctx, u, a.ID, 2, "通过")
			}))
			equal(t, "published", a.Status, kb.StatusPublished)
			must(t, k.in(t, e.Tenant, kbReviewer, func(ctx context.Context, u core.UnitOfWork) error {
				cs, err := k.svc.Comments(ctx, u, a.ID)
				must(t, err)
				var kinds []string
				for _, c := range cs {
					kinds = append(kinds, c.Kind)
				}
				equal(t, "comments", strings.Join(kinds, ","), "submit,send_back,submit,approve")
				vs, err := k.svc.Versions(ctx, u, a.ID)
				must(t, err)
				equal(t, "versions", len(vs), 2)
				d, err := k.svc.Diff(ctx, u, a.ID, 1, 2)
				must(t, err)
				equal(t, "diff", strings.Contains(d, "-# 空调不制冷\n") && strings.Contains(d, "+补充氟利昂"), true)
				return nil
			}))
			must(t, step(kbEditor, func(ctx context.Context, u core.UnitOfWork) (*kb.Article, error) {
				return k.svc.Restore(ctx, u, a.ID, 1)
			}))
			equal(t, "restored title", a.Title, "空调不制冷")
			equal(t, "restored version", a.Version, 3)
			equal(t, "restored is a draft", a.Status, kb.StatusDraft)
			wantCode(t, k.in(t, e.Other, kbEditor, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.svc.Get(ctx, u, kbAll, a.ID)
				return err
			}), core.ENOTFOUND)
		}},
		{"readers see the published articles of their audience and regions; the public FAQ only public ones of its tenant", func(t *testing.T, e KBEnv) {
			k := kbKit{e, kb.NewService(kb.Config{Store: e.Store, Clock: e.Clock})}
			for _, aud := range kb.Audiences {
				k.publish(t, e.Tenant, kb.Fields{Title: "文章 " + aud, Audience: aud})
			}
			k.publish(t, e.Tenant, kb.Fields{Title: "文章 region", Audience: kb.AudienceInternal, Regions: []uuid.UUID{e.Region}})
			k.publish(t, e.Other, kb.Fields{Title: "文章 other public", Audience: kb.AudiencePublic})
			must(t, k.in(t, e.Tenant, kbEditor, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.svc.Create(ctx, u, kb.Fields{Title: "文章 draft", Audience: kb.AudiencePublic})
				return err
			}))
			for _, tc := range []struct {
				name  string
				v     kb.Viewer
				count int
			}{
				{"agent, all regions", kb.ViewerOf([]string{core.RoleAgent}, false, core.Scope{All: true}), 3},
				{"agent of the region", kb.ViewerOf([]string{core.RoleAgent}, false, core.Scope{Regions: []uuid.UUID{e.Region}}), 3},
				{"agent of another region", kb.ViewerOf([]string{core.RoleAgent}, false, core.Scope{Regions: []uuid.UUID{uuid.New()}}), 2},
				{"technician", kb.ViewerOf([]string{core.RoleTechnician}, false, core.Scope{}), 2},
				{"site manager", kb.ViewerOf([]string{core.RoleSiteManager}, false, core.Scope{}), 3},
				{"editor", kb.ViewerOf([]string{core.RoleKBEditor}, true, core.Scope{}), 6},
			} {
				equal(t, tc.name, len(k.search(t, e.Tenant, tc.v, kb.Criteria{Text: "文章"})), tc.count)
				equal(t, tc.name+" (list)", len(k.search(t, e.Tenant, tc.v, kb.Criteria{})), tc.count)
			}
			hits, _, err := k.svc.PublicFAQ(context.Background(), e.TenantSlug, kb.Criteria{})
			must(t, err)
			equal(t, "public FAQ", titles(hits), "文章 public")
			hits, _, err = k.svc.PublicFAQ(context.Background(), e.OtherSlug, kb.Criteria{Text: "wenzhang"})
			must(t, err)
			equal(t, "the other's FAQ", titles(hits), "文章 other public")
			_, _, err = k.svc.PublicFAQ(context.Background(), "nobody", kb.Criteria{})
			wantCode(t, err, core.ENOTFOUND)
			internal := k.search(t, e.Tenant, kbAll, kb.Criteria{Audience: kb.AudienceInternal, Status: kb.StatusPublished})
			_, err = k.svc.PublicArticle(context.Background(), e.TenantSlug, internal[0].ID)
			wantCode(t, err, core.ENOTFOUND)
		}},
		{"search finds Chinese, pinyin, initials, typos and synonyms, with filters and marked snippets", func(t *testing.T, e KBEnv) {
			k := kbKit{e, kb.NewService(kb.Config{Store: e.Store, Clock: e.Clock})}
			pub := func(title, body string, models ...string) {
				k.publish(t, e.Tenant, kb.Fields{Title: title, Body: body, Audience: kb.AudienceInternal, Models: models,
					FaultCodes: []string{"E1"}})
			}
			pub("空调不制冷的处理方法", "用户反映空调开机后不制冷，先检查冷媒压力。", "KFR-35")
			pub("洗衣机不脱水", "排水泵堵塞时洗衣机不能脱水，清理排水泵。", "XQB-80")
			pub("电冰箱结霜严重", "冷藏室结霜，检查门封条。")
			pub("热水器显示E4故障", "燃气热水器点火失败，检查燃气阀。")
			must(t, k.in(t, e.Tenant, kbEditor, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.svc.PutSynonyms(ctx, u, kb.SynonymGroup{Words: []string{"冰箱", "电冰箱"}})
				return err
			}))
			for _, tc := range []struct{ q, first string }{
				{"空调不制冷", "空调不制冷的处理方法"}, {"空调 制冷", "空调不制冷的处理方法"}, {"kongtiao", "空调不制冷的处理方法"},
				{"ktbzl", "空调不制冷的处理方法"}, {"kt bzl", "空调不制冷的处理方法"}, {"kongtiao 不制冷", "空调不制冷的处理方法"},
				{"xiyiji", "洗衣机不脱水"}, {"xyj", "洗衣机不脱水"}, {"kongtiau", "空调不制冷的处理方法"},
				{"xiyiij", "洗衣机不脱水"}, {"冰箱结霜", "电冰箱结霜严重"}, {"e4", "热水器显示E4故障"},
			} {
				hits := k.search(t, e.Tenant, kbAll, kb.Criteria{Text: tc.q})
				if len(hits) == 0 || hits[0].Title != tc.first {
					t.Fatalf("%s: got %s, want %s first", tc.q, titles(hits), tc.first)
				}
			}
			equal(t, "no match", len(k.search(t, e.Tenant, kbAll, kb.Criteria{Text: "洗碗机"})), 0)
			equal(t, "model filter", titles(k.search(t, e.Tenant, kbAll, kb.Criteria{Text: "不", Model: "XQB-80"})), "洗衣机不脱水")
			equal(t, "fault filter", len(k.search(t, e.Tenant, kbAll, kb.Criteria{FaultCodes: []string{"E1", "E9"}})), 4)
			hit := k.search(t, e.Tenant, kbAll, kb.Criteria{Text: "ktbzl"})[0]
			equal(t, "snippet", strings.Contains(hit.Snippet, "<mark>空调</mark>"), true)
		}},
		{"an article past its review date is stale; categories nest and hold their articles", func(t *testing.T, e KBEnv) {
			k := kbKit{e, kb.NewService(kb.Config{Store: e.Store, Clock: e.Clock})}
			var root, child *kb.Category
			must(t, k.in(t, e.Tenant, kbEditor, func(ctx context.Context, u core.UnitOfWork) (err error) {
				if root, err = k.svc.PutCategory(ctx, u, kb.Category{NameZh: "空调", NameEn: "AC"}); err != nil {
					return err
				}
				child, err = k.svc.PutCategory(ctx, u, kb.Category{NameZh: "制冷", NameEn: "Cooling", ParentID: &root.ID})
				return err
			}))
			wantCode(t, k.in(t, e.Tenant, kbEditor, func(ctx context.Context, u core.UnitOfWork) error {
				root.ParentID = &child.ID
				_, err := k.svc.PutCategory(ctx, u, *root)
				return err
			}), core.EINVALID)
			due := e.Clock.Now().Add(24 * time.Hour)
			a := k.publish(t, e.Tenant, kb.Fields{Title: "冷媒", Audience: kb.AudienceInternal, CategoryID: &child.ID, ReviewBy: &due})
			equal(t, "fresh", a.Stale, false)
			root.ParentID = nil
			equal(t, "in the parent", len(k.search(t, e.Tenant, kbAll, kb.Criteria{Category: &root.ID})), 1)
			e.Clock.Advance(48 * time.Hour)
			stale := k.search(t, e.Tenant, kbAll, kb.Criteria{StaleOnly: true})
			equal(t, "stale", len(stale) == 1 && stale[0].Stale, true)
			wantCode(t, k.in(t, e.Tenant, kbEditor, func(ctx context.Context, u core.UnitOfWork) error {
				return k.svc.DeleteCategory(ctx, u, child.ID)
			}), core.ECONFLICT)
		}},
	}
}

package coretest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

// KBs is an in-memory kb.Store.
type KBs struct {
	*Memory[KBState]
	AuditLog
	Tenants map[string]*core.Tenant // by slug
}

// KBState is every tenant's knowledge base.
type KBState map[uuid.UUID]*KBTenant

// KBTenant is one tenant's knowledge base.
type KBTenant struct {
	Articles   map[uuid.UUID]kbRow
	Versions   map[uuid.UUID][]kb.Version
	Comments   []kb.Comment
	Categories map[uuid.UUID]kb.Category
	Synonyms   map[uuid.UUID]kb.SynonymGroup
	Terms      map[string]bool
}

type kbRow struct {
	a     kb.Article
	terms *kb.Terms
}

// NewKBs returns an empty store.
func NewKBs() *KBs {
	return &KBs{Memory: NewMemory(KBState{}, func(s KBState) KBState {
		out := KBState{}
		for id, t := range s {
			c := *t
			c.Articles, c.Versions, c.Categories = maps.Clone(t.Articles), maps.Clone(t.Versions), maps.Clone(t.Categories)
			c.Synonyms, c.Terms, c.Comments = maps.Clone(t.Synonyms), maps.Clone(t.Terms), slices.Clone(t.Comments)
			out[id] = &c
		}
		return out
	}), Tenants: map[string]*core.Tenant{}}
}

// FindTenantBySlug implements kb.Store.
func (s *KBs) FindTenantBySlug(_ context.Context, slug string) (*core.Tenant, error) {
	if t, ok := s.Tenants[slug]; ok {
		return t, nil
	}
	return nil, core.Errorf(core.ENOTFOUND, "tenant not found")
}

// KB implements kb.Store.
func (s *KBs) KB(u core.UnitOfWork) kb.Repository {
	st := UnitOf[KBState](u).State()
	t := st[u.TenantID()]
	if t == nil {
		t = &KBTenant{Articles: map[uuid.UUID]kbRow{}, Versions: map[uuid.UUID][]kb.Version{},
			Categories: map[uuid.UUID]kb.Category{}, Synonyms: map[uuid.UUID]kb.SynonymGroup{}, Terms: map[string]bool{}}
		st[u.TenantID()] = t
	}
	return kbRepo{t}
}

type kbRepo struct{ t *KBTenant }

func notFound(what string) error { return core.Errorf(core.ENOTFOUND, "%s not found", what) }

func (r kbRepo) InsertArticle(_ context.Context, a *kb.Article, terms *kb.Terms) error {
	r.t.Articles[a.ID] = kbRow{*a, terms}
	return nil
}

func (r kbRepo) UpdateArticle(_ context.Context, a *kb.Article, terms *kb.Terms) error {
	old, ok := r.t.Articles[a.ID]
	if !ok {
		return notFound("article")
	}
	n := *a
	n.Views, n.Helpful, n.NotHelpful = old.a.Views, old.a.Helpful, old.a.NotHelpful
	n.Pending, n.ExternalKey, n.LiveVersion = old.a.Pending, old.a.ExternalKey, nil
	r.t.Articles[a.ID] = kbRow{n, terms}
	return nil
}

func (r kbRepo) FindArticleByKey(ctx context.Context, key string, lock bool) (*kb.Article, error) {
	for id, row := range r.t.Articles {
		if row.a.ExternalKey == key {
			return r.FindArticle(ctx, id, lock)
		}
	}
	return nil, notFound("article")
}

func (r kbRepo) PutPending(_ context.Context, id uuid.UUID, p *kb.Pending) error {
	row, ok := r.t.Articles[id]
	if !ok {
		return notFound("article")
	}
	if p != nil {
		c := *p
		p = &c
	}
	row.a.Pending = p
	r.t.Articles[id] = row
	return nil
}

func (r kbRepo) SetExternalKey(_ context.Context, id uuid.UUID, key string) error {
	row, ok := r.t.Articles[id]
	if !ok {
		return notFound("article")
	}
	for other, o := range r.t.Articles {
		if other != id && o.a.ExternalKey == key {
			return core.Errorf(core.ECONFLICT, "an article was imported under key %q already", key)
		}
	}
	row.a.ExternalKey = key
	r.t.Articles[id] = row
	return nil
}

func (r kbRepo) FindArticle(_ context.Context, id uuid.UUID, _ bool) (*kb.Article, error) {
	row, ok := r.t.Articles[id]
	if !ok {
		return nil, notFound("article")
	}
	a := row.a
	if a.Pending != nil {
		p := *a.Pending
		a.Pending = &p
	}
	return &a, nil
}

func (r kbRepo) FindArticles(_ context.Context, f kb.Filter) ([]*kb.Article, string, error) {
	type scored struct {
		a     *kb.Article
		score float64
	}
	var out []scored
	for _, row := range r.t.Articles {
		a := row.a
		switch {
		case !f.Viewer.Sees(&a), f.Status != "" && a.Status != f.Status, f.Audience != "" && a.Audience != f.Audience,
			len(f.Categories) > 0 && (a.CategoryID == nil || !slices.Contains(f.Categories, *a.CategoryID)),
			f.ProductLine != "" && !slices.Contains(a.ProductLines, f.ProductLine),
			f.Model != "" && !slices.Contains(a.Models, f.Model),
			len(f.FaultCodes) > 0 && !slices.ContainsFunc(a.FaultCodes, func(c string) bool { return slices.Contains(f.FaultCodes, c) }),
			f.StaleOnly && (a.ReviewBy == nil || !a.ReviewBy.Before(f.Now)),
			f.PendingOnly && a.Pending == nil,
			f.Search != nil && !f.Search.Matches(row.terms.Set()):
			continue
		}
		s := 0.0
		if f.Search != nil {
			at := cmp.Or(a.PublishedAt, &a.UpdatedAt)
			s = row.terms.Score(f.Rank) * (1 + 1/(1+f.Now.Sub(*at).Seconds()/7776000))
		}
		out = append(out, scored{&a, s})
	}
	slices.SortFunc(out, func(x, y scored) int {
		if f.Search != nil {
			return cmp.Or(cmp.Compare(y.score, x.score), strings.Compare(x.a.ID.String(), y.a.ID.String()))
		}
		return cmp.Or(y.a.UpdatedAt.Compare(x.a.UpdatedAt), strings.Compare(y.a.ID.String(), x.a.ID.String()))
	})
	arts := make([]*kb.Article, len(out))
	for i, s := range out {
		arts[i] = s.a
	}
	if f.Search != nil {
		return arts[:min(len(arts), max(f.Limit, 1))], "", nil
	}
	if f.After != "" {
		ts, id, _ := strings.Cut(f.After, "~")
		at, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return nil, "", core.FieldError("cursor", "is not a cursor this list returned")
		}
		arts = slices.DeleteFunc(arts, func(a *kb.Article) bool {
			return a.UpdatedAt.After(at) || a.UpdatedAt.Equal(at) && a.ID.String() >= id
		})
	}
	return cutPage(arts, f.Limit, func(a *kb.Article) string { return a.UpdatedAt.Format(time.RFC3339Nano) + "~" + a.ID.String() })
}

func (r kbRepo) CountArticle(_ context.Context, id uuid.UUID, views, helpful, notHelpful int) error {
	row, ok := r.t.Articles[id]
	if !ok {
		return notFound("article")
	}
	row.a.Views, row.a.Helpful, row.a.NotHelpful = row.a.Views+views, row.a.Helpful+helpful, row.a.NotHelpful+notHelpful
	r.t.Articles[id] = row
	return nil
}

func (r kbRepo) InsertVersion(_ context.Context, v *kb.Version) error {
	r.t.Versions[v.ArticleID] = append(slices.Clone(r.t.Versions[v.ArticleID]), *v)
	return nil
}

func (r kbRepo) FindVersions(_ context.Context, article uuid.UUID) ([]*kb.Version, error) {
	var out []*kb.Version
	for _, v := range slices.Backward(r.t.Versions[article]) {
		out = append(out, &v)
	}
	return out, nil
}

func (r kbRepo) FindVersion(_ context.Context, article uuid.UUID, n int) (*kb.Version, error) {
	for _, v := range r.t.Versions[article] {
		if v.Version == n {
			return &v, nil
		}
	}
	return nil, notFound("version")
}

func (r kbRepo) InsertComment(_ context.Context, c *kb.Comment) error {
	r.t.Comments = append(r.t.Comments, *c)
	return nil
}

func (r kbRepo) FindComments(_ context.Context, article uuid.UUID) ([]*kb.Comment, error) {
	var out []*kb.Comment
	for _, c := range r.t.Comments {
		if c.ArticleID == article {
			out = append(out, &c)
		}
	}
	return out, nil
}

func (r kbRepo) PutCategory(_ context.Context, c *kb.Category) error {
	r.t.Categories[c.ID] = *c
	return nil
}

func (r kbRepo) FindCategories(_ context.Context) ([]*kb.Category, error) {
	var out []*kb.Category
	for _, c := range r.t.Categories {
		out = append(out, &c)
	}
	slices.SortFunc(out, func(a, b *kb.Category) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), strings.Compare(a.NameZh, b.NameZh))
	})
	return out, nil
}

func (r kbRepo) DeleteCategory(_ context.Context, id uuid.UUID) error {
	if _, ok := r.t.Categories[id]; !ok {
		return notFound("category")
	}
	for _, row := range r.t.Articles {
		if row.a.CategoryID != nil && *row.a.CategoryID == id {
			return core.Errorf(core.ECONFLICT, "category: articles or other categories are in it; move them first")
		}
	}
	for _, c := range r.t.Categories {
		if c.ParentID != nil && *c.ParentID == id {
			return core.Errorf(core.ECONFLICT, "category: articles or other categories are in it; move them first")
		}
	}
	delete(r.t.Categories, id)
	return nil
}

func (r kbRepo) PutSynonyms(_ context.Context, g *kb.SynonymGroup) error {
	r.t.Synonyms[g.ID] = *g
	return nil
}

func (r kbRepo) FindSynonyms(_ context.Context) ([]*kb.SynonymGroup, error) {
	var out []*kb.SynonymGroup
	for _, g := range r.t.Synonyms {
		out = append(out, &g)
	}
	slices.SortFunc(out, func(a, b *kb.SynonymGroup) int { return strings.Compare(a.Words[0], b.Words[0]) })
	return out, nil
}

func (r kbRepo) DeleteSynonyms(_ context.Context, id uuid.UUID) error {
	if _, ok := r.t.Synonyms[id]; !ok {
		return notFound("synonym group")
	}
	delete(r.t.Synonyms, id)
	return nil
}

func (r kbRepo) AddTerms(_ context.Context, terms []string) error {
	for _, t := range terms {
		r.t.Terms[t] = true
	}
	return nil
}

func (r kbRepo) KnownTerms(_ context.Context, terms []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, t := range terms {
		if r.t.Terms[t] {
			out[t] = true
		}
	}
	return out, nil
}

// SimilarTerms stands in for pg_trgm with the edit distance: terms within
// two edits, nearest first.
func (r kbRepo) SimilarTerms(_ context.Context, word string, limit int) ([]string, error) {
	type near struct {
		t string
		d int
	}
	var out []near
	for t := range r.t.Terms {
		if d := editDistance(t, word); d <= 2 && !strings.HasPrefix(t, "~") {
			out = append(out, near{t, d})
		}
	}
	slices.SortFunc(out, func(a, b near) int { return cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.t, b.t)) })
	var terms []string
	for _, n := range out[:min(len(out), limit)] {
		terms = append(terms, n.t)
	}
	return terms, nil
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func (r kbRepo) DeleteArticle(_ context.Context, id uuid.UUID) error {
	if _, ok := r.t.Articles[id]; !ok {
		return notFound("article")
	}
	delete(r.t.Articles, id)
	delete(r.t.Versions, id)
	r.t.Comments = slices.DeleteFunc(r.t.Comments, func(c kb.Comment) bool { return c.ArticleID == id })
	return nil
}

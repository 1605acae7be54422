package kb

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Hit is an article found by a search, with a snippet of its text where
// the query's words are marked (HTML: the text escaped, <mark> around the
// matches).
type Hit struct {
	*Article
	Snippet string `json:"snippet"`
}

// Criteria narrow a list or search of articles.
type Criteria struct {
	Text        string // search text; "": a list, newest change first
	Status      string
	Audience    string
	Category    *uuid.UUID // this category and those under it
	ProductLine string
	Model       string
	FaultCodes  []string
	StaleOnly   bool
	PendingOnly bool // published articles with a new version in draft or review
	After       string
	Limit       int
}

// maxQuery bounds the search text.
const maxQuery = 200

// Search finds the articles v sees that match c: by relevance when c.Text
// is set (see tokens.go), else newest change first.
func (s *Service) Search(ctx context.Context, u core.UnitOfWork, v Viewer, c Criteria) ([]*Hit, string, error) {
	if len([]rune(c.Text)) > maxQuery {
		return nil, "", core.FieldError("q", "is longer than 200 characters")
	}
	repo := s.store.KB(u)
	f := Filter{Viewer: v, Status: c.Status, Audience: c.Audience, ProductLine: c.ProductLine, Model: c.Model,
		FaultCodes: c.FaultCodes, StaleOnly: c.StaleOnly, PendingOnly: c.PendingOnly, Now: s.clock.Now(), After: c.After,
		Limit: c.Limit}
	if c.Category != nil {
		cats, err := repo.FindCategories(ctx)
		if err != nil {
			return nil, "", err
		}
		f.Categories = subtree(cats, *c.Category)
	}
	var p Parsed
	if strings.TrimSpace(c.Text) != "" {
		var err error
		if p, err = s.parse(ctx, repo, c.Text); err != nil {
			return nil, "", err
		}
		if p.Match == nil {
			return []*Hit{}, "", nil
		}
		f.Search, f.Rank, f.After = p.Match, p.Rank, ""
		f.Limit = min(max(c.Limit, 1), 50)
		if c.Limit == 0 {
			f.Limit = 20
		}
	}
	arts, next, err := repo.FindArticles(ctx, f)
	if err != nil {
		return nil, "", err
	}
	now := s.clock.Now()
	hits := make([]*Hit, len(arts))
	for i, a := range arts {
		a.markStale(now)
		if v.Editorial && a.Pending != nil {
			a.PendingVersion = a.Pending.summary()
		}
		hits[i] = &Hit{Article: a, Snippet: Snippet(a, p.Highlight)}
	}
	return hits, next, nil
}

// parse reads the search text with the tenant's synonyms, and corrects
// Latin words no article contains to the nearest terms that some do.
func (s *Service) parse(ctx context.Context, repo Repository, text string) (Parsed, error) {
	groups, err := repo.FindSynonyms(ctx)
	if err != nil {
		return Parsed{}, err
	}
	voc := Vocabulary{Corrections: map[string][]string{}}
	for _, g := range groups {
		voc.Synonyms = append(voc.Synonyms, g.Words)
	}
	p := ParseQuery(text, voc)
	var all []string
	for _, w := range p.Latin {
		all = append(all, LatinTerms(w)...)
	}
	if len(all) == 0 {
		return p, nil
	}
	known, err := repo.KnownTerms(ctx, all)
	if err != nil {
		return Parsed{}, err
	}
	fixed := false
	for _, w := range p.Latin {
		if LatinKnown(w, known) || len(w) < 4 {
			continue
		}
		// A pinyin typo: the words one edit away that articles hold
		// (typo.go); else, as for any Latin word, the nearest terms by
		// trigram similarity.
		var near []string
		if edits := EditTerms(w); len(edits) > 0 {
			have, err := repo.KnownTerms(ctx, edits)
			if err != nil {
				return Parsed{}, err
			}
			near = Corrections(w, have)
		}
		if len(near) == 0 {
			if near, err = repo.SimilarTerms(ctx, w, maxCorrections); err != nil {
				return Parsed{}, err
			}
		}
		if len(near) > 0 {
			voc.Corrections[w], fixed = near, true
		}
	}
	if fixed {
		p = ParseQuery(text, voc)
	}
	return p, nil
}

// subtree returns root and the categories under it.
func subtree(cats []*Category, root uuid.UUID) []uuid.UUID {
	out := []uuid.UUID{root}
	for grew := true; grew; {
		grew = false
		for _, c := range cats {
			if c.ParentID != nil && slices.Contains(out, *c.ParentID) && !slices.Contains(out, c.ID) {
				out, grew = append(out, c.ID), true
			}
		}
	}
	return out
}

// PublicFAQ searches (or, without text, lists) the public, published
// articles of the tenant with slug, for readers without a login.
func (s *Service) PublicFAQ(ctx context.Context, slug string, c Criteria) ([]*Hit, string, error) {
	t, err := s.store.FindTenantBySlug(ctx, slug)
	if err != nil || t.Status != core.TenantActive {
		return nil, "", core.Errorf(core.ENOTFOUND, "no FAQ under this name")
	}
	var hits []*Hit
	var next string
	err = core.InUnitOfWork(ctx, s.store, t.ID, func(u core.UnitOfWork) error {
		c.Status, c.Audience = StatusPublished, AudiencePublic
		hits, next, err = s.Search(ctx, u, Viewer{Audiences: []string{AudiencePublic}}, c)
		return err
	})
	return hits, next, err
}

// PublicArticle reads a public, published article of the tenant with
// slug.
func (s *Service) PublicArticle(ctx context.Context, slug string, id uuid.UUID) (*Article, error) {
	t, err := s.store.FindTenantBySlug(ctx, slug)
	if err != nil || t.Status != core.TenantActive {
		return nil, core.Errorf(core.ENOTFOUND, "no FAQ under this name")
	}
	var a *Article
	err = core.InUnitOfWork(ctx, s.store, t.ID, func(u core.UnitOfWork) (err error) {
		a, err = s.Get(ctx, u, Viewer{Audiences: []string{AudiencePublic}}, id)
		return err
	})
	return a, err
}

// Package kb holds the use cases of a tenant's knowledge base (知识库):
// articles in a category tree, written in Markdown by editors, reviewed
// by someone else before they are published, every version kept; who
// sees which article (its audience, and regions); and search that works
// for Chinese, pinyin and pinyin initials (tokens.go, query.go).
package kb

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Article states: draft → in_review → published → archived; a reviewer
// sends an article in review back to draft; an edit of a published or
// archived article makes a new draft version.
const (
	StatusDraft     = "draft"
	StatusInReview  = "in_review"
	StatusPublished = "published"
	StatusArchived  = "archived"
)

// Audiences: who an article is written for.
const (
	AudienceInternal    = "internal"    // call-centre agents and staff
	AudienceSites       = "sites"       // service sites
	AudienceTechnicians = "technicians" // field technicians
	AudiencePublic      = "public"      // anyone: the tenant's public FAQ
)

// Audiences lists them.
var Audiences = []string{AudienceInternal, AudienceSites, AudienceTechnicians, AudiencePublic}

// Limits of an article's fields.
const (
	MaxTitle = 200
	MaxBody  = 200_000
	MaxLinks = 50
)

// Article is a knowledge-base article at its current version.
type Article struct {
	ID           uuid.UUID   `json:"id"`
	CategoryID   *uuid.UUID  `json:"category_id,omitempty"`
	Status       string      `json:"status" enum:"draft,in_review,published,archived"`
	Audience     string      `json:"audience" enum:"internal,sites,technicians,public"`
	Title        string      `json:"title"`
	Body         string      `json:"body" doc:"Markdown."`
	HTML         string      `json:"html" doc:"The body rendered and sanitised."`
	Tags         []string    `json:"tags"`
	ProductLines []string    `json:"product_lines"`
	Models       []string    `json:"models" doc:"Product model codes."`
	FaultCodes   []string    `json:"fault_codes"`
	Regions      []uuid.UUID `json:"regions" doc:"Only users whose scope covers one of these regions see it; empty: everyone of the audience."`
	Version      int         `json:"version"`
	// EditedBy wrote the current version; they may not approve it.
	EditedBy     uuid.UUID  `json:"edited_by"`
	EditedByName string     `json:"edited_by_name"`
	ReviewBy     *time.Time `json:"review_by,omitempty" doc:"After this date the article is stale and due for review."`
	Stale        bool       `json:"stale"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Views        int        `json:"views"`
	Helpful      int        `json:"helpful"`
	NotHelpful   int        `json:"not_helpful"`
	// LiveVersion is, while a new version of a published article is a
	// draft or in review, the published version readers still see.
	LiveVersion *int `json:"live_version,omitempty" doc:"Set while a new version of a published article is a draft or in review: the version readers still see until the new one is approved."`
	// ExternalKey is the key the article was imported under.
	ExternalKey string `json:"external_key,omitempty" doc:"The key the article was imported under (a Markdown file's key or name, a CSV row's key)."`
	// Pending is the new version of a published article while it is a
	// draft or in review (pending.go); the article's own fields stay the
	// published version's.
	Pending *Pending `json:"-"`
	// PendingVersion summarises Pending for editors in lists.
	PendingVersion *PendingSummary `json:"pending,omitempty" doc:"In lists for editors and reviewers: the new version of a published article while it is a draft or in review (readers still see the published one). Filter on it with pending=true."`
}

// Fields are what an editor writes.
type Fields struct {
	CategoryID   *uuid.UUID
	Audience     string
	Title        string
	Body         string
	Tags         []string
	ProductLines []string
	Models       []string
	FaultCodes   []string
	Regions      []uuid.UUID
	ReviewBy     *time.Time
}

// Validate checks the fields and tidies them: EINVALID naming the field.
func (f *Fields) Validate() error {
	f.Title = strings.TrimSpace(f.Title)
	switch {
	case f.Title == "":
		return core.FieldError("title", "is required")
	case utf8.RuneCountInString(f.Title) > MaxTitle:
		return core.FieldError("title", "is longer than 200 characters")
	case len(f.Body) > MaxBody:
		return core.FieldError("body", "is larger than 200,000 bytes")
	case !slices.Contains(Audiences, f.Audience):
		return core.FieldError("audience", "must be internal, sites, technicians or public")
	}
	for name, list := range map[string]*[]string{"tags": &f.Tags, "product_lines": &f.ProductLines, "models": &f.Models,
		"fault_codes": &f.FaultCodes} {
		clean := []string{}
		for _, s := range *list {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(clean, s) {
				if utf8.RuneCountInString(s) > 64 {
					return core.FieldError(name, "has an entry longer than 64 characters")
				}
				clean = append(clean, s)
			}
		}
		if len(clean) > MaxLinks {
			return core.FieldError(name, "has more than 50 entries")
		}
		*list = clean
	}
	if f.Regions == nil {
		f.Regions = []uuid.UUID{}
	}
	return nil
}

// apply writes f onto a as a new version.
func (a *Article) apply(f Fields) {
	a.CategoryID, a.Audience, a.Title, a.Body = f.CategoryID, f.Audience, f.Title, f.Body
	a.Tags, a.ProductLines, a.Models, a.FaultCodes, a.Regions = f.Tags, f.ProductLines, f.Models, f.FaultCodes, f.Regions
	a.ReviewBy = f.ReviewBy
	a.HTML, _ = Render(f.Body)
}

// Fields returns the article's editable fields.
func (a *Article) Fields() Fields {
	return Fields{CategoryID: a.CategoryID, Audience: a.Audience, Title: a.Title, Body: a.Body, Tags: a.Tags,
		ProductLines: a.ProductLines, Models: a.Models, FaultCodes: a.FaultCodes, Regions: a.Regions, ReviewBy: a.ReviewBy}
}

// markStale sets Stale from the review date.
func (a *Article) markStale(now time.Time) {
	a.Stale = a.ReviewBy != nil && now.After(*a.ReviewBy)
}

// SearchTerms returns the article's search terms (tokens.go).
func (a *Article) SearchTerms() *Terms {
	_, text := Render(a.Body)
	t := NewTerms()
	t.Add(a.Title, WeightTitle, true)
	t.Add(strings.Join(a.Tags, " "), WeightTags, true)
	t.Add(strings.Join(append(slices.Clone(a.Models), a.FaultCodes...), " "), WeightTags, false)
	t.Add(text, WeightBody, false)
	return t
}

// Version is a kept version of an article.
type Version struct {
	ArticleID    uuid.UUID `json:"article_id"`
	Version      int       `json:"version"`
	Title        string    `json:"title"`
	Body         string    `json:"body"`
	Fields       Fields    `json:"-"`
	EditedBy     uuid.UUID `json:"edited_by"`
	EditedByName string    `json:"edited_by_name"`
	Note         string    `json:"note"`
	CreatedAt    time.Time `json:"created_at"`
}

// Comment kinds: a remark, an approval, a send-back.
const (
	CommentNote     = "comment"
	CommentApprove  = "approve"
	CommentSendBack = "send_back"
	CommentSubmit   = "submit"
)

// Comment is a reviewer's or editor's remark on an article.
type Comment struct {
	ID         uuid.UUID `json:"id"`
	ArticleID  uuid.UUID `json:"article_id"`
	Version    int       `json:"version"`
	Kind       string    `json:"kind" enum:"comment,approve,send_back,submit"`
	Body       string    `json:"body"`
	AuthorID   uuid.UUID `json:"author_id"`
	AuthorName string    `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
}

// Category is a node of the tenant's category tree.
type Category struct {
	ID       uuid.UUID  `json:"id"`
	ParentID *uuid.UUID `json:"parent_id,omitempty"`
	NameZh   string     `json:"name_zh"`
	NameEn   string     `json:"name_en"`
	Position int        `json:"position"`
}

// SynonymGroup is words the tenant's search treats as one (冰箱 = 电冰箱).
type SynonymGroup struct {
	ID    uuid.UUID `json:"id"`
	Words []string  `json:"words"`
}

// Viewer is who reads: editorial viewers (editors, reviewers, admins) see
// every article in every state; others see published articles of their
// audiences, and of their regions when the article names some.
type Viewer struct {
	Editorial  bool
	Audiences  []string
	AllRegions bool
	Regions    []uuid.UUID
}

// ViewerOf derives a reader's audiences from their roles: site managers
// read what is written for sites and technicians, technicians what is
// written for technicians, every other role what is internal; everyone
// reads the public articles.
func ViewerOf(roles []string, editorial bool, scope core.Scope) Viewer {
	v := Viewer{Editorial: editorial, AllRegions: scope.All, Regions: scope.Regions, Audiences: []string{AudiencePublic}}
	for _, r := range roles {
		var add []string
		switch r {
		case core.RoleSiteManager:
			add = []string{AudienceSites, AudienceTechnicians}
		case core.RoleTechnician:
			add = []string{AudienceTechnicians}
		default:
			add = []string{AudienceInternal}
		}
		for _, a := range add {
			if !slices.Contains(v.Audiences, a) {
				v.Audiences = append(v.Audiences, a)
			}
		}
	}
	return v
}

// Sees tells whether v may read a.
func (v Viewer) Sees(a *Article) bool {
	if v.Editorial {
		return true
	}
	if a.Status != StatusPublished || !slices.Contains(v.Audiences, a.Audience) {
		return false
	}
	if len(a.Regions) == 0 || v.AllRegions {
		return true
	}
	for _, r := range a.Regions {
		if slices.Contains(v.Regions, r) {
			return true
		}
	}
	return false
}

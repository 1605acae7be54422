package kb

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the knowledge-base use cases their repository within a
// unit of work, units for the public FAQ (which has no request unit) and
// the tenants by slug. The PostgreSQL adapter implements it; so does the
// in-memory fake of core/coretest.
type Store interface {
	KB(u core.UnitOfWork) Repository
	core.UnitsOfWork
	// Audit records the articles' changes (audit.go).
	audit.Store
	FindTenantBySlug(ctx context.Context, slug string) (*core.Tenant, error)
}

// Filter selects articles. Search, when set, orders them by relevance
// (Rank's terms weighted by where they occur, and recency); otherwise
// they are ordered by last change, newest first.
type Filter struct {
	Viewer       Viewer
	Status       string
	Audience     string
	Categories   []uuid.UUID // any of these
	ProductLine  string
	Model        string
	FaultCodes   []string // any of these
	StaleOnly    bool     // review date before Now
	PendingOnly  bool     // published articles with a pending version (pending.go)
	Now          time.Time
	Search       *Query
	Rank         *Query
	After        string
	Limit        int
	IncludeTerms bool // the in-memory fake needs the terms; ignored by PostgreSQL
}

// Repository reads and writes one tenant's knowledge base within a unit
// of work. ENOTFOUND for an absent id; lists are at most limit (clamped
// to 1-500; 0: 50) after the cursor, with the next cursor ("" on the
// last page).
type Repository interface {
	// InsertArticle stores a new article with its search terms.
	InsertArticle(ctx context.Context, a *Article, terms *Terms) error
	// UpdateArticle writes a's fields, status, version and counters and
	// its terms.
	UpdateArticle(ctx context.Context, a *Article, terms *Terms) error
	// FindArticle reads an article with its pending version and external
	// key, locked for update when lock.
	FindArticle(ctx context.Context, id uuid.UUID, lock bool) (*Article, error)
	// FindArticleByKey reads the article imported under key, as
	// FindArticle; ENOTFOUND when none was.
	FindArticleByKey(ctx context.Context, key string, lock bool) (*Article, error)
	// PutPending writes (nil: clears) an article's pending version.
	PutPending(ctx context.Context, id uuid.UUID, p *Pending) error
	// DeleteArticle deletes an article with its versions and comments;
	// ENOTFOUND.
	DeleteArticle(ctx context.Context, id uuid.UUID) error
	// SetExternalKey records the key an article was imported under.
	SetExternalKey(ctx context.Context, id uuid.UUID, key string) error
	// FindArticles lists the articles f selects that f.Viewer sees.
	FindArticles(ctx context.Context, f Filter) ([]*Article, string, error)
	// CountArticle adds to an article's view, helpful and not-helpful
	// counts.
	CountArticle(ctx context.Context, id uuid.UUID, views, helpful, notHelpful int) error

	// InsertVersion keeps a version; FindVersions lists an article's,
	// newest first; FindVersion reads one.
	InsertVersion(ctx context.Context, v *Version) error
	FindVersions(ctx context.Context, article uuid.UUID) ([]*Version, error)
	FindVersion(ctx context.Context, article uuid.UUID, n int) (*Version, error)

	// InsertComment stores a comment; FindComments lists an article's,
	// oldest first.
	InsertComment(ctx context.Context, c *Comment) error
	FindComments(ctx context.Context, article uuid.UUID) ([]*Comment, error)

	// PutCategory creates or replaces a category; FindCategories lists
	// them by parent and position; DeleteCategory removes one
	// (ECONFLICT while articles or children use it).
	PutCategory(ctx context.Context, c *Category) error
	FindCategories(ctx context.Context) ([]*Category, error)
	DeleteCategory(ctx context.Context, id uuid.UUID) error

	// PutSynonyms creates or replaces a group; FindSynonyms lists them;
	// DeleteSynonyms removes one.
	PutSynonyms(ctx context.Context, g *SynonymGroup) error
	FindSynonyms(ctx context.Context) ([]*SynonymGroup, error)
	DeleteSynonyms(ctx context.Context, id uuid.UUID) error

	// AddTerms adds Latin terms to the tenant's vocabulary; KnownTerms
	// tells which of terms it holds; SimilarTerms returns up to limit
	// vocabulary terms (no initials) nearest to word by trigram
	// similarity, nearest first.
	AddTerms(ctx context.Context, terms []string) error
	KnownTerms(ctx context.Context, terms []string) (map[string]bool, error)
	SimilarTerms(ctx context.Context, word string, limit int) ([]string, error)
}

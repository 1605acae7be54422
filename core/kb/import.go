package kb

import (
	"context"
	"slices"
	"strings"

	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// ImportRow is one article of an import (importparse.go reads them from
// Markdown files and CSV). Key identifies the article across imports:
// importing a row whose key an article was imported under updates that
// article (or changes nothing when the content is the same) instead of
// writing another.
type ImportRow struct {
	Row      int    // the CSV line, or the Markdown file's position in the upload (1-based)
	File     string // the file it is in
	Key      string
	Category string // a category's ID, Chinese or English name; "" none
	Fields   Fields
	err      error // what parsing found wrong
}

// MaxKey is the longest import key.
const MaxKey = 200

// ImportOptions say how an import writes.
type ImportOptions struct {
	// Publish publishes the imported articles (new ones, and changed ones
	// at their new version) without a separate review: the importer, who
	// must hold kb:approve (the API checks), is recorded as their
	// reviewer ("published on import"). Otherwise they are drafts (a
	// changed published article: a pending draft, readers keep the
	// published version).
	Publish bool
}

// importNote is the version note and approval comment of imports.
const importNote = "imported"

// Import writes rows as articles, one at a time in u: a bad row (bad
// fields, an unknown category, an article in review) is reported with
// its problem and nothing of it is written; the others are. The report
// counts created, updated and unchanged rows. One audit event records the
// import (not one per article).
func (s *Service) Import(ctx context.Context, u core.UnitOfWork, rows []ImportRow, o ImportOptions) (*core.ImportReport, error) {
	rep := &core.ImportReport{}
	cats, err := s.store.KB(u).FindCategories(ctx)
	if err != nil {
		return nil, err
	}
	var created, updated []string
	for _, r := range rows {
		outcome, err := s.importRow(ctx, u, r, cats, o)
		switch {
		case err != nil && core.ErrorCode(err) == core.EINTERNAL:
			return nil, err
		case err != nil:
			failRow(rep, r, err)
		case outcome == "created":
			rep.Created++
			created = append(created, r.Key)
		case outcome == "updated":
			rep.Updated++
			updated = append(updated, r.Key)
		default:
			rep.Unchanged++
		}
	}
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActImport, ResourceType: ResImport, After: map[string]any{
		"created": len(created), "updated": rep.Updated, "unchanged": rep.Unchanged, "failed_rows": len(rep.Errors),
		"published": o.Publish, "created_keys": truncateKeys(created), "updated_keys": truncateKeys(updated)}})
	return rep, nil
}

func truncateKeys(keys []string) []string {
	if len(keys) > 100 {
		return append(keys[:100:100], "…")
	}
	return nonNilStrings(keys)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// failRow reports err against r's row and file.
func failRow(rep *core.ImportReport, r ImportRow, err error) {
	n := len(rep.Errors)
	rep.Fail(r.Row, err)
	for i := n; i < len(rep.Errors); i++ {
		rep.Errors[i].File = r.File
	}
}

func (s *Service) importRow(ctx context.Context, u core.UnitOfWork, r ImportRow, cats []*Category, o ImportOptions) (string, error) {
	if r.err != nil {
		return "", r.err
	}
	r.Key = strings.TrimSpace(r.Key)
	switch {
	case r.Key == "":
		return "", core.FieldError("key", "is required")
	case utf8.RuneCountInString(r.Key) > MaxKey:
		return "", core.FieldError("key", "is longer than 200 characters")
	}
	f := r.Fields
	if f.Audience == "" {
		f.Audience = AudienceInternal
	}
	cat, err := findCategory(cats, r.Category)
	if err != nil {
		return "", err
	}
	f.CategoryID = cat
	repo := s.store.KB(u)
	a, err := repo.FindArticleByKey(ctx, r.Key, true)
	if core.ErrorCode(err) == core.ENOTFOUND {
		f.Regions = []uuid.UUID{}
		if err := f.Validate(); err != nil {
			return "", err
		}
		a, err := s.create(ctx, u, f)
		if err != nil {
			return "", err
		}
		a.ExternalKey = r.Key
		if err := repo.SetExternalKey(ctx, a.ID, r.Key); err != nil {
			return "", err
		}
		return "created", s.publishImported(ctx, u, a, o)
	}
	if err != nil {
		return "", err
	}
	cur := a.Editorial()
	f.Regions, f.ReviewBy = cur.Regions, cur.ReviewBy // an import does not carry them: keep them
	if err := f.Validate(); err != nil {
		return "", err
	}
	if sameFields(cur.Fields(), f) {
		return "unchanged", nil
	}
	if cur.Status == StatusInReview {
		return "", core.FieldError("key", "names an article that is in review; a reviewer must send it back or approve it before it is imported again")
	}
	if _, err := s.newVersion(ctx, u, a, f, importNote); err != nil {
		return "", err
	}
	return "updated", s.publishImported(ctx, u, a, o)
}

// publishImported publishes a (just written as a draft, or with a
// pending draft) when o asks, the importer recorded as its reviewer.
func (s *Service) publishImported(ctx context.Context, u core.UnitOfWork, a *Article, o ImportOptions) error {
	if !o.Publish {
		return nil
	}
	now, actor := s.clock.Now(), core.ActorOf(ctx)
	if err := s.move(ctx, u, a, CommentApprove, StatusPublished, now); err != nil {
		return err
	}
	return s.store.KB(u).InsertComment(ctx, &Comment{ID: uuid.New(), ArticleID: a.ID, Version: a.Version, Kind: CommentApprove,
		Body: "published on import", AuthorID: actor.ID, AuthorName: actor.Name, CreatedAt: now})
}

// findCategory resolves a category by ID or by its Chinese or English
// name (case-insensitive): EINVALID naming category when none or several
// match.
func findCategory(cats []*Category, name string) (*uuid.UUID, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	var found []*Category
	for _, c := range cats {
		if c.ID.String() == strings.ToLower(name) || strings.EqualFold(c.NameZh, name) || strings.EqualFold(c.NameEn, name) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return nil, core.FieldError("category", "%q is not a category of the knowledge base", name)
	case 1:
		return &found[0].ID, nil
	}
	return nil, core.FieldError("category", "%q names %d categories; give the category's ID", name, len(found))
}

// sameFields tells whether an import changes nothing.
func sameFields(a, b Fields) bool {
	return a.Title == b.Title && strings.TrimSpace(a.Body) == strings.TrimSpace(b.Body) && a.Audience == b.Audience &&
		equalIDs(a.CategoryID, b.CategoryID) && slices.Equal(a.Tags, b.Tags) && slices.Equal(a.ProductLines, b.ProductLines) &&
		slices.Equal(a.Models, b.Models) && slices.Equal(a.FaultCodes, b.FaultCodes)
}

func equalIDs(a, b *uuid.UUID) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

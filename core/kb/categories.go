package kb

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// PutCategory creates (zero ID) or replaces a category; EINVALID for
// missing names, an unknown parent or a parent under the category itself.
func (s *Service) PutCategory(ctx context.Context, u core.UnitOfWork, c Category) (*Category, error) {
	c.NameZh, c.NameEn = strings.TrimSpace(c.NameZh), strings.TrimSpace(c.NameEn)
	if c.NameZh == "" || c.NameEn == "" || len([]rune(c.NameZh)) > 100 || len([]rune(c.NameEn)) > 100 {
		return nil, core.FieldError("name_zh", "and name_en are required, up to 100 characters")
	}
	if c.ID == uuid.Nil {
		c.ID = uuid.New()
	}
	repo := s.store.KB(u)
	if c.ParentID != nil {
		cats, err := repo.FindCategories(ctx)
		if err != nil {
			return nil, err
		}
		found := false
		for _, o := range cats {
			found = found || o.ID == *c.ParentID
		}
		if !found || contains(idStrings(subtree(cats, c.ID)), c.ParentID.String()) {
			return nil, core.FieldError("parent_id", "must be another category of the tenant, not one under this one")
		}
	}
	return &c, repo.PutCategory(ctx, &c)
}

func idStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// Categories lists the tenant's categories.
func (s *Service) Categories(ctx context.Context, u core.UnitOfWork) ([]*Category, error) {
	return s.store.KB(u).FindCategories(ctx)
}

// DeleteCategory removes a category no article or child category uses
// (ECONFLICT otherwise).
func (s *Service) DeleteCategory(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	return s.store.KB(u).DeleteCategory(ctx, id)
}

// PutSynonyms creates (zero ID) or replaces a group of synonyms: 2 to 20
// distinct words of up to 32 characters (EINVALID otherwise).
func (s *Service) PutSynonyms(ctx context.Context, u core.UnitOfWork, g SynonymGroup) (*SynonymGroup, error) {
	var words []string
	for _, w := range g.Words {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" && !contains(words, w) {
			if len([]rune(w)) > 32 || len(splitRuns(w)) != 1 {
				return nil, core.FieldError("words", "%q is not one word of up to 32 characters", w)
			}
			words = append(words, w)
		}
	}
	if len(words) < 2 || len(words) > 20 {
		return nil, core.FieldError("words", "must be 2 to 20 distinct words")
	}
	g.Words = words
	if g.ID == uuid.Nil {
		g.ID = uuid.New()
	}
	return &g, s.store.KB(u).PutSynonyms(ctx, &g)
}

// Synonyms lists the tenant's synonym groups.
func (s *Service) Synonyms(ctx context.Context, u core.UnitOfWork) ([]*SynonymGroup, error) {
	return s.store.KB(u).FindSynonyms(ctx)
}

// DeleteSynonyms removes a synonym group.
func (s *Service) DeleteSynonyms(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	return s.store.KB(u).DeleteSynonyms(ctx, id)
}

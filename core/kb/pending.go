package kb

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Pending is a new version of a published article that readers do not
// see yet. Editing a published article writes the new version here (and
// into the kept versions) instead of over the published one: the
// article's own fields, its search terms and what readers read stay the
// published version's until a reviewer approves the new one, which then
// replaces them. Submitting and sending back move the pending version
// between draft and in review; archiving archives the article at the
// pending version.
type Pending struct {
	Version      int       `json:"version"`
	Status       string    `json:"status"`
	Fields       Fields    `json:"fields"`
	EditedBy     uuid.UUID `json:"edited_by"`
	EditedByName string    `json:"edited_by_name"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// PendingSummary is what a list tells editors of a pending version.
type PendingSummary struct {
	Version      int       `json:"version"`
	Status       string    `json:"status" enum:"draft,in_review"`
	EditedByName string    `json:"edited_by_name"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func (p *Pending) summary() *PendingSummary {
	return &PendingSummary{Version: p.Version, Status: p.Status, EditedByName: p.EditedByName, UpdatedAt: p.UpdatedAt}
}

// current is the version editors work on: the pending one, else the
// article's own.
func (a *Article) current() (version int, status string) {
	if a.Pending != nil {
		return a.Pending.Version, a.Pending.Status
	}
	return a.Version, a.Status
}

// Editorial returns the article as editors see it: with a pending
// version, that version's fields, number, status and editor, and
// LiveVersion naming the published version readers still see. Without
// one, the article itself.
func (a *Article) Editorial() *Article {
	if a.Pending == nil {
		return a
	}
	p := a.Pending
	c := *a
	c.apply(p.Fields)
	live := a.Version
	c.Version, c.Status, c.EditedBy, c.EditedByName, c.UpdatedAt = p.Version, p.Status, p.EditedBy, p.EditedByName, p.UpdatedAt
	c.LiveVersion = &live
	c.Pending = nil
	return &c
}

// promote makes the pending version the article's own, in status.
func (a *Article) promote(status string) {
	p := a.Pending
	a.apply(p.Fields)
	a.Version, a.EditedBy, a.EditedByName, a.UpdatedAt = p.Version, p.EditedBy, p.EditedByName, p.UpdatedAt
	a.Status, a.Pending = status, nil
}

// Delete removes an article that was never published (a draft, or one
// sent back before its first publication) with its versions and
// comments; ECONFLICT for any other (a published article is archived, so
// that what readers were told stays on record) or when version is not
// the current one. The caller deletes the article's attachments first.
func (s *Service) Delete(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int) error {
	a, err := s.load(ctx, u, id, version)
	if err != nil {
		return err
	}
	if a.Status != StatusDraft || a.PublishedAt != nil || a.Pending != nil {
		return core.Errorf(core.ECONFLICT, "status: only a draft that was never published may be deleted; archive a published article")
	}
	if err := s.store.KB(u).DeleteArticle(ctx, id); err != nil {
		return err
	}
	s.record(ctx, u, audit.ActDelete, id, a, nil)
	return nil
}

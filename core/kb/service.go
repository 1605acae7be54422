package kb

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Service runs the knowledge-base use cases. Methods take the unit of
// work they read and write through and leave it open: the caller commits.
type Service struct {
	store Store
	clock core.Clock
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	Clock core.Clock // nil: the system clock
}

// NewService returns the knowledge-base use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	return &Service{store: c.Store, clock: c.Clock}
}

// Create stores a new article as a draft at version 1, written by the
// actor of ctx; EINVALID for bad fields.
func (s *Service) Create(ctx context.Context, u core.UnitOfWork, f Fields) (*Article, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkCategory(ctx, u, f.CategoryID); err != nil {
		return nil, err
	}
	a, err := s.create(ctx, u, f)
	if err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActCreate, a.ID, nil, a)
	return a, nil
}

// create stores valid fields as a new draft.
func (s *Service) create(ctx context.Context, u core.UnitOfWork, f Fields) (*Article, error) {
	now, actor := s.clock.Now(), core.ActorOf(ctx)
	a := &Article{ID: uuid.New(), Status: StatusDraft, Version: 1, EditedBy: actor.ID, EditedByName: actor.Name,
		CreatedAt: now, UpdatedAt: now}
	a.apply(f)
	repo := s.store.KB(u)
	terms := a.SearchTerms()
	if err := repo.InsertArticle(ctx, a, terms); err != nil {
		return nil, err
	}
	if err := repo.InsertVersion(ctx, versionOf(a, "")); err != nil {
		return nil, err
	}
	a.markStale(now)
	return a, nil
}

func (s *Service) checkCategory(ctx context.Context, u core.UnitOfWork, id *uuid.UUID) error {
	if id == nil {
		return nil
	}
	cats, err := s.store.KB(u).FindCategories(ctx)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.ID == *id {
			return nil
		}
	}
	return core.FieldError("category_id", "is not a category of the tenant")
}

func versionOf(a *Article, note string) *Version {
	return &Version{ArticleID: a.ID, Version: a.Version, Title: a.Title, Body: a.Body, Fields: a.Fields(),
		EditedBy: a.EditedBy, EditedByName: a.EditedByName, Note: note, CreatedAt: a.UpdatedAt}
}

// load reads an article for a change at version (0: any); ECONFLICT when
// it moved on since.
func (s *Service) load(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int) (*Article, error) {
	a, err := s.store.KB(u).FindArticle(ctx, id, true)
	if err != nil {
		return nil, err
	}
	if cur, _ := a.current(); version != 0 && cur != version {
		return nil, core.Errorf(core.ECONFLICT, "version: the article is at version %d, you sent %d; reload and retry", cur, version)
	}
	return a, nil
}

// Update writes a new version of an article from f, back in draft; an
// article in review must be sent back first (ECONFLICT). The new version
// of a published article is pending (pending.go): readers keep the
// published one until the new one is approved.
func (s *Service) Update(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int, f Fields, note string) (*Article, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkCategory(ctx, u, f.CategoryID); err != nil {
		return nil, err
	}
	a, err := s.load(ctx, u, id, version)
	if err != nil {
		return nil, err
	}
	if _, st := a.current(); st == StatusInReview {
		return nil, core.Errorf(core.ECONFLICT, "status: the article is in review; a reviewer must send it back before it is edited")
	}
	before := a.Editorial()
	out, err := s.newVersion(ctx, u, a, f, note)
	if err == nil {
		s.record(ctx, u, audit.ActUpdate, id, before, out)
	}
	return out, err
}

// newVersion writes f as a new draft version of a: over the article
// itself, or, when a is published or has a pending version already, as
// its pending version. It returns the article as editors see it.
func (s *Service) newVersion(ctx context.Context, u core.UnitOfWork, a *Article, f Fields, note string) (*Article, error) {
	actor, now := core.ActorOf(ctx), s.clock.Now()
	repo := s.store.KB(u)
	if a.Pending != nil || a.Status == StatusPublished {
		cur, _ := a.current()
		a.Pending = &Pending{Version: cur + 1, Status: StatusDraft, Fields: f, EditedBy: actor.ID, EditedByName: actor.Name,
			UpdatedAt: now}
		if err := repo.PutPending(ctx, a.ID, a.Pending); err != nil {
			return nil, err
		}
		e := a.Editorial()
		if err := repo.InsertVersion(ctx, versionOf(e, note)); err != nil {
			return nil, err
		}
		e.markStale(now)
		return e, nil
	}
	a.apply(f)
	a.Version++
	a.Status, a.EditedBy, a.EditedByName, a.UpdatedAt = StatusDraft, actor.ID, actor.Name, now
	if err := repo.UpdateArticle(ctx, a, a.SearchTerms()); err != nil {
		return nil, err
	}
	if err := repo.InsertVersion(ctx, versionOf(a, note)); err != nil {
		return nil, err
	}
	a.markStale(now)
	return a, nil
}

// Restore makes version n the article's content again, as a new draft
// version.
func (s *Service) Restore(ctx context.Context, u core.UnitOfWork, id uuid.UUID, n int) (*Article, error) {
	a, err := s.load(ctx, u, id, 0)
	if err != nil {
		return nil, err
	}
	if _, st := a.current(); st == StatusInReview {
		return nil, core.Errorf(core.ECONFLICT, "status: the article is in review; a reviewer must send it back before it is restored")
	}
	v, err := s.store.KB(u).FindVersion(ctx, id, n)
	if err != nil {
		return nil, err
	}
	before := a.Editorial()
	out, err := s.newVersion(ctx, u, a, v.Fields, "restored from version "+strconv.Itoa(n))
	if err == nil {
		s.record(ctx, u, ActRestore, id, before, out)
	}
	return out, err
}

// Submit sends a draft for review.
func (s *Service) Submit(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int, note string) (*Article, error) {
	return s.transition(ctx, u, id, version, CommentSubmit, note)
}

// Approve publishes an article in review. Its editor may not approve it
// (EFORBIDDEN); a draft must be submitted for review first (ECONFLICT).
func (s *Service) Approve(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int, note string) (*Article, error) {
	return s.transition(ctx, u, id, version, CommentApprove, note)
}

// SendBack returns an article in review to draft with the reviewer's
// reason (EINVALID without one).
func (s *Service) SendBack(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int, reason string) (*Article, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, core.FieldError("comment", "is required: say what to change")
	}
	return s.transition(ctx, u, id, version, CommentSendBack, reason)
}

// Archive takes a published article out of readers' sight.
func (s *Service) Archive(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int) (*Article, error) {
	return s.transition(ctx, u, id, version, "archive", "")
}

func (s *Service) transition(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int, kind, note string) (*Article, error) {
	a, err := s.load(ctx, u, id, version)
	if err != nil {
		return nil, err
	}
	actor, now := core.ActorOf(ctx), s.clock.Now()
	from, to := map[string]string{CommentSubmit: StatusDraft, CommentApprove: StatusInReview, CommentSendBack: StatusInReview,
		"archive": StatusPublished}[kind], map[string]string{CommentSubmit: StatusInReview, CommentApprove: StatusPublished,
		CommentSendBack: StatusDraft, "archive": StatusArchived}[kind]
	status, editor := a.Status, a.EditedBy
	if a.Pending != nil && kind != "archive" {
		status, editor = a.Pending.Status, a.Pending.EditedBy
	}
	switch {
	case kind == CommentApprove && status == StatusDraft:
		return nil, core.Errorf(core.ECONFLICT, "status: publishing needs a review; submit the article for review first")
	case status != from:
		return nil, core.Errorf(core.ECONFLICT, "status: the article is %s; this needs it %s", status, from)
	case kind == CommentApprove && editor == actor.ID:
		return nil, core.Errorf(core.EFORBIDDEN, "reviewer: you wrote this version; another reviewer must approve it")
	}
	before := a.Editorial()
	if err := s.move(ctx, u, a, kind, to, now); err != nil {
		return nil, err
	}
	repo := s.store.KB(u)
	if kind != "archive" {
		if err := repo.InsertComment(ctx, &Comment{ID: uuid.New(), ArticleID: a.ID, Version: before.Version, Kind: kind,
			Body: strings.TrimSpace(note), AuthorID: actor.ID, AuthorName: actor.Name, CreatedAt: now}); err != nil {
			return nil, err
		}
	}
	out := a.Editorial()
	s.record(ctx, u, transitionActions[kind], id, before, out)
	out.markStale(now)
	return out, nil
}

// move puts a (or its pending version) in status to and writes it.
// Approving a pending version makes it the published one; archiving an
// article with a pending version archives it at that version.
func (s *Service) move(ctx context.Context, u core.UnitOfWork, a *Article, kind, to string, now time.Time) error {
	repo := s.store.KB(u)
	if a.Pending != nil && (kind == CommentSubmit || kind == CommentSendBack) {
		a.Pending.Status, a.Pending.UpdatedAt = to, now
		return repo.PutPending(ctx, a.ID, a.Pending)
	}
	if a.Pending != nil {
		a.promote(to)
		if err := repo.PutPending(ctx, a.ID, nil); err != nil {
			return err
		}
	}
	a.Status, a.UpdatedAt = to, now
	if to == StatusPublished {
		a.PublishedAt = &now
	}
	if err := repo.UpdateArticle(ctx, a, a.SearchTerms()); err != nil {
		return err
	}
	if to == StatusPublished {
		return repo.AddTerms(ctx, a.SearchTerms().Latin())
	}
	return nil
}

// Comment adds a remark to an article (EINVALID when empty or over 4,000
// characters).
func (s *Service) Comment(ctx context.Context, u core.UnitOfWork, id uuid.UUID, body string) (*Comment, error) {
	body = strings.TrimSpace(body)
	if body == "" || len([]rune(body)) > 4000 {
		return nil, core.FieldError("body", "must be 1 to 4,000 characters")
	}
	a, err := s.store.KB(u).FindArticle(ctx, id, false)
	if err != nil {
		return nil, err
	}
	actor := core.ActorOf(ctx)
	cur, _ := a.current()
	c := &Comment{ID: uuid.New(), ArticleID: id, Version: cur, Kind: CommentNote, Body: body, AuthorID: actor.ID,
		AuthorName: actor.Name, CreatedAt: s.clock.Now()}
	return c, s.store.KB(u).InsertComment(ctx, c)
}

// Comments lists an article's comments, oldest first.
func (s *Service) Comments(ctx context.Context, u core.UnitOfWork, id uuid.UUID) ([]*Comment, error) {
	return s.store.KB(u).FindComments(ctx, id)
}

// Versions lists an article's versions, newest first.
func (s *Service) Versions(ctx context.Context, u core.UnitOfWork, id uuid.UUID) ([]*Version, error) {
	if _, err := s.store.KB(u).FindArticle(ctx, id, false); err != nil {
		return nil, err
	}
	return s.store.KB(u).FindVersions(ctx, id)
}

// Diff compares two versions of an article, line by line.
func (s *Service) Diff(ctx context.Context, u core.UnitOfWork, id uuid.UUID, from, to int) (string, error) {
	repo := s.store.KB(u)
	a, err := repo.FindVersion(ctx, id, from)
	if err != nil {
		return "", err
	}
	b, err := repo.FindVersion(ctx, id, to)
	if err != nil {
		return "", err
	}
	return diffVersions(a, b), nil
}

// Get reads an article v sees; ENOTFOUND otherwise, so that articles of
// other audiences do not leak.
func (s *Service) Get(ctx context.Context, u core.UnitOfWork, v Viewer, id uuid.UUID) (*Article, error) {
	a, err := s.store.KB(u).FindArticle(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if !v.Sees(a) {
		return nil, core.Errorf(core.ENOTFOUND, "article not found")
	}
	if v.Editorial {
		a = a.Editorial()
	}
	a.markStale(s.clock.Now())
	return a, nil
}

// Count records a view, or a reader's feedback (helpful or not), of an
// article v sees.
func (s *Service) Count(ctx context.Context, u core.UnitOfWork, v Viewer, id uuid.UUID, view bool, helpful *bool) error {
	if _, err := s.Get(ctx, u, v, id); err != nil {
		return err
	}
	h, n := 0, 0
	if helpful != nil && *helpful {
		h = 1
	} else if helpful != nil {
		n = 1
	}
	return s.store.KB(u).CountArticle(ctx, id, b2i(view), h, n)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

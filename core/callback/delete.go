package callback

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Audit resource types of callbacks.
const (
	ResRule          = "callback_rule"
	ResQuestionnaire = "questionnaire"
	// ActArchive: a questionnaire in use is archived, not deleted.
	ActArchive = "archive"
	// ActRestore: an archived questionnaire is listed again.
	ActRestore = "restore"
)

// record appends an audit event when the service has an audit store.
func (s *Service) record(ctx context.Context, u core.UnitOfWork, action, resource string, id uuid.UUID, before, after any) {
	if s.audit != nil {
		audit.Record(ctx, s.audit, u, audit.Change{Action: action, ResourceType: resource, ResourceID: id.String(),
			Before: before, After: after})
	}
}

// DeleteRule deletes a rule and its verdicts; the tasks it opened stay.
// Audited. ENOTFOUND.
func (s *Service) DeleteRule(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	repo := s.store.Callbacks(u)
	r, err := repo.FindRule(ctx, id)
	if err != nil {
		return err
	}
	repo.DeleteRule(id)
	s.record(ctx, u, audit.ActDelete, ResRule, id, r, nil)
	return nil
}

// ArchiveQuestionnaire archives a questionnaire (archived) or brings it
// back: an archived one is not listed by default nor chosen by a new or
// changed rule; its tasks keep asking it. Audited. ENOTFOUND.
func (s *Service) ArchiveQuestionnaire(ctx context.Context, u core.UnitOfWork, id uuid.UUID, archived bool) (*Questionnaire, error) {
	repo := s.store.Callbacks(u)
	q, err := repo.FindQuestionnaire(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	if (q.ArchivedAt != nil) == archived {
		return q, nil
	}
	after := *q
	act := ActRestore
	if after.ArchivedAt = nil; archived {
		now := s.now()
		after.ArchivedAt, act = &now, ActArchive
	}
	repo.ArchiveQuestionnaire(id, after.ArchivedAt)
	s.record(ctx, u, act, ResQuestionnaire, id, q, &after)
	return &after, nil
}

// DeleteQuestionnaire deletes a questionnaire with all its versions, or,
// when a rule or a task uses it, archives it: it is no longer listed nor
// chosen by a rule, and the tasks keep asking it. Audited. Returns
// whether it was archived. ENOTFOUND.
func (s *Service) DeleteQuestionnaire(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (bool, error) {
	repo := s.store.Callbacks(u)
	q, err := repo.FindQuestionnaire(ctx, id, 0)
	if err != nil {
		return false, err
	}
	used, err := repo.QuestionnaireInUse(ctx, id)
	if err != nil {
		return false, err
	}
	if !used {
		repo.DeleteQuestionnaire(id)
		s.record(ctx, u, audit.ActDelete, ResQuestionnaire, id, q, nil)
		return false, nil
	}
	now := s.now()
	repo.ArchiveQuestionnaire(id, &now)
	after := *q
	after.ArchivedAt = &now
	s.record(ctx, u, ActArchive, ResQuestionnaire, id, q, &after)
	return true, nil
}

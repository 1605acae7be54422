package messaging

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// openFollowUp opens a task for an order, once per order and reason: a
// second call returns the first task.
func (s *Service) openFollowUp(ctx context.Context, repo Repository, w *core.WorkOrder, reason string, score *int) (*core.FollowUp, error) {
	f, err := repo.FindFollowUp(ctx, w.ID, reason)
	if core.ErrorCode(err) != core.ENOTFOUND {
		return f, err
	}
	repo.InsertFollowUp(&core.FollowUp{ID: uuid.New(), WorkOrderID: w.ID, OrderNumber: w.Number, CustomerID: w.CustomerID,
		SiteID: w.SiteID, Reason: reason, Score: score, Status: core.FollowUpOpen, CreatedAt: s.now()})
	return repo.FindFollowUp(ctx, w.ID, reason)
}

// FindFollowUps lists follow-up tasks, newest first, of orders within
// f.Within. EINVALID for a bad cursor. Called by the API.
func (s *Service) FindFollowUps(ctx context.Context, u core.UnitOfWork, f core.FollowUpFilter) ([]*core.FollowUp, string, error) {
	return s.store.Messaging(u).FindFollowUps(ctx, f)
}

// FindFollowUpByID: ENOTFOUND when it is not the tenant's.
func (s *Service) FindFollowUpByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.FollowUp, error) {
	return s.store.Messaging(u).FindFollowUpByID(ctx, id)
}

// CompleteFollowUp marks a task done with a note, by actor. ENOTFOUND;
// ECONFLICT when it is done already. Called by the API.
func (s *Service) CompleteFollowUp(ctx context.Context, u core.UnitOfWork, id uuid.UUID, note, actor string) (*core.FollowUp, error) {
	repo := s.store.Messaging(u)
	f, err := repo.LockFollowUp(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Status == core.FollowUpDone {
		return nil, core.Errorf(core.ECONFLICT, "the follow-up is done already")
	}
	now := s.now()
	f.Status, f.Note, f.DoneAt, f.DoneBy = core.FollowUpDone, note, &now, actor
	repo.UpdateFollowUp(f)
	return f, nil
}

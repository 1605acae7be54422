package claim

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// A flagged claim's audit task is a callback to the customer in the call
// centre's queue (AuditCalls), opened in the unit of work that flags the
// claim. The agent's outcome is the audit's result (RecordClaimAudit); a
// reviewer who records the audit themselves cancels the callback.

// openCallback opens the audit callback of a claim just flagged.
func (s *Service) openCallback(ctx context.Context, u core.UnitOfWork, c *Claim, p map[string]any) error {
	if s.calls == nil || c.State != StateFlagged || c.Audit == nil || c.Audit.Status != "open" {
		return nil
	}
	cb, err := s.calls.OpenClaimAudit(ctx, u, c.ID, c.WorkOrderID)
	if err != nil {
		return err
	}
	c.Audit.Callback = cb
	p["callback_task_id"] = cb.TaskID
	return nil
}

// cancelCallback closes the audit callback a reviewer's own audit made
// needless.
func (s *Service) cancelCallback(ctx context.Context, u core.UnitOfWork, c *Claim, actor string) error {
	cb := c.Audit.Callback
	if s.calls == nil || cb == nil || cb.Status != "open" {
		return nil
	}
	status, err := s.calls.CancelClaimAudit(ctx, u, cb.TaskID, actor)
	if err != nil {
		return err
	}
	c.Audit.Callback = &AuditCallback{TaskID: cb.TaskID, Status: status, DueAt: cb.DueAt}
	return nil
}

// LockClaim takes a claim's row lock: the audit callback's side locks the
// claim before its task, as the claim's side does. ENOTFOUND.
func (s *Service) LockClaim(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	_, err := s.store.Claims(u).Lock(ctx, id)
	return err
}

// RecordClaimAudit records the outcome of the claim's audit callback
// taskID, closed in status, as its audit result (note, by actor), which lets a reviewer
// decide. ECONFLICT when the claim does not await that callback (its
// audit was recorded otherwise, or another callback audits it); nothing
// changes then.
func (s *Service) RecordClaimAudit(ctx context.Context, u core.UnitOfWork, id, taskID uuid.UUID, status, note,
	actor string) error {
	repo := s.store.Claims(u)
	c, err := repo.Lock(ctx, id)
	if err != nil {
		return err
	}
	a := c.Audit
	if c.State != StateFlagged || a == nil || a.Status != "open" || a.Callback == nil || a.Callback.TaskID != taskID {
		return core.Errorf(core.ECONFLICT, "claim %s does not await the audit callback %s", id, taskID)
	}
	now := s.now()
	c.Audit = &AuditTask{Status: "done", Note: note, By: actor, At: &now,
		Callback: &AuditCallback{TaskID: taskID, Status: status, DueAt: a.Callback.DueAt}}
	c.UpdatedAt = now
	repo.Update(c)
	c.Version++
	repo.AppendEvent(c.ID, ClaimEvent{Type: ActAudit, From: c.State, Actor: actor, At: now,
		Payload: map[string]any{"note": note, "callback_task_id": taskID}})
	return nil
}

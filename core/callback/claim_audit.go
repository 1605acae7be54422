package callback

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/claim"
	"github.com/aftersales/aftersales/core/deadline"
)

// A flagged warranty claim's audit is a callback to the customer: the
// agent asks whether the claimed work was done as claimed, and what they
// record is the claim's audit result. The task sits in the call centre's
// queue with the others; a site never sees it (TaskFilter.Within).

// ClaimAuditGroup is the agent group whose queue claim audits join, and
// ClaimAuditDue the working time they are due within, in the tenant's
// business calendar (the deadline engine), from the flagging.
const (
	ClaimAuditGroup = "callback"
	ClaimAuditDue   = 8 * time.Hour
)

// ClaimAudits is the claims' side of their audit callbacks (core/claim
// through cmd's wiring).
type ClaimAudits interface {
	// LockClaim takes the claim's row lock. A claim is locked before its
	// audit callback, whichever side acts, so the two never deadlock.
	LockClaim(ctx context.Context, u core.UnitOfWork, claimID uuid.UUID) error
	// RecordClaimAudit records the outcome of the callback, closed in
	// status, as the claim's audit result; ECONFLICT when the claim no
	// longer awaits it.
	RecordClaimAudit(ctx context.Context, u core.UnitOfWork, claimID, taskID uuid.UUID, status, note, actor string) error
}

// SetClaimAudits lets completing a claim audit callback record the
// claim's audit. Set once, at wiring; without it such tasks close alone.
func (s *Service) SetClaimAudits(c ClaimAudits) { s.claims = c }

// OpenClaimAudit opens the audit callback of a flagged claim about its
// completed order, due ClaimAuditDue of working time from now: the
// customer and the phone to call are the order's. The claim's open audit
// callback is returned when it has one: a retried flagging opens nothing
// twice. ENOTFOUND when the order is not completed.
func (s *Service) OpenClaimAudit(ctx context.Context, u core.UnitOfWork, claimID, orderID uuid.UUID) (*Task, error) {
	repo := s.store.Callbacks(u)
	open, _, err := repo.FindTasks(ctx, TaskFilter{ClaimID: claimID, Status: StatusOpen, Within: core.Scope{All: true}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(open) > 0 {
		return open[0], nil
	}
	f, err := repo.FindOrderFacts(ctx, orderID)
	if err != nil {
		return nil, err
	}
	phone, _, err := repo.FindSurveyContact(ctx, f.CustomerID)
	if err != nil {
		return nil, err
	}
	cal, err := repo.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	due, err := deadline.Policy{Work: ClaimAuditDue}.Due(cal, now, nil)
	if err != nil {
		return nil, err
	}
	cid := claimID
	t := &Task{ID: uuid.New(), Source: SourceClaimAudit, ClaimID: &cid, WorkOrderID: orderID, OrderNumber: f.Number,
		CustomerID: f.CustomerID, SiteID: f.Site, Group: ClaimAuditGroup, Channel: ChannelCall, Phone: phone,
		Status: StatusOpen, DueAt: &due, Answers: []Answer{}, CreatedAt: now}
	repo.InsertTask(t)
	return t, nil
}

// CancelClaimAudit closes an open claim audit callback as no longer
// needed: the reviewer recorded the audit. A closed task stays as it is.
// The caller holds the claim's lock. ENOTFOUND.
func (s *Service) CancelClaimAudit(ctx context.Context, u core.UnitOfWork, taskID uuid.UUID, actor string) (*Task, error) {
	repo := s.store.Callbacks(u)
	t, err := repo.LockTask(ctx, taskID)
	if err != nil || t.Status != StatusOpen {
		return t, err
	}
	now := s.now()
	t.Status, t.DoneAt, t.DoneBy, t.NextAttemptAt = StatusCancelled, &now, actor, nil
	t.GiveUpReason = "no longer needed: the reviewer recorded the claim's audit"
	repo.UpdateTask(t)
	return t, nil
}

// lockWork locks an open task for an agent's work. A claim audit's claim
// is locked first (see ClaimAudits.LockClaim).
func (s *Service) lockWork(ctx context.Context, u core.UnitOfWork, repo Repository, id uuid.UUID) (*Task, error) {
	t, err := repo.FindTask(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Source == SourceClaimAudit && s.claims != nil {
		if err := s.claims.LockClaim(ctx, u, *t.ClaimID); err != nil {
			return nil, err
		}
	}
	return s.lockOpen(ctx, repo, id)
}

// completeClaimAudit closes a claim audit callback with its outcome — the
// customer reached and what they confirmed, or not reached — and records
// it as the claim's audit result. EINVALID naming reached or note.
func (s *Service) completeClaimAudit(ctx context.Context, u core.UnitOfWork, repo Repository, t *Task, reached *bool,
	note, actor string) error {
	note = strings.TrimSpace(note)
	switch {
	case utf8.RuneCountInString(note) > 2000:
		return core.FieldError("note", "at most 2000 characters")
	case reached == nil:
		return core.FieldError("reached", "say whether the customer was reached")
	case *reached && note == "":
		return core.FieldError("note", "record what the customer confirmed")
	}
	now := s.now()
	r := *reached
	t.Reached, t.Note, t.Outcome = &r, note, OutcomeNone
	t.Status, t.DoneAt, t.DoneBy, t.NextAttemptAt = StatusDone, &now, actor, nil
	repo.UpdateTask(t)
	return s.recordClaimAudit(ctx, u, t, actor)
}

// recordClaimAudit records a closed claim audit callback on its claim:
// the note is the outcome.
func (s *Service) recordClaimAudit(ctx context.Context, u core.UnitOfWork, t *Task, actor string) error {
	if t.Source != SourceClaimAudit || s.claims == nil || t.Status == StatusOpen {
		return nil
	}
	var note string
	switch {
	case t.Status == StatusGivenUp:
		note = "callback: customer not reached (" + t.GiveUpReason + ")"
	case t.Reached != nil && *t.Reached:
		note = "callback: customer reached: " + t.Note
	default:
		note = "callback: customer not reached"
		if t.Note != "" {
			note += ": " + t.Note
		}
	}
	return s.claims.RecordClaimAudit(ctx, u, *t.ClaimID, t.ID, t.Status, note, actor)
}

// ClaimAuditCalls gives the claims (claim.AuditCalls) their audit
// callbacks in this queue.
type ClaimAuditCalls struct{ Callbacks *Service }

// OpenClaimAudit implements claim.AuditCalls.
func (c ClaimAuditCalls) OpenClaimAudit(ctx context.Context, u core.UnitOfWork, claimID, orderID uuid.UUID) (*claim.AuditCallback, error) {
	t, err := c.Callbacks.OpenClaimAudit(ctx, u, claimID, orderID)
	if err != nil {
		return nil, err
	}
	return &claim.AuditCallback{TaskID: t.ID, Status: t.Status, DueAt: t.DueAt}, nil
}

// CancelClaimAudit implements claim.AuditCalls.
func (c ClaimAuditCalls) CancelClaimAudit(ctx context.Context, u core.UnitOfWork, taskID uuid.UUID, actor string) (string, error) {
	t, err := c.Callbacks.CancelClaimAudit(ctx, u, taskID, actor)
	if err != nil {
		return "", err
	}
	return t.Status, nil
}

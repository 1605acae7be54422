package callback

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Tasks lists a to-do queue. EINVALID for a bad cursor.
func (s *Service) Tasks(ctx context.Context, u core.UnitOfWork, f TaskFilter) ([]*Task, string, error) {
	return s.store.Callbacks(u).FindTasks(ctx, f)
}

// Task reads one; ENOTFOUND.
func (s *Service) Task(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*Task, error) {
	return s.store.Callbacks(u).FindTask(ctx, id)
}

// lockOpen locks an open task; ENOTFOUND; ECONFLICT when it is closed.
func (s *Service) lockOpen(ctx context.Context, repo Repository, id uuid.UUID) (*Task, error) {
	t, err := repo.LockTask(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Status != StatusOpen {
		return nil, core.Errorf(core.ECONFLICT, "the callback task is %s already", t.Status)
	}
	return t, nil
}

// RecordAttempt records a call that got no answers. A no-answer or busy
// line schedules the next attempt by RetrySchedule and gives up after the
// last; a wrong number or a refusal gives up at once, with that reason. A
// claim audit given up records on its claim that the customer was not
// reached. EINVALID naming "outcome"; ENOTFOUND; ECONFLICT when closed.
func (s *Service) RecordAttempt(ctx context.Context, u core.UnitOfWork, id uuid.UUID, outcome, actor string) (*Task, error) {
	switch outcome {
	case AttemptNoAnswer, AttemptBusy, AttemptWrongNumber, AttemptRefused:
	default:
		return nil, core.FieldError("outcome", "no_answer, busy, wrong_number or refused")
	}
	repo := s.store.Callbacks(u)
	t, err := s.lockWork(ctx, u, repo, id)
	if err != nil {
		return nil, err
	}
	failAttempt(t, outcome, s.now(), actor)
	repo.UpdateTask(t)
	if err := s.recordClaimAudit(ctx, u, t, actor); err != nil {
		return nil, err
	}
	return t, nil
}

// SubmitAnswers records the customer's answers in the questionnaire
// version the task asks, and closes the task. Dissatisfied answers set off
// the tenant's act: a rework order linked to the original, or a complaint.
// EINVALID naming the field of a wrong answer (nothing saved); ENOTFOUND;
// ECONFLICT when closed. A claim audit is completed by CompleteClaimAudit
// (EINVALID naming reached here).
func (s *Service) SubmitAnswers(ctx context.Context, u core.UnitOfWork, id uuid.UUID, answers []Answer, note,
	actor string) (*Task, error) {
	repo := s.store.Callbacks(u)
	t, err := s.lockWork(ctx, u, repo, id)
	if err != nil {
		return nil, err
	}
	if t.Source == SourceClaimAudit {
		return nil, core.FieldError("reached", "a claim audit callback records whether the customer was reached")
	}
	var q *Questionnaire
	if t.QuestionnaireID != nil {
		if q, err = repo.FindQuestionnaire(ctx, *t.QuestionnaireID, t.QuestionnaireVersion); err != nil {
			return nil, err
		}
	} else if len(answers) > 0 {
		return nil, core.FieldError("answers", "this task has no questionnaire; record a note instead")
	}
	if err := s.complete(ctx, u, repo, t, q, answers, note, actor); err != nil {
		return nil, err
	}
	return t, nil
}

// CompleteClaimAudit closes a claim audit callback with its outcome:
// reached and what the customer confirmed (note), or not reached (note
// optional). It records the outcome as the claim's audit result, which
// lets the reviewer decide. EINVALID naming reached or note; ENOTFOUND;
// ECONFLICT when the task is closed or is not a claim audit.
func (s *Service) CompleteClaimAudit(ctx context.Context, u core.UnitOfWork, id uuid.UUID, reached *bool, note,
	actor string) (*Task, error) {
	repo := s.store.Callbacks(u)
	t, err := s.lockWork(ctx, u, repo, id)
	if err != nil {
		return nil, err
	}
	if t.Source != SourceClaimAudit {
		return nil, core.FieldError("reached", "only a claim audit callback records whether the customer was reached")
	}
	if err := s.completeClaimAudit(ctx, u, repo, t, reached, note, actor); err != nil {
		return nil, err
	}
	return t, nil
}

// complete checks answers against the task's questionnaire version (nil:
// none), records them with the indicators their questions measure, closes
// the task (an SMS survey's conversation ends) and sets off the tenant's
// act when they show dissatisfaction. EINVALID naming the field.
func (s *Service) complete(ctx context.Context, u core.UnitOfWork, repo Repository, t *Task, q *Questionnaire,
	answers []Answer, note, actor string) error {
	dissatisfied := false
	if q != nil {
		if err := q.CheckAnswers(answers); err != nil {
			return err
		}
		for i := range answers {
			answers[i].Indicator = q.question(answers[i].Question).Indicator
		}
		set, err := repo.FindSettings(ctx)
		if err != nil {
			return err
		}
		dissatisfied = q.Dissatisfied(answers, set.LowScore)
	}
	if answers == nil {
		answers = []Answer{}
	}
	now := s.now()
	t.Answers, t.Note, t.Dissatisfied, t.Outcome = answers, note, dissatisfied, OutcomeNone
	t.Status, t.DoneAt, t.DoneBy, t.NextAttemptAt = StatusDone, &now, actor, nil
	t.SurveyStep, t.SurveyAskedAt = nil, nil
	if dissatisfied {
		if err := s.actOnDissatisfaction(ctx, u, repo, t, actor); err != nil {
			return err
		}
	}
	repo.UpdateTask(t)
	return nil
}

// failAttempt records an attempt that got no answers: a no-answer or busy
// line (or an SMS survey that timed out) schedules the next attempt by
// RetrySchedule and gives up after the last; a wrong number, a refusal or
// no phone gives up at once, with that reason.
func failAttempt(t *Task, outcome string, now time.Time, actor string) {
	t.Attempts++
	t.LastAttempt = outcome
	t.NextAttemptAt = nil
	if t.SurveyStep != nil { // the survey's answers so far are dropped
		t.Answers = []Answer{}
	}
	t.SurveyStep, t.SurveyAskedAt = nil, nil
	switch {
	case outcome == AttemptWrongNumber || outcome == AttemptRefused || outcome == AttemptNoPhone:
		t.Status, t.GiveUpReason = StatusGivenUp, outcome
	case t.Attempts > len(RetrySchedule):
		t.Status, t.GiveUpReason = StatusGivenUp, fmt.Sprintf("%s after %d attempts", outcome, t.Attempts)
	default:
		next := now.Add(RetrySchedule[t.Attempts-1])
		t.NextAttemptAt = &next
	}
	if t.Status == StatusGivenUp {
		t.DoneAt, t.DoneBy = &now, actor
	}
}

// actOnDissatisfaction carries out the tenant's act and records its
// outcome on the task.
func (s *Service) actOnDissatisfaction(ctx context.Context, u core.UnitOfWork, repo Repository, t *Task, actor string) error {
	set, err := repo.FindSettings(ctx)
	if err != nil {
		return err
	}
	reason := "callback " + t.ID.String() + ": customer dissatisfied"
	switch set.Dissatisfaction {
	case ActRework:
		if s.rework == nil {
			return nil
		}
		id, err := s.rework.OpenRework(ctx, u, t.WorkOrderID, reason, actor)
		if err != nil {
			return err
		}
		t.ReworkOrderID, t.Outcome = &id, OutcomeReworkOpened
	case ActComplaint:
		if s.complaints == nil {
			t.Outcome = OutcomeComplaintUnavailable
			return nil
		}
		if _, err := s.complaints.OpenComplaint(ctx, u, t.WorkOrderID, reason, actor); err != nil {
			return err
		}
		t.Outcome = OutcomeComplaintOpened
	}
	return nil
}

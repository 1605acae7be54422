package callback

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// SMS surveys: a task of channel sms runs its questionnaire as a short
// conversation by text. Question 1 is texted when the task opens; each
// answer (digits, or words for fill-in and free text) is recorded and the
// next question texted; the last answer closes the task as an agent's
// answers would, dissatisfaction setting off the tenant's act. A question
// left unanswered for the tenant's timeout fails the attempt: the answers
// so far are dropped and the retry schedule starts the survey again later,
// or gives it up.

// SurveyTexts texts SMS survey questions (jobs' texts, through cmd's
// wiring).
type SurveyTexts interface {
	// AskBySMS queues the text in u, sent once u commits.
	AskBySMS(ctx context.Context, u core.UnitOfWork, m SurveyText) error
}

// SurveyText is one question of an SMS survey to a customer.
type SurveyText struct {
	To, Locale  string
	WorkOrderID uuid.UUID
	OrderNumber string
	Question    string // the prompt: the question and how to answer it
}

// SurveyStore lists, across tenants, the SMS survey tasks with something
// due (the PostgreSQL adapter).
type SurveyStore interface {
	// DueSurveys lists up to limit open SMS tasks, across tenants, whose
	// survey is to start (none running, next attempt due) or whose
	// question has waited the tenant's timeout at now. A pre-filter: each
	// is re-checked under its row lock in its tenant's unit.
	DueSurveys(ctx context.Context, now time.Time, limit int) ([]DueSurvey, error)
}

// DueSurvey is an SMS survey task with something due.
type DueSurvey struct {
	TenantID, TaskID uuid.UUID
}

// SetSurveyTexts sets how survey questions are texted; until it is set
// (a process without the SMS pipeline), SMS tasks wait for a process that
// has it to start them (FireSurveys).
func (s *Service) SetSurveyTexts(t SurveyTexts) { s.texts = t }

// askNext texts question step of an SMS task's questionnaire to its
// customer: the first starts the survey. A customer without a phone gives
// the task up.
func (s *Service) askNext(ctx context.Context, repo Repository, u core.UnitOfWork, t *Task, q *Questionnaire,
	step int) error {
	phone, locale, err := repo.FindSurveyContact(ctx, t.CustomerID)
	if err != nil {
		return err
	}
	now := s.now()
	if phone == "" {
		failAttempt(t, AttemptNoPhone, now, "system")
		return nil
	}
	if step == 0 {
		t.Answers = []Answer{}
	}
	t.SurveyStep, t.SurveyAskedAt, t.NextAttemptAt = &step, &now, nil
	return s.texts.AskBySMS(ctx, u, SurveyText{To: phone, Locale: locale, WorkOrderID: t.WorkOrderID,
		OrderNumber: t.OrderNumber, Question: q.SurveyPrompt(step, locale)})
}

// startSurvey starts a new SMS task's survey when this process texts.
func (s *Service) startSurvey(ctx context.Context, repo Repository, u core.UnitOfWork, t *Task) error {
	if s.texts == nil || t.Channel != ChannelSMS || t.QuestionnaireID == nil {
		return nil
	}
	q, err := repo.FindQuestionnaire(ctx, *t.QuestionnaireID, t.QuestionnaireVersion)
	if err != nil {
		return err
	}
	return s.askNext(ctx, repo, u, t, q, 0)
}

// FireSurvey does what is due on one SMS task at the clock, under its row
// lock: starts its survey when none runs and its next attempt is due, or
// fails the attempt when the question awaiting an answer timed out.
// Returns whether it did anything; nothing for a closed task or one of
// another channel, so concurrent runs act once.
func (s *Service) FireSurvey(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (bool, error) {
	repo := s.store.Callbacks(u)
	t, err := repo.LockTask(ctx, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if t.Status != StatusOpen || t.Channel != ChannelSMS || t.QuestionnaireID == nil {
		return false, nil
	}
	now := s.now()
	if t.SurveyStep != nil {
		set, err := repo.FindSettings(ctx)
		if err != nil {
			return false, err
		}
		timeout := time.Duration(set.SurveyTimeoutMinutes) * time.Minute
		if t.SurveyAskedAt != nil && now.Before(t.SurveyAskedAt.Add(timeout)) {
			return false, nil
		}
		failAttempt(t, AttemptNoAnswer, now, "system")
		repo.UpdateTask(t)
		return true, nil
	}
	if t.NextAttemptAt != nil && now.Before(*t.NextAttemptAt) || s.texts == nil {
		return false, nil
	}
	if err := s.startSurvey(ctx, repo, u, t); err != nil {
		return false, err
	}
	repo.UpdateTask(t)
	return true, nil
}

// surveyBatch bounds the tasks one FireSurveys run handles.
const surveyBatch = 500

// FireSurveys does what is due on every tenant's SMS survey tasks (starts
// and timeouts), each in its own tenant unit; a task that fails is logged
// and left for the next run. Returns how many it acted on. Without a
// SurveyStore it does nothing.
func (s *Service) FireSurveys(ctx context.Context) (int, error) {
	if s.surveys == nil || s.units == nil {
		return 0, nil
	}
	due, err := s.surveys.DueSurveys(ctx, s.now(), surveyBatch)
	if err != nil {
		return 0, err
	}
	fired := 0
	for _, d := range due {
		var did bool
		err := core.InUnitOfWork(ctx, s.units, d.TenantID, func(u core.UnitOfWork) (err error) {
			did, err = s.FireSurvey(ctx, u, d.TaskID)
			return err
		})
		if err != nil {
			s.log.Warn("SMS survey not advanced; next run retries", "tenant", d.TenantID, "task", d.TaskID, "err", err)
			continue
		}
		if did {
			fired++
		}
	}
	return fired, nil
}

// AnswerSurveyBySMS takes a customer's text as the answer to the question
// their running SMS survey awaits (their newest): records it and texts the
// next question, or, after the last, closes the task with its answers and
// sets off the tenant's act on dissatisfaction. handled is false when no
// survey of theirs awaits an answer (the text is something else). A text
// the question does not accept is EINVALID saying, in the tenant's locale,
// what it accepts (the help reply's reason); nothing changes. Returns the
// task's order. Called by core/messaging on an inbound text.
func (s *Service) AnswerSurveyBySMS(ctx context.Context, u core.UnitOfWork, customerID uuid.UUID, text,
	actor string) (handled bool, order *uuid.UUID, err error) {
	repo := s.store.Callbacks(u)
	t, err := repo.LockSurveyAwaitingAnswer(ctx, customerID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return false, nil, nil
	} else if err != nil {
		return false, nil, err
	}
	q, err := repo.FindQuestionnaire(ctx, *t.QuestionnaireID, t.QuestionnaireVersion)
	if err != nil {
		return true, nil, err
	}
	_, locale, err := repo.FindSurveyContact(ctx, customerID)
	if err != nil {
		return true, nil, err
	}
	step := *t.SurveyStep
	a, skip, err := q.ParseSMSAnswer(step, text, locale)
	if err != nil {
		return true, nil, err
	}
	if !skip {
		t.Answers = append(t.Answers, a)
	}
	if step+1 < len(q.Questions) {
		if s.texts == nil {
			return true, nil, core.Errorf(core.EINTERNAL, "SMS surveys need the SMS pipeline in this process")
		}
		if err := s.askNext(ctx, repo, u, t, q, step+1); err != nil {
			return true, nil, err
		}
		repo.UpdateTask(t)
		return true, &t.WorkOrderID, nil
	}
	if err := s.complete(ctx, u, repo, t, q, t.Answers, "", actor); err != nil {
		return true, nil, err
	}
	return true, &t.WorkOrderID, nil
}

package coretest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

// surveyTexts records the survey questions texted.
type surveyTexts struct {
	mu   sync.Mutex
	sent []callback.SurveyText
}

func (s *surveyTexts) AskBySMS(_ context.Context, _ core.UnitOfWork, m callback.SurveyText) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return nil
}

func (s *surveyTexts) all() []callback.SurveyText {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]callback.SurveyText(nil), s.sent...)
}

// surveyEnv runs SMS survey use cases over a CallbackEnv with texts
// recorded and rework orders counted.
type surveyEnv struct {
	CallbackEnv
	texts  *surveyTexts
	rework *reworks
}

func (e surveyEnv) service() *callback.Service {
	c := callback.Config{Store: e.Store, Clock: e.Clock, Rework: e.rework, Units: e.Units}
	c.Surveys, _ = e.Store.(callback.SurveyStore)
	s := callback.New(c)
	s.SetSurveyTexts(e.texts)
	return s
}

func surveyDo[T any](e surveyEnv, fn func(s *callback.Service, u core.UnitOfWork) (T, error)) (T, error) {
	var out T
	s := e.service()
	err := core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) (err error) {
		out, err = fn(s, u)
		return err
	})
	return out, err
}

// openSMSTask opens an SMS survey task on a new repair order: its first
// question is texted at once.
func (e surveyEnv) openSMSTask(t *testing.T) *callback.Task {
	q := e.saveSurvey(t)
	in := ruleFor(q)
	in.Channel = callback.ChannelSMS
	e.saveRule(t, nil, in)
	order := e.SeedOrder("repair", e.Clock.Now())
	tasks, err := surveyDo(e, func(s *callback.Service, u core.UnitOfWork) ([]*callback.Task, error) {
		return s.EvaluateOrder(context.Background(), u, order)
	})
	check(t).NoError(err)
	check(t).Len(tasks, 1)
	return tasks[0]
}

func (e surveyEnv) task(t *testing.T, id uuid.UUID) *callback.Task {
	x, err := surveyDo(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Task, error) {
		return s.Task(context.Background(), u, id)
	})
	check(t).NoError(err)
	return x
}

func (e surveyEnv) answer(customer uuid.UUID, text string) (bool, error) {
	return surveyDo(e, func(s *callback.Service, u core.UnitOfWork) (bool, error) {
		handled, _, err := s.AnswerSurveyBySMS(context.Background(), u, customer, text, "sms:"+MemorySurveyPhone)
		return handled, err
	})
}

func (e surveyEnv) fire(t *testing.T) int {
	n, err := e.service().FireSurveys(context.Background())
	check(t).NoError(err)
	return n
}

func callbackSurveyScenarios() []CallbackScenario {
	wrap := func(run func(t *testing.T, e surveyEnv)) func(t *testing.T, e CallbackEnv) {
		return func(t *testing.T, e CallbackEnv) { run(t, surveyEnv{e, &surveyTexts{}, &reworks{}}) }
	}
	return []CallbackScenario{
		{"an SMS survey asks one question per text, keeps the version and indicators, and a low score opens the rework",
			wrap(func(t *testing.T, e surveyEnv) {
				task := e.openSMSTask(t)
				sent := e.texts.all()
				check(t).Len(sent, 1)
				check(t).True(sent[0].To != "", "a phone to text")
				check(t).Equal(task.WorkOrderID, sent[0].WorkOrderID)
				check(t).Contains(sent[0].Question, "(1/3) How polite was the technician?")
				check(t).Contains(sent[0].Question, "1-5")
				check(t).Equal(0, *e.task(t, task.ID).SurveyStep)

				// A digit out of range is refused saying what is accepted; nothing changes.
				handled, err := e.answer(task.CustomerID, "9")
				check(t).True(handled)
				check(t).Equal(core.EINVALID, core.ErrorCode(err), "%v", err)
				check(t).Contains(core.ErrorMessage(err), "1-5")
				check(t).Equal(0, *e.task(t, task.ID).SurveyStep)
				check(t).Len(e.texts.all(), 1)
				// Another customer has no survey running: not handled.
				handled, err = e.answer(uuid.New(), "2")
				check(t).NoError(err)
				check(t).False(handled)

				handled, err = e.answer(task.CustomerID, "２") // full width
				check(t).NoError(err)
				check(t).True(handled)
				sent = e.texts.all()
				check(t).Len(sent, 2)
				check(t).Contains(sent[1].Question, "(2/3) Is the fault fixed?")
				check(t).Contains(sent[1].Question, "1 Yes")
				check(t).Contains(sent[1].Question, "2 No")
				_, err = e.answer(task.CustomerID, "2")
				check(t).NoError(err)
				check(t).Contains(e.texts.all()[2].Question, "(3/3) Anything else?")
				_, err = e.answer(task.CustomerID, "0")
				check(t).NoError(err)

				got := e.task(t, task.ID)
				check(t).Equal(callback.StatusDone, got.Status)
				check(t).Nil(got.SurveyStep)
				check(t).Equal(1, got.QuestionnaireVersion)
				check(t).Len(got.Answers, 2)
				check(t).Equal("attitude", got.Answers[0].Question)
				check(t).Equal(2, *got.Answers[0].Score)
				check(t).Equal("attitude", got.Answers[0].Indicator)
				check(t).Equal("no", *got.Answers[1].Choice)
				check(t).Equal("resolution", got.Answers[1].Indicator)
				check(t).True(got.Dissatisfied)
				check(t).Equal(callback.OutcomeReworkOpened, got.Outcome)
				check(t).Equal([]uuid.UUID{task.WorkOrderID}, e.rework.opened)
				// The survey is over: the next digit is not its.
				handled, err = e.answer(task.CustomerID, "5")
				check(t).NoError(err)
				check(t).False(handled)
			})},
		{"an unanswered SMS survey fails the attempt at the timeout, starts again by the schedule, then gives up",
			wrap(func(t *testing.T, e surveyEnv) {
				task := e.openSMSTask(t)
				_, err := e.answer(task.CustomerID, "4") // a partial answer, dropped at the timeout
				check(t).NoError(err)
				check(t).Equal(0, e.fire(t), "nothing is due yet")
				timeout := time.Duration(callback.DefaultSurveyTimeoutMinutes) * time.Minute
				for attempt := 1; attempt <= len(callback.RetrySchedule)+1; attempt++ {
					e.Clock.Advance(timeout + time.Minute)
					check(t).Equal(1, e.fire(t), "attempt %d times out", attempt)
					got := e.task(t, task.ID)
					check(t).Equal(attempt, got.Attempts)
					check(t).Equal(callback.AttemptNoAnswer, got.LastAttempt)
					check(t).Nil(got.SurveyStep)
					check(t).Empty(got.Answers)
					if attempt > len(callback.RetrySchedule) {
						check(t).Equal(callback.StatusGivenUp, got.Status)
						check(t).Equal("no_answer after 3 attempts", got.GiveUpReason)
						break
					}
					check(t).Equal(callback.StatusOpen, got.Status)
					check(t).Equal(0, e.fire(t), "the next attempt is not due yet")
					e.Clock.Advance(callback.RetrySchedule[attempt-1])
					before := len(e.texts.all())
					check(t).Equal(1, e.fire(t), "attempt %d starts", attempt+1)
					check(t).Len(e.texts.all(), before+1)
					check(t).Contains(e.texts.all()[before].Question, "(1/3)")
					check(t).Equal(0, *e.task(t, task.ID).SurveyStep)
				}
				check(t).Equal(0, e.fire(t), "a given-up survey is not asked again")
				handled, err := e.answer(task.CustomerID, "5")
				check(t).NoError(err)
				check(t).False(handled)
			})},
	}
}

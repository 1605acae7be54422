package coretest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

// openTask opens a task of an every-repair rule on a new repair order.
func (e CallbackEnv) openTask(t *testing.T) (*callback.Task, *callback.Questionnaire) {
	q := e.saveSurvey(t)
	e.saveRule(t, nil, ruleFor(q))
	tasks := e.evaluate(t, e.SeedOrder("repair", e.Clock.Now()))
	check(t).Len(tasks, 1)
	return tasks[0], q
}

func callbackTaskScenarios() []CallbackScenario {
	return []CallbackScenario{
		{"no answer retries by the schedule, then gives up with a reason", func(t *testing.T, e CallbackEnv) {
			task, _ := e.openTask(t)
			attempt := func(outcome string) (*callback.Task, error) {
				return cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Task, error) {
					return s.RecordAttempt(context.Background(), u, task.ID, outcome, "user:agent")
				})
			}
			_, err := attempt("hung_up")
			requireField(t, err, "outcome")
			got, err := attempt(callback.AttemptNoAnswer)
			check(t).NoError(err)
			check(t).Equal(callback.StatusOpen, got.Status)
			check(t).True(got.NextAttemptAt.Sub(e.Clock.Now().Add(callback.RetrySchedule[0])).Abs() < time.Minute, *got.NextAttemptAt)
			got, err = attempt(callback.AttemptBusy)
			check(t).NoError(err)
			check(t).True(got.NextAttemptAt.Sub(e.Clock.Now().Add(callback.RetrySchedule[1])).Abs() < time.Minute, *got.NextAttemptAt)
			got, err = attempt(callback.AttemptNoAnswer)
			check(t).NoError(err)
			check(t).Equal(callback.StatusGivenUp, got.Status)
			check(t).Equal("no_answer after 3 attempts", got.GiveUpReason)
			_, err = attempt(callback.AttemptNoAnswer)
			check(t).Equal(core.ECONFLICT, core.ErrorCode(err))
			list, err := cb(e, func(s *callback.Service, u core.UnitOfWork) ([]*callback.Task, error) {
				l, _, err := s.Tasks(context.Background(), u, callback.TaskFilter{Status: callback.StatusGivenUp,
					Within: core.Scope{All: true}})
				return l, err
			})
			check(t).NoError(err)
			check(t).Len(list, 1)
			check(t).Equal(task.ID, list[0].ID)
		}},
		{"a wrong-typed answer is refused naming the field and nothing is saved", func(t *testing.T, e CallbackEnv) {
			task, _ := e.openTask(t)
			for _, c := range []struct {
				field   string
				answers []callback.Answer
			}{
				{"answers[0].choice", []callback.Answer{{Question: "attitude", Choice: ptr("5")}}},
				{"answers[0].score", []callback.Answer{{Question: "attitude", Score: ptr(6)}}},
				{"answers[0].choice", []callback.Answer{{Question: "resolved", Choice: ptr("maybe")}}},
				{"answers[0].question", []callback.Answer{{Question: "colour", Score: ptr(3)}}},
				{"answers", []callback.Answer{{Question: "resolved", Choice: ptr("yes")}}},
			} {
				_, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Task, error) {
					return s.SubmitAnswers(context.Background(), u, task.ID, c.answers, "", "user:agent")
				})
				requireField(t, err, c.field)
			}
			got, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Task, error) {
				return s.Task(context.Background(), u, task.ID)
			})
			check(t).NoError(err)
			check(t).Equal(callback.StatusOpen, got.Status)
			check(t).Empty(got.Answers)
		}},
		{"answers keep the version asked; not resolved opens a rework linked to the order", func(t *testing.T, e CallbackEnv) {
			task, q := e.openTask(t)
			in := SurveyInput()
			in.Questions = in.Questions[:1] // version 2 drops the resolved question
			_, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Questionnaire, error) {
				return s.SaveQuestionnaire(context.Background(), u, &q.ID, in, "user:test")
			})
			check(t).NoError(err)
			rw := &reworks{}
			got, err := callbackCall(e, e.Tenant, rw, func(s *callback.Service, u core.UnitOfWork) (*callback.Task, error) {
				return s.SubmitAnswers(context.Background(), u, task.ID, []callback.Answer{
					{Question: "attitude", Score: ptr(4)}, {Question: "resolved", Choice: ptr("no")}}, "still broken", "user:agent")
			})
			check(t).NoError(err)
			check(t).Equal(callback.StatusDone, got.Status)
			check(t).Equal(1, got.QuestionnaireVersion)
			check(t).True(got.Dissatisfied)
			check(t).Equal(callback.OutcomeReworkOpened, got.Outcome)
			check(t).Equal([]uuid.UUID{task.WorkOrderID}, rw.opened)
			read, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Task, error) {
				return s.Task(context.Background(), u, task.ID)
			})
			check(t).NoError(err)
			check(t).Len(read.Answers, 2)
			check(t).Equal(got.ReworkOrderID, read.ReworkOrderID)
		}},
		{"a tenant asking for complaints gets a clear not-available outcome until they exist", func(t *testing.T, e CallbackEnv) {
			task, _ := e.openTask(t)
			_, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (callback.Settings, error) {
				set := callback.DefaultSettings()
				set.Dissatisfaction = callback.ActComplaint
				return s.SaveSettings(context.Background(), u, set)
			})
			check(t).NoError(err)
			got, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Task, error) {
				return s.SubmitAnswers(context.Background(), u, task.ID, []callback.Answer{{Question: "attitude", Score: ptr(1)}},
					"", "user:agent")
			})
			check(t).NoError(err)
			check(t).Equal(callback.OutcomeComplaintUnavailable, got.Outcome)
		}},
	}
}

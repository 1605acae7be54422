package coretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

func callbackRuleScenarios() []CallbackScenario {
	return []CallbackScenario{
		{"questionnaire versions: a save adds one, the first stays", func(t *testing.T, e CallbackEnv) {
			q := e.saveSurvey(t)
			in := SurveyInput()
			in.Questions = in.Questions[:1]
			q2, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Questionnaire, error) {
				return s.SaveQuestionnaire(context.Background(), u, &q.ID, in, "user:test")
			})
			check(t).NoError(err)
			check(t).Equal(q.ID, q2.ID)
			check(t).Equal(2, q2.Version)
			v1, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Questionnaire, error) {
				return s.Questionnaire(context.Background(), u, q.ID, 1)
			})
			check(t).NoError(err)
			check(t).Len(v1.Questions, 3)
			list, err := cb(e, func(s *callback.Service, u core.UnitOfWork) ([]*callback.Questionnaire, error) {
				return s.Questionnaires(context.Background(), u, false)
			})
			check(t).NoError(err)
			check(t).Len(list, 1)
			check(t).Equal(2, list[0].Version)
		}},
		{"a questionnaire with an unknown indicator is refused naming it, nothing saved", func(t *testing.T, e CallbackEnv) {
			in := SurveyInput()
			in.Questions[1].Indicator = "mood"
			_, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Questionnaire, error) {
				return s.SaveQuestionnaire(context.Background(), u, nil, in, "user:test")
			})
			requireField(t, err, "questions[1].indicator")
			list, err := cb(e, func(s *callback.Service, u core.UnitOfWork) ([]*callback.Questionnaire, error) {
				return s.Questionnaires(context.Background(), u, false)
			})
			check(t).NoError(err)
			check(t).Empty(list)
		}},
		{"a rule whose condition does not compile or names unknown fields is refused naming condition", func(t *testing.T, e CallbackEnv) {
			q := e.saveSurvey(t)
			for _, cond := range []string{`type ==`, `colour == "red"`, `number`} {
				in := ruleFor(q)
				in.Condition = cond
				_, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Rule, error) {
					return s.SaveRule(context.Background(), u, nil, in)
				})
				requireField(t, err, "condition")
			}
			in := ruleFor(q)
			in.QuestionnaireID = uuid.New()
			_, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Rule, error) {
				return s.SaveRule(context.Background(), u, nil, in)
			})
			requireField(t, err, "questionnaire_id")
		}},
		{"a completed order is judged once per rule: a second run opens nothing", func(t *testing.T, e CallbackEnv) {
			q := e.saveSurvey(t)
			r := e.saveRule(t, nil, ruleFor(q))
			order := e.SeedOrder("repair", e.Clock.Now())
			tasks := e.evaluate(t, order)
			check(t).Len(tasks, 1)
			check(t).Equal(r.ID, *tasks[0].RuleID)
			check(t).Equal(q.Version, tasks[0].QuestionnaireVersion)
			check(t).NotNil(tasks[0].DueAt)
			check(t).True(tasks[0].DueAt.After(e.Clock.Now()))
			check(t).Empty(e.evaluate(t, order))
			check(t).Empty(e.evaluate(t, e.SeedOrder("installation", e.Clock.Now())))
		}},
		{"a rule failing at run time is recorded and skipped; the others still run", func(t *testing.T, e CallbackEnv) {
			q := e.saveSurvey(t)
			bad := ruleFor(q)
			bad.Name, bad.Condition = "Broken", `int(number) > 0`
			e.saveRule(t, nil, bad)
			good := e.saveRule(t, nil, ruleFor(q))
			tasks := e.evaluate(t, e.SeedOrder("repair", e.Clock.Now()))
			check(t).Len(tasks, 1)
			check(t).Equal(good.ID, *tasks[0].RuleID)
		}},
		{"the preview selects exactly what the rule then does", func(t *testing.T, e CallbackEnv) {
			q := e.saveSurvey(t)
			in := ruleFor(q)
			in.Enabled, in.Sample, in.Condition = false, 0.5, `type == "repair" && number != ""`
			r := e.saveRule(t, nil, in)
			var orders []uuid.UUID
			for i := range 40 {
				typ := []string{"repair", "installation"}[i%2]
				orders = append(orders, e.SeedOrder(typ, e.Clock.Now().Add(-time.Duration(i+1)*time.Hour)))
			}
			e.SeedOrder("repair", e.Clock.Now().AddDate(0, -2, 0)) // before the preview's month
			preview, err := cb(e, func(s *callback.Service, u core.UnitOfWork) ([]uuid.UUID, error) {
				fs, _, err := s.Preview(context.Background(), u, r.ID)
				var ids []uuid.UUID
				for _, f := range fs {
					ids = append(ids, f.OrderID)
				}
				return ids, err
			})
			check(t).NoError(err)
			check(t).True(len(preview) > 0)
			check(t).True(len(preview) < 20, len(preview))
			in.Enabled = true
			e.saveRule(t, &r.ID, in)
			var actual []uuid.UUID
			for _, o := range orders {
				for _, task := range e.evaluate(t, o) {
					actual = append(actual, task.WorkOrderID)
				}
			}
			sortIDs := func(ids []uuid.UUID) {
				slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
			}
			sortIDs(preview)
			sortIDs(actual)
			check(t).Equal(preview, actual)
		}},
		{"another tenant sees none of it", func(t *testing.T, e CallbackEnv) {
			q := e.saveSurvey(t)
			r := e.saveRule(t, nil, ruleFor(q))
			_, err := callbackCall(e, e.Other, nil, func(s *callback.Service, u core.UnitOfWork) (*callback.Questionnaire, error) {
				return s.Questionnaire(context.Background(), u, q.ID, 0)
			})
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
			_, err = callbackCall(e, e.Other, nil, func(s *callback.Service, u core.UnitOfWork) (*callback.Rule, error) {
				return s.Rule(context.Background(), u, r.ID)
			})
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
		}},
	}
}

package coretest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

// CallbackEnv is what the callback scenarios run on: a store with two
// tenants, the clock, and a way to add a completed order to Tenant.
type CallbackEnv struct {
	Units         core.UnitsOfWork
	Store         callback.Store
	Clock         *Clock
	Tenant, Other uuid.UUID
	// SeedOrder adds an order of type typ completed at at; returns its ID.
	SeedOrder func(typ string, at time.Time) uuid.UUID
}

// NewMemoryCallbackEnv seeds the fake with a CallbackEnv's tenants.
func NewMemoryCallbackEnv() CallbackEnv {
	f := NewCallbacks()
	e := CallbackEnv{Units: f, Store: f, Clock: &Clock{}, Tenant: uuid.New(), Other: uuid.New()}
	f.Write(func(ts CallbackTenants) CallbackTenants {
		ts[e.Tenant], ts[e.Other] = NewCallbackTenant(), NewCallbackTenant()
		return ts
	})
	n := 0
	e.SeedOrder = func(typ string, at time.Time) uuid.UUID {
		id := uuid.New()
		n++
		f.Write(func(ts CallbackTenants) CallbackTenants {
			utc := at.UTC()
			ts[e.Tenant].Orders[id] = callback.Facts{OrderID: id, Number: "WO-2612-" + uuid.NewString()[:6], Type: typ,
				CustomerID: uuid.New(), CompletedAt: at.Truncate(time.Microsecond),
				Weekday: (int(utc.Weekday())+6)%7 + 1, Minute: utc.Hour()*60 + utc.Minute()}
			return ts
		})
		return id
	}
	return e
}

// CallbackScenario is one scenario of the callback use cases.
type CallbackScenario struct {
	Name string
	Run  func(t *testing.T, e CallbackEnv)
}

// reworks records the rework orders it is asked to open.
type reworks struct{ opened []uuid.UUID }

func (r *reworks) OpenRework(_ context.Context, _ core.UnitOfWork, original uuid.UUID, _, _ string) (uuid.UUID, error) {
	r.opened = append(r.opened, original)
	return uuid.New(), nil
}

// callbackCall runs fn in a unit of tenant with a service over e and
// commits it.
func callbackCall[T any](e CallbackEnv, tenant uuid.UUID, rework callback.ReworkOpener,
	fn func(s *callback.Service, u core.UnitOfWork) (T, error)) (T, error) {
	var out T
	s := callback.New(callback.Config{Store: e.Store, Clock: e.Clock, Rework: rework})
	err := core.InUnitOfWork(context.Background(), e.Units, tenant, func(u core.UnitOfWork) (err error) {
		out, err = fn(s, u)
		return err
	})
	return out, err
}

// cb runs fn in a unit of Tenant without a rework opener.
func cb[T any](e CallbackEnv, fn func(s *callback.Service, u core.UnitOfWork) (T, error)) (T, error) {
	return callbackCall(e, e.Tenant, nil, fn)
}

// SurveyInput is a questionnaire of a rating, a resolved question and a
// free text, the scenarios' and the API tests' example.
func SurveyInput() callback.QuestionnaireInput {
	return callback.QuestionnaireInput{Name: "After repair", LowScore: 2, Questions: []callback.Question{
		{Key: "attitude", Kind: callback.KindRating, Text: "How polite was the technician?", Indicator: "attitude", Required: true},
		{Key: "resolved", Kind: callback.KindSingle, Text: "Is the fault fixed?", Indicator: "resolution",
			Options: []callback.Option{{Value: "yes", Label: "Yes"}, {Value: "no", Label: "No", Dissatisfied: true}}},
		{Key: "remarks", Kind: callback.KindText, Text: "Anything else?"},
	}}
}

func (e CallbackEnv) saveSurvey(t *testing.T) *callback.Questionnaire {
	q, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Questionnaire, error) {
		return s.SaveQuestionnaire(context.Background(), u, nil, SurveyInput(), "user:test")
	})
	check(t).NoError(err)
	return q
}

func (e CallbackEnv) saveRule(t *testing.T, id *uuid.UUID, in callback.RuleInput) *callback.Rule {
	r, err := cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Rule, error) {
		return s.SaveRule(context.Background(), u, id, in)
	})
	check(t).NoError(err)
	return r
}

func (e CallbackEnv) evaluate(t *testing.T, order uuid.UUID) []*callback.Task {
	ts, err := cb(e, func(s *callback.Service, u core.UnitOfWork) ([]*callback.Task, error) {
		return s.EvaluateOrder(context.Background(), u, order)
	})
	check(t).NoError(err)
	return ts
}

func ruleFor(q *callback.Questionnaire) callback.RuleInput {
	return callback.RuleInput{Name: "Every repair", Enabled: true, OrderTypes: []string{"repair"}, Sample: 1, DueDays: 3,
		Channel: callback.ChannelCall, QuestionnaireID: q.ID}
}

func requireField(t *testing.T, err error, field string) {
	t.Helper()
	check(t).Equal(core.EINVALID, core.ErrorCode(err), "%v", err)
	ce, ok := err.(*core.Error)
	check(t).True(ok, err)
	check(t).Contains(ce.Fields, field, err)
}

// CallbackScenarios are the scenarios of the callback use cases.
func CallbackScenarios() []CallbackScenario {
	return append(append(append(callbackRuleScenarios(), callbackTaskScenarios()...), callbackSurveyScenarios()...), callbackWindowScenarios()...)
}

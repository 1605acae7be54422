package coretest

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/callback"
)

// Callbacks is the in-memory fake of callback.Store (and of the units it
// needs): one database of CallbackTenants.
type Callbacks struct {
	*Memory[CallbackTenants]
}

// CallbackTenants are the fake's callback rows by tenant.
type CallbackTenants map[uuid.UUID]*CallbackTenant

// CallbackTenant is one tenant's callback rows, and the completed orders
// the rules read.
type CallbackTenant struct {
	Settings       *callback.Settings
	Questionnaires map[uuid.UUID][]callback.Questionnaire // by ID, versions in order
	Rules          map[uuid.UUID]callback.Rule
	Orders         map[uuid.UUID]callback.Facts
	Evaluations    map[[2]uuid.UUID]callback.Evaluation
	Tasks          map[uuid.UUID]callback.Task
	NoPhone        map[uuid.UUID]bool // customers without a phone
}

// NewCallbacks returns an empty fake.
func NewCallbacks() *Callbacks {
	return &Callbacks{Memory: NewMemory(CallbackTenants{}, cloneCallbackTenants)}
}

// NewCallbackTenant returns a tenant with no rows.
func NewCallbackTenant() *CallbackTenant {
	return &CallbackTenant{Questionnaires: map[uuid.UUID][]callback.Questionnaire{}, Rules: map[uuid.UUID]callback.Rule{},
		Orders: map[uuid.UUID]callback.Facts{}, Evaluations: map[[2]uuid.UUID]callback.Evaluation{},
		Tasks: map[uuid.UUID]callback.Task{}}
}

func cloneCallbackTenants(ts CallbackTenants) CallbackTenants {
	out := make(CallbackTenants, len(ts))
	for id, t := range ts {
		c := *t
		c.Questionnaires, c.Rules, c.Orders = maps.Clone(t.Questionnaires), maps.Clone(t.Rules), maps.Clone(t.Orders)
		c.Evaluations, c.Tasks = maps.Clone(t.Evaluations), maps.Clone(t.Tasks)
		out[id] = &c
	}
	return out
}

// Callbacks implements callback.Store.
func (f *Callbacks) Callbacks(u core.UnitOfWork) callback.Repository {
	return callbackRepo{u: UnitOf[CallbackTenants](u)}
}

type callbackRepo struct{ u *Unit[CallbackTenants] }

func (r callbackRepo) t() *CallbackTenant {
	if t, ok := r.u.State()[r.u.TenantID()]; ok {
		return t
	}
	return NewCallbackTenant()
}

func (r callbackRepo) FindSettings(context.Context) (callback.Settings, error) {
	if s := r.t().Settings; s != nil {
		return *s, nil
	}
	return callback.DefaultSettings(), nil
}

func (r callbackRepo) SaveSettings(s callback.Settings) { r.t().Settings = &s }

func (r callbackRepo) Calendar(context.Context) (*calendar.Calendar, error) {
	return core.DefaultCalendar("Asia/Shanghai").Calendar()
}

func (r callbackRepo) InsertQuestionnaire(_ context.Context, q *callback.Questionnaire) error {
	vs := r.t().Questionnaires[q.ID]
	if len(vs) >= q.Version {
		return core.Errorf(core.ECONFLICT, "questionnaire version %d exists", q.Version)
	}
	r.t().Questionnaires[q.ID] = append(slices.Clone(vs), *q)
	return nil
}

func (r callbackRepo) FindQuestionnaire(_ context.Context, id uuid.UUID, version int) (*callback.Questionnaire, error) {
	vs := r.t().Questionnaires[id]
	if version == 0 {
		version = len(vs)
	}
	if version < 1 || version > len(vs) {
		return nil, core.Errorf(core.ENOTFOUND, "questionnaire not found")
	}
	q := vs[version-1]
	return &q, nil
}

func (r callbackRepo) FindQuestionnaires(_ context.Context, archived bool) ([]*callback.Questionnaire, error) {
	out := []*callback.Questionnaire{}
	for _, vs := range r.t().Questionnaires {
		q := vs[len(vs)-1]
		if archived || q.ArchivedAt == nil {
			out = append(out, &q)
		}
	}
	slices.SortFunc(out, func(a, b *callback.Questionnaire) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (r callbackRepo) InsertRule(x *callback.Rule) { r.t().Rules[x.ID] = *x }
func (r callbackRepo) UpdateRule(x *callback.Rule) { r.t().Rules[x.ID] = *x }

func (r callbackRepo) FindRule(_ context.Context, id uuid.UUID) (*callback.Rule, error) {
	x, ok := r.t().Rules[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "callback rule not found")
	}
	return &x, nil
}

func (r callbackRepo) FindRules(_ context.Context, enabledOnly bool) ([]*callback.Rule, error) {
	out := []*callback.Rule{}
	for _, x := range r.t().Rules {
		if x.Enabled || !enabledOnly {
			out = append(out, &x)
		}
	}
	slices.SortFunc(out, func(a, b *callback.Rule) int { return strings.Compare(a.Name+a.ID.String(), b.Name+b.ID.String()) })
	return out, nil
}

func (r callbackRepo) FindOrderFacts(_ context.Context, id uuid.UUID) (*callback.Facts, error) {
	f, ok := r.t().Orders[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "order not found")
	}
	return &f, nil
}

func (r callbackRepo) FindCompletedOrderFacts(_ context.Context, from, to time.Time, limit int) ([]*callback.Facts, error) {
	out := []*callback.Facts{}
	for _, f := range r.t().Orders {
		if !f.CompletedAt.Before(from) && f.CompletedAt.Before(to) {
			out = append(out, &f)
		}
	}
	slices.SortFunc(out, func(a, b *callback.Facts) int {
		if c := a.CompletedAt.Compare(b.CompletedAt); c != 0 {
			return c
		}
		return strings.Compare(a.OrderID.String(), b.OrderID.String())
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (r callbackRepo) ClaimEvaluation(_ context.Context, e callback.Evaluation) (bool, error) {
	k := [2]uuid.UUID{e.RuleID, e.WorkOrderID}
	if _, ok := r.t().Evaluations[k]; ok {
		return false, nil
	}
	r.t().Evaluations[k] = e
	return true, nil
}

func (r callbackRepo) InsertTask(x *callback.Task) { r.t().Tasks[x.ID] = *x }
func (r callbackRepo) UpdateTask(x *callback.Task) { r.t().Tasks[x.ID] = *x }

func (r callbackRepo) QuestionnaireInUse(_ context.Context, id uuid.UUID) (bool, error) {
	for _, x := range r.t().Rules {
		if x.QuestionnaireID == id {
			return true, nil
		}
	}
	for _, x := range r.t().Tasks {
		if x.QuestionnaireID != nil && *x.QuestionnaireID == id {
			return true, nil
		}
	}
	return false, nil
}

func (r callbackRepo) DeleteQuestionnaire(id uuid.UUID) { delete(r.t().Questionnaires, id) }

func (r callbackRepo) ArchiveQuestionnaire(id uuid.UUID, at *time.Time) {
	vs := slices.Clone(r.t().Questionnaires[id])
	for i := range vs {
		vs[i].ArchivedAt = at
	}
	r.t().Questionnaires[id] = vs
}

func (r callbackRepo) DeleteRule(id uuid.UUID) {
	delete(r.t().Rules, id)
	for k := range r.t().Evaluations {
		if k[0] == id {
			delete(r.t().Evaluations, k)
		}
	}
}

// LockSurveyAwaitingAnswer implements callback.Repository.
func (r callbackRepo) LockSurveyAwaitingAnswer(_ context.Context, customerID uuid.UUID) (*callback.Task, error) {
	var best *callback.Task
	for _, x := range r.t().Tasks {
		if x.CustomerID != customerID || x.Channel != callback.ChannelSMS || x.Status != callback.StatusOpen ||
			x.SurveyStep == nil {
			continue
		}
		if best == nil || x.SurveyAskedAt.After(*best.SurveyAskedAt) {
			best = &x
		}
	}
	if best == nil {
		return nil, core.Errorf(core.ENOTFOUND, "SMS survey not found")
	}
	return best, nil
}

// FindSurveyContact implements callback.Repository: every customer of the
// fake has the phone MemorySurveyPhone but those in NoPhone; the locale is
// en.
func (r callbackRepo) FindSurveyContact(_ context.Context, customerID uuid.UUID) (string, string, error) {
	if r.t().NoPhone[customerID] {
		return "", core.LocaleEn, nil
	}
	return MemorySurveyPhone, core.LocaleEn, nil
}

// MemorySurveyPhone is the phone of the fake's customers.
const MemorySurveyPhone = "8613800138000"

// DueSurveys implements callback.SurveyStore.
func (f *Callbacks) DueSurveys(_ context.Context, now time.Time, limit int) ([]callback.DueSurvey, error) {
	var out []callback.DueSurvey
	var ts CallbackTenants
	f.Read(func(s CallbackTenants) { ts = cloneCallbackTenants(s) })
	for tenant, t := range ts {
		timeout := time.Duration(callback.DefaultSurveyTimeoutMinutes) * time.Minute
		if t.Settings != nil {
			timeout = time.Duration(t.Settings.SurveyTimeoutMinutes) * time.Minute
		}
		for _, x := range t.Tasks {
			if x.Channel != callback.ChannelSMS || x.Status != callback.StatusOpen || x.QuestionnaireID == nil {
				continue
			}
			start := x.SurveyStep == nil && (x.NextAttemptAt == nil || !x.NextAttemptAt.After(now))
			timedOut := x.SurveyStep != nil && !x.SurveyAskedAt.Add(timeout).After(now)
			if (start || timedOut) && len(out) < limit {
				out = append(out, callback.DueSurvey{TenantID: tenant, TaskID: x.ID})
			}
		}
	}
	return out, nil
}

func (r callbackRepo) FindTask(_ context.Context, id uuid.UUID) (*callback.Task, error) {
	x, ok := r.t().Tasks[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "callback task not found")
	}
	return &x, nil
}

func (r callbackRepo) LockTask(ctx context.Context, id uuid.UUID) (*callback.Task, error) {
	return r.FindTask(ctx, id)
}

// FindTasks implements callback.Repository; the fake knows no sites, so a
// scoped caller sees only tasks of the sites it is given.
func (r callbackRepo) FindTasks(_ context.Context, f callback.TaskFilter) ([]*callback.Task, string, error) {
	out := []*callback.Task{}
	for _, x := range r.t().Tasks {
		if f.Status != "" && x.Status != f.Status || f.Group != "" && x.Group != f.Group {
			continue
		}
		if f.CustomerID != uuid.Nil && x.CustomerID != f.CustomerID || f.WorkOrderID != uuid.Nil && x.WorkOrderID != f.WorkOrderID {
			continue
		}
		if f.ClaimID != uuid.Nil && (x.ClaimID == nil || *x.ClaimID != f.ClaimID) {
			continue
		}
		// A site of the scope does not reach its claims' audit callbacks.
		if !f.Within.All && (x.SiteID == nil || !slices.Contains(f.Within.Sites, *x.SiteID) || x.Source == callback.SourceClaimAudit) {
			continue
		}
		out = append(out, &x)
	}
	slices.SortFunc(out, func(a, b *callback.Task) int {
		if a.DueAt != nil && b.DueAt != nil && !a.DueAt.Equal(*b.DueAt) {
			return a.DueAt.Compare(*b.DueAt)
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	return cutPage(out, f.Limit, func(x *callback.Task) string { return x.ID.String() })
}

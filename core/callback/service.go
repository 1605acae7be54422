package callback

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Service runs the callback use cases. Every method that takes a unit of
// work reads and writes through it and leaves it open: its caller commits.
type Service struct {
	store      Store
	clock      core.Clock
	rework     ReworkOpener
	complaints ComplaintOpener
	log        *slog.Logger
	texts      SurveyTexts
	surveys    SurveyStore
	units      core.UnitsOfWork
	audit      audit.Store
	claims     ClaimAudits
}

// Config is what a Service is built from.
type Config struct {
	Store      Store
	Clock      core.Clock      // nil: the system clock
	Rework     ReworkOpener    // nil: a rework act records OutcomeNone
	Complaints ComplaintOpener // nil: OutcomeComplaintUnavailable
	Log        *slog.Logger    // nil: discarded
	// Surveys and Units let FireSurveys find and advance SMS surveys
	// across tenants (nil: it does nothing).
	Surveys SurveyStore
	Units   core.UnitsOfWork
	// Audit records rule and questionnaire deletions (nil: not recorded).
	Audit audit.Store
}

// New returns the callback use cases.
func New(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: c.Store, clock: c.Clock, rework: c.Rework, complaints: c.Complaints, log: c.Log,
		surveys: c.Surveys, units: c.Units, audit: c.Audit}
}

func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// Settings reads the tenant's callback settings.
func (s *Service) Settings(ctx context.Context, u core.UnitOfWork) (Settings, error) {
	return s.store.Callbacks(u).FindSettings(ctx)
}

// SaveSettings replaces them; EINVALID naming the field.
func (s *Service) SaveSettings(ctx context.Context, u core.UnitOfWork, in Settings) (Settings, error) {
	if err := in.Validate(); err != nil {
		return Settings{}, err
	}
	s.store.Callbacks(u).SaveSettings(in)
	return in, nil
}

// SaveQuestionnaire stores a questionnaire: a new one when id is nil, else
// the next version of id. EINVALID naming the field; ENOTFOUND; ECONFLICT
// when another save took the version.
func (s *Service) SaveQuestionnaire(ctx context.Context, u core.UnitOfWork, id *uuid.UUID, in QuestionnaireInput,
	actor string) (*Questionnaire, error) {
	repo := s.store.Callbacks(u)
	set, err := repo.FindSettings(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(set.EnabledIndicators()); err != nil {
		return nil, err
	}
	q := &Questionnaire{ID: uuid.New(), Version: 1, Name: in.Name, Questions: in.Questions, LowScore: in.LowScore,
		CreatedAt: s.now(), CreatedBy: actor}
	if id != nil {
		prev, err := repo.FindQuestionnaire(ctx, *id, 0)
		if err != nil {
			return nil, err
		}
		if prev.ArchivedAt != nil {
			return nil, core.Errorf(core.ECONFLICT, "questionnaire %s is archived: restore it before saving a new version", prev.ID)
		}
		q.ID, q.Version = prev.ID, prev.Version+1
	}
	if err := repo.InsertQuestionnaire(ctx, q); err != nil {
		return nil, err
	}
	return q, nil
}

// Questionnaire reads a version (0: the latest); ENOTFOUND.
func (s *Service) Questionnaire(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int) (*Questionnaire, error) {
	return s.store.Callbacks(u).FindQuestionnaire(ctx, id, version)
}

// Questionnaires lists the latest version of each.
func (s *Service) Questionnaires(ctx context.Context, u core.UnitOfWork, archived bool) ([]*Questionnaire, error) {
	return s.store.Callbacks(u).FindQuestionnaires(ctx, archived)
}

// SaveRule creates a rule (id nil) or replaces one. EINVALID naming the
// field (an expression that does not compile or names unknown fields:
// "condition"; an unknown questionnaire: "questionnaire_id"); ENOTFOUND.
func (s *Service) SaveRule(ctx context.Context, u core.UnitOfWork, id *uuid.UUID, in RuleInput) (*Rule, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Callbacks(u)
	if q, err := repo.FindQuestionnaire(ctx, in.QuestionnaireID, 0); core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.FieldError("questionnaire_id", "no questionnaire %s", in.QuestionnaireID)
	} else if err != nil {
		return nil, err
	} else if q.ArchivedAt != nil {
		return nil, core.FieldError("questionnaire_id", "questionnaire %s is archived", in.QuestionnaireID)
	}
	now := s.now()
	r := &Rule{ID: uuid.New(), CreatedAt: now}
	if id != nil {
		old, err := repo.FindRule(ctx, *id)
		if err != nil {
			return nil, err
		}
		r.ID, r.CreatedAt = old.ID, old.CreatedAt
	}
	r.Name, r.Enabled, r.Trigger, r.OrderTypes, r.ProductLines, r.Models = in.Name, in.Enabled, in.Trigger, in.OrderTypes,
		in.ProductLines, in.Models
	r.SiteIDs, r.RegionIDs, r.From, r.Until, r.Sample, r.Condition = in.SiteIDs, in.RegionIDs, in.From, in.Until, in.Sample,
		in.Condition
	r.Weekdays, r.TimeFrom, r.TimeUntil = in.Weekdays, in.TimeFrom, in.TimeUntil
	if r.Weekdays == nil {
		r.Weekdays = []int{}
	}
	r.DueDays, r.DueHours, r.Channel, r.Group, r.QuestionnaireID, r.UpdatedAt = in.DueDays, in.DueHours, in.Channel,
		in.Group, in.QuestionnaireID, now
	if id == nil {
		repo.InsertRule(r)
	} else {
		repo.UpdateRule(r)
	}
	return r, nil
}

// Rules lists the tenant's rules.
func (s *Service) Rules(ctx context.Context, u core.UnitOfWork) ([]*Rule, error) {
	return s.store.Callbacks(u).FindRules(ctx, false)
}

// Rule reads one; ENOTFOUND.
func (s *Service) Rule(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*Rule, error) {
	return s.store.Callbacks(u).FindRule(ctx, id)
}

// Selection is an order a rule selects.
type Selection struct {
	Rule  *Rule
	Facts *Facts
}

// Failure is a rule that failed at run time on an order: recorded and
// skipped.
type Failure struct {
	Rule  *Rule
	Facts *Facts
	Err   error
}

// Select runs the rules over the orders' facts: what each selects, and
// where a rule failed. It is the one decision preview and evaluation share.
func Select(tenant uuid.UUID, rules []*Rule, facts []*Facts) ([]Selection, []Failure) {
	var sel []Selection
	var fail []Failure
	cs := make([]compiled, 0, len(rules))
	for _, r := range rules {
		c, err := compile(r)
		if err != nil {
			for _, f := range facts {
				fail = append(fail, Failure{Rule: r, Facts: f, Err: err})
			}
			continue
		}
		cs = append(cs, c)
	}
	for _, f := range facts {
		for _, c := range cs {
			ok, err := c.matches(tenant, f)
			if err != nil {
				fail = append(fail, Failure{Rule: c.Rule, Facts: f, Err: err})
			} else if ok {
				sel = append(sel, Selection{Rule: c.Rule, Facts: f})
			}
		}
	}
	return sel, fail
}

// PreviewLimit bounds the orders a preview reads.
const PreviewLimit = 50000

// Preview lists which of the orders completed in the last month (before
// now) a rule would select, as if it were enabled: the same decision
// EvaluateOrder takes. ENOTFOUND.
func (s *Service) Preview(ctx context.Context, u core.UnitOfWork, id uuid.UUID) ([]*Facts, int, error) {
	repo := s.store.Callbacks(u)
	r, err := repo.FindRule(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	probe := *r
	probe.Enabled = true
	now := s.now()
	facts, err := repo.FindCompletedOrderFacts(ctx, now.AddDate(0, -1, 0), now, PreviewLimit)
	if err != nil {
		return nil, 0, err
	}
	sel, _ := Select(u.TenantID(), []*Rule{&probe}, facts)
	out := make([]*Facts, len(sel))
	for i, x := range sel {
		out[i] = x.Facts
	}
	return out, len(facts), nil
}

package callback

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/deadline"
)

// EvaluateOrder runs the tenant's enabled rules on a completed order, once
// per order and rule: a rule that judged it before is not asked again, so
// a redelivered completion opens nothing twice. Each selecting rule opens a
// task due by its policy in the tenant's business calendar; a rule failing
// at run time is recorded and skipped. Called by jobs on the order's
// completion. Returns the tasks it opened; nothing when the order is not
// the tenant's or not completed.
func (s *Service) EvaluateOrder(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID) ([]*Task, error) {
	repo := s.store.Callbacks(u)
	f, err := repo.FindOrderFacts(ctx, orderID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rules, err := repo.FindRules(ctx, true)
	if err != nil || len(rules) == 0 {
		return nil, err
	}
	sel, fail := Select(u.TenantID(), rules, []*Facts{f})
	now := s.now()
	verdicts := make(map[uuid.UUID]Evaluation, len(rules))
	for _, r := range rules {
		verdicts[r.ID] = Evaluation{RuleID: r.ID, WorkOrderID: orderID, At: now}
	}
	for _, x := range fail {
		e := verdicts[x.Rule.ID]
		e.Error = x.Err.Error()
		verdicts[x.Rule.ID] = e
		s.log.Warn("callback rule failed; skipped", "rule", x.Rule.ID, "order", orderID, "err", x.Err)
	}
	for _, x := range sel {
		e := verdicts[x.Rule.ID]
		e.Selected = true
		verdicts[x.Rule.ID] = e
	}
	var out []*Task
	for _, r := range rules {
		first, err := repo.ClaimEvaluation(ctx, verdicts[r.ID])
		if err != nil {
			return nil, err
		}
		if !first || !verdicts[r.ID].Selected {
			continue
		}
		t, err := s.newTask(ctx, repo, r, f, now)
		if err != nil {
			return nil, err
		}
		repo.InsertTask(t)
		if t.Channel == ChannelSMS && s.texts != nil {
			if err := s.startSurvey(ctx, repo, u, t); err != nil {
				return nil, err
			}
			repo.UpdateTask(t)
		}
		out = append(out, t)
	}
	return out, nil
}

// newTask is the task a rule opens for an order.
func (s *Service) newTask(ctx context.Context, repo Repository, r *Rule, f *Facts, now time.Time) (*Task, error) {
	q, err := repo.FindQuestionnaire(ctx, r.QuestionnaireID, 0)
	if err != nil {
		return nil, err
	}
	due, err := s.dueAt(ctx, repo, r, f.CompletedAt)
	if err != nil {
		return nil, err
	}
	rid, qid := r.ID, q.ID
	return &Task{ID: uuid.New(), Source: SourceRule, RuleID: &rid, WorkOrderID: f.OrderID, OrderNumber: f.Number,
		CustomerID: f.CustomerID, SiteID: f.Site, Group: r.Group, Channel: r.Channel, QuestionnaireID: &qid,
		QuestionnaireVersion: q.Version, Status: StatusOpen, DueAt: &due, Answers: []Answer{}, CreatedAt: now}, nil
}

// dueAt is when a rule's task is due: its window in the tenant's calendar
// from the order's completion (the deadline engine).
func (s *Service) dueAt(ctx context.Context, repo Repository, r *Rule, start time.Time) (time.Time, error) {
	cal, err := repo.Calendar(ctx)
	if err != nil {
		return time.Time{}, err
	}
	p := deadline.Policy{Days: r.DueDays, Work: time.Duration(r.DueHours) * time.Hour}
	if r.DueDays > 0 {
		p.Work = 0
	}
	return p.Due(cal, start, nil)
}

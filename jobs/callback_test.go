package jobs_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/coretest"
)

// TestCompletionRunsCallbackRulesOnce: an order's completion, relayed
// through the outbox, runs the tenant's callback rules: the selecting rule
// opens a task in its group's queue, a rule failing at run time is recorded
// and skipped; a completion delivered again opens nothing more.
func TestCompletionRunsCallbackRulesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	cb := callback.New(callback.Config{Store: b.store})
	b.outbox.Callbacks = cb
	ctx := context.Background()
	var good *callback.Rule
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		q, err := cb.SaveQuestionnaire(ctx, u, nil, coretest.SurveyInput(), "user:test")
		if err != nil {
			return err
		}
		in := callback.RuleInput{Name: "Every repair", Enabled: true, OrderTypes: []string{"repair"}, Sample: 1, DueDays: 3,
			Channel: callback.ChannelCall, QuestionnaireID: q.ID}
		if good, err = cb.SaveRule(ctx, u, nil, in); err != nil {
			return err
		}
		in.Name, in.Condition = "Broken", `int(number) > 0`
		_, err = cb.SaveRule(ctx, u, nil, in)
		return err
	}))
	w := b.intake(t)
	b.handleAll(t)
	require.Empty(t, tenantQuery[string](t, b, `SELECT id::text FROM callback_tasks`), "not completed yet")
	complete := func() {
		exec(t, b, `UPDATE work_orders SET state = 'completed', completed_at = clock_timestamp() WHERE id = $1`, w.ID)
		exec(t, b, `INSERT INTO outbox (tenant_id, aggregate_id, type) VALUES (app_current_tenant(), $1, 'work_order.completed')`, w.ID)
		b.handleAll(t)
	}
	complete()
	complete()
	require.Equal(t, []string{good.ID.String() + " callback open"},
		tenantQuery[string](t, b, `SELECT rule_id::text || ' ' || agent_group || ' ' || status FROM callback_tasks
			WHERE work_order_id = $1 AND due_at IS NOT NULL`, w.ID))
	require.Equal(t, []string{"Broken true", "Every repair false"},
		tenantQuery[string](t, b, `SELECT r.name || ' ' || (e.error <> '') FROM callback_evaluations e
			JOIN callback_rules r ON r.id = e.rule_id WHERE e.work_order_id = $1 ORDER BY r.name`, w.ID))
}

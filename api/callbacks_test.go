package api_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func survey() map[string]any {
	return map[string]any{"name": "维修回访", "low_score": 2, "questions": []any{
		map[string]any{"key": "attitude", "kind": "rating", "text": "服务态度", "indicator": "attitude", "required": true},
		map[string]any{"key": "resolved", "kind": "single", "text": "问题解决了吗", "indicator": "resolution", "options": []any{
			map[string]any{"value": "yes", "label": "是"}, map[string]any{"value": "no", "label": "否", "dissatisfied": true}}},
	}}
}

// TestCallbackDesign: a quality auditor saves a questionnaire (and a new
// version) and a rule, and previews it over the orders completed in the last
// month; bad input is a 422 naming the field, nothing saved; an agent may
// not design; another tenant sees nothing.
func TestCallbackDesign(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("cb-co")
	_, qa := b.createUser(n.tenant.admin, "cb-co", "qa.wang", []string{"quality_auditor"}, map[string]any{"all": true})
	_, agent := b.createUser(n.tenant.admin, "cb-co", "agent.li", []string{"agent"}, map[string]any{"all": true})
	other := b.onboard("cb-other")

	bad := survey()
	bad["questions"].([]any)[1].(map[string]any)["indicator"] = "mood"
	r := b.must(422, "POST", "/v1/questionnaires", qa, bad)
	require.Contains(t, string(r.Raw), "questions[1].indicator")
	b.must(403, "POST", "/v1/questionnaires", agent, survey())
	q := b.must(201, "POST", "/v1/questionnaires", qa, survey())
	qid := q.str("id")
	v2 := b.must(200, "PUT", "/v1/questionnaires/"+qid, qa, survey())
	require.EqualValues(t, 2, v2.JSON["version"])
	require.EqualValues(t, 1, b.must(200, "GET", "/v1/questionnaires/"+qid+"?version=1", agent, nil).JSON["version"])
	require.Len(t, b.must(200, "GET", "/v1/questionnaires", agent, nil).JSON["items"], 1)
	b.must(404, "GET", "/v1/questionnaires/"+qid, other.admin, nil)

	rule := map[string]any{"name": "维修全回访", "enabled": false, "order_types": []string{"repair"}, "sample": 1,
		"due_days": 3, "channel": "call", "questionnaire_id": qid}
	for cond, field := range map[string]string{`colour == "red"`: "condition", `type ==`: "condition"} {
		bad := map[string]any{}
		for k, v := range rule {
			bad[k] = v
		}
		bad["condition"] = cond
		r := b.must(422, "POST", "/v1/callback-rules", qa, bad)
		require.Contains(t, string(r.Raw), field)
	}
	require.Empty(t, b.must(200, "GET", "/v1/callback-rules", qa, nil).JSON["items"])
	rule["condition"] = `satisfaction <= 2`
	created := b.must(201, "POST", "/v1/callback-rules", qa, rule)
	order := b.intake(n, n.tenant.admin, nil)
	b.exec(n.tenant.id, `UPDATE work_orders SET state = 'completed', completed_at = now() - interval '1 day' WHERE id = $1`,
		order.str("id"))
	p := b.must(200, "POST", "/v1/callback-rules/"+created.str("id")+"/preview", qa, nil)
	require.EqualValues(t, 1, p.JSON["considered"])
	sel := p.JSON["selected"].([]any)
	require.Len(t, sel, 1)
	require.Equal(t, order.str("number"), sel[0].(map[string]any)["number"])
	b.must(403, "POST", "/v1/callback-rules/"+created.str("id")+"/preview", agent, nil)
	b.must(404, "POST", "/v1/callback-rules/"+created.str("id")+"/preview", other.admin, nil)
}

// TestCallbackTasks: the agent's to-do queue, scoped; a wrong-typed answer
// is a 422 naming the field and changes nothing; answers close the task
// and a "not resolved" opens a rework order; attempts retry then give up.
func TestCallbackTasks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("cbt-co")
	_, agent := b.createUser(n.tenant.admin, "cbt-co", "agent.li", []string{"agent"}, map[string]any{"all": true})
	_, gxAgent := b.createUser(n.tenant.admin, "cbt-co", "agent.gx", []string{"agent"},
		map[string]any{"regions": []string{n.gx.String()}})
	_, analyst := b.createUser(n.tenant.admin, "cbt-co", "analyst.zhou", []string{"analyst"}, map[string]any{"all": true})
	other := b.onboard("cbt-other")
	q := b.must(201, "POST", "/v1/questionnaires", n.tenant.admin, survey())
	task := func() string {
		order := b.intake(n, n.tenant.admin, nil)
		id := uuid.NewString()
		b.exec(n.tenant.id, `INSERT INTO callback_tasks (tenant_id, id, source, work_order_id, customer_id, site_id,
			questionnaire_id, questionnaire_version, due_at)
			SELECT tenant_id, $2, 'rule', id, customer_id, site_id, $3, 1, now() + interval '1 day' FROM work_orders WHERE id = $1`,
			order.str("id"), id, q.str("id"))
		return id
	}
	id := task()
	list := b.must(200, "GET", "/v1/callback-tasks?status=open&group=callback", agent, nil)
	require.Len(t, list.JSON["items"], 1)
	require.Len(t, b.must(200, "GET", "/v1/callback-tasks", gxAgent, nil).JSON["items"], 0, "another region's agent sees none")
	require.Len(t, b.must(200, "GET", "/v1/callback-tasks", other.admin, nil).JSON["items"], 0)
	got := b.must(200, "GET", "/v1/callback-tasks/"+id, agent, nil)
	require.Equal(t, "维修回访", got.JSON["questionnaire"].(map[string]any)["name"])
	b.must(404, "GET", "/v1/callback-tasks/"+id, gxAgent, nil)
	b.must(404, "POST", "/v1/callback-tasks/"+id+"/answers", other.admin, map[string]any{"answers": []any{}})
	b.must(403, "POST", "/v1/callback-tasks/"+id+"/answers", analyst, map[string]any{"answers": []any{}})

	r := b.must(422, "POST", "/v1/callback-tasks/"+id+"/answers", agent, map[string]any{"answers": []any{
		map[string]any{"question": "attitude", "choice": "5"}}})
	require.Contains(t, string(r.Raw), "answers[0].choice")
	r = b.must(422, "POST", "/v1/callback-tasks/"+id+"/answers", agent, map[string]any{"answers": []any{
		map[string]any{"question": "attitude", "score": 9}}})
	require.Contains(t, string(r.Raw), "answers[0].score")
	require.Equal(t, "open", b.must(200, "GET", "/v1/callback-tasks/"+id, agent, nil).str("status"))

	done := b.must(200, "POST", "/v1/callback-tasks/"+id+"/answers", agent, map[string]any{"answers": []any{
		map[string]any{"question": "attitude", "score": 4}, map[string]any{"question": "resolved", "choice": "no"}},
		"note": "空调仍不制冷"})
	require.Equal(t, "done", done.str("status"))
	require.Equal(t, true, done.JSON["dissatisfied"])
	require.Equal(t, "rework_opened", done.str("outcome"))
	rework := b.must(200, "GET", "/v1/work-orders/"+done.str("rework_order_id"), n.tenant.admin, nil)
	require.Contains(t, rework.str("description"), "Rework of ")
	b.must(409, "POST", "/v1/callback-tasks/"+id+"/answers", agent, map[string]any{"answers": []any{}})

	id = task()
	for _, outcome := range []string{"no_answer", "busy"} {
		require.Equal(t, "open", b.must(200, "POST", "/v1/callback-tasks/"+id+"/attempts", agent,
			map[string]any{"outcome": outcome}).str("status"))
	}
	gaveUp := b.must(200, "POST", "/v1/callback-tasks/"+id+"/attempts", agent, map[string]any{"outcome": "no_answer"})
	require.Equal(t, "given_up", gaveUp.str("status"))
	require.Equal(t, "no_answer after 3 attempts", gaveUp.str("give_up_reason"))
	b.must(422, "POST", "/v1/callback-tasks/"+task()+"/attempts", agent, map[string]any{"outcome": "hung_up"})

	// A tenant that asks for complaints gets a case about the order instead.
	set := b.must(200, "GET", "/v1/callback-settings", n.tenant.admin, nil).JSON
	set["dissatisfaction"] = "complaint"
	b.must(200, "PUT", "/v1/callback-settings", n.tenant.admin, set)
	id = task()
	order := b.must(200, "GET", "/v1/callback-tasks/"+id, agent, nil).str("work_order_id")
	done = b.must(200, "POST", "/v1/callback-tasks/"+id+"/answers", agent, map[string]any{"answers": []any{
		map[string]any{"question": "attitude", "score": 1}, map[string]any{"question": "resolved", "choice": "no"}}})
	require.Equal(t, "complaint_opened", done.str("outcome"))
	var cases []map[string]any
	for _, it := range b.must(200, "GET", "/v1/complaints", n.tenant.admin, nil).JSON["items"].([]any) {
		if c := it.(map[string]any); c["work_order_id"] == order {
			cases = append(cases, c)
		}
	}
	require.Len(t, cases, 1, "one case about the order")
	require.Equal(t, "callback", cases[0]["channel"])
	require.Equal(t, "open", cases[0]["state"])
}

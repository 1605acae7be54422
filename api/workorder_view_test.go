package api_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// actionsOf are the actions a work order response offers.
func actionsOf(r resp) []string {
	out := []string{}
	for _, a := range r.JSON["actions"].([]any) {
		out = append(out, a.(string))
	}
	return out
}

// TestWorkOrderOffersTheCallersActions: a single order carries the
// actions its caller may take in its state, by role and by whose order
// it is; lists carry none; each action offered is accepted.
func TestWorkOrderOffersTheCallersActions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	_, agent := b.createUser(n.tenant.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	r := b.intake(n, agent, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	require.Equal(t, "assigned", r.str("state"), "the near site assigns T-1 itself")
	get := func(token string) resp { return b.must(200, "GET", "/v1/work-orders/"+id, token, nil) }

	for _, c := range []struct {
		name, token string
		want        []string
	}{
		{"a tenant admin dispatches and cancels", n.tenant.admin, []string{"reassign", "assign", "reject", "cancel"}},
		{"the site's manager the same, on their site", n.nearMgrTok, []string{"reassign", "assign", "reject", "cancel"}},
		{"an agent may cancel, not dispatch", agent, []string{"cancel"}},
		{"the order's technician accepts or declines", n.techNearTok, []string{"accept", "decline"}},
	} {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, actionsOf(get(c.token))) })
	}
	// Those who may not see the order are offered nothing: it is not there.
	b.must(404, "GET", "/v1/work-orders/"+id, n.techFarTok, nil) // another technician of the site: the order is T-1's
	b.must(404, "GET", "/v1/work-orders/"+id, n.gxMgrTok, nil)

	list := b.must(200, "GET", "/v1/work-orders", n.tenant.admin, nil)
	require.NotContains(t, list.JSON["items"].([]any)[0], "actions", "lists carry no actions")

	// What the technician is offered, the technician can do; the answer
	// offers the next steps.
	acc := b.act(n.techNearTok, id, "accept", nil)
	require.Equal(t, 200, acc.Status, "%s", acc.Raw)
	require.Equal(t, []string{"start_travel", "arrive"}, actionsOf(acc))
	travel := b.act(n.techNearTok, id, "start_travel", nil)
	require.Equal(t, 200, travel.Status, "%s", travel.Raw)
	require.Equal(t, []string{"arrive"}, actionsOf(travel))
	require.Equal(t, []string{"reassign", "cancel"}, actionsOf(get(n.tenant.admin)))

	// A cancelled order offers nothing to anyone.
	require.Equal(t, 200, b.act(n.tenant.admin, id, "cancel", map[string]any{"reason": "the customer fixed it"}).Status)
	for _, tok := range []string{n.tenant.admin, n.techNearTok, agent} {
		require.Empty(t, actionsOf(get(tok)))
	}
}

// TestWorkOrderTimelineInNames: the timeline names who did what — users,
// the technician whose phone replied by SMS, the sites and technicians of
// the payload — and another tenant's user is never named.
func TestWorkOrderTimelineInNames(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	other := b.onboard("globex")
	agentID, agent := b.createUser(n.tenant.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	b.exec(n.tenant.id, `UPDATE users SET display_name = '王小丽' WHERE id = $1`, agentID)
	r := b.intake(n, agent, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	require.Equal(t, 200, b.act(n.techNearTok, id, "accept", nil).Status)
	outsider, _ := b.createUser(other.admin, "globex", "spy", []string{"agent"}, nil)
	b.exec(n.tenant.id, `UPDATE technicians SET phone = '8613911112222' WHERE id = $1`, n.techNear)
	for i, actor := range []string{"sms:8613911112222", "user:" + outsider.String(), "system:sms"} {
		b.exec(n.tenant.id, `INSERT INTO work_order_events (tenant_id, work_order_id, seq, type, actor, at, payload)
			VALUES ($1, $2, 100 + $3, 'sms_status', $4, now(),
				jsonb_build_object('status', 'delivered', 'technician_id', $5::text, 'to', '8613800138000'))`,
			n.tenant.id, uuid.MustParse(id), i, actor, n.techNear.String())
	}

	ev := b.must(200, "GET", "/v1/work-orders/"+id+"/events", agent, nil)
	byType := map[string]map[string]any{}
	names := []string{}
	for _, e := range ev.JSON["items"].([]any) {
		m := e.(map[string]any)
		byType[m["type"].(string)] = m
		names = append(names, m["actor_name"].(string))
	}
	require.Equal(t, "王小丽", byType["created"]["actor_name"], "the display name")
	require.Equal(t, map[string]any{"site_id": "深圳南山服务站"}, byType["dispatched"]["names"])
	require.Equal(t, "T-1", byType["assigned"]["names"].(map[string]any)["technician_id"])
	require.Equal(t, "tech.near", byType["accepted"]["actor_name"], "no display name: the username")
	require.Equal(t, []string{"T-1", "", ""}, names[len(names)-3:],
		"the replying phone's technician; another tenant's user and the system unnamed")
	require.Equal(t, map[string]any{"technician_id": "T-1", "to": "王芳"}, byType["sms_status"]["names"], "the customer texted, by phone")
}

package api_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// openFollowUp opens a low-satisfaction follow-up on an order, as the
// inbound SMS handler does.
func (b *testBundle) openFollowUp(tenant uuid.UUID, order string) uuid.UUID {
	b.t.Helper()
	id := uuid.New()
	b.exec(tenant, `INSERT INTO callback_tasks (tenant_id, id, work_order_id, customer_id, site_id, source, score)
		SELECT tenant_id, $2, id, customer_id, site_id, 'low_satisfaction', 1 FROM work_orders WHERE id = $1`, order, id)
	return id
}

// TestFollowUps: an agent lists the open follow-ups and marks one done;
// a second time is a conflict; a site manager sees only their sites'; the
// other tenant gets 404 and changes nothing.
func TestFollowUps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("fu-co")
	order := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, order.Status, "%s", order.Raw)
	fu := b.openFollowUp(n.tenant.id, order.str("id"))
	_, agent := b.createUser(n.tenant.admin, "fu-co", "agent.li", []string{"agent"}, map[string]any{"all": true})
	other := b.onboard("fu-other")

	list := b.must(200, "GET", "/v1/follow-ups?status=open", agent, nil)
	items := list.JSON["items"].([]any)
	require.Len(t, items, 1)
	item := items[0].(map[string]any)
	require.Equal(t, fu.String(), item["id"])
	require.Equal(t, order.str("number"), item["order_number"])
	require.EqualValues(t, 1, item["score"])

	require.Len(t, b.must(200, "GET", "/v1/follow-ups", n.gxMgrTok, nil).JSON["items"], 0, "another region's manager sees none")
	require.Len(t, b.must(200, "GET", "/v1/follow-ups", n.nearMgrTok, nil).JSON["items"], 1, "the site's manager sees it")
	require.Len(t, b.must(200, "GET", "/v1/follow-ups", other.admin, nil).JSON["items"], 0, "another tenant sees none")

	b.must(404, "POST", "/v1/follow-ups/"+fu.String()+"/done", other.admin, map[string]any{"note": "hijacked"})
	b.must(404, "POST", "/v1/follow-ups/"+fu.String()+"/done", n.gxMgrTok, map[string]any{"note": "out of scope"})
	require.Equal(t, "open", b.must(200, "GET", "/v1/follow-ups", agent, nil).JSON["items"].([]any)[0].(map[string]any)["status"])

	done := b.must(200, "POST", "/v1/follow-ups/"+fu.String()+"/done", agent, map[string]any{"note": "技师已回访，客户满意"})
	require.Equal(t, "done", done.str("status"))
	require.Equal(t, "技师已回访，客户满意", done.str("note"))
	b.must(409, "POST", "/v1/follow-ups/"+fu.String()+"/done", agent, map[string]any{})
	require.Len(t, b.must(200, "GET", "/v1/follow-ups?status=open", agent, nil).JSON["items"], 0)
	b.must(404, "POST", "/v1/follow-ups/"+uuid.NewString()+"/done", agent, map[string]any{})
}

// TestSMSGatewayCallbacksNeedTheSecret: without a configured gateway the
// callbacks answer 403, never 5xx, whatever they are sent.
func TestSMSGatewayCallbacksNeedTheSecret(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for name, path := range map[string]string{
		"report":          "/v1/sms/kannel/dlr?tenant=" + uuid.NewString() + "&id=" + uuid.NewString() + "&sig=x&type=1",
		"inbound":         "/v1/sms/kannel/inbound?from=13900000001&to=10690001&text=ok&secret=guess",
		"inbound no auth": "/v1/sms/kannel/inbound?from=13900000001&to=10690001&text=ok",
	} {
		t.Run(name, func(t *testing.T) {
			b.must(403, "GET", path, "", nil)
		})
	}
	b.must(422, "GET", "/v1/sms/kannel/dlr?tenant=x&id=y&sig=x&type=1", "", nil)
}

package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSLAAtRiskAndBreached: deadlines counted in the tenant's calendar;
// as time passes the order becomes at risk, then breached, and the lists
// find it by SLA status; arriving late keeps it breached after the fact.
func TestSLAAtRiskAndBreached(t *testing.T) {
	t.Parallel()
	b := setup(t, longSessions) // the test moves the clock by up to a day
	n := b.newNetwork("acme")
	b.exec(n.tenant.id, `UPDATE sites SET auto_assign = false`)
	r := b.intake(n, n.tenant.admin, nil)
	id := r.str("id")
	respondBy, err := time.Parse(time.RFC3339Nano, r.str("respond_by"))
	require.NoError(t, err)
	created, err := time.Parse(time.RFC3339Nano, r.str("created_at"))
	require.NoError(t, err)
	// 120 working minutes in a calendar open 08:00–20:00 every day, Shanghai time.
	require.GreaterOrEqual(t, respondBy.Sub(created), 2*time.Hour)
	require.LessOrEqual(t, respondBy.Sub(created), 14*time.Hour)

	ids := func(q string) []string {
		var out []string
		for _, it := range b.must(200, "GET", "/v1/work-orders?sla_status="+q, n.tenant.admin, nil).JSON["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	require.Empty(t, ids("at_risk"))
	require.Empty(t, ids("breached"))
	require.Equal(t, []string{id}, ids("on_track"), "every status the orders carry filters the list")

	b.clock.Advance(respondBy.Sub(b.clock.Now()) - 30*time.Minute)
	require.Equal(t, []string{id}, ids("at_risk"))
	require.Empty(t, ids("on_track"))
	require.Equal(t, "at_risk", b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil).str("sla_status"))

	b.clock.Advance(time.Hour)
	require.Equal(t, []string{id}, ids("breached"))
	require.Empty(t, ids("at_risk"))
	require.Equal(t, "breached", b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil).str("sla_status"))

	// A late response stays a breach.
	require.Equal(t, 200, b.act(n.techNearTok, id, "accept", nil).Status)
	require.Equal(t, "breached", b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil).str("sla_status"))
	require.Equal(t, []string{id}, ids("breached"))
	require.Empty(t, ids("met"))
	require.Empty(t, ids("none"))
}

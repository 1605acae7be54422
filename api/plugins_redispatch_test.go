package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestTimerRedispatchAppliesTheRules: a site that lets its acceptance time
// run out loses the order, and the timer (the worker's job) dispatches it
// again through the tenant's rules plugin, as an intake is: the new
// decision is the rules', and the plugin was called for it.
func TestTimerRedispatchAppliesTheRules(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	b := setupPlugins(t, pool, dbURL, dir, nil, longSessions)
	n := b.timerNetwork("acme", 30)
	b.exec(n.tenant.id, `UPDATE sites SET auto_assign = false`)
	b.exec(n.tenant.id, `UPDATE sites SET kind = 'dealer' WHERE id = $1`, n.far)
	b.exec(n.tenant.id, `UPDATE units SET dealer_site_id = $2 WHERE id = $1`, n.unit, n.far)
	_, bind := b.bindReference(t, dir, n.tenant, "dispatch-rules", "dispatch_rules", map[string]any{"rules": []string{"prefer_selling_dealer"}})
	status := func() float64 {
		return b.must(200, "GET", "/v1/plugin-bindings/"+bind.str("id")+"/status", n.tenant.admin, nil).JSON["calls"].(float64)
	}

	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, n.far.String(), r.str("site_id"), "the rules send it to the selling dealer: %s", r.Raw)
	require.EqualValues(t, 1, status(), "one Decide call: the site assigns its technician itself")

	b.clock.Advance(31 * time.Minute)
	require.Equal(t, 1, b.fireTimers())
	w := b.must(200, "GET", "/v1/work-orders/"+r.str("id"), n.tenant.admin, nil)
	require.Equal(t, "dispatched", w.str("state"))
	require.Equal(t, n.near.String(), w.str("site_id"), "the next candidate")
	dec := w.JSON["dispatch_decision"].(map[string]any)
	require.Nil(t, dec["fallback"], "no fallback: %s", w.Raw)
	require.Contains(t, dec["engine"], "+rules")
	require.EqualValues(t, 2, status(), "the redispatch asked the rules")
}

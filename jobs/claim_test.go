package jobs_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/claim"
)

// TestCompletionDraftsTheClaimOnce: an in-warranty order's completion,
// relayed through the outbox, drafts its site's claim; delivered again it
// drafts nothing more; an order without a site drafts none.
func TestCompletionDraftsTheClaimOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	b.outbox.Claims = claim.NewService(b.store, nil)
	w := b.intake(t)
	bare := b.intake(t)
	b.handleAll(t)
	complete := func() {
		exec(t, b, `UPDATE work_orders SET state = 'completed', completed_at = clock_timestamp(), site_id = $2 WHERE id = $1`, w.ID, b.net.Site)
		exec(t, b, `UPDATE work_orders SET state = 'completed', completed_at = clock_timestamp(), site_id = NULL WHERE id = $1`, bare.ID)
		for _, id := range []any{w.ID, bare.ID} {
			exec(t, b, `INSERT INTO outbox (tenant_id, aggregate_id, type) VALUES (app_current_tenant(), $1, 'work_order.completed')`, id)
		}
		b.handleAll(t)
	}
	complete()
	complete()
	require.Equal(t, []string{w.ID.String() + " draft system:claims"},
		tenantQuery[string](t, b, `SELECT c.work_order_id::text || ' ' || c.state || ' ' || e.actor FROM claims c
			JOIN claim_events e ON e.claim_id = c.id`))
}

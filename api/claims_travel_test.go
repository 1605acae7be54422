package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestClaimTravelFollowsTheVisitWhateverTheBand: travel the fee schedule
// cannot price (no band covers the distance, or it is unknown) is the
// visit's still: on a visit the 三包 policy charges to the customer it is
// charged, priced 0 and marked price_unknown (in the quote and in the
// order's charges), and the site cannot claim the visit's travel, nor the
// order paid for in full; on a covered visit it is covered and claimed by
// its kilometres, as with a band. Charges stored before this (travel not
// charged on a paid visit) are read by their coverage the same way.
func TestClaimTravelFollowsTheVisitWhateverTheBand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("travel-band")
	admin := n.tenant.admin
	// Travel priced from 5 km only: the Shenzhen address (~1.5 km from
	// the near site) is in no band.
	fees := feeBody(0)
	fees["travel"] = []map[string]any{{"from_km": 5, "to_km": 0, "amount": 5000}}
	b.must(200, "PUT", "/v1/fee-schedule", admin, fees)
	policy := func(months int) {
		b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": months, "replace_days": 0, "refund_days": 0})
	}
	item := func(r map[string]any, kind string) map[string]any {
		for _, x := range r["items"].([]any) {
			if m := x.(map[string]any); m["kind"] == kind {
				return m
			}
		}
		require.FailNow(t, "no item", "%s in %v", kind, r["items"])
		return nil
	}
	complete := func() (string, map[string]any) {
		r := b.intake(n, admin, nil)
		require.Equal(t, 201, r.Status, "%s", r.Raw)
		b.completeInField(n, r.str("id"))
		return r.str("id"), b.must(200, "GET", "/v1/work-orders/"+r.str("id")+"/charges", admin, nil).JSON["charges"].(map[string]any)
	}

	t.Run("a paid visit: travel charged at an unknown price, nothing to claim", func(t *testing.T) {
		policy(0)
		q := b.must(200, "POST", "/v1/quotes", admin, map[string]any{"unit_id": n.unit.String(), "service_type": "repair", "distance_km": 2}).JSON
		tr := item(q, "travel")
		require.Equal(t, true, tr["charged"], "the quote does not call it free: %v", tr)
		require.Equal(t, true, tr["price_unknown"])
		require.Equal(t, "no_band", tr["reason"])
		require.Equal(t, "charged", tr["coverage"])
		q = b.must(200, "POST", "/v1/quotes", admin, map[string]any{"unit_id": n.unit.String(), "service_type": "repair"}).JSON
		require.Equal(t, map[string]any{"charged": true, "price_unknown": true, "reason": "no_distance"},
			map[string]any{"charged": item(q, "travel")["charged"], "price_unknown": item(q, "travel")["price_unknown"], "reason": item(q, "travel")["reason"]})

		id, ch := complete()
		tr = item(ch, "travel")
		require.Equal(t, []any{true, true, "no_band", float64(0)}, []any{tr["charged"], tr["price_unknown"], tr["reason"], tr["amount"]})
		require.EqualValues(t, 12000, ch["total"], "labour; travel and the uncatalogued part still to be priced")
		e := b.must(422, "POST", "/v1/claims", n.nearMgrTok, map[string]any{"work_order_id": id})
		require.Contains(t, string(e.Raw), "customer was charged")

		// Charges stored before travel followed the visit: not charged,
		// but the coverage says the customer pays.
		b.exec(n.tenant.id, `UPDATE work_order_charges SET quote = jsonb_set(quote, '{items,1,charged}', 'false')
			WHERE work_order_id = $1 AND quote->'items'->1->>'kind' = 'travel'`, id)
		require.Equal(t, false, item(b.must(200, "GET", "/v1/work-orders/"+id+"/charges", admin, nil).JSON["charges"].(map[string]any), "travel")["charged"])
		b.must(422, "POST", "/v1/claims", n.nearMgrTok, map[string]any{"work_order_id": id})
	})
	t.Run("a covered visit: travel covered, claimed by its kilometres", func(t *testing.T) {
		policy(12)
		id, ch := complete()
		tr := item(ch, "travel")
		require.Equal(t, []any{false, true, "no_band", "free_repair"}, []any{tr["charged"], tr["price_unknown"], tr["reason"], tr["coverage"]})
		require.EqualValues(t, 0, ch["total"])
		c := b.must(201, "POST", "/v1/claims", n.nearMgrTok, map[string]any{"work_order_id": id})
		// 1 standard hour × 50.00; ~1.5 km × 2.00/km.
		require.Equal(t, []float64{5000, 300}, lineAmounts(c)[:2])
	})
}

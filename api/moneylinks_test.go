package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// addPart adds a catalogue part (cost and sale in fen) as the admin.
func (b *testBundle) addPart(n *network, number string, cost, sale int64, currency string) {
	b.t.Helper()
	b.must(201, "POST", "/v1/parts/catalog", n.tenant.admin, map[string]any{"number": number, "name_zh": "备件 " + number,
		"cost_minor": cost, "sale_minor": sale, "currency": currency})
}

// TestCataloguePricesQuotesChargesAndClaims: with parts in the catalogue,
// a quote prices a catalogued part at its sale price whatever was typed,
// keeps the typed price of a part the catalogue does not know, and treats
// a part priced in another currency as not catalogued; a completed order's
// charges price the record's parts at sale price (no longer "price
// unknown"); the site's claim reimburses them at cost price. Another
// tenant's catalogue prices nothing here.
func TestCataloguePricesQuotesChargesAndClaims(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("mla")
	admin := n.tenant.admin
	b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(0))
	b.addPart(n, "P-100", 4000, 6500, "CNY")
	b.addPart(n, "FAN-1", 700, 1200, "CNY")
	b.addPart(n, "USD-1", 100, 300, "USD")
	other := b.newNetwork("mlb")
	b.addPart(other, "X-9", 1, 99999, "CNY")

	bought := time.Now().AddDate(-5, 0, 0).Format(time.DateOnly)
	q := b.must(200, "POST", "/v1/quotes", admin, map[string]any{"model_code": "KFR-35", "purchase_date": bought,
		"service_type": "repair", "distance_km": 1,
		"parts": []map[string]any{{"part_code": "FAN-1", "quantity": 2, "unit_price": 1}, {"part_code": "NEW-1", "quantity": 1, "unit_price": 2500},
			{"part_code": "USD-1", "quantity": 1}, {"part_code": "X-9", "quantity": 1}}})
	its := q.JSON["items"].([]any)
	require.Len(t, its, 6)
	part := func(i int) map[string]any { return its[i].(map[string]any) }
	require.Equal(t, "FAN-1", part(2)["code"])
	require.EqualValues(t, 1200, part(2)["unit_price"], "the catalogue's sale price, not the typed 1")
	require.EqualValues(t, 2400, part(2)["amount"])
	require.EqualValues(t, 2500, part(3)["unit_price"], "not catalogued: the typed price")
	require.Equal(t, true, part(4)["price_unknown"], "priced in USD, the schedule is CNY: unknown")
	require.Equal(t, true, part(5)["price_unknown"], "another tenant's part is not ours")
	require.EqualValues(t, 12000+1500+2400+2500, q.JSON["total"])

	// An order completed out of warranty: the record's P-100 at sale price.
	b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": 0, "replace_days": 0, "refund_days": 0})
	r := b.intake(n, admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	id := r.str("id")
	b.completeInField(n, id)
	ch := b.must(200, "GET", "/v1/work-orders/"+id+"/charges", admin, nil).JSON["charges"].(map[string]any)
	p := ch["items"].([]any)[2].(map[string]any)
	require.Equal(t, "P-100", p["code"])
	require.Nil(t, p["price_unknown"])
	require.EqualValues(t, 6500, p["amount"])
	require.EqualValues(t, 12000+1500+6500, ch["total"])

	// A claim reimburses parts at cost price (P-100 ×1 = 4000; the
	// uncatalogued part stays 0 for the site to adjust).
	order := b.completedOrder(n, n.unit, n.near, &n.techNear, 1, "P-100", "NEW-1")
	c := b.must(201, "POST", "/v1/claims", admin, map[string]any{"work_order_id": order})
	lines := c.JSON["lines"].([]any)
	require.Len(t, lines, 4)
	l3, l4 := lines[2].(map[string]any), lines[3].(map[string]any)
	require.Equal(t, "P-100", l3["code"])
	require.EqualValues(t, 4000, l3["unit_price"])
	require.EqualValues(t, 4000, l3["amount"])
	require.EqualValues(t, 0, l4["amount"])
	var sum float64
	for _, a := range lineAmounts(c) {
		sum += a
	}
	require.Equal(t, sum, c.JSON["claimed_total"])
}

// TestStatementChargedServicesAndMonthlyJob: a site's statement settles
// its approved claims plus the charges of the orders it completed in the
// month, less deductions; the monthly job generates last month's
// statements of every tenant on the 1st, once: a second run, or a run on
// another day, generates nothing.
func TestStatementChargedServicesAndMonthlyJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("mlc")
	admin := n.tenant.admin
	b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(0))
	b.must(200, "PUT", "/v1/claim-rules", admin, map[string]any{"rules": []any{}})
	b.addPart(n, "P-100", 4000, 6500, "CNY")
	// Charged: the model's policy covers nothing; the claim is drafted by
	// the model's warranty months, which still cover the unit.
	b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": 0, "replace_days": 0, "refund_days": 0})
	r := b.intake(n, admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	charged := r.str("id")
	b.completeInField(n, charged)
	ch := b.must(200, "GET", "/v1/work-orders/"+charged+"/charges", admin, nil).JSON["charges"].(map[string]any)
	chargedTotal := ch["total"].(float64)
	require.EqualValues(t, 12000+1500+6500, chargedTotal)

	c := b.must(201, "POST", "/v1/claims", admin, map[string]any{"work_order_id": b.completedOrder(n, n.unit, n.near, &n.techNear, 1, "P-100")})
	b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", admin, map[string]any{"action": "submit"})
	c = b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", admin, map[string]any{"action": "approve"})
	claims := c.JSON["approved_total"].(float64)
	require.Greater(t, claims, float64(0))
	b.exec(n.tenant.id, `INSERT INTO site_sla_misses (tenant_id, site_id, work_order_id, kind, due_at, recorded_at)
		VALUES ($1, $2, $3, 'arrival', now(), now())`, n.tenant.id, n.near, charged)
	other := b.newNetwork("mld")

	statements := func(tok string) []map[string]any {
		var out []map[string]any
		for _, it := range b.must(200, "GET", "/v1/claim-statements", tok, nil).JSON["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	// Not the 1st: nothing. The 1st of next month: this month's, once.
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month()+1, 1, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	_, err := b.app.Statements.Run(ctx, first.AddDate(0, 0, 1))
	require.NoError(t, err)
	require.Empty(t, statements(admin))
	made, err := b.app.Statements.Run(ctx, first)
	require.NoError(t, err)
	require.GreaterOrEqual(t, made, 1)
	sts := statements(admin)
	require.Len(t, sts, 1)
	st := sts[0]
	require.Equal(t, n.near.String(), st["site_id"])
	require.Equal(t, now.Format("2006-01"), st["period"])
	require.Equal(t, claims, st["claims_total"])
	require.Equal(t, chargedTotal, st["charged_total"])
	require.EqualValues(t, 5000, st["deductions_total"])
	require.Equal(t, claims+chargedTotal-5000, st["total"])
	var sum float64
	kinds := map[string]int{}
	for _, l := range st["lines"].([]any) {
		m := l.(map[string]any)
		sum += m["amount"].(float64)
		kinds[m["kind"].(string)]++
	}
	require.Equal(t, st["total"], sum, "the total is the sum of its lines")
	require.Equal(t, map[string]int{"claim": 1, "charged_service": 1, "deduction": 1}, kinds)
	require.Empty(t, statements(other.tenant.admin), "the other tenant has nothing to settle")

	again, err := b.app.Statements.Run(ctx, first.Add(time.Hour))
	require.NoError(t, err)
	require.Zero(t, again, "generated once per tenant and month")
	require.EqualValues(t, 1, statements(admin)[0]["version"], "the statement was not remade")
}

package api_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

func record(serial string) map[string]any {
	return map[string]any{"unit_serial": serial, "symptom_code": "S01", "cause_code": "C01", "object_code": "O01", "action_code": "A01",
		"parts": []map[string]any{{"barcode": "P-100", "quantity": 1}}, "confirmation": map[string]any{"name": "王芳", "signature": testkit.PNGSignature}}
}

// TestWorkOrderLifecycle: intake dispatches to the nearest covering site
// and auto-assigns its nearest technician, explains why, sets warranty and
// SLA; the technician works it to completion; the site confirms; it closes;
// the timeline has every step.
func TestWorkOrderLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Regexp(t, regexp.MustCompile(`^WO-\d{4}-000001$`), r.str("number"))
	require.Equal(t, "assigned", r.str("state"))
	require.Equal(t, n.near.String(), r.str("site_id"))
	require.Equal(t, n.techNear.String(), r.str("technician_id"), "nearest technician of the auto-assigning site")
	require.Equal(t, true, r.JSON["in_warranty"])
	require.NotEmpty(t, r.str("respond_by"))
	require.NotEmpty(t, r.str("arrive_by"))
	require.Equal(t, "on_track", r.str("sla_status"))
	dec := r.JSON["dispatch_decision"].(map[string]any)
	ranking := dec["ranking"].([]any)
	require.GreaterOrEqual(t, len(ranking), 2, "near and far both cover Shenzhen")
	require.NotEmpty(t, ranking[0].(map[string]any)["reasons"])
	id := r.str("id")

	b.must(409, "POST", "/v1/work-orders/"+id+"/confirm", n.nearMgrTok, map[string]any{})
	ill := b.act(n.techNearTok, id, "complete", map[string]any{"record": record("SN-0001")})
	require.Equal(t, 409, ill.Status, "%s", ill.Raw)
	require.Contains(t, ill.str("detail"), "assigned")
	// Assigned to a colleague: out of this technician's sight, so 404 as
	// on a read (the order's existence does not leak).
	b.must(404, "POST", "/v1/work-orders/"+id+"/accept", n.techFarTok, map[string]any{})
	b.must(404, "GET", "/v1/work-orders/"+id, n.techFarTok, nil)

	ok := func(tok, action string, body map[string]any, state string) {
		t.Helper()
		r := b.act(tok, id, action, body)
		require.Equal(t, 200, r.Status, "%s: %s", action, r.Raw)
		require.Equal(t, state, r.str("state"), action)
	}
	b.must(422, "POST", "/v1/work-orders/"+id+"/decline", n.techNearTok, map[string]any{}) // needs a reason
	ok(n.techNearTok, "decline", map[string]any{"reason": "sick today"}, "dispatched")
	ok(n.nearMgrTok, "assign", map[string]any{"technician_id": n.techNear.String()}, "assigned")
	ok(n.techNearTok, "accept", nil, "accepted")
	ok(n.techNearTok, "start_travel", nil, "en_route")
	b.must(422, "POST", "/v1/work-orders/"+id+"/arrive", n.techNearTok, map[string]any{"lat": 95.0, "lon": szLon})
	ok(n.techNearTok, "arrive", map[string]any{"lat": szLat, "lon": szLon}, "on_site")
	ok(n.techNearTok, "take_to_workshop", nil, "in_workshop")

	bad := []map[string]any{
		record("SN-9999"), // another customer's unit
		record("SN-NOPE"),
		func() map[string]any { r := record("SN-0001"); r["cause_code"] = "C99"; return r }(),
		func() map[string]any { r := record("SN-0001"); delete(r, "confirmation"); return r }(),
		func() map[string]any {
			r := record("SN-0001")
			r["confirmation"] = map[string]any{"name": "王芳"}
			return r
		}(), // no proof
	}
	for i, rec := range bad {
		r := b.act(n.techNearTok, id, "complete", map[string]any{"record": rec})
		require.Equal(t, 422, r.Status, "bad record %d: %s", i, r.Raw)
	}
	// No parts used, and the customer's code instead of a signature: as the
	// spec says, both are accepted.
	rec := record("SN-0001")
	delete(rec, "parts")
	rec["confirmation"] = map[string]any{"name": "王芳", "code": "4821"}
	ok(n.techNearTok, "complete", map[string]any{"record": rec}, "completed")
	b.must(403, "POST", "/v1/work-orders/"+id+"/confirm", n.techNearTok, map[string]any{})
	ok(n.nearMgrTok, "confirm", nil, "confirmed")
	ok(n.tenant.admin, "close", nil, "closed")

	ev := b.must(200, "GET", "/v1/work-orders/"+id+"/events", n.tenant.admin, nil)
	var types []string
	for _, e := range ev.JSON["items"].([]any) {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	require.Equal(t, []string{"created", "dispatched", "assigned", "declined", "assigned", "accepted", "en_route", "arrived", "taken_to_workshop",
		"completed", "confirmed", "closed"}, types)
	arrived := ev.JSON["items"].([]any)[7].(map[string]any)
	require.InDelta(t, szLat, arrived["lat"], 1e-9)

	got := b.must(200, "GET", "/v1/work-orders/"+id, n.tenant.admin, nil)
	require.Equal(t, "met", got.str("sla_status"))
	require.NotNil(t, got.JSON["service_record"])
}

// TestRejectPassesToNextCandidate: a site that rejects passes the order to
// the next candidate; with none left it waits in the queue with the reason.
func TestRejectPassesToNextCandidate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	r := b.intake(n, n.tenant.admin, nil)
	id := r.str("id")
	b.must(422, "POST", "/v1/work-orders/"+id+"/reject", n.nearMgrTok, map[string]any{}) // reason required
	rej := b.act(n.nearMgrTok, id, "reject", map[string]any{"reason": "no technician free today"})
	require.Equal(t, 200, rej.Status, "%s", rej.Raw)
	require.Equal(t, "dispatched", rej.str("state"))
	require.Equal(t, n.far.String(), rej.str("site_id"))
	require.Empty(t, rej.JSON["technician_id"], "the far site assigns by hand")

	rej = b.act(n.tenant.admin, id, "reject", map[string]any{"reason": "out of our area"})
	require.Equal(t, 200, rej.Status, "%s", rej.Raw)
	require.Equal(t, "created", rej.str("state"))
	require.NotEmpty(t, rej.str("queue_reason"))

	// A dispatcher overrides with a reason.
	ov := b.act(n.tenant.admin, id, "dispatch", map[string]any{"site_id": n.near.String(), "reason": "customer asked for them"})
	require.Equal(t, 200, ov.Status, "%s", ov.Raw)
	require.Equal(t, n.near.String(), ov.str("site_id"))
	b.must(200, "GET", "/v1/work-orders/"+id+"/events", n.tenant.admin, nil)
}

func TestNonFieldOrderClosesWithoutDispatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	r := b.do("POST", "/v1/work-orders", n.tenant.admin, map[string]any{"type": "consultation", "channel": "phone",
		"customer_id": n.customer.String(), "description": "how to clean the filter", "close_now": true})
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, "closed", r.str("state"))
	require.Nil(t, r.JSON["site_id"])
	b.must(422, "POST", "/v1/work-orders", n.tenant.admin, map[string]any{"type": "repair", "channel": "phone",
		"customer_id": n.customer.String(), "close_now": true})
}

func TestWorkOrderBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	o := b.newNetwork("omega")
	cases := map[string]map[string]any{
		"other customer's unit": {"unit_id": n.otherUnit.String()},
		"unknown unit":          {"unit_id": o.unit.String()},
		"latitude out of range": {"lat": 123.0},
		"lat without lon":       {"lon": nil},
		"unknown type":          {"type": "teleport"},
		"unknown service type":  {"service_type": "massage"},
		"other tenant customer": {"customer_id": o.customer.String()},
	}
	for name, extra := range cases {
		t.Run(name, func(t *testing.T) {
			r := b.intake(n, n.tenant.admin, extra)
			require.Equal(t, 422, r.Status, "%s", r.Raw)
		})
	}
	mine := b.intake(n, n.tenant.admin, nil).str("id")
	theirs := b.intake(o, o.tenant.admin, nil).str("id")
	b.must(404, "GET", "/v1/work-orders/"+theirs, n.tenant.admin, nil)
	b.must(404, "GET", "/v1/work-orders/"+theirs+"/events", n.tenant.admin, nil)
	b.must(404, "POST", "/v1/work-orders/"+theirs+"/cancel", n.tenant.admin, map[string]any{"reason": "x"})
	require.Equal(t, "assigned", b.must(200, "GET", "/v1/work-orders/"+theirs, o.tenant.admin, nil).str("state"))
	stale := b.act(n.tenant.admin, mine, "cancel", map[string]any{"reason": "duplicate", "version": 1})
	require.Equal(t, 409, stale.Status, "%s", stale.Raw)
	require.Contains(t, stale.str("detail"), "version")
	list := b.must(200, "GET", "/v1/work-orders", n.tenant.admin, nil)
	require.Len(t, list.JSON["items"], 1, "only this tenant's one order")
}

// TestConcurrentIntakeAndAccept: parallel intakes get distinct numbers; two
// technicians grabbing one order leave exactly one winner.
func TestConcurrentIntakeAndAccept(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	b.exec(n.tenant.id, `UPDATE sites SET auto_assign = false, daily_capacity = 1000`)
	var wg sync.WaitGroup
	numbers := make(chan string, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := b.intake(n, n.tenant.admin, nil)
			if r.Status == 201 {
				numbers <- r.str("number")
			}
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for num := range numbers {
		require.False(t, seen[num], "duplicate number %s", num)
		seen[num] = true
	}
	require.Len(t, seen, 40)

	id := b.intake(n, n.tenant.admin, nil).str("id")
	results := make(chan int, 2)
	for _, tok := range []string{n.techNearTok, n.techFarTok} {
		go func(tok string) { results <- b.act(tok, id, "accept", nil).Status }(tok)
	}
	a, c := <-results, <-results
	// One winner. The loser gets 409 when it read the order while still
	// offered to both, 404 when it read it after the winner's commit:
	// the order is then a colleague's, out of the loser's sight.
	winners, loser := 0, 0
	for _, st := range []int{a, c} {
		if st == 200 {
			winners++
		} else {
			loser = st
		}
	}
	require.Equal(t, 1, winners, fmt.Sprint(a, c))
	require.Contains(t, []int{404, 409}, loser, fmt.Sprint(a, c))
}

// TestWorkOrderListsRespectScope: site staff see their site's orders, a
// region manager their subtree, a technician their own.
func TestWorkOrderListsRespectScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	a := b.intake(n, n.tenant.admin, nil)
	nn := b.intake(n, n.tenant.admin, map[string]any{"lat": nnLat, "lon": nnLon, "address": "南宁"})
	require.Equal(t, n.other.String(), nn.str("site_id"))

	ids := func(tok, query string) []string {
		r := b.must(200, "GET", "/v1/work-orders"+query, tok, nil)
		var out []string
		for _, it := range r.JSON["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	require.ElementsMatch(t, []string{a.str("id"), nn.str("id")}, ids(n.tenant.admin, ""))
	require.ElementsMatch(t, []string{a.str("id")}, ids(n.nearMgrTok, ""))
	require.ElementsMatch(t, []string{nn.str("id")}, ids(n.gxMgrTok, ""))
	require.ElementsMatch(t, []string{a.str("id")}, ids(n.techNearTok, ""))
	require.Empty(t, ids(n.techFarTok, ""))
	b.must(404, "GET", "/v1/work-orders/"+nn.str("id"), n.nearMgrTok, nil)
	b.must(404, "GET", "/v1/work-orders/"+a.str("id"), n.gxMgrTok, nil)

	require.ElementsMatch(t, []string{a.str("id")}, ids(n.tenant.admin, "?number="+a.str("number")))
	require.ElementsMatch(t, []string{nn.str("id")}, ids(n.tenant.admin, "?region_id="+n.gx.String()))
	require.ElementsMatch(t, []string{a.str("id"), nn.str("id")}, ids(n.tenant.admin, "?phone=138-0013-8000"))
	require.ElementsMatch(t, []string{a.str("id")}, ids(n.tenant.admin, "?state=assigned&site_id="+n.near.String()))
	require.Empty(t, ids(n.tenant.admin, "?sla_status=breached"))
	require.ElementsMatch(t, []string{a.str("id"), nn.str("id")}, ids(n.tenant.admin, "?product_line=AC"))
	require.Empty(t, ids(n.tenant.admin, "?product_line=WM"))
	require.ElementsMatch(t, []string{a.str("id")}, ids(n.nearMgrTok, "?product_line=AC"), "the filter stays within the caller's scope")
	b.must(422, "GET", "/v1/work-orders?product_line="+strings.Repeat("x", 33), n.tenant.admin, nil)

	mine := b.must(200, "GET", "/v1/technician/orders", n.techNearTok, nil)
	require.Len(t, mine.JSON["items"], 1)
	b.must(403, "GET", "/v1/technician/orders", n.tenant.admin, nil)
}

// TestDispatchRespectsDailyCapacity: a site that has taken its day's
// capacity gets no more; one that gives an order back has room again.
func TestDispatchRespectsDailyCapacity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	b.exec(n.tenant.id, `UPDATE sites SET daily_capacity = 1`)
	first := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, n.near.String(), first.str("site_id"))
	second := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, n.far.String(), second.str("site_id"), "near is full today")
	third := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, "created", third.str("state"))
	require.Contains(t, third.str("queue_reason"), "capacity")

	// The near site gives the first order back: it has room again, and the
	// queued order can go there.
	rej := b.act(n.nearMgrTok, first.str("id"), "reject", map[string]any{"reason": "no parts"})
	require.Equal(t, 200, rej.Status, "%s", rej.Raw)
	again := b.act(n.tenant.admin, third.str("id"), "dispatch", nil)
	require.Equal(t, 200, again.Status, "%s", again.Raw)
	require.Equal(t, n.near.String(), again.str("site_id"))
}

// TestAutoAssignmentNeedsSkills: the platform assigns only a technician
// with every skill the order needs, even if a nearer one lacks them; with
// nobody qualified the site's staff assign by hand.
func TestAutoAssignmentNeedsSkills(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	b.exec(n.tenant.id, `UPDATE technicians SET skills = '{rf,install}' WHERE id = $1`, n.techFar)
	r := b.intake(n, n.tenant.admin, map[string]any{"skills": []string{"install"}})
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, n.techFar.String(), r.str("technician_id"), "the farther technician is the one who can install")
	require.Equal(t, []any{"install"}, r.JSON["skills"])

	r = b.intake(n, n.tenant.admin, map[string]any{"skills": []string{"gas-welding"}})
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, "dispatched", r.str("state"))
	require.Nil(t, r.JSON["technician_id"])
	b.must(422, "POST", "/v1/work-orders", n.tenant.admin, map[string]any{"type": "repair", "channel": "phone",
		"customer_id": n.customer.String(), "skills": []string{"no spaces allowed"}})
}

// TestPurchaseLeadGoesToTheNearestDealer: a lead is not dispatched but
// routed to the nearest dealer, whose staff then see it.
func TestPurchaseLeadGoesToTheNearestDealer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	b.exec(n.tenant.id, `UPDATE sites SET kind = 'dealer' WHERE code IN ('S-FAR', 'S-NN')`)
	_, dealerTok := b.createUser(n.tenant.admin, "acme", "far.sales", []string{"site_manager"}, map[string]any{"sites": []string{n.far.String()}})
	r := b.do("POST", "/v1/work-orders", n.tenant.admin, map[string]any{"type": "purchase_lead", "channel": "phone",
		"customer_id": n.customer.String(), "description": "想买一台新空调", "product_line": "AC", "lat": szLat, "lon": szLon})
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, "created", r.str("state"))
	require.Equal(t, n.far.String(), r.str("site_id"), "the nearest dealer, not the nearer service station")
	require.Nil(t, r.JSON["dispatch_decision"])
	b.must(200, "GET", "/v1/work-orders/"+r.str("id"), dealerTok, nil)
	done := b.act(dealerTok, r.str("id"), "close", map[string]any{})
	require.Equal(t, 200, done.Status, "%s", done.Raw)
	require.Equal(t, "closed", done.str("state"))
}

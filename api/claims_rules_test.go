package api_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// claimRules runs claims of one network through a chosen set of the
// default audit rules.
type claimRules struct {
	b        *testBundle
	n        *network
	defaults map[string]any
}

func (b *testBundle) claimRules(n *network) *claimRules {
	r := &claimRules{b: b, n: n, defaults: map[string]any{}}
	for _, x := range b.must(200, "GET", "/v1/claim-rules", n.tenant.admin, nil).JSON["rules"].([]any) {
		m := x.(map[string]any)
		r.defaults[m["code"].(string)] = m
	}
	return r
}

// only makes the tenant's rules the named default rules.
func (r *claimRules) only(codes ...string) {
	var rules []any
	for _, c := range codes {
		require.Contains(r.b.t, r.defaults, c)
		rules = append(rules, r.defaults[c])
	}
	if rules == nil {
		rules = []any{}
	}
	r.b.must(200, "PUT", "/v1/claim-rules", r.n.tenant.admin, map[string]any{"rules": rules})
}

// submit drafts the order's claim as the site, adjusts lines when
// given, submits it and returns the codes of the rules that flagged it.
func (r *claimRules) submit(order string, lines ...any) []string {
	b, site := r.b, r.n.tenant.admin
	c := b.must(201, "POST", "/v1/claims", site, map[string]any{"work_order_id": order})
	path := "/v1/claims/" + c.str("id") + "/actions"
	if len(lines) > 0 {
		b.must(200, "POST", path, site, map[string]any{"action": "adjust", "reason": "现场实际", "lines": lines})
	}
	c = b.must(200, "POST", path, site, map[string]any{"action": "submit"})
	codes := []string{}
	for _, f := range c.JSON["flags"].([]any) {
		codes = append(codes, f.(map[string]any)["rule"].(string))
	}
	if len(codes) > 0 {
		require.Equal(b.t, "flagged", c.str("state"))
	} else {
		require.Equal(b.t, "submitted", c.str("state"))
	}
	return codes
}

// newUnit registers another in-warranty unit of the network's customer.
func (r *claimRules) newUnit(serial string) uuid.UUID {
	u := uuid.New()
	r.b.exec(r.n.tenant.id, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
		SELECT tenant_id, $2, customer_id, model_id, $3, now()::date - 100 FROM units WHERE id = $1`, r.n.unit, u, serial)
	return u
}

func line(no int, field string, v any) map[string]any { return map[string]any{"no": no, field: v} }

// TestClaimAuditRulesOnHistory: each default audit rule flags a claim
// and lets a like one through, with the facts the server works out
// itself: the travel claimed against the site's distance, the unit's
// previous repair, the days since completion, the defective part's
// return (only where the catalogue says it must come back), and the
// site's and technician's cost per order against their peers, this
// claim included.
func TestClaimAuditRulesOnHistory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("rules")
	r := b.claimRules(n)
	done := func(unit uuid.UUID, daysAgo int, parts ...string) string {
		return b.completedOrder(n, unit, n.near, &n.techNear, daysAgo, parts...)
	}

	t.Run("mileage_above_distance", func(t *testing.T) {
		r.only("mileage_above_distance")
		// ~1.5 km straight line: 3 km of road is plausible, 40 km is not.
		require.Empty(t, r.submit(done(n.unit, 1), line(2, "quantity", 3)))
		require.Equal(t, []string{"mileage_above_distance"}, r.submit(done(n.unit, 1), line(2, "quantity", 40)))
	})
	t.Run("repeat_repair", func(t *testing.T) {
		r.only("repeat_repair")
		once := r.newUnit("SN-ONCE")
		done(once, 45)
		require.Empty(t, r.submit(done(once, 2)), "the previous repair was 43 days before")
		twice := r.newUnit("SN-TWICE")
		done(twice, 12)
		require.Equal(t, []string{"repeat_repair"}, r.submit(done(twice, 2)), "the previous repair was 10 days before")
	})
	t.Run("late_filing", func(t *testing.T) {
		r.only("late_filing")
		require.Empty(t, r.submit(done(r.newUnit("SN-L29"), 29)))
		require.Equal(t, []string{"late_filing"}, r.submit(done(r.newUnit("SN-L31"), 31)))
	})
	t.Run("part_not_returned", func(t *testing.T) {
		r.only("part_not_returned")
		admin := n.tenant.admin
		b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-RET", "name_zh": "压缩机",
			"must_return": true, "cost_minor": 30000, "sale_minor": 45000})
		b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-KEEP", "name_zh": "遥控器电池",
			"cost_minor": 100, "sale_minor": 200})
		// The tenant's window is 15 days from completion.
		require.Empty(t, r.submit(done(r.newUnit("SN-R2"), 2, "P-RET")), "still within the window")
		require.Equal(t, []string{"part_not_returned"}, r.submit(done(r.newUnit("SN-R20"), 20, "P-RET")))
		require.Empty(t, r.submit(done(r.newUnit("SN-K20"), 20, "P-KEEP")), "the catalogue does not want it back")
		c := b.must(201, "POST", "/v1/claims", admin, map[string]any{"work_order_id": done(r.newUnit("SN-K1"), 1, "P-KEEP")})
		part := c.JSON["lines"].([]any)[2].(map[string]any)
		require.Equal(t, "P-KEEP", part["code"])
		require.Nil(t, part["return_due"], "a part that need not come back has no return due: %s", c.Raw)
	})

	t.Run("out_of_line_with_peers", func(t *testing.T) {
		p := b.newNetwork("peers")
		pr := b.claimRules(p)
		pr.only()
		tf, to := uuid.New(), uuid.New()
		for _, x := range []struct {
			id, site uuid.UUID
			code     string
		}{{tf, p.far, "T-F"}, {to, p.other, "T-O"}} {
			b.exec(p.tenant.id, `INSERT INTO technicians (tenant_id, id, site_id, code, name, phone) VALUES ($1, $2, $3, $4, $4, '13900000001')`,
				p.tenant.id, x.id, x.site, x.code)
		}
		// The peers (the two other sites and their technicians, and the
		// Shenzhen site's other technician) cost 5,000 per order; so did
		// the Shenzhen technician's one earlier claim.
		noTravel := line(2, "quantity", 0)
		require.Empty(t, pr.submit(b.completedOrder(p, p.unit, p.far, &tf, 3), noTravel))
		require.Empty(t, pr.submit(b.completedOrder(p, p.unit, p.other, &to, 3), noTravel))
		require.Empty(t, pr.submit(b.completedOrder(p, p.unit, p.near, &p.techFar, 3), noTravel))
		require.Empty(t, pr.submit(b.completedOrder(p, p.unit, p.near, &p.techNear, 3), noTravel))
		pr.only("site_out_of_line", "technician_out_of_line")
		require.Empty(t, pr.submit(b.completedOrder(p, p.unit, p.near, &p.techNear, 2)), "5,300 is in line")
		// A claim of 100,000 takes the site's average to ~28,800 and the
		// technician's to ~36,800, above twice the peers' medians of 5,000.
		require.ElementsMatch(t, []string{"site_out_of_line", "technician_out_of_line"},
			pr.submit(b.completedOrder(p, p.unit, p.near, &p.techNear, 1), line(1, "amount", 100000), noTravel))
		// The Shenzhen site's other technician is in line with his peers
		// (5,000, 5,000 and 36,800: a median of 5,000), though his site
		// is not.
		require.Equal(t, []string{"site_out_of_line"}, pr.submit(b.completedOrder(p, p.unit, p.near, &p.techFar, 1), noTravel))
	})
}

// TestClaimFollowsTheSanBaoPolicy: the claim of an order the 三包 policy
// priced at completion follows the policy, not the model's warranty
// months: an order the customer paid for in full is refused (422 naming
// work_order_id), though the unit is within its model's 36 months; an
// order the policy covers is claimed in full.
func TestClaimFollowsTheSanBaoPolicy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("sanbao")
	admin := n.tenant.admin
	b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(0))
	complete := func() string {
		r := b.intake(n, admin, nil)
		require.Equal(t, 201, r.Status, "%s", r.Raw)
		id := r.str("id")
		b.completeInField(n, id)
		return id
	}

	b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": 0, "replace_days": 0, "refund_days": 0})
	paid := complete()
	ch := b.must(200, "GET", "/v1/work-orders/"+paid+"/charges", admin, nil).JSON["charges"].(map[string]any)
	require.NotZero(t, ch["total"], "the customer was charged")
	e := b.must(422, "POST", "/v1/claims", n.nearMgrTok, map[string]any{"work_order_id": paid})
	require.Contains(t, string(e.Raw), "work_order_id")
	require.Contains(t, string(e.Raw), "customer was charged")

	b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": 12, "replace_days": 0, "refund_days": 0})
	free := complete()
	ch = b.must(200, "GET", "/v1/work-orders/"+free+"/charges", admin, nil).JSON["charges"].(map[string]any)
	require.EqualValues(t, 0, ch["total"], "the warranty covered it")
	c := b.must(201, "POST", "/v1/claims", n.nearMgrTok, map[string]any{"work_order_id": free})
	var kinds []string
	for _, l := range c.JSON["lines"].([]any) {
		kinds = append(kinds, l.(map[string]any)["kind"].(string))
	}
	require.Equal(t, []string{"labour", "travel", "part"}, kinds)
	require.NotZero(t, c.JSON["lines"].([]any)[0].(map[string]any)["amount"])
}

// TestClaimOfAnOrderThePolicyCoversInPart: an order the 三包 policy
// covers only in part is charged and claimed line by line. The rule
// (warranty.Price, claim draftLines): each part is on the term of its
// component when the unit's policy lists it, else on its own catalogue
// months, else on the unit's repair term; labour and travel (the visit)
// are on the unit's term, unless a part of a component the policy lists
// is free, when the visit is free with it. Months of the catalogue alone
// never make the visit free. The customer pays what is charged; the claim
// takes what is not: a charged visit is claimed at zero (labour and
// travel lines kept, quantity 0), a charged part is left out, a covered
// part is claimed at the catalogue's cost.
//
// The network's unit was bought 100 days ago and its model's policy gives
// 3 months: the unit is out of its repair term. The compressor is on
// 120 months; the fan has no term of its own.
func TestClaimOfAnOrderThePolicyCoversInPart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("sanbao-part")
	admin := n.tenant.admin
	b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(0))
	b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-CMP", "name_zh": "压缩机",
		"component": "compressor", "warranty_months": 120, "cost_minor": 60000, "sale_minor": 90000})
	b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-FAN", "name_zh": "风扇",
		"cost_minor": 1000, "sale_minor": 1500})
	policy := func(repairMonths int, components ...map[string]any) {
		if components == nil {
			components = []map[string]any{}
		}
		b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": repairMonths,
			"replace_days": 0, "refund_days": 0, "components": components})
	}
	// order completes an order with the compressor and the fan and
	// answers its charges, item by kind (and code for parts): charged or not.
	order := func() (string, map[string]any, map[string]bool) {
		t.Helper()
		r := b.intake(n, admin, nil)
		require.Equal(t, 201, r.Status, "%s", r.Raw)
		id := r.str("id")
		b.completeInField(n, id, map[string]any{"barcode": "P-CMP", "quantity": 1}, map[string]any{"barcode": "P-FAN", "quantity": 1})
		ch := b.must(200, "GET", "/v1/work-orders/"+id+"/charges", admin, nil).JSON["charges"].(map[string]any)
		charged := map[string]bool{}
		for _, x := range ch["items"].([]any) {
			it := x.(map[string]any)
			charged[itemKey(it)] = it["charged"].(bool)
		}
		return id, ch, charged
	}
	// claim drafts the order's claim and answers its lines' amounts by
	// kind (and code for parts).
	claim := func(id string) map[string]float64 {
		t.Helper()
		c := b.must(201, "POST", "/v1/claims", n.nearMgrTok, map[string]any{"work_order_id": id})
		out := map[string]float64{}
		for _, x := range c.JSON["lines"].([]any) {
			l := x.(map[string]any)
			out[itemKey(l)] = l["amount"].(float64)
		}
		return out
	}

	t.Run("the compressor on its catalogue months: the visit and the fan charged", func(t *testing.T) {
		policy(3)
		id, ch, charged := order()
		require.Equal(t, map[string]bool{"labour": true, "travel": true, "part:P-FAN": true, "part:P-CMP": false}, charged)
		require.Equal(t, "part_term", partItem(t, ch, "P-CMP")["reason"])
		require.Equal(t, "expired", partItem(t, ch, "P-FAN")["reason"])
		// Labour 120 yuan (KFR-35), travel 15 yuan (under 5 km), the fan 15 yuan.
		require.EqualValues(t, 12000+1500+1500, ch["total"])
		require.Equal(t, map[string]float64{"labour": 0, "travel": 0, "part:P-CMP": 60000}, claim(id))
	})
	t.Run("the compressor on the policy's term: the visit free with it, the fan charged", func(t *testing.T) {
		policy(3, map[string]any{"code": "compressor", "name_zh": "压缩机", "name_en": "Compressor", "months": 120})
		id, ch, charged := order()
		require.Equal(t, map[string]bool{"labour": false, "travel": false, "part:P-FAN": true, "part:P-CMP": false}, charged)
		require.Equal(t, "component_term", partItem(t, ch, "P-CMP")["reason"])
		require.EqualValues(t, 1500, ch["total"], "the fan alone")
		// 1 standard hour × 50.00; ~1.5 km × 2.00/km; the compressor at cost.
		require.Equal(t, map[string]float64{"labour": 5000, "travel": 300, "part:P-CMP": 60000}, claim(id))
	})
	t.Run("the unit in its term: nothing charged, everything claimed", func(t *testing.T) {
		policy(12)
		id, ch, charged := order()
		require.Equal(t, map[string]bool{"labour": false, "travel": false, "part:P-FAN": false, "part:P-CMP": false}, charged)
		require.EqualValues(t, 0, ch["total"])
		require.Equal(t, map[string]float64{"labour": 5000, "travel": 300, "part:P-CMP": 60000, "part:P-FAN": 1000}, claim(id))
	})
}

// itemKey names a charge item or claim line by its kind, and its code
// for a part ("part:P-CMP").
func itemKey(m map[string]any) string {
	if m["kind"] == "part" {
		return "part:" + m["code"].(string)
	}
	return m["kind"].(string)
}

// completeInField takes the order through the near technician's accept,
// arrival at the Shenzhen address and completion with a service record
// of the network's unit, so the policy prices it (its charges). The
// record's parts are the given ones, when any; else one P-100.
func (b *testBundle) completeInField(n *network, id string, parts ...map[string]any) {
	b.t.Helper()
	rec := record("SN-0001")
	if len(parts) > 0 {
		rec["parts"] = parts
	}
	for _, a := range []struct {
		action string
		body   map[string]any
	}{{"accept", nil}, {"arrive", map[string]any{"lat": szLat, "lon": szLon}}, {"complete", map[string]any{"record": rec}}} {
		r := b.act(n.techNearTok, id, a.action, a.body)
		require.Equal(b.t, 200, r.Status, "%s: %s", a.action, r.Raw)
	}
}

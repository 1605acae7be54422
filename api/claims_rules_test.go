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

// completeInField takes the order through the near technician's accept,
// arrival at the Shenzhen address and completion with a service record
// of the network's unit, so the policy prices it (its charges).
func (b *testBundle) completeInField(n *network, id string) {
	b.t.Helper()
	for _, a := range []struct {
		action string
		body   map[string]any
	}{{"accept", nil}, {"arrive", map[string]any{"lat": szLat, "lon": szLon}}, {"complete", map[string]any{"record": record("SN-0001")}}} {
		r := b.act(n.techNearTok, id, a.action, a.body)
		require.Equal(b.t, 200, r.Status, "%s: %s", a.action, r.Raw)
	}
}

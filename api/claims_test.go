package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// completedOrder takes in a repair of unit at the Shenzhen address and
// records it completed by site's technician days ago, with parts.
func (b *testBundle) completedOrder(n *network, unit, site uuid.UUID, tech *uuid.UUID, daysAgo int, parts ...string) string {
	b.t.Helper()
	o := b.intake(n, n.tenant.admin, map[string]any{"unit_id": unit.String()})
	require.Equal(b.t, 201, o.Status, "%s", o.Raw)
	var ps []map[string]any
	for _, p := range parts {
		ps = append(ps, map[string]any{"barcode": p, "quantity": 1})
	}
	rec := map[string]any{"unit_serial": "SN-0001", "symptom_code": "S01", "cause_code": "C01", "object_code": "O01",
		"action_code": "A01", "parts": ps, "confirmation": map[string]any{"name": "王芳", "code": "1234"}}
	b.exec(n.tenant.id, `UPDATE work_orders SET state = 'completed', site_id = $2, technician_id = $3,
		completed_at = now() - make_interval(days => $4), service_record = $5 WHERE id = $1`, o.str("id"), site, tech, daysAgo, rec)
	return o.str("id")
}

func lineAmounts(r resp) []float64 {
	var out []float64
	for _, l := range r.JSON["lines"].([]any) {
		out = append(out, l.(map[string]any)["amount"].(float64))
	}
	return out
}

// TestClaimJourneyAuditAppealAndBadInput drafts a claim from a completed
// in-warranty order, refuses bad input with nothing changed, adjusts and
// submits it (flagged: labour above the standard), audits, rejects,
// takes its one appeal, adjusts the approval, and refuses a second
// appeal; every change is on the timeline.
func TestClaimJourneyAuditAppealAndBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin, site := n.tenant.admin, n.nearMgrTok
	order := b.completedOrder(n, n.unit, n.near, &n.techNear, 2, "P-COMP-01")

	// Bad input: not completed, out of warranty, unknown, twice.
	open := b.intake(n, admin, nil)
	require.Equal(t, 201, open.Status)
	e := b.must(422, "POST", "/v1/claims", site, map[string]any{"work_order_id": open.str("id")})
	require.Contains(t, string(e.Raw), "work_order_id")
	require.Contains(t, string(e.Raw), "not completed")
	oldUnit := uuid.New()
	b.exec(n.tenant.id, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
		SELECT tenant_id, $2, customer_id, model_id, 'SN-OLD', '2018-03-01' FROM units WHERE id = $1`, n.unit, oldUnit)
	old := b.completedOrder(n, oldUnit, n.near, nil, 1)
	e = b.must(422, "POST", "/v1/claims", site, map[string]any{"work_order_id": old})
	require.Contains(t, string(e.Raw), "out of warranty")
	b.must(422, "POST", "/v1/claims", site, map[string]any{"work_order_id": uuid.NewString()})
	// The Nanning site's manager may not claim for the Shenzhen site.
	_, nnMgr := b.createUser(admin, "acme", "nn.manager", []string{"site_manager"}, map[string]any{"sites": []string{n.other.String()}})
	e = b.must(422, "POST", "/v1/claims", nnMgr, map[string]any{"work_order_id": order})
	require.Contains(t, string(e.Raw), "work_order_id")
	b.must(403, "POST", "/v1/claims", n.gxMgrTok, map[string]any{"work_order_id": order})

	c := b.must(201, "POST", "/v1/claims", site, map[string]any{"work_order_id": order})
	id := c.str("id")
	require.Equal(t, "draft", c.str("state"))
	require.Equal(t, "CNY", c.str("currency"))
	// 1 standard hour × 50.00; ~1.5 km straight line × 2.00/km; the part.
	require.Equal(t, []float64{5000, 300, 0}, lineAmounts(c))
	require.InDelta(t, 1.5, c.JSON["distance_km"].(float64), 0.1)
	require.Equal(t, float64(5300), c.JSON["claimed_total"])
	require.ElementsMatch(t, []any{"submit", "adjust"}, c.JSON["actions"])
	b.must(409, "POST", "/v1/claims", site, map[string]any{"work_order_id": order})

	// Adjusting without a reason changes nothing.
	act := func(tok string, status int, body map[string]any) resp {
		return b.must(status, "POST", "/v1/claims/"+id+"/actions", tok, body)
	}
	e = act(site, 422, map[string]any{"action": "adjust", "lines": []any{map[string]any{"no": 1, "quantity": 3}}})
	require.Contains(t, string(e.Raw), "reason")
	require.Equal(t, float64(1), b.must(200, "GET", "/v1/claims/"+id, site, nil).JSON["version"])

	c = act(site, 200, map[string]any{"action": "adjust", "reason": "压缩机更换耗时", "lines": []any{
		map[string]any{"no": 1, "quantity": 3}, map[string]any{"no": 3, "amount": 12000}}})
	require.Equal(t, []float64{15000, 300, 12000}, lineAmounts(c))
	c = act(site, 200, map[string]any{"action": "submit"})
	require.Equal(t, "flagged", c.str("state"))
	require.Contains(t, string(c.Raw), "labour_above_standard")
	require.Equal(t, "open", c.JSON["audit"].(map[string]any)["status"])

	// Approval waits for the audit; the site may not review its own claim.
	e = act(admin, 409, map[string]any{"action": "approve"})
	require.Contains(t, string(e.Raw), "audit")
	act(site, 403, map[string]any{"action": "approve"})
	act(admin, 200, map[string]any{"action": "audit", "note": "回访客户：确认更换压缩机，耗时3小时"})
	act(admin, 422, map[string]any{"action": "reject"})
	c = act(admin, 200, map[string]any{"action": "reject", "reason": "工时超标"})
	require.Equal(t, "rejected", c.str("state"))
	c = act(site, 200, map[string]any{"action": "appeal", "reason": "附维修照片"})
	require.Equal(t, "appealed", c.str("state"))
	c = act(admin, 200, map[string]any{"action": "reduce", "reason": "工时按2小时核定",
		"lines": []any{map[string]any{"no": 1, "amount": 10000}}})
	require.Equal(t, "adjusted", c.str("state"))
	require.Equal(t, float64(22300), c.JSON["approved_total"])
	e = act(site, 409, map[string]any{"action": "appeal", "reason": "再次申诉"})
	require.Contains(t, string(e.Raw), "appeal")
	require.Contains(t, string(e.Raw), "once")
	require.Equal(t, "adjusted", b.must(200, "GET", "/v1/claims/"+id, site, nil).str("state"))

	ev := b.must(200, "GET", "/v1/claims/"+id+"/events", site, nil)
	var types []string
	for _, x := range ev.JSON["items"].([]any) {
		types = append(types, x.(map[string]any)["type"].(string))
	}
	require.Equal(t, []string{"drafted", "adjust", "submit", "audit", "reject", "appeal", "reduce"}, types)
	require.Contains(t, string(ev.Raw), "压缩机更换耗时")
}

// TestClaimRulesEditor: a rule that does not compile or names an unknown
// field answers 422 naming it, nothing saved; a good set replaces the
// defaults and decides the next submission.
func TestClaimRulesEditor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	def := b.must(200, "GET", "/v1/claim-rules", admin, nil)
	require.Len(t, def.JSON["rules"], 8)
	for _, cond := range []string{"labour_hours >", "mileage > 3", "labour_hours + 1"} {
		e := b.must(422, "PUT", "/v1/claim-rules", admin, map[string]any{"rules": []any{
			map[string]any{"code": "ok", "name": "ok", "enabled": true, "condition": "total > 0"},
			map[string]any{"code": "bad", "name": "bad", "enabled": true, "condition": cond}}})
		require.Contains(t, string(e.Raw), "rules[1].condition")
	}
	require.Len(t, b.must(200, "GET", "/v1/claim-rules", admin, nil).JSON["rules"], 8)
	b.must(403, "PUT", "/v1/claim-rules", n.gxMgrTok, map[string]any{"rules": []any{}})

	b.must(200, "PUT", "/v1/claim-rules", admin, map[string]any{"rules": []any{
		map[string]any{"code": "any_part", "name": "Any part", "enabled": true, "condition": "parts_count > 0"}}})
	withPart := b.completedOrder(n, n.unit, n.near, &n.techNear, 1, "P-1")
	c := b.must(201, "POST", "/v1/claims", admin, map[string]any{"work_order_id": withPart})
	c = b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", admin, map[string]any{"action": "submit"})
	require.Equal(t, "flagged", c.str("state"))
	require.Contains(t, string(c.Raw), "any_part")
}

// TestClaimSettlementAndScope: the month's statement of a site is the sum
// of its approved claims less its SLA-miss deductions; it is approved,
// announced and exported; each site and region manager sees only theirs.
func TestClaimSettlementAndScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	b.must(200, "PUT", "/v1/claim-rules", admin, map[string]any{"rules": []any{}})
	approve := func(order string) resp {
		c := b.must(201, "POST", "/v1/claims", admin, map[string]any{"work_order_id": order})
		b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", admin, map[string]any{"action": "submit"})
		return b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", admin, map[string]any{"action": "approve"})
	}
	o1 := b.completedOrder(n, n.unit, n.near, &n.techNear, 1)
	c1 := approve(o1)
	c2 := approve(b.completedOrder(n, n.unit, n.near, &n.techNear, 1))
	cOther := approve(b.completedOrder(n, n.unit, n.other, nil, 1))
	b.exec(n.tenant.id, `INSERT INTO site_sla_misses (tenant_id, site_id, work_order_id, kind, due_at, recorded_at)
		VALUES ($1, $2, $3, 'arrival', now(), now())`, n.tenant.id, n.near, o1)

	// Scope of claims.
	ids := func(tok string) []string {
		var out []string
		for _, it := range b.must(200, "GET", "/v1/claims", tok, nil).JSON["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	require.ElementsMatch(t, []string{c1.str("id"), c2.str("id")}, ids(n.nearMgrTok))
	require.ElementsMatch(t, []string{cOther.str("id")}, ids(n.gxMgrTok))
	b.must(404, "GET", "/v1/claims/"+cOther.str("id"), n.nearMgrTok, nil)
	b.must(404, "GET", "/v1/claims/"+c1.str("id"), n.gxMgrTok, nil)
	other := b.newNetwork("omega")
	require.Empty(t, ids(other.tenant.admin))
	b.must(404, "GET", "/v1/claims/"+c1.str("id"), other.tenant.admin, nil)

	period := time.Now().UTC().Format("2006-01")
	b.must(403, "POST", "/v1/claim-statements/generate", n.nearMgrTok, map[string]any{"period": period})
	b.must(422, "POST", "/v1/claim-statements/generate", admin, map[string]any{"period": "2999-01"})
	gen := b.must(200, "POST", "/v1/claim-statements/generate", admin, map[string]any{"period": period})
	require.Len(t, gen.JSON["items"], 2)
	var near map[string]any
	for _, it := range gen.JSON["items"].([]any) {
		if m := it.(map[string]any); m["site_id"] == n.near.String() {
			near = m
		}
	}
	require.NotNil(t, near)
	claims := c1.JSON["approved_total"].(float64) + c2.JSON["approved_total"].(float64)
	require.Equal(t, claims, near["claims_total"])
	require.Equal(t, float64(5000), near["deductions_total"])
	require.Equal(t, claims-5000, near["total"])
	var sum float64
	for _, l := range near["lines"].([]any) {
		sum += l.(map[string]any)["amount"].(float64)
	}
	require.Equal(t, near["total"], sum, "the total is the sum of its lines")
	require.Empty(t, near["notes"], "no charged services in another currency")
	require.EqualValues(t, 0, near["charged_total"], "these orders were completed without charges")

	sid := near["id"].(string)
	list := b.must(200, "GET", "/v1/claim-statements?period="+period, n.nearMgrTok, nil)
	require.Len(t, list.JSON["items"], 1)
	require.Len(t, b.must(200, "GET", "/v1/claim-statements", n.gxMgrTok, nil).JSON["items"], 1)
	b.must(404, "GET", "/v1/claim-statements/"+sid, n.gxMgrTok, nil)
	b.must(403, "POST", "/v1/claim-statements/"+sid+"/approve", n.gxMgrTok, nil)

	st := b.must(200, "POST", "/v1/claim-statements/"+sid+"/approve", admin, nil)
	require.Equal(t, "approved", st.str("state"))
	b.must(409, "POST", "/v1/claim-statements/"+sid+"/approve", admin, nil)
	announced := pgtest.TenantRows[[]byte](t, b.pool, n.tenant.id,
		`SELECT payload FROM outbox WHERE aggregate_id = $1 AND type = 'claim_statement.approved'`, uuid.MustParse(sid))
	require.Len(t, announced, 1)
	require.Contains(t, string(announced[0]), fmt.Sprintf(`"total": %d`, int64(claims-5000)))
	// Regenerating leaves the approved statement as it was.
	b.must(200, "POST", "/v1/claim-statements/generate", admin, map[string]any{"period": period})
	require.Equal(t, "approved", b.must(200, "GET", "/v1/claim-statements/"+sid, admin, nil).str("state"))

	csvResp := b.do("GET", "/v1/claim-statements/"+sid+"/export?format=csv", n.nearMgrTok, nil)
	require.Equal(t, 200, csvResp.Status)
	cr := csv.NewReader(strings.NewReader(string(csvResp.Raw)))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"total", "", "", formatMinor(claims - 5000)}, rows[len(rows)-1], "no notes follow the total")
	x := b.do("GET", "/v1/claim-statements/"+sid+"/export?format=xlsx", n.nearMgrTok, nil)
	require.Equal(t, 200, x.Status)
	f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
	require.NoError(t, err)
	all, err := f.GetRows("Sheet1")
	require.NoError(t, err)
	require.Equal(t, "total", all[len(all)-1][0])
	b.must(404, "GET", "/v1/claim-statements/"+sid+"/export?format=csv", n.gxMgrTok, nil)
}

func formatMinor(v float64) string { return fmt.Sprintf("%d.%02d", int64(v)/100, int64(v)%100) }

// TestClaimPartNotFitting: a part whose catalogue entry lists other
// models makes its claim line not fit and the default rule
// part_not_fitting flags the claim; a part listing no models fits.
func TestClaimPartNotFitting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("fit")
	admin, site := n.tenant.admin, n.nearMgrTok
	b.exec(n.tenant.id, `INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months)
		VALUES ($1, $2, 'AC', 'XX-99', 'XX-99', 36)`, n.tenant.id, uuid.New())
	b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-XX99", "name_zh": "异型压缩机",
		"models": []string{"XX-99"}, "cost_minor": 1000, "sale_minor": 2000})
	b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-ANY", "name_zh": "通用螺丝",
		"cost_minor": 10, "sale_minor": 20})
	fits := func(c resp) map[string]any {
		out := map[string]any{}
		for _, l := range c.JSON["lines"].([]any) {
			if m := l.(map[string]any); m["kind"] == "part" {
				out[m["code"].(string)] = m["fits"]
			}
		}
		return out
	}

	ok := b.completedOrder(n, n.unit, n.near, &n.techNear, 1, "P-ANY")
	c := b.must(201, "POST", "/v1/claims", site, map[string]any{"work_order_id": ok})
	require.Equal(t, map[string]any{"P-ANY": true}, fits(c))
	c = b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", site, map[string]any{"action": "submit"})
	require.NotContains(t, string(c.Raw), "part_not_fitting")

	bad := b.completedOrder(n, n.unit, n.near, &n.techNear, 1, "P-XX99", "P-ANY")
	c = b.must(201, "POST", "/v1/claims", site, map[string]any{"work_order_id": bad})
	require.Equal(t, map[string]any{"P-XX99": false, "P-ANY": true}, fits(c))
	c = b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", site, map[string]any{"action": "submit"})
	require.Equal(t, "flagged", c.str("state"))
	require.Contains(t, string(c.Raw), "part_not_fitting")
}

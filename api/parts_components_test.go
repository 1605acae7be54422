package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// partItem is the quote or charge item of a part code.
func partItem(t *testing.T, r map[string]any, code string) map[string]any {
	t.Helper()
	for _, it := range r["items"].([]any) {
		if m := it.(map[string]any); m["kind"] == "part" && m["code"] == code {
			return m
		}
	}
	require.FailNow(t, "no item", "part %s in %v", code, r["items"])
	return nil
}

// TestPartComponentSanBaoThroughCatalogue is the 三包 table (days since
// purchase × component × policy) run through the catalogue: quotes name
// the parts by number only, and the catalogue gives each its major
// component and own months. The component's term from the policy wins,
// then the part's own months, then the unit's repair term. A completed
// order of an air conditioner bought 3 years ago gets its compressor free
// (5 years in the policy) and a plain part charged (unit term 1 year),
// and the record's part that does not fit the model comes back as a
// warning, the record accepted.
func TestPartComponentSanBaoThroughCatalogue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("pcmp")
	admin := n.tenant.admin
	b.must(200, "PUT", "/v1/fee-schedule", admin, feeBody(0))
	b.must(200, "PUT", "/v1/warranty-policies/line/AC", admin, map[string]any{"repair_months": 12, "replace_days": 15,
		"refund_days": 7, "components": []map[string]any{{"code": "compressor", "name_zh": "压缩机", "name_en": "Compressor", "months": 60}}})

	r := b.must(422, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-BAD", "name_zh": "坏", "component": "压缩机 x",
		"cost_minor": 1, "sale_minor": 1})
	require.Contains(t, string(r.Raw), "component")
	cmp := b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-CMP", "name_zh": "压缩机",
		"component": "pcb", "cost_minor": 60000, "sale_minor": 90000, "models": []string{"KFR-35"}})
	require.Equal(t, "pcb", cmp.str("component"))
	cmp = b.must(200, "PUT", "/v1/parts/catalog/"+cmp.str("id"), admin, map[string]any{"number": "P-CMP", "name_zh": "压缩机",
		"component": "compressor", "cost_minor": 60000, "sale_minor": 90000, "models": []string{"KFR-35"}, "version": 1})
	require.Equal(t, "compressor", b.must(200, "GET", "/v1/parts/catalog/"+cmp.str("id")+"/detail", admin, nil).str("component"))
	b.exec(n.tenant.id, `INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months)
		VALUES ($1, $2, 'AC', 'KFR-99', 'KFR-99', 12)`, n.tenant.id, uuid.New())
	b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-FAN", "name_zh": "风扇", "cost_minor": 1000,
		"sale_minor": 1500, "models": []string{"KFR-99"}})
	b.must(201, "POST", "/v1/parts/catalog", admin, map[string]any{"number": "P-PCB", "name_zh": "主板", "warranty_months": 24,
		"cost_minor": 3000, "sale_minor": 5000})
	comps := map[string]any{}
	for _, p := range items(b.must(200, "GET", "/v1/parts/catalog", admin, nil)) {
		comps[p["number"].(string)] = p["component"]
	}
	require.Equal(t, map[string]any{"P-CMP": "compressor", "P-FAN": "", "P-PCB": ""}, comps)

	ago := func(y, m, d int) string { return time.Now().AddDate(-y, -m, -d).Format(time.DateOnly) }
	for _, c := range []struct {
		name, policy, bought, part string
		charged                    bool
		reason                     string
		labourFree                 bool
	}{
		{"day 3: the refund window covers every part", "line", ago(0, 0, 2), "P-FAN", false, "refund_window", true},
		{"100 days: a plain part on the unit's term", "line", ago(0, 0, 100), "P-FAN", false, "unit_term", true},
		{"3 years: the compressor on its 5 years", "line", ago(3, 0, 0), "P-CMP", false, "component_term", true},
		{"3 years: a plain part is charged", "line", ago(3, 0, 0), "P-FAN", true, "expired", false},
		{"3 years: a part's own 24 months have ended", "line", ago(3, 0, 0), "P-PCB", true, "part_expired", false},
		{"18 months: a part's own 24 months outlast the unit's 12", "line", ago(1, 6, 0), "P-PCB", false, "part_term", false},
		{"6 years: the compressor's 5 years have ended", "line", ago(6, 0, 0), "P-CMP", true, "component_expired", false},
		{"3 years, a model policy without components: the unit's term", "model", ago(3, 0, 0), "P-CMP", true, "expired", false},
		{"18 months, a model policy without components: own months still count", "model", ago(1, 6, 0), "P-PCB", false, "part_term", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.policy == "model" {
				b.must(200, "PUT", "/v1/warranty-policies/model/KFR-35", admin, map[string]any{"repair_months": 12, "replace_days": 15, "refund_days": 7})
				defer b.must(204, "DELETE", "/v1/warranty-policies/model/KFR-35", admin, nil)
			}
			q := b.must(200, "POST", "/v1/quotes", admin, map[string]any{"model_code": "KFR-35", "purchase_date": c.bought,
				"service_type": "repair", "distance_km": 1, "parts": []map[string]any{{"part_code": c.part, "quantity": 1}}})
			it := partItem(t, q.JSON, c.part)
			require.Equal(t, c.charged, it["charged"], "%v", it)
			require.Equal(t, c.reason, it["reason"])
			require.NotEqual(t, true, it["price_unknown"], "the catalogue prices it")
			require.Equal(t, !c.labourFree, items(q)[0]["charged"], "labour: %v", items(q)[0])
		})
	}

	// The network's air conditioner, bought 3 years ago, repaired with a
	// compressor and a fan that the catalogue lists for another model.
	b.exec(n.tenant.id, `UPDATE units SET purchase_date = $2 WHERE id = $1`, n.unit, ago(3, 0, 0))
	o := b.intake(n, admin, nil)
	require.Equal(t, 201, o.Status, "%s", o.Raw)
	id := o.str("id")
	b.must(200, "POST", "/v1/work-orders/"+id+"/accept", n.techNearTok, map[string]any{})
	b.must(200, "POST", "/v1/work-orders/"+id+"/arrive", n.techNearTok, map[string]any{"lat": szLat, "lon": szLon})
	rec := record("SN-0001")
	rec["parts"] = []map[string]any{{"barcode": "P-CMP", "quantity": 1}, {"barcode": "P-FAN", "quantity": 2}}
	done := b.act(n.techNearTok, id, "complete", map[string]any{"record": rec})
	require.Equal(t, 200, done.Status, "%s", done.Raw)
	require.Equal(t, "completed", done.str("state"), "a part that does not fit is a warning, not a refusal")
	require.Equal(t, []any{map[string]any{"code": "part_not_fitting", "part": "P-FAN", "model": "KFR-35",
		"message": "the catalogue does not list model KFR-35 for part P-FAN"}}, done.JSON["warnings"])
	ch := b.must(200, "GET", "/v1/work-orders/"+id+"/charges", admin, nil).JSON["charges"].(map[string]any)
	cmpItem, fan := partItem(t, ch, "P-CMP"), partItem(t, ch, "P-FAN")
	require.Equal(t, false, cmpItem["charged"])
	require.Equal(t, "compressor", cmpItem["component"])
	require.Equal(t, "component_term", cmpItem["reason"])
	require.Equal(t, true, fan["charged"])
	require.Equal(t, "expired", fan["reason"])
	require.EqualValues(t, 3000, ch["total"], "the fan at 2 × 15 yuan; labour and travel free for the compressor")

	// A record whose parts all fit answers no warnings.
	o = b.intake(n, admin, nil)
	id = o.str("id")
	b.must(200, "POST", "/v1/work-orders/"+id+"/accept", n.techNearTok, map[string]any{})
	b.must(200, "POST", "/v1/work-orders/"+id+"/arrive", n.techNearTok, map[string]any{"lat": szLat, "lon": szLon})
	rec["parts"] = []map[string]any{{"barcode": "P-CMP", "quantity": 1}, {"barcode": "P-PCB", "quantity": 1}, {"barcode": "P-NONE", "quantity": 1}}
	done = b.act(n.techNearTok, id, "complete", map[string]any{"record": rec})
	require.Equal(t, 200, done.Status, "%s", done.Raw)
	require.Nil(t, done.JSON["warnings"], fmt.Sprint(done.JSON["warnings"]))
}

// TestFieldPartReturnMarksClaimLine: the field request's return is the
// one record of a defective part coming back. The claim settings' return
// days are the tenant's part_return_days; the claim line of the part is
// due when the field request is, shows returned when the request is
// returned, and the rule part_not_returned does not flag the claim.
func TestFieldPartReturnMarksClaimLine(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-claimret")
	adm := f.tenant.admin
	set := b.must(200, "GET", "/v1/claim-settings", adm, nil).JSON
	delete(set, "$schema")
	set["part_return_days"] = 9
	require.EqualValues(t, 9, b.must(200, "PUT", "/v1/claim-settings", adm, set).JSON["part_return_days"])
	require.EqualValues(t, 9, b.must(200, "GET", "/v1/settings", adm, nil).JSON["part_return_days"], "one window: the tenant's")
	b.must(200, "PATCH", "/v1/settings", adm, map[string]any{"part_return_days": 10})
	require.EqualValues(t, 10, b.must(200, "GET", "/v1/claim-settings", adm, nil).JSON["part_return_days"], "the alias reads the tenant's")

	id := f.usedOne(b)
	req := b.must(200, "GET", "/v1/part-requests/"+id, f.clerk, nil)
	due, err := time.Parse(time.RFC3339Nano, req.str("return_due"))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().AddDate(0, 0, 10), due, time.Hour)

	c := b.must(201, "POST", "/v1/claims", f.nearMgrTok, map[string]any{"work_order_id": f.order})
	line := func(c resp) map[string]any {
		for _, l := range c.JSON["lines"].([]any) {
			if m := l.(map[string]any); m["kind"] == "part" && m["code"] == "P-COMP" {
				return m
			}
		}
		require.FailNow(t, "no P-COMP line", "%s", c.Raw)
		return nil
	}
	l := line(c)
	lineDue, err := time.Parse(time.RFC3339Nano, l["return_due"].(string))
	require.NoError(t, err)
	require.True(t, due.Equal(lineDue), "the claim line is due when the field request is: %s, %s", due, lineDue)
	require.Nil(t, l["returned_at"])

	ret := b.must(200, "POST", "/v1/part-requests/"+id+"/return", f.nearMgrTok, map[string]any{})
	b.must(200, "POST", "/v1/part-requests/"+id+"/inspect", f.clerk, map[string]any{"result": "accepted"})
	c = b.must(200, "GET", "/v1/claims/"+c.str("id"), f.nearMgrTok, nil)
	l = line(c)
	require.NotNil(t, l["returned_at"], "%s", c.Raw)
	at, err := time.Parse(time.RFC3339Nano, l["returned_at"].(string))
	require.NoError(t, err)
	reqAt, err := time.Parse(time.RFC3339Nano, ret.str("returned_at"))
	require.NoError(t, err)
	require.True(t, at.Equal(reqAt), "returned when the field request was: %s, %s", reqAt, at)
	var evs []string
	for _, e := range b.must(200, "GET", "/v1/claims/"+c.str("id")+"/events", f.nearMgrTok, nil).JSON["items"].([]any) {
		evs = append(evs, e.(map[string]any)["type"].(string))
	}
	require.Contains(t, evs, "return")

	c = b.must(200, "POST", "/v1/claims/"+c.str("id")+"/actions", f.nearMgrTok, map[string]any{"action": "submit"})
	require.NotContains(t, string(c.Raw), "part_not_returned")
}

// TestClaimDraftedAfterReturnShowsIt: a claim drafted after the field
// request's defective part came back takes the return over.
func TestClaimDraftedAfterReturnShowsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-claimlate")
	id := f.usedOne(b)
	ret := b.must(200, "POST", "/v1/part-requests/"+id+"/return", f.nearMgrTok, map[string]any{})
	c := b.must(201, "POST", "/v1/claims", f.nearMgrTok, map[string]any{"work_order_id": f.order})
	var line map[string]any
	for _, l := range c.JSON["lines"].([]any) {
		if m := l.(map[string]any); m["kind"] == "part" {
			line = m
		}
	}
	require.NotNil(t, line, "%s", c.Raw)
	at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(line["returned_at"]))
	require.NoError(t, err, "%s", c.Raw)
	reqAt, err := time.Parse(time.RFC3339Nano, ret.str("returned_at"))
	require.NoError(t, err)
	require.True(t, at.Equal(reqAt), "%s, %s", reqAt, at)
	due, err := time.Parse(time.RFC3339Nano, fmt.Sprint(line["return_due"]))
	require.NoError(t, err)
	reqDue, err := time.Parse(time.RFC3339Nano, ret.str("return_due"))
	require.NoError(t, err)
	require.True(t, due.Equal(reqDue), "%s, %s", reqDue, due)
}

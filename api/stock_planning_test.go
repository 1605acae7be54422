package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestStockABCCadenceAndPlan: a known year of consumption classifies the
// parts 80/15/5; every held part is due for a count until a posted
// stocktake counts it; the monthly plan suggests what is below the
// reorder point plus the campaigns of the month; a site sees its own.
func TestStockABCCadenceAndPlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.stockFixture("planning-acme")
	mk := func(num string, cost int) string {
		return b.must(201, "POST", "/v1/parts/catalog", f.clerk, map[string]any{"number": num, "name_zh": num, "name_en": num,
			"cost_minor": cost, "sale_minor": cost, "warranty_months": 12}).str("id")
	}
	fan, screw, idle := mk("P-FAN", 1000), mk("P-SCREW", 100), mk("P-IDLE", 5000)
	doc := func(kind, wh string, lines ...any) {
		var ls []map[string]any
		for i := 0; i < len(lines); i += 2 {
			ls = append(ls, map[string]any{"part_id": lines[i], "quantity": lines[i+1]})
		}
		b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": kind, "warehouse_id": wh, "lines": ls})
	}
	doc("receipt", f.wh1, f.part, 6, fan, 10, screw, 5, idle, 2)
	doc("receipt", f.wh2, f.part, 4)
	doc("issue", f.wh1, f.part, 5, fan, 10, screw, 1)
	doc("issue", f.wh2, f.part, 1)

	b.must(403, "POST", "/v1/stock/abc/recompute", f.siteMgr, nil)
	n := b.must(200, "POST", "/v1/stock/abc/recompute", f.clerk, nil).JSON["parts"]
	require.EqualValues(t, 4, n)
	classes := map[string]map[string]any{}
	for _, it := range b.must(200, "GET", "/v1/stock/abc", f.clerk, nil).JSON["items"].([]any) {
		c := it.(map[string]any)
		classes[c["part_number"].(string)] = c
	}
	// Compressor 6 × 32000 = 192000 (S1 5 + S2 1): nothing before it → A;
	// the fan (10000) has 95.002% before it, not under 80+15 → C; screw
	// and idle C.
	require.Equal(t, "A", classes["P-COMP"]["class"])
	require.EqualValues(t, 192000, classes["P-COMP"]["value_minor"])
	require.Equal(t, "C", classes["P-FAN"]["class"])
	require.Equal(t, "C", classes["P-SCREW"]["class"])
	require.Equal(t, "C", classes["P-IDLE"]["class"])
	// Settings are configurable: 80/19 puts the fan in B.
	bad := b.must(422, "PUT", "/v1/stock/planning/settings", f.clerk, map[string]any{"a_percent": 90, "b_percent": 10,
		"cadence_days_a": 30, "cadence_days_b": 91, "cadence_days_c": 365, "lead_time_days": 14, "safety_days": 7, "history_days": 90})
	require.Contains(t, string(bad.Raw), "b_percent")
	b.must(200, "PUT", "/v1/stock/planning/settings", f.clerk, map[string]any{"a_percent": 80, "b_percent": 19,
		"cadence_days_a": 30, "cadence_days_b": 91, "cadence_days_c": 365, "lead_time_days": 14, "safety_days": 7, "history_days": 90})
	b.must(200, "POST", "/v1/stock/abc/recompute", f.clerk, nil)
	for _, it := range b.must(200, "GET", "/v1/stock/abc?class=B", f.clerk, nil).JSON["items"].([]any) {
		require.Equal(t, "P-FAN", it.(map[string]any)["part_number"])
	}
	require.Len(t, b.must(200, "GET", "/v1/stock/abc?class=B", f.clerk, nil).JSON["items"], 1)

	// Cadence: never counted → due; a posted count of S1 clears S1.
	due := b.must(200, "GET", "/v1/stock/due-counts", f.clerk, nil).JSON["items"].([]any)
	require.Len(t, due, 4, "S1: compressor 1, screw 4, idle 2 (fan 0 is not held); S2: compressor 3")
	require.Len(t, b.must(200, "GET", "/v1/stock/due-counts", f.siteMgr, nil).JSON["items"], 3)
	st := b.must(201, "POST", "/v1/stocktakes", f.clerk, map[string]any{"warehouse_id": f.wh1})
	b.must(200, "POST", "/v1/stocktakes/"+st.str("id")+"/counts", f.siteMgr, map[string]any{"lines": []map[string]any{
		{"part_id": f.part, "counted": 1}, {"part_id": screw, "counted": 4}, {"part_id": idle, "counted": 2}}})
	posted := b.must(200, "POST", "/v1/stocktakes/"+st.str("id")+"/post", f.clerk, nil)
	require.Nil(t, posted.JSON["document_id"], "no variance, no adjustment")
	due = b.must(200, "GET", "/v1/stock/due-counts", f.clerk, nil).JSON["items"].([]any)
	require.Len(t, due, 1)
	require.Equal(t, "S2", due[0].(map[string]any)["warehouse_code"])

	// The plan (90 days, lead 14, safety 7): compressor at S1 consumed 5,
	// ROP ⌈5×21/90⌉ = 2, month ⌈150/90⌉ = 2, position 1 → 3. Fan consumed
	// 10: ROP 3, month 4, position 0 → 7, plus a campaign of 5 this month.
	month := time.Now().UTC().Format("2006-01")
	today := time.Now().UTC().Format(time.DateOnly)
	bad = b.must(422, "POST", "/v1/stock/campaigns", f.clerk, map[string]any{"name": "618", "warehouse_id": f.wh1,
		"starts_on": today, "ends_on": "2000-01-01", "lines": []map[string]any{{"part_id": fan, "quantity": 5}}})
	require.Contains(t, string(bad.Raw), "ends_on")
	b.must(201, "POST", "/v1/stock/campaigns", f.clerk, map[string]any{"name": "618 促销", "warehouse_id": f.wh1,
		"starts_on": today, "ends_on": today, "lines": []map[string]any{{"part_id": fan, "quantity": 5}}})
	plan := b.must(200, "GET", "/v1/stock/plan?month="+month, f.clerk, nil)
	lines := map[string]map[string]any{}
	for _, it := range plan.JSON["lines"].([]any) {
		l := it.(map[string]any)
		lines[l["warehouse_code"].(string)+"/"+l["part_number"].(string)] = l
	}
	require.EqualValues(t, 2, lines["S1/P-COMP"]["reorder_point"])
	require.EqualValues(t, 3, lines["S1/P-COMP"]["suggested"])
	require.EqualValues(t, 7, lines["S1/P-FAN"]["replenish"])
	require.EqualValues(t, 5, lines["S1/P-FAN"]["campaign_quantity"])
	require.EqualValues(t, 12, lines["S1/P-FAN"]["suggested"])
	require.NotContains(t, lines, "S1/P-SCREW", "1 consumed: ROP 1, position 4")
	require.NotContains(t, lines, "S2/P-COMP", "1 consumed: ROP 1, position 3")
	// Another month has no campaign.
	next := time.Now().UTC().AddDate(0, 2, 0).Format("2006-01")
	for _, it := range b.must(200, "GET", "/v1/stock/plan?month="+next, f.clerk, nil).JSON["lines"].([]any) {
		require.EqualValues(t, 0, it.(map[string]any)["campaign_quantity"])
	}
	b.must(422, "GET", "/v1/stock/plan?month=2026-13", f.clerk, nil)
	// Scope: the site's plan holds its warehouse only.
	for _, it := range b.must(200, "GET", "/v1/stock/plan", f.siteMgr, nil).JSON["lines"].([]any) {
		require.Equal(t, "S1", it.(map[string]any)["warehouse_code"])
	}
}

package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func stocktakeLines(r resp) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, it := range r.JSON["lines"].([]any) {
		l := it.(map[string]any)
		out[l["part_number"].(string)] = l
	}
	return out
}

// TestStocktakeBlindCountAndPosting: a sheet snapshots a site's
// warehouse; the site counts blind (no expected figures), a negative
// count and a count on another site's sheet are refused, stock moving
// during the count is in the variance, posting writes one adjustment and
// posting again posts nothing; a posted sheet takes no counts.
func TestStocktakeBlindCountAndPosting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.stockFixture("stocktake-acme")
	fan := b.must(201, "POST", "/v1/parts/catalog", f.clerk, map[string]any{"number": "P-FAN", "name_zh": "风扇",
		"name_en": "Fan", "cost_minor": 1000, "sale_minor": 2000, "warranty_months": 12}).str("id")
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.wh1,
		"lines": []map[string]any{{"part_id": f.part, "quantity": 10}, {"part_id": fan, "quantity": 3}}})
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.wh2,
		"lines": []map[string]any{{"part_id": f.part, "quantity": 4}}})

	// The site manager may not open a sheet (parts:update).
	b.must(403, "POST", "/v1/stocktakes", f.siteMgr, map[string]any{"warehouse_id": f.wh1})
	st := b.must(201, "POST", "/v1/stocktakes", f.clerk, map[string]any{"warehouse_id": f.wh1, "note": "年末盘点"})
	id := st.str("id")
	lines := stocktakeLines(st)
	require.Len(t, lines, 2)
	require.EqualValues(t, 10, lines["P-COMP"]["expected"])
	require.EqualValues(t, 3, lines["P-FAN"]["expected"])
	b.must(409, "POST", "/v1/stocktakes", f.clerk, map[string]any{"warehouse_id": f.wh1})
	other := b.must(201, "POST", "/v1/stocktakes", f.clerk, map[string]any{"warehouse_id": f.wh2}).str("id")

	// Blind: the counter sees the parts, not the figures.
	blind := stocktakeLines(b.must(200, "GET", "/v1/stocktakes/"+id, f.siteMgr, nil))
	require.Nil(t, blind["P-COMP"]["expected"])
	require.Nil(t, blind["P-COMP"]["on_hand"])
	// Scope: the other site's sheet is not there for site 1.
	b.must(404, "GET", "/v1/stocktakes/"+other, f.siteMgr, nil)
	b.must(404, "POST", "/v1/stocktakes/"+other+"/counts", f.siteMgr, map[string]any{"lines": []map[string]any{{"part_id": f.part, "counted": 4}}})
	list := b.must(200, "GET", "/v1/stocktakes", f.siteMgr, nil).JSON["items"].([]any)
	require.Len(t, list, 1)

	// Bad input: a negative count, an unknown part; nothing recorded.
	bad := b.must(422, "POST", "/v1/stocktakes/"+id+"/counts", f.siteMgr, map[string]any{"lines": []map[string]any{
		{"part_id": fan, "counted": 3}, {"part_id": f.part, "counted": -1}}})
	require.Contains(t, string(bad.Raw), "lines[1].counted")
	bad = b.must(422, "POST", "/v1/stocktakes/"+id+"/counts", f.siteMgr, map[string]any{"lines": []map[string]any{
		{"part_id": f.wh1, "counted": 3}}})
	require.Contains(t, string(bad.Raw), "lines[0].part_id")
	require.Nil(t, stocktakeLines(b.must(200, "GET", "/v1/stocktakes/"+id, f.clerk, nil))["P-FAN"]["counted"])

	// Posting before every line is counted names the line.
	b.must(200, "POST", "/v1/stocktakes/"+id+"/counts", f.siteMgr, map[string]any{"lines": []map[string]any{{"part_id": fan, "counted": 3}}})
	bad = b.must(422, "POST", "/v1/stocktakes/"+id+"/post", f.clerk, nil)
	require.Contains(t, string(bad.Raw), "counted")

	// Stock moves during the count: 2 issued after opening. The shelf
	// holds 7: the variance is 7 − (10 − 2) = −1, not 7 − 10.
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "issue", "warehouse_id": f.wh1,
		"lines": []map[string]any{{"part_id": f.part, "quantity": 2}}})
	counted := b.must(200, "POST", "/v1/stocktakes/"+id+"/counts", f.siteMgr, map[string]any{"lines": []map[string]any{{"part_id": f.part, "counted": 7}}})
	require.Nil(t, stocktakeLines(counted)["P-COMP"]["variance"], "blind after counting too")
	review := stocktakeLines(b.must(200, "GET", "/v1/stocktakes/"+id, f.clerk, nil))
	require.EqualValues(t, 10, review["P-COMP"]["expected"])
	require.EqualValues(t, 8, review["P-COMP"]["on_hand"])
	require.EqualValues(t, -1, review["P-COMP"]["variance"])
	require.EqualValues(t, 0, review["P-FAN"]["variance"])

	// Only parts:update posts; posting twice posts once.
	b.must(403, "POST", "/v1/stocktakes/"+id+"/post", f.siteMgr, nil)
	posted := b.must(200, "POST", "/v1/stocktakes/"+id+"/post", f.clerk, nil)
	require.Equal(t, "posted", posted.str("state"))
	doc := posted.str("document_id")
	require.NotEmpty(t, doc)
	again := b.must(200, "POST", "/v1/stocktakes/"+id+"/post", f.clerk, nil)
	require.Equal(t, doc, again.str("document_id"))
	d := b.must(200, "GET", "/v1/stock/documents/"+doc, f.clerk, nil)
	require.Equal(t, "adjustment", d.str("kind"))
	require.Len(t, d.JSON["lines"].([]any), 1, "only the non-zero variance")
	adjs := b.must(200, "GET", "/v1/stock/documents?kind=adjustment&warehouse_id="+f.wh1, f.clerk, nil).JSON["items"].([]any)
	require.Len(t, adjs, 1)
	stock := stockOf(b, f.clerk, "warehouse_id="+f.wh1+"&part_id="+f.part)
	require.EqualValues(t, 7, stock["S1"]["on_hand"])

	// A posted sheet takes no counts and cannot be cancelled.
	b.must(409, "POST", "/v1/stocktakes/"+id+"/counts", f.siteMgr, map[string]any{"lines": []map[string]any{{"part_id": f.part, "counted": 9}}})
	b.must(409, "POST", "/v1/stocktakes/"+id+"/cancel", f.clerk, nil)
	// A cancelled sheet neither: the warehouse may open a new one.
	b.must(200, "POST", "/v1/stocktakes/"+other+"/cancel", f.clerk, nil)
	b.must(409, "POST", "/v1/stocktakes/"+other+"/counts", f.clerk, map[string]any{"lines": []map[string]any{{"part_id": f.part, "counted": 4}}})
	b.must(201, "POST", "/v1/stocktakes", f.clerk, map[string]any{"warehouse_id": f.wh2})

	// An empty warehouse: an empty sheet posts with no adjustment.
	empty := b.must(201, "POST", "/v1/stocktakes", f.clerk, map[string]any{"warehouse_id": f.central})
	require.Empty(t, empty.JSON["lines"])
	done := b.must(200, "POST", "/v1/stocktakes/"+empty.str("id")+"/post", f.clerk, nil)
	require.Equal(t, "posted", done.str("state"))
	require.Nil(t, done.JSON["document_id"])

	// Another tenant sees nothing.
	g := b.stockFixture("stocktake-other")
	b.must(404, "GET", "/v1/stocktakes/"+id, g.clerk, nil)
	require.Empty(t, b.must(200, "GET", "/v1/stocktakes", g.clerk, nil).JSON["items"])
}

package api_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestFieldPartRequestLines: one request of two parts; each line is
// approved, shipped and received on its own, the record consumes both,
// the must-return line gets its due date from the tenant's
// part_return_days (set through the settings API) and each step of each
// line is on the order's timeline.
func TestFieldPartRequestLines(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-lines")
	set := b.must(200, "PATCH", "/v1/settings", f.tenant.admin, map[string]any{"part_return_days": 5})
	require.EqualValues(t, 5, set.JSON["part_return_days"])
	require.EqualValues(t, 5, b.must(200, "GET", "/v1/settings", f.tenant.admin, nil).JSON["part_return_days"])
	fan := b.must(201, "POST", "/v1/parts/catalog", f.clerk, map[string]any{"number": "P-FAN", "name_zh": "风扇",
		"name_en": "Fan", "cost_minor": 3000, "sale_minor": 5000, "currency": "CNY"}).str("id")
	b.must(201, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.central,
		"lines": []map[string]any{{"part_id": fan, "quantity": 5}}})

	r := b.must(201, "POST", "/v1/work-orders/"+f.order+"/part-requests/lines", f.techNearTok, map[string]any{
		"lines": []map[string]any{{"part_id": f.part, "quantity": 1, "note": "压缩机"}, {"part_id": fan, "quantity": 2}}})
	items := r.JSON["items"].([]any)
	require.Len(t, items, 2)
	comp, fanLine := items[0].(map[string]any), items[1].(map[string]any)
	require.Equal(t, r.str("group_id"), comp["group_id"])
	require.Equal(t, r.str("group_id"), fanLine["group_id"])
	require.NotEqual(t, comp["id"], fanLine["id"])
	compID, fanID := comp["id"].(string), fanLine["id"].(string)

	// The clerk ships the fan first; the compressor waits.
	fanDoc := b.must(200, "POST", "/v1/part-requests/"+fanID+"/approve", f.clerk, map[string]any{"from_warehouse_id": f.central}).str("document_id")
	require.Equal(t, "requested", b.must(200, "GET", "/v1/part-requests/"+compID, f.clerk, nil).str("state"))
	b.must(200, "POST", "/v1/stock/documents/"+fanDoc+"/receive", f.nearMgrTok, map[string]any{
		"lines": []map[string]any{{"part_id": fan, "quantity": 2}}})
	require.Equal(t, "received", b.must(200, "GET", "/v1/part-requests/"+fanID, f.techNearTok, nil).str("state"))
	require.Equal(t, "requested", b.must(200, "GET", "/v1/part-requests/"+compID, f.techNearTok, nil).str("state"))
	compDoc := b.must(200, "POST", "/v1/part-requests/"+compID+"/approve", f.clerk, map[string]any{"from_warehouse_id": f.central}).str("document_id")
	require.NotEqual(t, fanDoc, compDoc, "each line ships on its own transfer")
	b.must(200, "POST", "/v1/stock/documents/"+compDoc+"/receive", f.nearMgrTok, map[string]any{
		"lines": []map[string]any{{"part_id": f.part, "quantity": 1}}})

	rec := partRecord(1)
	rec["parts"] = []map[string]any{{"barcode": "P-COMP", "quantity": 1}, {"barcode": "P-FAN", "quantity": 2}}
	done := b.act(f.techNearTok, f.order, "complete", map[string]any{"record": rec})
	require.Equal(t, 200, done.Status, "%s", done.Raw)
	c := b.must(200, "GET", "/v1/part-requests/"+compID, f.clerk, nil)
	require.Equal(t, "consumed", c.str("state"))
	due, err := time.Parse(time.RFC3339Nano, c.str("return_due"))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().AddDate(0, 0, 5), due, time.Hour, "the tenant's part_return_days")
	require.Equal(t, false, c.JSON["overdue"])
	fl := b.must(200, "GET", "/v1/part-requests/"+fanID, f.clerk, nil)
	require.Equal(t, "consumed", fl.str("state"))
	require.Nil(t, fl.JSON["return_due"], "the fan need not come back")
	b.must(409, "POST", "/v1/part-requests/"+fanID+"/return", f.techNearTok, map[string]any{})

	perLine := map[string][]string{}
	for _, e := range b.must(200, "GET", "/v1/work-orders/"+f.order+"/events", f.tenant.admin, nil).JSON["items"].([]any) {
		p, _ := e.(map[string]any)["payload"].(map[string]any)
		if id, ok := p["request_id"].(string); ok {
			perLine[id] = append(perLine[id], e.(map[string]any)["type"].(string))
		}
	}
	require.Equal(t, []string{"part_requested", "part_request_approved", "part_request_received", "part_consumed"}, perLine[fanID])
	require.Equal(t, []string{"part_requested", "part_request_approved", "part_request_received", "part_consumed"}, perLine[compID])
}

// TestFieldPartRequestLinesBadInput: a bad line names itself and nothing
// is stored; a bad return window names part_return_days.
func TestFieldPartRequestLinesBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-lines-bad")
	path := "/v1/work-orders/" + f.order + "/part-requests/lines"
	for _, tc := range []struct {
		lines []map[string]any
		field string
	}{
		{[]map[string]any{{"part_id": f.part, "quantity": 1}, {"part_id": f.part, "quantity": 0}}, "lines[1].quantity"},
		{[]map[string]any{{"part_id": f.part, "quantity": 1}, {"part_id": uuid.NewString(), "quantity": 1}}, "lines[1].part_id"},
		{[]map[string]any{}, "lines"},
	} {
		r := b.must(422, "POST", path, f.techNearTok, map[string]any{"lines": tc.lines})
		require.Contains(t, string(r.Raw), tc.field)
	}
	require.Empty(t, b.must(200, "GET", "/v1/part-requests", f.clerk, nil).JSON["items"], "nothing stored")
	b.must(404, "POST", "/v1/work-orders/"+uuid.NewString()+"/part-requests/lines", f.techNearTok,
		map[string]any{"lines": []map[string]any{{"part_id": f.part, "quantity": 1}}})
	for _, days := range []int{0, 366} {
		r := b.must(422, "PATCH", "/v1/settings", f.tenant.admin, map[string]any{"part_return_days": days})
		require.Contains(t, string(r.Raw), "part_return_days")
	}
	require.EqualValues(t, 15, b.must(200, "GET", "/v1/settings", f.tenant.admin, nil).JSON["part_return_days"])
}

// TestFieldPartOverdueReturns: a used must-return part past its due date
// is listed as overdue for the clerk and its own site, not for another
// site, another region or another tenant; returning it late leaves the
// overdue list and says so on the timeline.
func TestFieldPartOverdueReturns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-overdue")
	_, otherMgr := b.createUser(f.tenant.admin, "fp-overdue", "other.manager", []string{"site_manager"},
		map[string]any{"sites": []string{f.other.String()}})
	id := f.usedOne(b)
	require.Empty(t, b.must(200, "GET", "/v1/part-requests?overdue=true", f.clerk, nil).JSON["items"], "not yet due")

	b.exec(f.tenant.id, `UPDATE part_requests SET return_due = now() - interval '1 day' WHERE id = $1`, id)
	for _, tok := range []string{f.clerk, f.nearMgrTok, f.techNearTok} {
		items := b.must(200, "GET", "/v1/part-requests?overdue=true", tok, nil).JSON["items"].([]any)
		require.Len(t, items, 1)
		require.Equal(t, true, items[0].(map[string]any)["overdue"])
	}
	require.Equal(t, true, b.must(200, "GET", "/v1/part-requests/"+id, f.clerk, nil).JSON["overdue"])
	for _, tok := range []string{otherMgr, f.gxMgrTok, b.onboard("fp-overdue-other").admin} {
		require.Empty(t, b.must(200, "GET", "/v1/part-requests?overdue=true", tok, nil).JSON["items"])
		require.Empty(t, b.must(200, "GET", "/v1/part-requests?state=consumed", tok, nil).JSON["items"])
		r := b.do("POST", "/v1/part-requests/"+id+"/return", tok, map[string]any{})
		require.Contains(t, []int{403, 404}, r.Status, "%s", r.Raw)
	}
	ret := b.must(200, "POST", "/v1/part-requests/"+id+"/return", f.techNearTok, map[string]any{})
	require.Equal(t, "returned", ret.str("state"))
	require.Equal(t, false, ret.JSON["overdue"])
	require.Empty(t, b.must(200, "GET", "/v1/part-requests?overdue=true", f.clerk, nil).JSON["items"])
	b.must(403, "POST", "/v1/part-requests/"+id+"/inspect", f.nearMgrTok, map[string]any{"result": "accepted"}) // the clerk inspects
	b.must(200, "POST", "/v1/part-requests/"+id+"/inspect", f.clerk, map[string]any{"result": "rejected", "note": "非本机拆下"})
	ev := b.must(200, "GET", "/v1/work-orders/"+f.order+"/events", f.tenant.admin, nil).JSON["items"].([]any)
	var late any
	for _, e := range ev {
		if e.(map[string]any)["type"] == "part_returned" {
			late = e.(map[string]any)["payload"].(map[string]any)["late"]
		}
	}
	require.Equal(t, true, late)
	require.Equal(t, "part_inspected", ev[len(ev)-1].(map[string]any)["type"])
}

// usedOne runs one compressor through the chain up to its use on the
// order (requested, shipped, received, used by the completion's record)
// and returns the request's id.
func (f fieldParts) usedOne(b *testBundle) string {
	b.t.Helper()
	id := b.must(201, "POST", "/v1/work-orders/"+f.order+"/part-requests", f.techNearTok,
		map[string]any{"part_id": f.part, "quantity": 1}).str("id")
	doc := b.must(200, "POST", "/v1/part-requests/"+id+"/approve", f.clerk, map[string]any{"from_warehouse_id": f.central}).str("document_id")
	b.must(200, "POST", "/v1/stock/documents/"+doc+"/receive", f.nearMgrTok, map[string]any{
		"lines": []map[string]any{{"part_id": f.part, "quantity": 1}}})
	done := b.act(f.techNearTok, f.order, "complete", map[string]any{"record": partRecord(1)})
	require.Equal(b.t, 200, done.Status, "%s", done.Raw)
	return id
}

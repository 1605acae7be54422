package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPartsModeSwitchWaitsForOpenRequests: while a field request moves
// stock in the ledger (approved: shipped; received; consumed with its
// defective part to return), switching parts_mode is refused with a 409
// naming it, and nothing changes; a request not yet approved does not
// hold the switch, and once the last one is finished the switch is only
// up to the parts plugin (422 here, none bound).
func TestPartsModeSwitchWaitsForOpenRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.fieldParts("fp-mode")
	adm := f.tenant.admin
	base := "/v1/work-orders/" + f.order + "/part-requests"
	switchTo := func(status int) resp {
		return b.must(status, "PATCH", "/v1/settings", adm, map[string]any{"parts_mode": "erp"})
	}
	id := b.must(201, "POST", base, f.techNearTok, map[string]any{"part_id": f.part, "quantity": 2}).str("id")
	require.NotContains(t, string(switchTo(422).Raw), id, "a requested part moved nothing: it does not hold the switch")

	doc := b.must(200, "POST", "/v1/part-requests/"+id+"/approve", f.clerk, map[string]any{"from_warehouse_id": f.central}).
		str("document_id")
	r := switchTo(409)
	require.Contains(t, string(r.Raw), "parts_mode")
	require.Contains(t, string(r.Raw), id)
	require.Contains(t, string(r.Raw), "approved")
	require.Equal(t, "built_in", b.must(200, "GET", "/v1/settings", adm, nil).str("parts_mode"), "nothing changed")

	b.must(200, "POST", "/v1/stock/documents/"+doc+"/receive", f.nearMgrTok, map[string]any{
		"lines": []map[string]any{{"part_id": f.part, "quantity": 2}}})
	require.Contains(t, string(switchTo(409).Raw), "received")
	done := b.act(f.techNearTok, f.order, "complete", map[string]any{"record": partRecord(2)})
	require.Equal(t, 200, done.Status, "%s", done.Raw)
	require.Contains(t, string(switchTo(409).Raw), "consumed", "the defective compressor is still to come back")

	b.must(200, "POST", "/v1/part-requests/"+id+"/return", f.nearMgrTok, map[string]any{})
	require.NotContains(t, string(switchTo(422).Raw), id, "finished: only the plugin binding is missing")
	require.Equal(t, "built_in", b.must(200, "GET", "/v1/settings", adm, nil).str("parts_mode"))
	// Another tenant's open requests are not this one's concern.
	other := b.fieldParts("fp-mode-other")
	oid := b.must(201, "POST", "/v1/work-orders/"+other.order+"/part-requests", other.techNearTok,
		map[string]any{"part_id": other.part, "quantity": 1}).str("id")
	b.must(200, "POST", "/v1/part-requests/"+oid+"/approve", other.clerk, map[string]any{"from_warehouse_id": other.central})
	require.NotContains(t, string(switchTo(422).Raw), oid)
}

package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/testkit"
)

// fakeERP is the tenant's ERP, an edge we do not own, speaking the HTTP
// API the reference parts plugin (plugins/parts-erp) calls: stock per
// warehouse, reservations, consumptions and returns, each once per
// Idempotency-Key. loseNext makes it record the next reservation and
// then fail the answer, as an ERP whose answer is lost does.
type fakeERP struct {
	mu        sync.Mutex
	available map[string]int            // "part/warehouse"
	done      map[string]map[string]any // idempotency key → the answer
	calls     map[string][]string       // path → the idempotency keys it was called with
	loseNext  bool
	down      bool
	next      int
}

func newFakeERP(t *testing.T, stock map[string]int) (*fakeERP, string) {
	e := &fakeERP{available: stock, done: map[string]map[string]any{}, calls: map[string][]string{}}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL + "/api"
}

func (e *fakeERP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	answer := func(code int, v any) {
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/")
	if e.down || r.Header.Get("X-Api-Key") != "erp-key" {
		answer(http.StatusBadGateway, map[string]string{"error": "ERP maintenance"})
		return
	}
	if r.Method == http.MethodGet && strings.HasSuffix(path, "/stock") {
		part := strings.TrimSuffix(strings.TrimPrefix(path, "parts/"), "/stock")
		var levels []map[string]any
		for k, n := range e.available {
			if p, wh, _ := strings.Cut(k, "/"); p == part {
				levels = append(levels, map[string]any{"warehouse": wh, "warehouse_name": wh, "on_hand": n + 1, "available": n})
			}
		}
		answer(http.StatusOK, map[string]any{"stock": levels})
		return
	}
	var in struct {
		PartNumber  string `json:"part_number"`
		Warehouse   string `json:"warehouse"`
		Quantity    int    `json:"quantity"`
		Reservation string `json:"reservation"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || r.Method != http.MethodPost {
		answer(http.StatusBadRequest, map[string]string{"error": "bad request"})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	e.calls[path] = append(e.calls[path], key)
	if prev, ok := e.done[key]; ok {
		answer(http.StatusOK, prev)
		return
	}
	at := in.PartNumber + "/" + in.Warehouse
	take := path == "reservations" || (path == "consumptions" && in.Reservation == "")
	if take && e.available[at] < in.Quantity {
		answer(http.StatusConflict, map[string]string{"code": "insufficient_stock", "error": fmt.Sprintf("only %d left", e.available[at])})
		return
	}
	switch {
	case take:
		e.available[at] -= in.Quantity
	case path == "returns":
		e.available[at] += in.Quantity
	}
	e.next++
	out := map[string]any{"id": fmt.Sprintf("%s-%d", path, e.next), "part_number": in.PartNumber, "warehouse": in.Warehouse,
		"quantity": in.Quantity, "reservation": in.Reservation}
	e.done[key] = out
	if path == "reservations" && e.loseNext {
		e.loseNext = false
		answer(http.StatusInternalServerError, map[string]string{"error": "timeout writing the answer"})
		return
	}
	answer(http.StatusCreated, out)
}

func (e *fakeERP) state(f func(e *fakeERP)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(e)
}

// TestERPModeThroughTheReferencePlugin: a tenant in erp parts mode
// reserves, consumes and returns through the real parts-erp plugin
// process, every call keyed by the field request; an approval whose
// answer was lost is retried with the same key and reserves once; the
// ERP's shortage is a 409 naming the part and what is available; an ERP
// that cannot be reached is a 503 with Retry-After and nothing changed.
// Another tenant stays in built-in mode, its ledger untouched by it.
func TestERPModeThroughTheReferencePlugin(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	// No event streams here: serve's write timeout, which a loaded machine's
	// onboarding (password hashing) stays within.
	b := start(t, pool, dbURL, 0, withPlugins(dir, nil), privateWebhooks)
	f := b.fieldParts("erp-a")
	other := b.fieldParts("erp-b")
	adm := f.tenant.admin

	// No parts plugin: the switch is refused naming the field.
	r := b.must(422, "PATCH", "/v1/settings", adm, map[string]any{"parts_mode": "erp"})
	require.Contains(t, string(r.Raw), "parts_mode")
	require.Equal(t, "built_in", b.must(200, "GET", "/v1/settings", adm, nil).str("parts_mode"))

	erp, url := newFakeERP(t, map[string]int{"P-COMP/C1": 3})
	b.bindReference(t, dir, f.tenant, "parts-erp", "parts", map[string]any{"base_url": url, "api_key": "erp-key"})
	require.Equal(t, "erp", b.must(200, "PATCH", "/v1/settings", adm, map[string]any{"parts_mode": "erp"}).str("parts_mode"))
	require.Equal(t, "built_in", b.must(200, "GET", "/v1/settings", other.tenant.admin, nil).str("parts_mode"), "per tenant")

	base := "/v1/work-orders/" + f.order + "/part-requests"
	id := b.must(201, "POST", base, f.techNearTok, map[string]any{"part_id": f.part, "quantity": 2}).str("id")
	approve := func(id string) testkit.Response {
		return testkit.Do(t, httpClient, "POST", b.url+"/v1/part-requests/"+id+"/approve", f.clerk,
			map[string]any{"from_warehouse_id": f.central})
	}

	// The ERP reserves but its answer is lost: 503, the request unchanged;
	// the retry carries the same key and gets the one reservation.
	erp.state(func(e *fakeERP) { e.loseNext = true })
	lost := approve(id)
	require.Equal(t, 503, lost.Status, "%s", lost.Body)
	require.NotEmpty(t, lost.Header.Get("Retry-After"))
	require.Equal(t, "requested", b.must(200, "GET", "/v1/part-requests/"+id, f.clerk, nil).str("state"))
	ok := approve(id)
	require.Equal(t, 200, ok.Status, "%s", ok.Body)
	var ap map[string]any
	require.NoError(t, json.Unmarshal(ok.Body, &ap))
	require.Equal(t, "approved", ap["state"])
	require.Nil(t, ap["document_id"], "no transfer in the ledger")
	erp.state(func(e *fakeERP) {
		keys := e.calls["reservations"]
		require.Len(t, keys, 2)
		require.Equal(t, keys[0], keys[1], "the retry carries the first call's key")
		require.Contains(t, keys[0], id)
		require.Equal(t, 1, e.available["P-COMP/C1"], "reserved once")
	})
	// Availability is the ERP's; the ledger's 10 are not the truth.
	require.EqualValues(t, 1, f.stock(b)["C1"]["available"])
	b.must(409, "GET", "/v1/stock", f.clerk, nil)

	// More than the ERP has: 409 naming the part and what is available.
	short := b.must(201, "POST", base, f.techNearTok, map[string]any{"part_id": f.part, "quantity": 5}).str("id")
	refused := approve(short)
	require.Equal(t, 409, refused.Status, "%s", refused.Body)
	require.Contains(t, string(refused.Body), "P-COMP")
	require.Contains(t, string(refused.Body), "1 available")
	require.Equal(t, "requested", b.must(200, "GET", "/v1/part-requests/"+short, f.clerk, nil).str("state"))

	// The ERP is down: 503 with Retry-After, nothing changed locally.
	erp.state(func(e *fakeERP) { e.down = true })
	down := approve(short)
	require.Equal(t, 503, down.Status, "%s", down.Body)
	require.NotEmpty(t, down.Header.Get("Retry-After"))
	require.Equal(t, "requested", b.must(200, "GET", "/v1/part-requests/"+short, f.clerk, nil).str("state"))
	erp.state(func(e *fakeERP) { e.down = false })

	// The service record consumes the reservation; the defective part
	// goes back to the ERP's warehouse.
	done := b.act(f.techNearTok, f.order, "complete", map[string]any{"record": partRecord(2)})
	require.Equal(t, 200, done.Status, "%s", done.Raw)
	require.Equal(t, "consumed", b.must(200, "GET", "/v1/part-requests/"+id, f.clerk, nil).str("state"))
	require.Equal(t, "returned", b.must(200, "POST", "/v1/part-requests/"+id+"/return", f.nearMgrTok, map[string]any{}).str("state"))
	erp.state(func(e *fakeERP) {
		require.Len(t, e.calls["consumptions"], 1)
		used := e.done[e.calls["consumptions"][0]]
		require.Equal(t, "reservations-1", used["reservation"], "the consumption uses up the reservation")
		require.EqualValues(t, 2, used["quantity"])
		require.Len(t, e.calls["returns"], 1)
		require.Equal(t, 3, e.available["P-COMP/C1"], "the returned part is back")
	})
	require.EqualValues(t, 4, stockOf(b, f.clerk, "part_id="+f.part+"&warehouse_id="+f.central)["C1"]["on_hand"],
		"on hand is the ERP's")
	// New ledger documents and reservations are refused: the ERP is the truth.
	refusedDoc := b.must(409, "POST", "/v1/stock/documents", f.clerk, map[string]any{"kind": "receipt", "warehouse_id": f.central,
		"lines": []map[string]any{{"part_id": f.part, "quantity": 5}}})
	require.Contains(t, string(refusedDoc.Raw), "parts_mode erp")
	b.must(409, "POST", "/v1/stock/reservations", f.clerk, map[string]any{"key": "erp-res-1", "warehouse_id": f.central,
		"part_id": f.part, "work_order_id": f.order, "quantity": 1})
	movements := b.must(200, "GET", "/v1/stock/movements?part_id="+f.part, f.clerk, nil).JSON["items"].([]any)
	require.Len(t, movements, 1, "the ledger has only the receipt of the fixture")

	// The other tenant is built in: its approval ships a transfer in its
	// ledger, and nothing of it reaches the ERP.
	var calls int
	erp.state(func(e *fakeERP) { calls = len(e.calls["reservations"]) })
	oid := b.must(201, "POST", "/v1/work-orders/"+other.order+"/part-requests", other.techNearTok,
		map[string]any{"part_id": other.part, "quantity": 2}).str("id")
	oap := b.must(200, "POST", "/v1/part-requests/"+oid+"/approve", other.clerk, map[string]any{"from_warehouse_id": other.central})
	require.NotEmpty(t, oap.str("document_id"))
	require.EqualValues(t, 8, other.stock(b)["C1"]["available"])
	erp.state(func(e *fakeERP) { require.Len(t, e.calls["reservations"], calls) })
}

package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// standIn is a small ERP speaking the API in doc.go, in memory. Part
// "SLOW" answers after a minute, "BOOM" fails with a 500, "ODD" has an
// unreadable price.
type standIn struct {
	key string

	mu       sync.Mutex
	stock    map[string]int // "part/warehouse" → available
	reserved map[string]string
	moved    map[string]map[string]any // idempotency key → the movement answered
	next     int
	lastBody map[string]any
}

var catalogue = []erpPart{
	{Number: "P-100", Name: "Drain pump", Unit: "pcs", Models: []string{"WM-7", "WM-8"}},
	{Number: "P-200", Name: "Door seal", Description: "Rubber", Unit: "pcs", Models: []string{"WM-7"}},
	{Number: "ODD", Name: "Odd part", Unit: "pcs"},
}

func newStandIn(t *testing.T) (*standIn, string) {
	e := &standIn{key: "k-123", stock: map[string]int{"P-100/WH1": 12, "P-100/WH2": 3}, reserved: map[string]string{}, moved: map[string]map[string]any{}}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL + "/api/v1"
}

func (e *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Api-Key") != e.key {
		fail(w, http.StatusUnauthorized, "bad api key")
		return
	}
	path := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")
	if len(path) == 3 && path[0] == "parts" {
		switch path[1] {
		case "SLOW":
			select {
			case <-time.After(time.Minute):
			case <-r.Context().Done():
			}
			return
		case "BOOM":
			fail(w, http.StatusInternalServerError, "database is down")
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && len(path) == 1 && path[0] == "parts":
		e.lookup(w, r)
	case r.Method == http.MethodGet && len(path) == 3 && path[2] == "stock":
		e.stockOf(w, r, path[1])
	case r.Method == http.MethodGet && len(path) == 3 && path[2] == "price":
		e.price(w, r, path[1])
	case r.Method == http.MethodPost && len(path) == 1 && path[0] == "reservations":
		e.reserve(w, r)
	case r.Method == http.MethodPost && len(path) == 1 && path[0] == "requisitions":
		e.requisition(w, r)
	case r.Method == http.MethodPost && len(path) == 1 && (path[0] == "consumptions" || path[0] == "returns"):
		e.move(w, r, path[0])
	default:
		fail(w, http.StatusNotFound, "no route")
	}
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func answer(w http.ResponseWriter, v any) { _ = json.NewEncoder(w).Encode(v) }

func known(part string) bool {
	return slices.ContainsFunc(catalogue, func(p erpPart) bool { return p.Number == part })
}

func (e *standIn) lookup(w http.ResponseWriter, r *http.Request) {
	q, model := strings.ToLower(r.URL.Query().Get("q")), r.URL.Query().Get("model")
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	var out []erpPart
	for _, p := range catalogue {
		if (q == "" || strings.Contains(strings.ToLower(p.Number+" "+p.Name), q)) && (model == "" || slices.Contains(p.Models, model)) {
			out = append(out, p)
		}
	}
	answer(w, map[string]any{"parts": out[:min(len(out), limit)]})
}

func (e *standIn) stockOf(w http.ResponseWriter, r *http.Request, part string) {
	if !known(part) {
		fail(w, http.StatusNotFound, "unknown part "+part)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []map[string]any
	for _, wh := range []string{"WH1", "WH2"} {
		if ws := r.URL.Query()["warehouse"]; len(ws) > 0 && !slices.Contains(ws, wh) {
			continue
		}
		out = append(out, map[string]any{"warehouse": wh, "warehouse_name": "Warehouse " + wh,
			"on_hand": e.stock[part+"/"+wh] + 1, "available": e.stock[part+"/"+wh]})
	}
	answer(w, map[string]any{"stock": out})
}

func (e *standIn) price(w http.ResponseWriter, r *http.Request, part string) {
	qty, _ := strconv.Atoi(r.URL.Query().Get("qty"))
	switch {
	case !known(part):
		fail(w, http.StatusNotFound, "unknown part "+part)
	case part == "ODD":
		answer(w, map[string]any{"currency": "CNY", "unit_price": "12.345", "total": "x"})
	default:
		unit := 8950 // fen
		if r.URL.Query().Get("customer") == "VIP1" {
			unit = 8000
		}
		answer(w, map[string]any{"currency": "CNY", "unit_price": fmt.Sprintf("%d.%02d", unit/100, unit%100),
			"total": fmt.Sprintf("%d.%02d", unit*qty/100, unit*qty%100)})
	}
}

func (e *standIn) reserve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PartNumber string `json:"part_number"`
		Warehouse  string `json:"warehouse"`
		Quantity   int    `json:"quantity"`
		Reference  string `json:"reference"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	if id, ok := e.reserved[key]; ok && key != "" {
		answer(w, map[string]any{"id": id, "part_number": req.PartNumber, "warehouse": req.Warehouse, "quantity": req.Quantity})
		return
	}
	at := req.PartNumber + "/" + req.Warehouse
	if e.stock[at] < req.Quantity {
		refuse(w, fmt.Sprintf("only %d of %s available in %s", e.stock[at], req.PartNumber, req.Warehouse))
		return
	}
	e.stock[at] -= req.Quantity
	e.next++
	id := fmt.Sprintf("RSV-%d", e.next)
	e.reserved[key] = id
	w.WriteHeader(http.StatusCreated)
	answer(w, map[string]any{"id": id, "part_number": req.PartNumber, "warehouse": req.Warehouse, "quantity": req.Quantity,
		"expires_at": "2026-11-30T00:00:00+08:00"})
}

func (e *standIn) requisition(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lastBody = body
	e.next++
	w.WriteHeader(http.StatusCreated)
	answer(w, map[string]any{"id": fmt.Sprintf("REQ-%d", e.next), "status": "submitted"})
}

// refuse answers 409 with the insufficient-stock code.
func refuse(w http.ResponseWriter, msg string) {
	w.WriteHeader(http.StatusConflict)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": "insufficient_stock"})
}

// move records a consumption (of a reservation, whose stock is already
// taken, or straight from what is available) or a return, once per
// idempotency key: a retry gets the first answer and moves nothing.
func (e *standIn) move(w http.ResponseWriter, r *http.Request, kind string) {
	var req struct {
		PartNumber  string `json:"part_number"`
		Warehouse   string `json:"warehouse"`
		Quantity    int    `json:"quantity"`
		Reservation string `json:"reservation"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	if done, ok := e.moved[key]; ok {
		answer(w, done)
		return
	}
	at := req.PartNumber + "/" + req.Warehouse
	switch {
	case kind == "returns":
		e.stock[at] += req.Quantity
	case req.Reservation != "":
		if !slices.Contains(slices.Collect(maps.Values(e.reserved)), req.Reservation) {
			fail(w, http.StatusNotFound, "no reservation "+req.Reservation)
			return
		}
	case e.stock[at] < req.Quantity:
		refuse(w, fmt.Sprintf("only %d of %s available in %s", e.stock[at], req.PartNumber, req.Warehouse))
		return
	default:
		e.stock[at] -= req.Quantity
	}
	e.next++
	done := map[string]any{"id": fmt.Sprintf("MV-%d", e.next), "part_number": req.PartNumber, "warehouse": req.Warehouse, "quantity": req.Quantity}
	e.moved[key] = done
	w.WriteHeader(http.StatusCreated)
	answer(w, done)
}

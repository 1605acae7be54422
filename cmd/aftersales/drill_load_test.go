//go:build linux

package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aftersales/aftersales/internal/testkit"
)

// drillLoad is the steady load of TestDrill: intake clients creating
// orders, and field clients taking a repair through the technician's
// phone calls (accept, start_travel, arrive, complete). Every request
// carries an Idempotency-Key and is retried with it after a 503 or a
// refused connection, as the phone app's offline queue does.
type drillLoad struct {
	addrs         []string
	admin, tech   string
	customer      string
	unit          string
	dead          sync.Map // index of a killed replica → true
	successes     atomic.Int64
	last          atomic.Int64 // unix nanoseconds of the last success
	refused       atomic.Int64
	noRetryAfter  atomic.Int64
	mu            sync.Mutex
	statuses      map[int]int
	unexpected    []string          // requests answered other than 200, 201, 503
	accepted      map[string]string // Idempotency-Key of an accepted create → order ID
	field         map[string]*fieldOrder
	hc            *http.Client
	fieldStopping atomic.Bool
}

// fieldOrder is a repair the field load took in, and the last technician
// action the API accepted on it.
type fieldOrder struct {
	ID, Number string
	State      string // the state the last accepted action left it in
}

func newDrillLoad(addrs []string) *drillLoad {
	return &drillLoad{addrs: addrs, statuses: map[int]int{}, accepted: map[string]string{}, field: map[string]*fieldOrder{},
		hc: &http.Client{Timeout: 30 * time.Second}}
}

func (l *drillLoad) down(i int) { l.dead.Store(i, true) }

func (l *drillLoad) lastSuccess() time.Time { return time.Unix(0, l.last.Load()) }

// send posts body to path until it is answered other than 503 (or the
// load stops), spreading tries over the live replicas from spread; it
// returns the final status and body (0 when stopped).
func (l *drillLoad) send(ctx context.Context, spread int, path, token, key string, body any) (int, []byte) {
	raw, _ := json.Marshal(body)
	for try := 0; ctx.Err() == nil; try++ {
		i := (spread + try) % len(l.addrs)
		if _, dead := l.dead.Load(i); dead {
			// The load balancer has taken it out; requests in flight when
			// it died count as refused below.
			continue
		}
		req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), "POST", "http://"+l.addrs[i]+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := l.hc.Do(req)
		if err != nil {
			l.refused.Add(1) // the killed replica: a load balancer retries elsewhere
			time.Sleep(50 * time.Millisecond)
			continue
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		l.mu.Lock()
		l.statuses[resp.StatusCode]++
		l.mu.Unlock()
		switch resp.StatusCode {
		case http.StatusOK, http.StatusCreated:
			l.last.Store(time.Now().UnixNano())
			l.successes.Add(1)
			return resp.StatusCode, out
		case http.StatusServiceUnavailable:
			s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			if err != nil || s < 1 {
				l.noRetryAfter.Add(1)
				s = 1
			}
			// Retry sooner than asked: the drill measures recovery.
			time.Sleep(time.Duration(s) * 100 * time.Millisecond)
			continue
		}
		// Anything else is recorded and ends this request (the test fails
		// on it).
		l.mu.Lock()
		l.unexpected = append(l.unexpected, fmt.Sprintf("POST %s → %d %s", path, resp.StatusCode, out))
		l.mu.Unlock()
		return resp.StatusCode, out
	}
	return 0, nil
}

// intake creates consultation orders one after the other.
func (l *drillLoad) intake(ctx context.Context, w int) {
	for n := 0; ctx.Err() == nil; n++ {
		key := fmt.Sprintf("drill-%d-%d", w, n)
		status, raw := l.send(ctx, w+n, "/v1/work-orders", l.admin, key, map[string]any{"type": "consultation",
			"channel": "phone", "customer_id": l.customer, "description": "drill order " + key})
		if status == http.StatusCreated {
			var o struct{ ID string }
			_ = json.Unmarshal(raw, &o)
			l.mu.Lock()
			l.accepted[key] = o.ID
			l.mu.Unlock()
		}
	}
}

// fieldWork takes in repairs the site assigns to the technician, and has
// the technician accept, travel, arrive and complete each, as the phone
// app does. The texts to the technician (assigned) and to the customer
// (who comes; the satisfaction question) follow from the outbox. Once
// fieldStopping is set it finishes the order in hand and returns.
func (l *drillLoad) fieldWork(ctx context.Context, w int) {
	for n := 0; ctx.Err() == nil && !l.fieldStopping.Load(); n++ {
		key := fmt.Sprintf("field-%d-%d", w, n)
		status, raw := l.send(ctx, w+n, "/v1/work-orders", l.admin, key, map[string]any{"type": "repair", "channel": "phone",
			"customer_id": l.customer, "unit_id": l.unit, "description": "drill repair " + key, "address": "深圳市南山区科技园",
			"lat": techLat, "lon": techLon})
		if status != http.StatusCreated {
			continue
		}
		o := &fieldOrder{}
		_ = json.Unmarshal(raw, o)
		l.mu.Lock()
		l.accepted[key], l.field[o.ID] = o.ID, o
		l.mu.Unlock()
		for _, step := range []struct {
			action, state string
			body          map[string]any
		}{
			{"accept", "accepted", map[string]any{}},
			{"start_travel", "en_route", map[string]any{}},
			{"arrive", "on_site", map[string]any{"lat": techLat, "lon": techLon}},
			{"complete", "completed", map[string]any{"record": map[string]any{"unit_serial": techSerial,
				"symptom_code": "E1-01", "cause_code": "C01", "object_code": "O01", "action_code": "A01",
				"confirmation": map[string]any{"name": "王芳", "signature": testkit.PNGSignature}}}},
		} {
			status, _ := l.send(ctx, w+n, "/v1/work-orders/"+o.ID+"/"+step.action, l.tech, key+"-"+step.action, step.body)
			if status != http.StatusOK {
				break
			}
			l.mu.Lock()
			o.State = step.state
			l.mu.Unlock()
		}
	}
}

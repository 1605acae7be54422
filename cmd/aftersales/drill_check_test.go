//go:build linux

package main_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/jobs/kanneltest"
)

// checkOrders requires every order the API accepted stored exactly once,
// and each repair in the state of the last technician action the API
// accepted on it; it returns the orders' IDs.
func checkOrders(t *testing.T, conn *pgx.Conn, ld *drillLoad) []string {
	ctx := context.Background()
	var total int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM work_orders").Scan(&total))
	require.Equal(t, len(ld.accepted), total, "orders in the database vs accepted by the API")
	ids := make([]string, 0, len(ld.accepted))
	seen := map[string]bool{}
	for _, id := range ld.accepted {
		require.False(t, seen[id], "two keys answered with order %s", id)
		seen[id] = true
		ids = append(ids, id)
	}
	var found int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM work_orders WHERE id::text = ANY($1)", ids).Scan(&found))
	require.Equal(t, len(ids), found, "every accepted order is stored")

	rows, err := conn.Query(ctx, `SELECT id::text, state FROM work_orders WHERE type = 'repair'`)
	require.NoError(t, err)
	states := map[string]int{}
	for rows.Next() {
		var id, state string
		require.NoError(t, rows.Scan(&id, &state))
		o := ld.field[id]
		require.NotNil(t, o, "repair %s was not accepted by the API", id)
		require.Equal(t, o.State, state, "repair %s: state vs the last accepted action", o.Number)
		states[state]++
	}
	require.NoError(t, rows.Err())
	t.Logf("DRILL repairs by state (each the state of its last accepted technician action): %v", states)
	return ids
}

// checkTexts waits until no text (nor outbox message that texts) is left
// pending, and requires every text the outbox queued sent (or delivered)
// and on the carrier exactly once (by recipient, order number and kind),
// each repair's texts queued once, and the carrier given nothing else. A
// text whose worker was killed mid-send is settled by Kannel's report or,
// with none, sent again after the report window (jobs.Kannel): the wait
// outlasts that window.
func checkTexts(t *testing.T, conn *pgx.Conn, k *kanneltest.Kannel, ld *drillLoad) {
	ctx := context.Background()
	t0 := time.Now()
	for {
		var queued int
		require.NoError(t, conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM sms_messages WHERE status IN ('queued', 'sending'))
			+ (SELECT count(*) FROM outbox WHERE done_at IS NULL AND type IN ('work_order.assigned', 'work_order.completed'))`).Scan(&queued))
		if queued == 0 {
			break
		}
		require.Less(t, time.Since(t0), 4*time.Minute, "%d texts or their outbox messages still pending", queued)
		time.Sleep(200 * time.Millisecond)
	}
	rows, err := conn.Query(ctx, `SELECT w.number, s.kind, s.recipient, s.status, s.error FROM sms_messages s
		JOIN work_orders w ON w.tenant_id = s.tenant_id AND w.id = s.work_order_id`)
	require.NoError(t, err)
	queued := map[string]int{}   // number/kind/recipient → texts queued
	statuses := map[string]int{} // by status
	for rows.Next() {
		var number, kind, to, status, why string
		require.NoError(t, rows.Scan(&number, &kind, &to, &status, &why))
		key := number + "/" + textKind(kind) + "/" + to
		statuses[status]++
		queued[key]++
		require.NotEqual(t, core.SMSUnknownOutcome, why, "text %s to %s for %s given up", kind, to, number)
		require.Contains(t, []string{"sent", "delivered"}, status, "text %s to %s for %s: %s", kind, to, number, why)
	}
	require.NoError(t, rows.Err())
	// Every repair's assignment texted the technician and the customer,
	// and a completed one asked the customer; each once.
	for _, o := range ld.field {
		n := 0
		for key, c := range queued {
			if strings.HasPrefix(key, o.Number+"/") {
				require.Equal(t, 1, c, "text %s queued %d times", key, c)
				n++
			}
		}
		want := 2
		if o.State == "completed" {
			want = 3
		}
		if n != want {
			var outbox []string
			rows, err := conn.Query(ctx, `SELECT type || ' done ' || coalesce(done_at::text, 'no') || ' effects ' ||
				coalesce((SELECT string_agg(handler, ',') FROM outbox_effects e WHERE e.tenant_id = o.tenant_id AND e.outbox_id = o.id), '')
				FROM outbox o WHERE aggregate_id::text = $1 ORDER BY id`, o.ID)
			require.NoError(t, err)
			for rows.Next() {
				var line string
				require.NoError(t, rows.Scan(&line))
				outbox = append(outbox, line)
			}
			require.Equal(t, want, n, "texts queued for %s (%s); its outbox: %v", o.Number, o.State, outbox)
		}
	}
	// The carrier got each exactly once: its texts name the order.
	t0 = time.Now()
	var got map[string]int
	for {
		got = map[string]int{}
		for _, m := range k.Received() {
			number := orderNumberIn(m.Text)
			kind := "assigned"
			if strings.Contains(m.Text, "reply one digit") {
				kind = "satisfaction"
			}
			got[number+"/"+kind+"/"+m.To]++
		}
		if len(got) >= len(queued) || time.Since(t0) > 30*time.Second {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Every text exactly once, those whose worker was killed while
	// handing them to the gateway too.
	for key := range queued {
		require.Equal(t, 1, got[key], "text %s reached the carrier %d times", key, got[key])
	}
	for key, n := range got {
		require.Equal(t, 1, queued[key], "the carrier got %s (%d times), which the outbox did not queue once", key, n)
	}
	var resent int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM sms_messages WHERE direction = 'out' AND attempts > 1`).Scan(&resent))
	t.Logf("DRILL texts: %d queued by the outbox, %d received by the carrier (each once), by status %v; "+
		"%d claimed more than once (a transient error, or a worker killed mid-send with no report, then resent)",
		len(queued), len(k.Received()), statuses, resent)
}

// textKind groups the kinds the carrier can tell apart by recipient and
// text: the assignment texts go to different phones.
func textKind(kind string) string {
	if kind == "customer_satisfaction" {
		return "satisfaction"
	}
	return "assigned"
}

// orderNumberIn finds the order number (WO-…) in a text.
func orderNumberIn(text string) string {
	i := strings.Index(text, "WO-")
	if i < 0 {
		return ""
	}
	j := i + 3
	for j < len(text) && (text[j] == '-' || text[j] >= '0' && text[j] <= '9' || text[j] >= 'A' && text[j] <= 'Z') {
		j++
	}
	return text[i:j]
}

// checkHooks requires every order's webhook delivered (the surviving
// worker delivers what the killed one held), each event under one
// webhook-id, each id once.
func checkHooks(t *testing.T, hooks *drillHooks, ids []string) {
	t0 := time.Now()
	for {
		missing := hooks.missing(ids)
		if missing == 0 {
			break
		}
		require.Less(t, time.Since(t0), 2*time.Minute, "%d of %d orders' webhooks not delivered", missing, len(ids))
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("DRILL webhooks: all %d delivered %v after the texts", len(ids), time.Since(t0).Round(time.Millisecond))
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	for id, n := range hooks.byID {
		require.Equal(t, 1, n, "webhook-id %s delivered %d times", id, n)
	}
	for _, id := range ids {
		require.Len(t, hooks.idsOf[id], 1, "order %s announced by %d webhook events", id, len(hooks.idsOf[id]))
	}
}

// drillHooks counts the webhooks it receives: by webhook-id, and the
// webhook-ids naming each work order.
type drillHooks struct {
	mu    sync.Mutex
	byID  map[string]int
	idsOf map[string]map[string]bool
}

func (h *drillHooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var ev struct {
		Data struct {
			WorkOrderID string `json:"work_order_id"`
		} `json:"data"`
	}
	_ = json.Unmarshal(raw, &ev)
	h.mu.Lock()
	defer h.mu.Unlock()
	id := r.Header.Get("webhook-id")
	h.byID[id]++
	if h.idsOf == nil {
		h.idsOf = map[string]map[string]bool{}
	}
	if h.idsOf[ev.Data.WorkOrderID] == nil {
		h.idsOf[ev.Data.WorkOrderID] = map[string]bool{}
	}
	h.idsOf[ev.Data.WorkOrderID][id] = true
	w.WriteHeader(http.StatusNoContent)
}

// missing is how many of the orders have no webhook yet.
func (h *drillHooks) missing(orders []string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, o := range orders {
		if len(h.idsOf[o]) == 0 {
			n++
		}
	}
	return n
}

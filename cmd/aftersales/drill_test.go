//go:build linux

package main_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/deploy/embedded"
)

// TestDrill is the failure drill (deploy/README.md, "Failure drill";
// `make drill`): api×3 and worker×2 processes of the binary on a private
// PostgreSQL and Redis, under steady intake load, while an API replica is
// killed, a worker is killed, Redis restarts and PostgreSQL restarts (fast
// shutdown). Afterwards every accepted order exists exactly once, clients
// saw no 500 (only 503 with Retry-After, or a refused connection to the
// killed replica, which a load balancer retries elsewhere), and the time
// each restart took to recover is reported. It runs only with DRILL=1
// (about a minute); TestPostgresDownIs503 (api) is its short form in the
// normal suite.
func TestDrill(t *testing.T) {
	if os.Getenv("DRILL") != "1" {
		t.Skip("the failure drill runs with DRILL=1 (make drill)")
	}
	dir, err := os.MkdirTemp("", "drill-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755)) // the servers may run as another user
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx := context.Background()
	cfg := embedded.Config{DataDir: filepath.Join(dir, "data"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	pg, err := embedded.StartPostgres(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Stop(context.Background()) })
	rd, err := embedded.StartRedis(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rd.Stop(context.Background()) })
	dbURL, redisURL := pg.URL(), rd.URL()

	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	start := func(role string, i int) (*proc, string, string) {
		addr, data := freeAddr(t), t.TempDir()
		p := startProc(t, fmt.Sprintf("%s #%d", role, i), map[string]string{
			"DATABASE_URL": dbURL, "REDIS_URL": redisURL, "ROLE": role, "HTTP_ADDR": addr, "DATA_DIR": data,
			"DB_MAX_CONNS": "8", "PLUGIN_SECRET_KEY": key, "LOG_LEVEL": "warn", "EGRESS_ALLOW_PRIVATE": "true"}, "serve")
		return p, addr, data
	}
	var apis []*proc
	var addrs, dataDirs []string
	for i := 1; i <= 3; i++ {
		p, a, d := start("api", i)
		apis, addrs, dataDirs = append(apis, p), append(addrs, a), append(dataDirs, d)
	}
	var workers []*proc
	for i := 1; i <= 2; i++ {
		p, _, _ := start("worker", i)
		workers = append(workers, p)
	}
	for i, p := range apis {
		p.waitReady(t, "http://"+addrs[i])
	}
	var platform string
	for _, d := range dataDirs {
		if b, err := os.ReadFile(filepath.Join(d, "platform-admin.token")); err == nil {
			platform = string(bytes.TrimSpace(b))
		}
	}
	require.NotEmpty(t, platform)
	c := newClient(t, addrs[0])
	c.onboard(platform, "drill-co")
	admin := c.login("drill-co", "admin", adminPassword)
	var cust struct{ ID string }
	c.expect(http.StatusCreated, "POST", "/v1/customers", admin, map[string]any{"name": "Drill customer",
		"phones": []map[string]any{{"phone": "13912345678"}}}).decode(t, &cust)

	// A webhook receiver: every work_order.created event must arrive, once.
	hooks := &drillHooks{byID: map[string]int{}}
	recv := httptest.NewServer(hooks)
	t.Cleanup(recv.Close)
	c.expect(http.StatusCreated, "POST", "/v1/webhooks", admin, map[string]any{"url": recv.URL + "/hooks",
		"event_types": []string{"work_order.created"}})

	// Steady load: 4 clients each create orders one after the other, each
	// with its own Idempotency-Key, retried (same key) until accepted.
	ld := &drillLoad{addrs: addrs, token: admin, customer: cust.ID, statuses: map[int]int{}, accepted: map[string]string{}}
	lctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); ld.run(lctx, w) }()
	}
	pause := func() { time.Sleep(3 * time.Second) }
	pause()

	// 1. Kill an API replica (SIGKILL): its clients go to the others.
	ld.down(0)
	require.NoError(t, apis[0].cmd.Process.Kill())
	pause()
	// 2. Kill a worker mid-batch (SIGKILL).
	require.NoError(t, workers[0].cmd.Process.Kill())
	pause()
	// 3. Restart Redis.
	recover := func(what string, restart func()) {
		before := ld.successes.Load()
		t0 := time.Now()
		restart()
		back := time.Now()
		for ld.successes.Load() == before || ld.lastSuccess().Before(back) {
			require.Less(t, time.Since(back), time.Minute, "%s: no request succeeded within a minute", what)
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("DRILL %s: down %v, first accepted request %v after it was back", what,
			back.Sub(t0).Round(time.Millisecond), ld.lastSuccess().Sub(back).Round(time.Millisecond))
	}
	recover("Redis restart", func() {
		require.NoError(t, rd.Stop(ctx))
		rd, err = embedded.StartRedis(ctx, cfg)
		require.NoError(t, err)
		require.Equal(t, redisURL, rd.URL())
	})
	pause()
	// 4. Restart PostgreSQL (fast shutdown).
	recover("PostgreSQL restart", func() {
		require.NoError(t, pg.Stop(ctx))
		time.Sleep(2 * time.Second) // an outage clients notice
		pg, err = embedded.StartPostgres(ctx, cfg)
		require.NoError(t, err)
		require.Equal(t, dbURL, pg.URL())
	})
	pause()
	stop()
	wg.Wait()

	ld.mu.Lock()
	defer ld.mu.Unlock()
	t.Logf("DRILL statuses seen by clients: %v; refused connections (killed replica) %d; orders accepted %d",
		ld.statuses, ld.refused.Load(), len(ld.accepted))
	require.Zero(t, ld.statuses[500], "a client saw a 500")
	for s := range ld.statuses {
		require.Contains(t, []int{201, 503}, s, "clients see only 201 or 503 with Retry-After")
	}
	require.Zero(t, ld.noRetryAfter.Load(), "every 503 carries Retry-After")

	// Every accepted order exists exactly once.
	conn, err := pgx.Connect(ctx, pg.URL())
	require.NoError(t, err)
	defer conn.Close(ctx)
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

	// Every order's webhook arrives (the surviving worker delivers what the
	// killed one held), each event under one webhook-id, each id once.
	t0 := time.Now()
	for {
		missing := hooks.missing(ids)
		if missing == 0 {
			break
		}
		require.Less(t, time.Since(t0), 2*time.Minute, "%d of %d orders' webhooks not delivered", missing, len(ids))
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("DRILL webhooks: all %d delivered %v after the load stopped", len(ids), time.Since(t0).Round(time.Millisecond))
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

// drillLoad is the intake load of TestDrill.
type drillLoad struct {
	addrs           []string
	token, customer string
	dead            sync.Map // index of a killed replica → true
	successes       atomic.Int64
	last            atomic.Int64 // unix nanoseconds of the last 201
	refused         atomic.Int64
	noRetryAfter    atomic.Int64
	mu              sync.Mutex
	statuses        map[int]int
	accepted        map[string]string // Idempotency-Key → order ID
}

func (l *drillLoad) down(i int) { l.dead.Store(i, true) }

func (l *drillLoad) lastSuccess() time.Time { return time.Unix(0, l.last.Load()) }

func (l *drillLoad) run(ctx context.Context, w int) {
	hc := &http.Client{Timeout: 30 * time.Second}
	for n := 0; ctx.Err() == nil; n++ {
		key := fmt.Sprintf("drill-%d-%d", w, n)
		body, _ := json.Marshal(map[string]any{"type": "consultation", "channel": "phone", "customer_id": l.customer,
			"description": "drill order " + key})
		for try := 0; ; try++ {
			i := (w + n + try) % len(l.addrs)
			if _, dead := l.dead.Load(i); dead {
				// The load balancer has taken it out; requests in flight
				// when it died count as refused below.
				continue
			}
			req, _ := http.NewRequest("POST", "http://"+l.addrs[i]+"/v1/work-orders", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+l.token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", key)
			resp, err := hc.Do(req)
			if err != nil {
				l.refused.Add(1) // the killed replica: a load balancer retries elsewhere
				time.Sleep(50 * time.Millisecond)
				continue
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			l.mu.Lock()
			l.statuses[resp.StatusCode]++
			l.mu.Unlock()
			if resp.StatusCode == http.StatusCreated {
				var o struct{ ID string }
				_ = json.Unmarshal(raw, &o)
				l.mu.Lock()
				l.accepted[key] = o.ID
				l.mu.Unlock()
				l.last.Store(time.Now().UnixNano())
				l.successes.Add(1)
				break
			}
			if resp.StatusCode == http.StatusServiceUnavailable {
				s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
				if err != nil || s < 1 {
					l.noRetryAfter.Add(1)
					s = 1
				}
				// Retry sooner than asked: the drill measures recovery.
				time.Sleep(time.Duration(s) * 100 * time.Millisecond)
				continue
			}
			// Anything else is recorded and ends this order (the test fails
			// on any status but 201 and 503).
			break
		}
	}
}

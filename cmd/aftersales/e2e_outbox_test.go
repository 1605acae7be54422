//go:build linux

package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/deploy/embedded"
	"github.com/aftersales/aftersales/internal/testkit"
)

// privateRedis starts a Redis for one test: its job worker must not share
// Asynq's queues with other tests' workers.
func privateRedis(t *testing.T) string {
	t.Helper()
	dir := testkit.NewDataDir(t)
	r, err := embedded.StartRedis(context.Background(), embedded.Config{DataDir: filepath.Join(dir, "redis-data"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return r.URL()
}

// TestSIGKILLDuringABurstSendsEverySMSOnce takes in a burst of 200 field
// orders over HTTP, kills the process with SIGKILL in the middle, starts it
// again and finishes the burst: once the outbox is drained, every order
// that exists was texted exactly once to its technician and once to its
// customer; none lost, none doubled.
func TestSIGKILLDuringABurstSendsEverySMSOnce(t *testing.T) {
	t.Parallel()
	dbURL, rURL := newDatabase(t), privateRedis(t)
	dataDir := t.TempDir()
	env := map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": rURL, "DATA_DIR": dataDir, "DB_MAX_CONNS": "10"}
	start := func(name string) (*proc, string) {
		addr := freeAddr(t)
		vars := map[string]string{"HTTP_ADDR": addr}
		for k, v := range env {
			vars[k] = v
		}
		p := startProc(t, name, vars, "serve")
		p.waitReady(t, "http://"+addr)
		return p, addr
	}
	first, addr := start("serve #1")
	c := newClient(t, addr)
	tenant := uuid.MustParse(c.onboard(readToken(t, filepath.Join(dataDir, "platform-admin.token")), "burst-co").ID)
	token := c.login("burst-co", "admin", adminPassword)
	// The tenant's SMS rate limit (120 texts a minute by default) would
	// spread the burst's texts over minutes of fixed windows, and a missed
	// window on a busy machine over the deadline below: this test is about
	// the kill, not the limit (TestTenantSettingsShapeTheTexts covers it).
	c.expect(http.StatusOK, "PUT", "/v1/settings/sms", token, map[string]any{"rate_per_minute": 6000})

	owner, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	defer owner.Close()
	n := pgtest.NetworkOf(tenant)
	pgtest.AddNetwork(t, owner, n)

	// q reads one row in the tenant, as the owner.
	q := func(sql string, dest ...any) {
		t.Helper()
		pgtest.InTenant(t, owner, tenant, func(ctx context.Context, tx pgx.Tx) {
			require.NoError(t, tx.QueryRow(ctx, sql).Scan(dest...))
		})
	}
	const total = 200
	var accepted atomic.Int64
	burst := func(addr string, stopAfter int64, kill func()) {
		hc := &http.Client{Timeout: 10 * time.Second}
		body, _ := json.Marshal(map[string]any{"type": "repair", "channel": "phone", "customer_id": n.Customer,
			"unit_id": n.Unit, "description": "空调不制冷", "address": "深圳市南山区科技园", "lat": n.Lat, "lon": n.Lon})
		var once sync.Once
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for accepted.Load() < stopAfter {
					req, _ := http.NewRequest("POST", "http://"+addr+"/v1/work-orders", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Content-Type", "application/json")
					resp, err := hc.Do(req)
					if err != nil {
						return // killed: the outcome of this request is unknown
					}
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						t.Errorf("intake: %d %s", resp.StatusCode, raw)
						return
					}
					if accepted.Add(1) == stopAfter && kill != nil {
						once.Do(kill)
					}
				}
			}()
		}
		wg.Wait()
	}
	burst(addr, total/2, func() { require.NoError(t, first.cmd.Process.Kill()) })
	first.wait(t, 30*time.Second)
	require.False(t, t.Failed())
	var undone, texted int
	q(`SELECT count(*) FILTER (WHERE done_at IS NULL) FROM outbox`, &undone)
	q(`SELECT count(*) FROM sms_messages`, &texted)
	t.Logf("killed after %d acknowledged intakes: %d outbox messages not done, %d texts sent", accepted.Load(), undone, texted)

	second, addr2 := start("serve #2")
	burst(addr2, total, nil)
	require.GreaterOrEqual(t, accepted.Load(), int64(total))

	// The outbox drains: every message handled, and every text that is due
	// handed to the gateway (customer texts in the quiet hours are held).
	// Tasks the kill left active come back once their lease ends and a
	// recoverer runs (Asynq: every minute); texts the kill left queued
	// without a task come back with the sweep; so this takes a minute or two.
	deadline := time.Now().Add(4 * time.Minute)
	for {
		var left int
		q(`SELECT (SELECT count(*) FROM outbox WHERE done_at IS NULL)
			+ (SELECT count(*) FROM sms_messages WHERE status = 'sending' OR status = 'queued' AND send_after <= now())`, &left)
		if left == 0 {
			break
		}
		if !time.Now().Before(deadline) {
			var pending string
			q(`SELECT concat_ws(' ', (SELECT string_agg(type || '#' || id || ' relayed ' || COALESCE(relayed_at::text, 'never'), ', ')
					FROM outbox WHERE done_at IS NULL),
				(SELECT string_agg(kind || ' ' || status || ' ' || COALESCE(error, ''), ', ') FROM sms_messages
					WHERE status = 'sending' OR status = 'queued' AND send_after <= now()))`, &pending)
			require.Fail(t, "pending", "%d outbox messages or texts pending (%s); serve #2:\n%s", left, pending, second.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	var orders, assigned, pairs, texts, wrong int
	q(`SELECT count(*), count(*) FILTER (WHERE state = 'assigned') FROM work_orders`, &orders, &assigned)
	require.GreaterOrEqual(t, orders, total, "every accepted intake is stored (and maybe some whose answer the kill cut off)")
	require.Equal(t, orders, assigned, "every order was dispatched and assigned at intake")
	q(`SELECT count(*) FROM (SELECT 1 FROM work_orders w CROSS JOIN (VALUES ('technician_assigned'), ('customer_assigned')) k(kind)
		WHERE (SELECT count(*) FROM sms_messages s WHERE s.work_order_id = w.id AND s.kind = k.kind) = 1) x`, &pairs)
	q(`SELECT count(*) FROM sms_messages`, &texts)
	require.Equal(t, 2*orders, pairs, "each order has exactly one text of each kind")
	require.Equal(t, 2*orders, texts, "no other texts")
	// Sent, or held for the morning (a customer's text in the quiet
	// hours). The log provider's record is the message row itself, marked
	// sent in the transaction that claims it (core.SMSRecorder): no text
	// is left with an unknown outcome, none is sent twice.
	q(`SELECT count(*) FROM sms_messages s JOIN work_orders w ON w.tenant_id = s.tenant_id AND w.id = s.work_order_id
		WHERE NOT (s.status = 'sent' AND s.attempts = 1
			OR s.status = 'queued' AND s.kind = 'customer_assigned' AND s.send_after > now())
		OR position(w.number in s.body) = 0`, &wrong)
	require.Zero(t, wrong, "every text is sent once (or held for the morning) and names its order")
	t.Logf("%d orders (%d acknowledged), %d texts", orders, accepted.Load(), texts)

	require.Equal(t, 0, second.terminate(t))
	require.Empty(t, levelRecords(second.records(t), "ERROR"), "serve #2 logged no errors")
}

//go:build linux

package main_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/deploy/embedded"
	"github.com/aftersales/aftersales/jobs/kanneltest"
)

// TestDrill is the failure drill (deploy/README.md, "Failure drill";
// `make drill`): api×3 and worker×2 processes of the binary on a private
// PostgreSQL behind PgBouncer in transaction mode (DATABASE_POOLER=
// transaction, LISTEN on a direct session URL), a private Redis, and a
// real Kannel whose carrier is its fake SMSC. Under steady load (intake,
// and repairs the technician accepts, travels to, arrives at and completes
// through the API, each texting the technician and the customer) it kills
// an API replica, kills a worker, restarts Redis, restarts PostgreSQL
// (fast shutdown), kills and restarts PgBouncer, terminates every server
// connection, and makes PgBouncer drop its connections through its admin
// console (RECONNECT; KILL, then RESUME). Afterwards every accepted order exists exactly once,
// each repair is in the state of its last accepted action, every text the
// outbox queued reached the carrier exactly once, every webhook arrived
// once, clients saw no 500 (only 503 with Retry-After, or a refused
// connection to the killed replica, which a load balancer retries
// elsewhere), and the time each failure took to recover is reported. It
// runs only with DRILL=1 (a few minutes); TestPostgresDownIs503 (api) is
// its short form in the normal suite.
func TestDrill(t *testing.T) {
	if os.Getenv("DRILL") != "1" {
		t.Skip("the failure drill runs with DRILL=1 (make drill)")
	}
	require.Empty(t, pgtest.PgBouncerMissing(), "the drill runs behind PgBouncer")
	require.Empty(t, kanneltest.Available(), "the drill texts through Kannel")
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
	bouncer, err := pgtest.StartPgBouncer(pg.URL(), pgtest.BouncerOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { bouncer.Stop() })
	dbURL, redisURL, pooledURL := pg.URL(), rd.URL(), bouncer.URL(pg.URL())

	var addrs []string
	for range 3 {
		addrs = append(addrs, freeAddr(t))
	}
	const smsSecret, smsNumber = "drill-gateway-secret", "10690001"
	k := kanneltest.Start(t, kanneltest.Options{ // texts from phones go to a replica that stays up
		InboundURL: "http://" + addrs[2] + "/v1/sms/kannel/inbound?from=%p&to=%P&text=%a&secret=" + smsSecret})
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	start := func(role string, i int, addr string) (*proc, string) {
		if addr == "" {
			addr = freeAddr(t)
		}
		data := t.TempDir()
		p := startProc(t, fmt.Sprintf("%s #%d", role, i), map[string]string{
			"DATABASE_URL": pooledURL, "DATABASE_POOLER": "transaction", "DATABASE_SESSION_URL": dbURL,
			"REDIS_URL": redisURL, "ROLE": role, "HTTP_ADDR": addr, "DATA_DIR": data,
			"DB_MAX_CONNS": "8", "PLUGIN_SECRET_KEY": key, "LOG_LEVEL": "warn", "EGRESS_ALLOW_PRIVATE": "true",
			"SMS_PROVIDER": "kannel", "KANNEL_SENDSMS_URL": k.SendURL, "KANNEL_USER": k.User, "KANNEL_PASSWORD": k.Password,
			"SMS_CALLBACK_BASE_URL": "http://" + addrs[2], "SMS_GATEWAY_SECRET": smsSecret}, "serve")
		return p, data
	}
	var apis []*proc
	var dataDirs []string
	for i := 1; i <= 3; i++ {
		p, d := start("api", i, addrs[i-1])
		apis, dataDirs = append(apis, p), append(dataDirs, d)
	}
	var workers []*proc
	for i := 1; i <= 2; i++ {
		p, d := start("worker", i, "")
		workers, dataDirs = append(workers, p), append(dataDirs, d) // whoever bootstraps writes the token
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
	w := newTechWorld(c, platform, "drill-co", "en")
	var site struct{ Version int }
	c.expect(http.StatusOK, "GET", "/v1/sites/"+w.site, w.admin, nil).decode(t, &site)
	c.expect(http.StatusOK, "PATCH", "/v1/sites/"+w.site, w.admin, map[string]any{"version": site.Version, "daily_capacity": 100000})
	var settings map[string]any
	c.expect(http.StatusOK, "GET", "/v1/settings/sms", w.admin, nil).decode(t, &settings)
	settings["number"], settings["rate_per_minute"] = smsNumber, 6000
	settings["quiet_hours"] = map[string]any{"enabled": false, "start": "21:00", "end": "08:00"} // texts go now, whenever this runs
	for _, readOnly := range []string{"time_zone", "updated_at", "kinds"} {
		delete(settings, readOnly)
	}
	c.expect(http.StatusOK, "PUT", "/v1/settings/sms", w.admin, settings)

	// A webhook receiver: every work_order.created event must arrive, once.
	hooks := &drillHooks{byID: map[string]int{}}
	recv := httptest.NewServer(hooks)
	t.Cleanup(recv.Close)
	c.expect(http.StatusCreated, "POST", "/v1/webhooks", w.admin, map[string]any{"url": recv.URL + "/hooks",
		"event_types": []string{"work_order.created"}})

	// Steady load: 3 intake clients, and 3 clients each taking a repair
	// through the technician's actions, one after the other.
	ld := newDrillLoad(addrs)
	ld.admin, ld.tech, ld.customer, ld.unit = w.admin, c.login(w.slug, "li.tech", techPassword), w.customer, w.unit
	lctx, stop := context.WithCancel(ctx)
	var intake, field sync.WaitGroup
	for i := range 3 {
		intake.Add(2)
		field.Add(1)
		go func() { defer intake.Done(); ld.intake(lctx, i) }()
		go func() { defer intake.Done(); defer field.Done(); ld.fieldWork(lctx, i) }()
	}
	pause := func() { time.Sleep(3 * time.Second) }
	pause()

	// 1. Kill an API replica (SIGKILL): its clients go to the others.
	ld.down(0)
	require.NoError(t, apis[0].cmd.Process.Kill())
	pause()
	// 2. Kill a worker mid-batch (SIGKILL). Its texts still 'sending' once
	// Kannel's reports have had time to come never reached Kannel: they
	// are sent again after the report window (checkTexts).
	// It is killed as soon as a text is being sent (by either worker), to
	// make a kill mid-send likely.
	inFlight := waitSending(t, dbURL, 5*time.Second)
	killed := time.Now()
	require.NoError(t, workers[0].cmd.Process.Kill())
	pause()
	t.Logf("DRILL worker killed with %d texts being sent (by either worker); left 'sending' with no report: %d",
		inFlight, sendingSince(t, dbURL, killed))
	recover := func(what string, fail func()) {
		before := ld.successes.Load()
		t0 := time.Now()
		fail()
		back := time.Now()
		// Every failure was measured to recover within 0.9 s of the
		// service being back (deploy/README.md); PgBouncer's default
		// server_login_retry alone would take 10-15 s after a PostgreSQL
		// restart.
		for ld.successes.Load() == before || ld.lastSuccess().Before(back) {
			require.Less(t, time.Since(back), 5*time.Second, "%s: no request succeeded within 5 s of it being back", what)
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("DRILL %s: down %v, first accepted request %v after it was back", what,
			back.Sub(t0).Round(time.Millisecond), ld.lastSuccess().Sub(back).Round(time.Millisecond))
	}
	// 3. Restart Redis.
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
	// 5. PgBouncer dies (SIGKILL) and comes back a second later on its port.
	recover("PgBouncer killed and restarted", func() {
		bouncer.Kill()
		time.Sleep(time.Second)
		bouncer, err = pgtest.StartPgBouncer(dbURL, pgtest.BouncerOptions{Port: bouncer.Port()})
		require.NoError(t, err)
	})
	pause()
	// 6. Every server connection is dropped (PgBouncer's to PostgreSQL and
	// the replicas' direct LISTEN sessions), as a failover or an idle
	// timeout on a managed PostgreSQL does.
	recover("server connections terminated", func() {
		conn, err := pgx.Connect(ctx, dbURL)
		require.NoError(t, err)
		defer conn.Close(ctx)
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&n))
		require.Positive(t, n)
	})
	pause()
	// 7. PgBouncer drops connections through its admin console: RECONNECT
	// (each server connection closed once released, as after a change of
	// its configuration), then KILL (every client and server connection of
	// the database dropped at once; new clients wait) and RESUME a second
	// later.
	db := strings.TrimPrefix(mustParseURL(t, dbURL).Path, "/")
	recover("PgBouncer RECONNECT", func() { require.NoError(t, bouncer.Admin(ctx, dbURL, "RECONNECT "+db)) })
	pause()
	recover("PgBouncer KILL, RESUME after 1 s", func() {
		require.NoError(t, bouncer.Admin(ctx, dbURL, "KILL "+db))
		time.Sleep(time.Second)
		require.NoError(t, bouncer.Admin(ctx, dbURL, "RESUME "+db))
	})
	pause()
	ld.fieldStopping.Store(true)
	field.Wait()
	stop()
	intake.Wait()

	conn, err := pgx.Connect(ctx, pg.URL())
	require.NoError(t, err)
	defer conn.Close(ctx)
	ld.mu.Lock()
	defer ld.mu.Unlock()
	t.Logf("DRILL statuses seen by clients: %v; refused connections (killed replica) %d; orders accepted %d (repairs %d)",
		ld.statuses, ld.refused.Load(), len(ld.accepted), len(ld.field))
	require.Empty(t, ld.unexpected, "clients see only 200, 201 or 503 with Retry-After")
	require.Zero(t, ld.noRetryAfter.Load(), "every 503 carries Retry-After")
	ids := checkOrders(t, conn, ld)
	checkTexts(t, conn, k, ld)
	checkHooks(t, hooks, ids)
}

// sendingSince counts the texts claimed before at that are still
// 'sending'.
func sendingSince(t *testing.T, dbURL string, at time.Time) int {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM sms_messages WHERE status = 'sending' AND updated_at < $1`,
		at).Scan(&n))
	return n
}

// waitSending polls until some text is 'sending', for at most d, and
// returns how many are.
func waitSending(t *testing.T, dbURL string, d time.Duration) int {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	for deadline := time.Now().Add(d); ; {
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM sms_messages WHERE status = 'sending'`).Scan(&n))
		if n > 0 || time.Now().After(deadline) {
			return n
		}
	}
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

//go:build linux

package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestScaleTenants is issue 20's load command, not part of `make test`: it
// runs only when SCALE_TENANTS is set (`make scale`, see deploy/README.md).
//
// It starts the real binary on TEST_DATABASE_URL / TEST_REDIS_URL (a fresh
// database), onboards SCALE_TENANTS tenants through the platform API with
// SCALE_CLIENTS clients, gives each of the first SCALE_ACTIVE tenants (a
// comma list: every figure is measured once per value, largest last) a user
// session and a few work orders, then sends GET /v1/me and the first page of
// GET /v1/work-orders round-robin over the active tenants for SCALE_SECONDS
// per value, and reports onboarding and request latencies and the serving
// process's RSS (current and peak) and the machine's load average.
// MEMORY_LIMIT passes through to the binary. SCALE_ONBOARD=invite onboards
// each tenant with an invitation for its admin (no password hashed, as a
// platform admin onboards by invitation) and has each active tenant's admin
// accept theirs (setting the password) before the measured requests.
//
// SCALE_DATABASE names a database on TEST_DATABASE_URL's server to keep
// between runs: the tenants already onboarded there (and the active
// tenants' work orders) are reused and only the missing ones are
// onboarded, so the measured part can be re-run quickly; onboarding is
// then measured on SCALE_ONBOARD_SAMPLE (default 200) extra tenants. Figures are logged, and the run fails only on a request that did
// not succeed: the goals (issue 20) are read off the log.
func TestScaleTenants(t *testing.T) {
	total := envInt(t, "SCALE_TENANTS", 0)
	if total == 0 {
		t.Skip("a load command: set SCALE_TENANTS (make scale)")
	}
	clients := envInt(t, "SCALE_CLIENTS", 4)
	seconds := envInt(t, "SCALE_SECONDS", 30)
	var actives []int
	for _, f := range strings.Split(envString("SCALE_ACTIVE", "1000"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		require.NoError(t, err, "SCALE_ACTIVE is a comma list of numbers")
		actives = append(actives, min(n, total))
	}
	slices.Sort(actives)

	dbURL := newDatabase
	keep := os.Getenv("SCALE_DATABASE")
	if keep != "" {
		dbURL = func(t *testing.T) string { return openDatabase(t, keep, true) }
	}
	db := dbURL(t)
	res := runCmd(t, map[string]string{"DATABASE_URL": db}, "platform-admin", "create", "scale")
	require.Equal(t, 0, res.Code, "stderr: %s", res.Stderr)
	platform := strings.TrimSpace(res.Stdout)
	addr := freeAddr(t)
	vars := map[string]string{"DATABASE_URL": db, "REDIS_URL": redisURL(t), "DATA_DIR": t.TempDir(), "HTTP_ADDR": addr}
	if v := os.Getenv("MEMORY_LIMIT"); v != "" {
		vars["MEMORY_LIMIT"] = v
	}
	p := startProc(t, "serve", vars, "serve")
	p.waitReady(t, "http://"+addr)
	lc := &loadClient{base: "http://" + addr, hc: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 2 * clients}}}
	pid := p.cmd.Process.Pid
	t.Logf("serve pid %d, RSS at start %s", pid, rss(t, pid))

	// Onboarding, in slices of a tenth so a growing cost shows; tenants a
	// kept database already has are not onboarded again.
	slugs := make([]string, total)
	for i := range slugs {
		slugs[i] = fmt.Sprintf("scale-%05d", i)
	}
	missing := notOnboarded(t, db, slugs)
	have := total - len(missing)
	lc.invite = os.Getenv("SCALE_ONBOARD") == "invite"
	onboard := lc.onboard(t, platform, clients, missing, pid)
	if len(onboard) < 10 {
		t.Logf("reusing %d onboarded tenants of database %s; onboarding %d more to measure it", have, keep,
			envInt(t, "SCALE_ONBOARD_SAMPLE", 200))
		probes := make([]string, envInt(t, "SCALE_ONBOARD_SAMPLE", 200))
		for i := range probes {
			probes[i] = fmt.Sprintf("probe-%d-%04d", time.Now().Unix(), i)
		}
		onboard = lc.onboard(t, platform, clients, probes, pid)
	}
	t.Logf("onboarding of %d tenants with %d clients, %d tenants before: p50 %s, p99 %s; load average %s",
		len(onboard), clients, have, pct(onboard, 50), pct(onboard, 99), loadAverage(t))
	if have > 0 {
		lc.reinvite(t, db, slugs[:actives[len(actives)-1]])
	}

	tokens := make([]string, actives[len(actives)-1])
	prepared := 0
	for _, active := range actives {
		require.NoError(t, parallel(clients, prepared, active, func(i int) error {
			var out struct{ Token string }
			a, err := lc.do(http.StatusOK, "POST", "/v1/auth/login", "", map[string]string{
				"tenant": slugs[i], "username": "admin", "password": adminPassword})
			if invitation, ok := lc.invitations.Load(slugs[i]); ok {
				a, err = lc.do(http.StatusOK, "POST", "/v1/auth/invitations/accept", "", map[string]string{
					"tenant": slugs[i], "token": invitation.(string), "password": adminPassword})
			}
			if err == nil {
				err = a.decode(&out)
			}
			tokens[i] = out.Token
			var page struct{ Items []json.RawMessage }
			if err == nil {
				if a, err = lc.do(http.StatusOK, "GET", "/v1/work-orders?limit=1", tokens[i], nil); err == nil {
					err = a.decode(&page)
				}
			}
			for k := 0; k < 3 && err == nil && len(page.Items) == 0; k++ {
				var cust struct{ ID string }
				if a, err = lc.do(http.StatusCreated, "POST", "/v1/customers", tokens[i], map[string]any{
					"name": fmt.Sprintf("客户 %d-%d", i, k)}); err == nil {
					err = a.decode(&cust)
				}
				if err == nil {
					_, err = lc.do(http.StatusCreated, "POST", "/v1/work-orders", tokens[i], map[string]any{
						"type": "repair", "channel": "phone", "customer_id": cust.ID, "description": "空调不制冷",
						"address": "深圳市南山区科技园", "lat": 22.54, "lon": 113.95})
				}
			}
			return err
		}))
		prepared = active
		me, orders, err := lc.rotate(tokens[:active], clients, time.Duration(seconds)*time.Second)
		require.NoError(t, err)
		t.Logf("%d of %d tenants active, %d clients, %ds: GET /v1/me p50 %s p99 %s (%d); GET /v1/work-orders p50 %s p99 %s (%d); RSS %s; load average %s",
			active, total, clients, seconds, pct(me, 50), pct(me, 99), len(me), pct(orders, 50), pct(orders, 99), len(orders),
			rss(t, pid), loadAverage(t))
	}
}

// notOnboarded returns those of slugs that the database (a kept one may
// hold them from an earlier run) has no tenant for, in order.
func notOnboarded(t *testing.T, db string, slugs []string) []string {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT s FROM unnest($1::text[]) WITH ORDINALITY AS u(s, i)
		WHERE NOT EXISTS (SELECT FROM tenants WHERE slug = u.s) ORDER BY i`, slugs)
	require.NoError(t, err)
	missing, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return missing
}

// reinvite gives the admins of slugs whose invitation an earlier run on a
// kept database left unaccepted (it knew their tokens) a new invitation,
// so they accept it as a fresh run's admins do.
func (lc *loadClient) reinvite(t *testing.T, db string, slugs []string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT t.slug, u.tenant_id, u.id FROM users u JOIN tenants t ON t.id = u.tenant_id
		WHERE t.slug = ANY($1) AND u.username = 'admin' AND u.invite_token_hash IS NOT NULL`, slugs)
	require.NoError(t, err)
	type admin struct {
		Slug         string
		Tenant, User uuid.UUID
	}
	admins, err := pgx.CollectRows(rows, pgx.RowToStructByPos[admin])
	require.NoError(t, err)
	b := &pgx.Batch{}
	for _, a := range admins {
		inv := core.NewInvitation(time.Now())
		b.Queue(`UPDATE users SET invite_token_hash = $3, invite_expires_at = $4 WHERE tenant_id = $1 AND id = $2`,
			a.Tenant, a.User, inv.Hash, inv.ExpiresAt)
		lc.invitations.Store(a.Slug, inv.Token)
	}
	require.NoError(t, conn.SendBatch(ctx, b).Close())
	t.Logf("invited again %d admins an earlier run left invited", len(admins))
}

// onboard onboards a tenant per slug through the platform API with
// clients clients, in slices of a tenth, logging each slice, and returns
// the latencies.
func (lc *loadClient) onboard(t *testing.T, platform string, clients int, slugs []string, pid int) []time.Duration {
	onboard := make([]time.Duration, len(slugs))
	slice := max(len(slugs)/10, 1)
	for from := 0; from < len(slugs); from += slice {
		to := min(from+slice, len(slugs))
		require.NoError(t, parallel(clients, from, to, func(i int) error {
			admin := map[string]string{"username": "admin", "password": adminPassword}
			if lc.invite {
				delete(admin, "password")
			}
			start := time.Now()
			a, err := lc.do(http.StatusCreated, "POST", "/v1/platform/tenants", platform, map[string]any{
				"slug": slugs[i], "name": "Tenant " + slugs[i], "locale": "zh-CN", "timezone": "Asia/Shanghai",
				"admin": admin})
			onboard[i] = time.Since(start)
			if err == nil && lc.invite {
				var out struct{ Invitation struct{ Token string } }
				if err = a.decode(&out); err == nil && out.Invitation.Token == "" {
					err = fmt.Errorf("tenant %s: no invitation in the answer", slugs[i])
				}
				lc.invitations.Store(slugs[i], out.Invitation.Token)
			}
			return err
		}))
		part := slices.Clone(onboard[from:to])
		t.Logf("onboarded %s..%s: p50 %s, p99 %s; RSS %s; load average %s", slugs[from], slugs[to-1],
			pct(part, 50), pct(part, 99), rss(t, pid), loadAverage(t))
	}
	return onboard
}

// loadAverage is the machine's 1, 5 and 15 minute load average.
func loadAverage(t *testing.T) string {
	raw, err := os.ReadFile("/proc/loadavg")
	require.NoError(t, err)
	return strings.Join(strings.Fields(string(raw))[:3], " ")
}

// loadClient sends requests without the contract checks of client, which
// cost more than the requests measured here.
type loadClient struct {
	base string
	hc   *http.Client
	// invite: tenants are onboarded with an invitation for their admin,
	// whose token is kept by slug until the admin accepts it.
	invite      bool
	invitations sync.Map
}

type loadAnswer struct{ body []byte }

func (a loadAnswer) decode(v any) error { return json.Unmarshal(a.body, v) }

// do sends one request and returns the body, or an error when the
// request failed or answered another status.
func (lc *loadClient) do(status int, method, path, token string, body any) (loadAnswer, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return loadAnswer{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, lc.base+path, rd)
	if err != nil {
		return loadAnswer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := lc.hc.Do(req)
	if err != nil {
		return loadAnswer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != status {
		err = fmt.Errorf("%s %s answered %d, want %d: %s", method, path, resp.StatusCode, status, raw)
	}
	return loadAnswer{raw}, err
}

// rotate sends GET /v1/me and the first page of GET /v1/work-orders in
// turn, each client taking the next tenant of the rotation, for d.
func (lc *loadClient) rotate(tokens []string, clients int, d time.Duration) (me, orders []time.Duration, err error) {
	var next atomic.Int64
	var mu sync.Mutex
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m, o []time.Duration
			var failed error
			for time.Now().Before(deadline) && failed == nil {
				i := next.Add(1)
				tok := tokens[int(i)%len(tokens)]
				start := time.Now()
				if i%2 == 0 {
					_, failed = lc.do(http.StatusOK, "GET", "/v1/me", tok, nil)
					m = append(m, time.Since(start))
				} else {
					_, failed = lc.do(http.StatusOK, "GET", "/v1/work-orders?limit=20", tok, nil)
					o = append(o, time.Since(start))
				}
			}
			mu.Lock()
			me, orders = append(me, m...), append(orders, o...)
			if err == nil {
				err = failed
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return me, orders, err
}

// parallel runs f for every i in [from, to) on n goroutines, stopping at
// the first error, which it returns.
func parallel(n, from, to int, f func(i int) error) error {
	var next atomic.Int64
	next.Store(int64(from) - 1)
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)); i < to && first.Load() == nil; i = int(next.Add(1)) {
				if err := f(i); err != nil {
					first.CompareAndSwap(nil, &err)
				}
			}
		}()
	}
	wg.Wait()
	if e := first.Load(); e != nil {
		return *e
	}
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)*p/100, len(s)-1)].Round(10 * time.Microsecond)
}

// rss reads the process's resident memory now and at its peak.
func rss(t *testing.T, pid int) string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	var now, peak string
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			now = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peak = strings.TrimSpace(v)
		}
	}
	return now + " (peak " + peak + ")"
}

func envString(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "%s must be a number", name)
	return n
}

package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/identity"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/testkit"
)

// testBundle is a running platform API on a fresh database, reached over
// real HTTP.
type testBundle struct {
	t        testing.TB
	url      string
	platform string // platform-admin token
	app      *wire.App
	pool     *pgxpool.Pool
	dbURL    string
	clock    *shiftClock
}

// shiftClock is the real clock moved forward by a settable offset, so tests
// can let deadlines pass.
type shiftClock struct{ offset atomic.Int64 }

func (c *shiftClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *shiftClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// option changes how a test's replica is built.
type option func(*wire.Options)

// longSessions keeps sessions valid for 30 days, for tests that move the
// clock by up to a day.
func longSessions(o *wire.Options) {
	o.LoginPolicy = identity.DefaultLoginPolicy()
	o.LoginPolicy.SessionTTL = 30 * 24 * time.Hour
}

// loginPolicy replaces the login policy.
func loginPolicy(p identity.LoginPolicy) option { return func(o *wire.Options) { o.LoginPolicy = p } }

// testDNS is the replicas' resolver for URLs tenants set: names under
// .example resolve to a public address, but for those named here, which
// resolve where an attacker would point them; others do not resolve.
var testDNS = fakeResolver{
	"inside.example":    {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")},
	"metadata.example":  {netip.MustParseAddr("169.254.169.254")},
	"sixtofour.example": {netip.MustParseAddr("2002:7f00:1::")},
	"localhost":         {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")},
}

type fakeResolver map[string][]netip.Addr

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := r[host]; ok {
		return ips, nil
	}
	if strings.HasSuffix(host, ".example") || strings.HasSuffix(host, ".example.com") {
		return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
	}
	return nil, errors.New("no such host")
}

// privateWebhooks lets webhooks reach loopback receivers (the platform
// setting EGRESS_ALLOW_PRIVATE).
func privateWebhooks(o *wire.Options) { o.Egress.AllowPrivate = true }

// setup starts a replica on a fresh database; its plugins are not run
// (setupPlugins runs them).
func setup(t testing.TB, opts ...option) *testBundle {
	t.Helper()
	pool, dbURL := pgtest.NewPool(t)
	return setupOn(t, pool, dbURL, opts...)
}

func setupBench(b *testing.B) *testBundle {
	pool, dbURL := pgtest.NewPool(b)
	return setupOn(b, pool, dbURL)
}

// setupOn starts another replica on an existing database.
func setupOn(t testing.TB, pool *pgxpool.Pool, dbURL string, opts ...option) *testBundle {
	noPlugins := func(o *wire.Options) { o.NoPluginRuntime = true }
	return start(t, pool, dbURL, 0, append([]option{noPlugins}, opts...)...)
}

// start builds an API replica as serve does (wire.Build, role api, no
// Redis) and serves it over HTTP; writeTimeout 0 is serve's.
func start(t testing.TB, pool *pgxpool.Pool, dbURL string, writeTimeout time.Duration, opts ...option) *testBundle {
	var logOut io.Writer = io.Discard
	if os.Getenv("TEST_LOG") != "" {
		logOut = os.Stderr
	}
	clock := &shiftClock{}
	o := wire.Options{Role: wire.RoleAPI, Pool: pool, Log: slog.New(slog.NewJSONHandler(logOut, nil)), Clock: clock,
		Egress: core.EgressGuard{Resolver: testDNS}, PluginKey: pluginKey}
	o.SessionPool = pgtest.SessionPool(t, dbURL) // behind PgBouncer (TestMain): LISTEN directly
	for _, opt := range opts {
		opt(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	app, err := wire.Build(ctx, o)
	require.NoError(t, err)
	t.Cleanup(app.Close)
	app.Watch(ctx)
	srv := httptest.NewUnstartedServer(testkit.ContractHandler(t, app.Server.Handler()))
	if writeTimeout > 0 {
		srv.Config.WriteTimeout = writeTimeout
	}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(app.Server.CloseStreams)
	tok, err := app.Store.CreatePlatformAdmin(ctx, "ops")
	require.NoError(t, err)
	return &testBundle{t: t, url: srv.URL, platform: tok, app: app, pool: pool, dbURL: dbURL, clock: clock}
}

// httpClient keeps connections alive for many parallel callers (the
// default transport keeps only two idle per host).
var httpClient = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}

type resp struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// str returns a top-level string field of the JSON body.
func (r resp) str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

// do sends a request; body may be a string (sent as is), []byte or a value
// encoded as JSON. hdr are name, value pairs.
func (b *testBundle) do(method, path, token string, body any, hdr ...string) resp {
	b.t.Helper()
	r := testkit.Do(b.t, httpClient, method, b.url+path, token, body, hdr...)
	out := resp{Status: r.Status, Header: r.Header, Raw: r.Body}
	_ = json.Unmarshal(r.Body, &out.JSON)
	require.Less(b.t, r.Status, 500, "%s %s: server error: %s", method, path, r.Body)
	return out
}

// must sends a request and requires the status.
func (b *testBundle) must(status int, method, path, token string, body any, hdr ...string) resp {
	b.t.Helper()
	r := b.do(method, path, token, body, hdr...)
	require.Equal(b.t, status, r.Status, "%s %s: %s", method, path, r.Raw)
	return r
}

type tenantFixture struct {
	id    uuid.UUID
	slug  string
	admin string // admin's token
}

const adminPassword = "correct-horse-battery"

// onboard creates a tenant and logs its admin in.
func (b *testBundle) onboard(slug string) tenantFixture {
	b.t.Helper()
	r := b.must(201, "POST", "/v1/platform/tenants", b.platform, map[string]any{
		"slug": slug, "name": slug + " Appliances", "locale": "zh-CN", "timezone": "Asia/Shanghai",
		"admin": map[string]any{"username": "admin", "password": adminPassword}})
	id := uuid.MustParse(r.str("id"))
	return tenantFixture{id: id, slug: slug, admin: b.login(slug, "admin", adminPassword)}
}

func (b *testBundle) login(tenant, user, password string) string {
	b.t.Helper()
	r := b.must(200, "POST", "/v1/auth/login", "", map[string]any{"tenant": tenant, "username": user, "password": password})
	return r.str("token")
}

// createUser creates a user with roles and scope and logs them in.
func (b *testBundle) createUser(admin, tenant, username string, roles []string, scope map[string]any) (uuid.UUID, string) {
	b.t.Helper()
	body := map[string]any{"username": username, "password": adminPassword, "roles": roles}
	if scope != nil {
		body["scope"] = scope
	}
	r := b.must(201, "POST", "/v1/users", admin, body)
	return uuid.MustParse(r.str("id")), b.login(tenant, username, adminPassword)
}

func (b *testBundle) createRegion(token string, parent *uuid.UUID, level, code, name string) uuid.UUID {
	b.t.Helper()
	body := map[string]any{"level": level, "code": code, "name": name}
	if parent != nil {
		body["parent_id"] = parent.String()
	}
	r := b.must(201, "POST", "/v1/regions", token, body)
	return uuid.MustParse(r.str("id"))
}

package api_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/testkit"
)

// While PostgreSQL cannot be reached, a client sees 503 with Retry-After,
// never a 500, and the replica serves again by itself once it is back.
// PostgreSQL "goes down" behind a TCP proxy the test closes: the listener
// and every open connection (the short form of the drill in
// cmd/aftersales/drill_test.go, which restarts a real server).
func TestPostgresDownIs503(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	px := newPGProxy(t, dbURL)
	pool, err := postgres.OpenPool(context.Background(), px.url, 4)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	b := setupOn(t, pool, px.url)
	f := b.onboard("pgdown-co")
	b.must(200, "GET", "/v1/me", f.admin, nil)

	px.down()
	for _, req := range []struct{ method, path, token string }{
		{"GET", "/v1/me", f.admin},
		{"GET", "/v1/work-orders", f.admin},
		{"POST", "/v1/auth/login", ""},
	} {
		var body any
		if req.path == "/v1/auth/login" {
			body = map[string]any{"tenant": f.slug, "username": "admin", "password": adminPassword}
		}
		r := testkit.Do(t, httpClient, req.method, b.url+req.path, req.token, body)
		require.Equal(t, 503, r.Status, "%s %s with PostgreSQL down: %s", req.method, req.path, r.Body)
		require.Equal(t, "2", r.Header.Get("Retry-After"), "%s %s", req.method, req.path)
		require.Contains(t, string(r.Body), `"code":"unavailable"`)
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	}

	px.up()
	require.Eventually(t, func() bool {
		return b.do("GET", "/v1/me", f.admin, nil).Status == 200
	}, 20*time.Second, 100*time.Millisecond, "the replica recovers when PostgreSQL is back")
}

// pgProxy forwards TCP connections to PostgreSQL (over TCP or its Unix
// socket) until down() closes the listener and every connection.
type pgProxy struct {
	t      *testing.T
	addr   string // 127.0.0.1:port, kept across down/up
	url    string
	target func() (net.Conn, error)
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newPGProxy(t *testing.T, dbURL string) *pgProxy {
	cfg, err := pgconn.ParseConfig(dbURL)
	require.NoError(t, err)
	network, addr := "tcp", net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
	if strings.HasPrefix(cfg.Host, "/") {
		network, addr = "unix", fmt.Sprintf("%s/.s.PGSQL.%d", cfg.Host, cfg.Port)
	}
	p := &pgProxy{t: t, target: func() (net.Conn, error) { return net.Dial(network, addr) }}
	p.listen("127.0.0.1:0")
	u := &url.URL{Scheme: "postgres", Host: p.addr, Path: "/" + cfg.Database, RawQuery: "sslmode=disable"}
	if cfg.Password != "" {
		u.User = url.UserPassword(cfg.User, cfg.Password)
	} else {
		u.User = url.User(cfg.User)
	}
	p.url = u.String()
	t.Cleanup(p.down)
	return p
}

func (p *pgProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	require.NoError(p.t, err)
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *pgProxy) forward(c net.Conn) {
	s, err := p.target()
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, c, s)
	p.mu.Unlock()
	go func() { _, _ = io.Copy(s, c); s.Close() }()
	_, _ = io.Copy(c, s)
	c.Close()
}

// down refuses new connections and cuts the open ones, as a stopped
// server does.
func (p *pgProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// up listens again on the same address.
func (p *pgProxy) up() {
	p.listen(p.addr)
}

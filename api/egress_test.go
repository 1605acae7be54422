package api_test

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// movingDNS resolves pbx.example wherever the test points it (DNS
// rebinding) and every other name as testDNS does.
type movingDNS struct {
	mu  sync.Mutex
	pbx netip.Addr
}

func (m *movingDNS) point(a string) { m.mu.Lock(); m.pbx = netip.MustParseAddr(a); m.mu.Unlock() }

func (m *movingDNS) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if host == "pbx.example" {
		m.mu.Lock()
		defer m.mu.Unlock()
		return []netip.Addr{m.pbx}, nil
	}
	return testDNS.LookupNetIP(ctx, network, host)
}

// TestPluginBindingURLsGuarded: the attack — a tenant admin
// pointing the CTI plugin's dial_url at the platform's own network — is
// refused when the configuration is saved (422 naming the field, nothing
// saved), and again when an agent dials after the name has been moved to
// a private address (DNS rebinding), before the plugin is asked.
func TestPluginBindingURLsGuarded(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewPool(t)
	dir := t.TempDir()
	dns := &movingDNS{pbx: netip.MustParseAddr("93.184.216.34")}
	b := start(t, pool, dbURL, 0, func(o *wire.Options) {
		o.PluginDir, o.PluginRuntime, o.Egress.Resolver = dir, &fakeRuntime{}, dns
	})
	acme := b.onboard("acme")
	name, sum := writePlugin(t, dir, "fake-cti", "#!/bin/sh\n# cti\n")
	p := b.must(201, "POST", "/v1/platform/plugins", b.platform, map[string]any{"name": "fake-cti", "kind": "cti",
		"version": "1.0.0", "path": name, "sha256": sum})
	bind := func(config map[string]any) resp {
		return b.do("POST", "/v1/plugin-bindings", acme.admin, map[string]any{"plugin_id": p.str("id"),
			"name": "pbx", "config": config, "enabled": true})
	}

	cases := []struct{ name, url, detail string }{
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/", "a link-local address"},
		{"loopback", "http://127.0.0.1:8080/dial", "a loopback address"},
		{"6to4 of loopback", "http://[2002:7f00:1::]/", "6to4 address of a loopback"},
		{"Teredo", "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "a Teredo address"},
		{"NAT64 of private", "http://[64:ff9b::10.0.0.1]/", "NAT64 address of a private"},
		{"IPv4-mapped private", "http://[::ffff:192.168.0.1]/", "a private address"},
		{"CGNAT", "http://100.64.0.1/", "carrier-grade NAT"},
		{"name of private", "https://inside.example/dial", "resolves to 10.0.0.7"},
		{"privileged port", "https://pbx.example:25/dial", "port 25 is not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := bind(map[string]any{"dial_url": c.url, "caller_id": "4001"})
			require.Equal(t, 422, r.Status, "%s", r.Raw)
			require.Contains(t, r.str("detail"), "config.dial_url: ", "%s", r.Raw)
			require.Contains(t, r.str("detail"), c.detail, "%s", r.Raw)
			require.Contains(t, string(r.Raw), `"location":"body.config.dial_url"`)
		})
	}
	require.Empty(t, b.must(200, "GET", "/v1/plugin-bindings", acme.admin, nil).JSON["items"], "nothing saved")

	ok := bind(map[string]any{"dial_url": "https://pbx.example/dial"})
	require.Equal(t, 201, ok.Status, "%s", ok.Raw)
	path := "/v1/plugin-bindings/" + ok.str("id")
	r := b.must(422, "PATCH", path, acme.admin, map[string]any{"config": map[string]any{"dial_url": "http://10.0.0.1/"}})
	require.Contains(t, r.str("detail"), "a private address")
	require.Equal(t, ok.JSON["config"], b.must(200, "GET", path, acme.admin, nil).JSON["config"], "unchanged")

	agentID, agent := b.createUser(acme.admin, "acme", "agent.wang", []string{"agent"}, nil)
	b.must(200, "PUT", "/v1/users/"+agentID.String()+"/cti-extension", acme.admin, map[string]any{"extension": "8001"})
	b.must(200, "POST", "/v1/agents/me/dial", agent, map[string]any{"number": "13800138000"})

	dns.point("127.0.0.1")
	d := b.do("POST", "/v1/agents/me/dial", agent, map[string]any{"number": "13800138000"})
	require.Equal(t, 422, d.Status, "%s", d.Raw)
	require.True(t, strings.Contains(d.str("detail"), "configuration is refused") &&
		strings.Contains(d.str("detail"), "a loopback address"), "%s", d.Raw)
}

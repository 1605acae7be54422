package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestBlockedAddr is the egress guard's address table: every range that
// is not public, and every IPv6 form that carries one.
func TestBlockedAddr(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, addr, why string }{
		{"public IPv4", "93.184.216.34", ""},
		{"public IPv6", "2606:2800:220:1:248:1893:25c8:1946", ""},
		{"loopback", "127.0.0.1", "loopback"},
		{"loopback range", "127.9.9.9", "loopback"},
		{"IPv6 loopback", "::1", "loopback"},
		{"private 10/8", "10.0.0.1", "private"},
		{"private 172.16/12", "172.16.5.4", "private"},
		{"private 192.168/16", "192.168.0.1", "private"},
		{"unique local fc00::/7", "fd00::1", "private"},
		{"unique local fc00::", "fc00::1", "private"},
		{"link-local metadata", "169.254.169.254", "link-local"},
		{"IPv6 link-local", "fe80::1", "link-local"},
		{"IPv6 link-local with zone", "fe80::1%eth0", "link-local"},
		{"unspecified", "0.0.0.0", "unspecified"},
		{"IPv6 unspecified", "::", "unspecified"},
		{"multicast", "224.0.0.251", "multicast"},
		{"IPv6 multicast", "ff02::1", "multicast"},
		{"CGNAT", "100.64.0.1", "carrier-grade NAT"},
		{"CGNAT top", "100.127.255.254", "carrier-grade NAT"},
		{"past CGNAT", "100.128.0.1", ""},
		{"this network", "0.1.2.3", "this network"},
		{"broadcast", "255.255.255.255", "reserved"},
		{"documentation TEST-NET-1", "192.0.2.10", "documentation"},
		{"documentation TEST-NET-2", "198.51.100.10", "documentation"},
		{"documentation TEST-NET-3", "203.0.113.10", "documentation"},
		{"IPv6 documentation", "2001:db8::1", "documentation"},
		{"IPv6 documentation 3fff::/20", "3fff::1", "documentation"},
		{"benchmarking", "198.18.0.1", "benchmarking"},
		{"6to4 relay anycast", "192.88.99.1", "6to4 relay"},
		{"IPv4-mapped loopback", "::ffff:127.0.0.1", "loopback"},
		{"IPv4-mapped metadata", "::ffff:169.254.169.254", "link-local"},
		{"IPv4-mapped public", "::ffff:93.184.216.34", ""},
		{"IPv4-compatible loopback", "::127.0.0.1", "IPv4-compatible"},
		{"IPv4-compatible public", "::93.184.216.34", "IPv4-compatible"},
		{"IPv4-translated", "::ffff:0:7f00:1", "IPv4-translated"},
		{"NAT64 of loopback", "64:ff9b::7f00:1", "NAT64 address of a loopback"},
		{"NAT64 of private", "64:ff9b::10.0.0.1", "NAT64 address of a private"},
		{"NAT64 of public", "64:ff9b::93.184.216.34", ""},
		{"NAT64 local-use", "64:ff9b:1::a00:1", "local-use NAT64"},
		{"6to4 of loopback (the issue's URL)", "2002:7f00:1::", "6to4 address of a loopback"},
		{"6to4 of private", "2002:a00:1::1", "6to4 address of a private"},
		{"6to4 of metadata", "2002:a9fe:a9fe::1", "6to4 address of a link-local"},
		{"6to4 of public", "2002:5db8:d822::1", ""},
		{"Teredo of a private client", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo"}, // client 10.0.0.1 obfuscated
		{"Teredo of a public client", "2001:0:4136:e378:8000:63bf:a247:27cb", "Teredo"},
		{"IETF protocol assignments", "2001:2::1", "IETF protocol"},
		{"discard-only", "100::1", "discard-only"},
		{"site-local", "fec0::1", "site-local"},
		{"not global unicast", "4000::1", "not a global unicast"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			why := core.BlockedAddr(netip.MustParseAddr(c.addr))
			if c.why == "" {
				require.Empty(t, why)
			} else {
				require.Contains(t, why, c.why)
			}
		})
	}
}

// fakeResolver answers lookups from its map; a host not in it does not
// resolve.
type fakeResolver map[string][]netip.Addr

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := r[host]; ok {
		return ips, nil
	}
	return nil, errors.New("no such host")
}

// testDNS holds public names and names resolving to addresses that are
// not public, directly or through an IPv6 embedding.
var testDNS = fakeResolver{
	"hooks.example.com":   {netip.MustParseAddr("93.184.216.34")},
	"inside.example":      {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")},
	"localhost.example":   {netip.MustParseAddr("127.0.0.1")},
	"metadata.example":    {netip.MustParseAddr("169.254.169.254")},
	"cgnat.example":       {netip.MustParseAddr("100.64.1.1")},
	"sixtofour.example":   {netip.MustParseAddr("2002:7f00:1::")},
	"teredo.example":      {netip.MustParseAddr("2001:0:4136:e378:8000:63bf:f5ff:fffe")},
	"nat64.example":       {netip.MustParseAddr("64:ff9b::a00:1")},
	"mapped.example":      {netip.MustParseAddr("::ffff:192.168.1.1")},
	"uniquelocal.example": {netip.MustParseAddr("fd12:3456::1")},
}

// requireVerdict requires err to be nil when refused is "", else an
// EINVALID error saying refused.
func requireVerdict(t *testing.T, err error, refused string) {
	t.Helper()
	if refused == "" {
		require.NoError(t, err)
		return
	}
	require.ErrorContains(t, err, refused)
	require.Equal(t, core.EINVALID, core.ErrorCode(err))
}

// TestEgressGuardCheckURL is the table for URLs tenants set: a
// URL is refused when its port is not allowed, when any address its host
// resolves to is not public, and when it cannot be resolved.
func TestEgressGuardCheckURL(t *testing.T) {
	t.Parallel()
	guard := &core.EgressGuard{Resolver: testDNS}
	tests := []struct {
		name, url string
		guard     *core.EgressGuard
		refused   string // "" when the URL is accepted
	}{
		{name: "public name", url: "https://hooks.example.com/in", guard: guard},
		{name: "public address", url: "https://93.184.216.34/in", guard: &core.EgressGuard{}},
		{name: "public IPv6 address", url: "https://[2606:2800:220:1:248:1893:25c8:1946]/", guard: &core.EgressGuard{}},
		{name: "loopback", url: "http://127.0.0.1:8080/", guard: guard, refused: "a loopback address"},
		{name: "IPv6 loopback", url: "http://[::1]/", guard: guard, refused: "a loopback address"},
		{name: "link-local metadata", url: "http://169.254.169.254/latest/meta-data/", guard: guard, refused: "a link-local address"},
		{name: "private", url: "http://10.0.0.1/", guard: guard, refused: "a private address"},
		{name: "CGNAT", url: "http://100.64.0.1/", guard: guard, refused: "carrier-grade NAT"},
		{name: "6to4 of loopback", url: "http://[2002:7f00:1::]/", guard: guard, refused: "6to4 address of a loopback"},
		{name: "Teredo", url: "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", guard: guard, refused: "a Teredo address"},
		{name: "NAT64 of private", url: "http://[64:ff9b::a00:1]/", guard: guard, refused: "NAT64 address of a private"},
		{name: "NAT64 local-use", url: "http://[64:ff9b:1::a00:1]/", guard: guard, refused: "local-use NAT64"},
		{name: "IPv4-mapped loopback", url: "http://[::ffff:127.0.0.1]/", guard: guard, refused: "a loopback address"},
		{name: "name of one private address of several", url: "https://inside.example/", guard: guard,
			refused: `host "inside.example" resolves to 10.0.0.7, a private address`},
		{name: "name of loopback", url: "https://localhost.example/", guard: guard, refused: "a loopback address"},
		{name: "name of metadata", url: "https://metadata.example/", guard: guard, refused: "a link-local address"},
		{name: "name of CGNAT", url: "https://cgnat.example/", guard: guard, refused: "carrier-grade NAT"},
		{name: "name of 6to4 loopback", url: "https://sixtofour.example/", guard: guard, refused: "6to4 address of a loopback"},
		{name: "name of Teredo", url: "https://teredo.example/", guard: guard, refused: "a Teredo address"},
		{name: "name of NAT64 private", url: "https://nat64.example/", guard: guard, refused: "NAT64 address of a private"},
		{name: "name of IPv4-mapped private", url: "https://mapped.example/", guard: guard, refused: "a private address"},
		{name: "name of unique local", url: "https://uniquelocal.example/", guard: guard, refused: "a private address"},
		{name: "private allowed", url: "http://10.0.0.1/", guard: &core.EgressGuard{AllowPrivate: true}},
		{name: "private network allowed", url: "http://10.1.2.3/", guard: &core.EgressGuard{
			AllowNetworks: []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24")}}},
		{name: "outside the allowed network", url: "http://10.1.3.3/", guard: &core.EgressGuard{
			AllowNetworks: []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24")}}, refused: "a private address"},
		{name: "does not resolve", url: "https://nowhere.example/", guard: guard, refused: "does not resolve"},
		{name: "no resolver", url: "https://hooks.example.com/in", guard: &core.EgressGuard{}, refused: "does not resolve"},
		{name: "nil guard", url: "http://10.0.0.1/", refused: "a private address"},
		{name: "bad form", url: "ftp://hooks.example.com/", guard: &core.EgressGuard{AllowPrivate: true}, refused: "must be http or https"},
		{name: "port 8443", url: "https://hooks.example.com:8443/", guard: guard},
		{name: "port 80 explicit", url: "http://hooks.example.com:80/", guard: guard},
		{name: "privileged port", url: "http://hooks.example.com:22/", guard: guard, refused: "port 22 is not allowed"},
		{name: "privileged port even when private is allowed", url: "http://10.0.0.1:25/",
			guard: &core.EgressGuard{AllowPrivate: true}, refused: "port 25 is not allowed"},
		{name: "privileged port allowed by the platform", url: "http://hooks.example.com:990/",
			guard: &core.EgressGuard{Resolver: testDNS, AllowPorts: []int{990}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireVerdict(t, tt.guard.CheckURL(context.Background(), "url", tt.url), tt.refused)
		})
	}
}

// TestEgressGuardCheckDial: the dial-time check sees the resolved address
// and port, whatever name the URL had.
func TestEgressGuardCheckDial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, address string
		guard         *core.EgressGuard
		refused       string // "" when the dial may go ahead
	}{
		{name: "loopback", address: "127.0.0.1:80", guard: &core.EgressGuard{}, refused: "loopback"},
		{name: "link-local with zone", address: "[fe80::1%eth0]:443", guard: &core.EgressGuard{}, refused: "link-local"},
		{name: "6to4 of loopback", address: "[2002:7f00:1::]:443", guard: &core.EgressGuard{}, refused: "6to4"},
		{name: "not an address", address: "example.com:443", guard: &core.EgressGuard{}, refused: "not an address"},
		{name: "public", address: "93.184.216.34:443", guard: &core.EgressGuard{}},
		{name: "public high port", address: "93.184.216.34:8080", guard: &core.EgressGuard{}},
		{name: "public privileged port", address: "93.184.216.34:25", guard: &core.EgressGuard{}, refused: "port 25"},
		{name: "private allowed", address: "127.0.0.1:8080", guard: &core.EgressGuard{AllowPrivate: true}},
		{name: "allowed network", address: "127.0.0.1:8080",
			guard: &core.EgressGuard{AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}},
		{name: "nil guard refuses private", address: "10.0.0.1:80", refused: "private"},
		{name: "nil guard allows public", address: "93.184.216.34:443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireVerdict(t, tt.guard.CheckDial(tt.address), tt.refused)
		})
	}
}

// TestEgressGuardCheckConfigURLs: every URL in a plugin binding's
// configuration, at any depth, is checked and the error names its field.
func TestEgressGuardCheckConfigURLs(t *testing.T) {
	t.Parallel()
	guard := &core.EgressGuard{Resolver: testDNS}
	tests := []struct {
		name, config string
		field        string // "" when accepted
		refused      string
	}{
		{name: "no URLs", config: `{"caller_id":"4001","timeout_ms":3000}`},
		{name: "public dial_url", config: `{"dial_url":"https://hooks.example.com/dial"}`},
		{name: "metadata dial_url", config: `{"dial_url":"http://169.254.169.254/"}`, field: "config.dial_url", refused: "link-local"},
		{name: "6to4 base_url", config: `{"base_url":"http://[2002:7f00:1::]/api"}`, field: "config.base_url", refused: "6to4"},
		{name: "nested name of private", config: `{"erp":{"urls":["https://hooks.example.com/","https://inside.example/"]}}`,
			field: "config.erp.urls[1]", refused: "a private address"},
		{name: "websocket to loopback", config: `{"events":"ws://127.0.0.1:9000/"}`, field: "config.events", refused: "loopback"},
		{name: "other scheme", config: `{"ldap":"ldap://hooks.example.com/"}`, field: "config.ldap", refused: "only http(s) and ws(s)"},
		{name: "privileged port", config: `{"dial_url":"https://hooks.example.com:636/"}`, field: "config.dial_url", refused: "port 636"},
		{name: "text that is not a URL", config: `{"note":"see :// above","host":"10.0.0.1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := guard.CheckConfigURLs(context.Background(), json.RawMessage(tt.config))
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.refused)
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			var ce *core.Error
			require.ErrorAs(t, err, &ce)
			require.Contains(t, ce.Fields, tt.field)
		})
	}
}

package core_test

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestSignWebhookMatchesTheSpecVector: the test vector published with the
// Standard Webhooks reference libraries, so receivers' libraries verify
// what we send.
func TestSignWebhookMatchesTheSpecVector(t *testing.T) {
	sig, err := core.SignWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	require.NoError(t, err)
	require.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", sig)
}

func TestNewWebhookSecretIsFreshAndWellFormed(t *testing.T) {
	a, b := core.NewWebhookSecret(), core.NewWebhookSecret()
	require.NotEqual(t, a, b)
	require.True(t, strings.HasPrefix(a, "whsec_"))
	_, err := core.SignWebhook(a, "id", time.Now(), nil)
	require.NoError(t, err)
}

func TestBlockedWebhookAddr(t *testing.T) {
	cases := []struct{ addr, why string }{
		{"93.184.216.34", ""},
		{"2606:2800:220:1:248:1893:25c8:1946", ""},
		{"127.0.0.1", "loopback"},
		{"127.9.9.9", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"64:ff9b::7f00:1", "loopback"}, // NAT64 of 127.0.0.1
		{"10.0.0.1", "private"},
		{"172.16.5.4", "private"},
		{"192.168.0.1", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.251", "multicast"},
		{"ff02::1", "multicast"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"100.128.0.1", ""},
		{"0.1.2.3", "this network"},
		{"255.255.255.255", "reserved"},
	}
	for _, c := range cases {
		t.Run(c.addr, func(t *testing.T) {
			why := core.BlockedWebhookAddr(netip.MustParseAddr(c.addr))
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

// TestWebhookGuardCheckURL: a URL is refused when any address its host
// resolves to is not public, and when it cannot be resolved.
func TestWebhookGuardCheckURL(t *testing.T) {
	t.Parallel()
	dns := fakeResolver{
		"hooks.example.com": {netip.MustParseAddr("93.184.216.34")},
		"inside.example":    {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")},
	}
	tests := []struct {
		name, url string
		guard     *core.WebhookGuard
		refused   string // "" when the URL is accepted
	}{
		{name: "public name", url: "https://hooks.example.com/in", guard: &core.WebhookGuard{Resolver: dns}},
		{name: "public address", url: "https://93.184.216.34/in", guard: &core.WebhookGuard{}},
		{name: "one private address of several", url: "https://inside.example/", guard: &core.WebhookGuard{Resolver: dns},
			refused: `host "inside.example" resolves to 10.0.0.7, a private address`},
		{name: "private address", url: "http://10.0.0.1/", guard: &core.WebhookGuard{Resolver: dns}, refused: "a private address"},
		{name: "private allowed", url: "http://10.0.0.1/", guard: &core.WebhookGuard{AllowPrivate: true}},
		{name: "does not resolve", url: "https://nowhere.example/", guard: &core.WebhookGuard{Resolver: dns}, refused: "does not resolve"},
		{name: "no resolver", url: "https://hooks.example.com/in", guard: &core.WebhookGuard{}, refused: "does not resolve"},
		{name: "nil guard", url: "http://10.0.0.1/", refused: "a private address"},
		{name: "bad form", url: "ftp://hooks.example.com/", guard: &core.WebhookGuard{AllowPrivate: true}, refused: "must be http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.guard.CheckURL(context.Background(), tt.url)
			if tt.refused == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.refused)
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
		})
	}
}

// FuzzValidateWebhookURL: no input panics, and an accepted URL is an
// absolute http(s) URL with a host.
func FuzzValidateWebhookURL(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/a?b=c", "http://[::1]:80/", "ftp://x", "http://", "://", "http://a:99999/",
		"http://u@h/", "https://例子.测试/钩子"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if core.ValidateWebhookURL(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		require.NoError(t, err)
		require.Contains(t, []string{"http", "https"}, u.Scheme)
		require.NotEmpty(t, u.Hostname())
	})
}

package jobs

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestEgressDialControlRefusesAtDial: the dial-time check sees the
// resolved address and port, whatever name the URL had (the table of
// addresses is core's TestBlockedAddr).
func TestEgressDialControlRefusesAtDial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, network, address string
		guard                  *core.EgressGuard
		refused                string // "" when the dial may go ahead
	}{
		{name: "loopback", network: "tcp4", address: "127.0.0.1:80", guard: &core.EgressGuard{}, refused: "loopback"},
		{name: "link-local with zone", network: "tcp6", address: "[fe80::1%eth0]:443", guard: &core.EgressGuard{}, refused: "link-local"},
		{name: "6to4 of loopback", network: "tcp6", address: "[2002:7f00:1::]:80", guard: &core.EgressGuard{}, refused: "6to4"},
		{name: "not an address", network: "tcp4", address: "example.com:443", guard: &core.EgressGuard{}, refused: "not an address"},
		{name: "public", network: "tcp4", address: "93.184.216.34:443", guard: &core.EgressGuard{}},
		{name: "public, privileged port", network: "tcp4", address: "93.184.216.34:22", guard: &core.EgressGuard{}, refused: "port 22"},
		{name: "private allowed", network: "tcp4", address: "127.0.0.1:8080", guard: &core.EgressGuard{AllowPrivate: true}},
		{name: "nil guard refuses private", network: "tcp4", address: "10.0.0.1:80", refused: "private"},
		{name: "nil guard allows public", network: "tcp4", address: "93.184.216.34:443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := egressDialControl(tt.guard)(tt.network, tt.address, nil)
			if tt.refused == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.refused)
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
		})
	}
}

// serveOn starts an httptest server on a loopback address of our choice
// (Linux routes all of 127.0.0.0/8 to the loopback interface).
func serveOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	ln, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestEgressTransportRefusesRedirectTarget: even a client that follows
// redirects cannot be led by an allowed server to a refused one (here,
// the allowed origin is 127.0.0.1 only, and it redirects to 127.0.0.2, and
// to a name resolving there): the transport's dial check refuses the
// redirect's connection, and the target is never reached. The same check
// refuses a name that re-resolves to a refused address (DNS rebinding),
// since it judges the address dialled, not the name.
func TestEgressTransportRefusesRedirectTarget(t *testing.T) {
	t.Parallel()
	reached := make(chan struct{}, 10)
	target := serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reached <- struct{}{}
		_, _ = w.Write([]byte(`{"call_id":"leaked"}`))
	}))
	origin := serveOn(t, "127.0.0.1", http.RedirectHandler(target.URL+"/inside", http.StatusTemporaryRedirect))
	guard := &core.EgressGuard{AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	client := &http.Client{Transport: newEgressTransport(guard)} // follows redirects

	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, origin.URL+"/dial", nil)
	require.NoError(t, err)
	_, err = client.Do(req)
	require.Error(t, err)
	require.ErrorContains(t, err, "outbound connection to 127.0.0.2 refused: a loopback address")

	// The origin itself is reachable: the refusal is the redirect's.
	noFollow := &http.Client{Transport: newEgressTransport(guard),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(origin.URL + "/dial")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
	require.Empty(t, reached, "the redirect target was never connected to")
}

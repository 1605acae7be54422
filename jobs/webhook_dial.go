package jobs

import (
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/aftersales/aftersales/core"
)

// egressDialControl is the net.Dialer Control function of outbound
// requests made on a tenant's behalf: it refuses a connection the guard
// does not allow (core.EgressGuard.CheckDial). It runs after resolution,
// right before the dial, so it sees the address itself whatever name the
// URL had, after any redirect. A nil guard allows public addresses on the
// default ports only.
func egressDialControl(g *core.EgressGuard) func(network, address string, c syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error { return g.CheckDial(address) }
}

// newEgressTransport is the HTTP transport of outbound requests made on a
// tenant's behalf: every connection it opens is checked by the guard.
func newEgressTransport(g *core.EgressGuard) *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: egressDialControl(g)}
	return &http.Transport{
		Proxy:               nil, // a proxy would dial the endpoint where the guard cannot see
		DialContext:         dialer.DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 16, // a busy endpoint keeps its connections across a worker's tasks
		IdleConnTimeout:     time.Minute,
	}
}

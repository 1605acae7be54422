package jobs

import (
	"net/netip"
	"syscall"

	"github.com/aftersales/aftersales/core"
)

// webhookDialControl is the net.Dialer Control function of webhook
// deliveries: it refuses a connection to an address that is not public
// (core.BlockedWebhookAddr) unless the guard allows private ones. It runs
// after resolution, right before the dial, so it sees the address itself
// whatever name the URL had. A nil guard allows public addresses only.
func webhookDialControl(g *core.WebhookGuard) func(network, address string, c syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		if g != nil && g.AllowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return core.Errorf(core.EINVALID, "webhook dial to %q refused: not an address", address)
		}
		if why := core.BlockedWebhookAddr(ap.Addr()); why != "" {
			return core.Errorf(core.EINVALID, "webhook dial to %s refused: %s", ap.Addr(), why)
		}
		return nil
	}
}

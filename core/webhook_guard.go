package core

import (
	"context"
	"net/netip"
	"net/url"
	"time"
)

// WebhookGuard keeps webhooks from reaching the platform's own network
// (SSRF): a URL is refused when its host resolves to an address that is
// not public (BlockedWebhookAddr), at registration (CheckURL) and again by
// the deliverer at each dial, so a name that later resolves elsewhere (DNS
// rebinding) fails too.
type WebhookGuard struct {
	// AllowPrivate lets webhooks reach any address (platform setting
	// WEBHOOK_ALLOW_PRIVATE; tests use it for loopback receivers).
	AllowPrivate bool
	// Resolver looks hosts up (the wiring gives net.DefaultResolver); nil
	// refuses every host that is not an IP address, as one that does not
	// resolve.
	Resolver HostResolver
}

// HostResolver looks up the addresses of a host name; *net.Resolver is one.
type HostResolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// blockedPrefixes are special-purpose ranges that are neither loopback,
// private, link-local, multicast nor unspecified in netip's terms.
var blockedPrefixes = []struct {
	p      netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT (CGNAT) address"},
	{netip.MustParsePrefix("0.0.0.0/8"), "a \"this network\" address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
}

// nat64 embeds IPv4 addresses in IPv6: judged by the embedded address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// BlockedWebhookAddr says why a webhook may not reach ip ("" when it may).
func BlockedWebhookAddr(ip netip.Addr) string {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:]))
	}
	switch {
	case !ip.IsValid():
		return "not an IP address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsUnspecified():
		return "the unspecified address"
	case ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, b := range blockedPrefixes {
		if ip.Is4() && b.p.Contains(ip) {
			return b.reason
		}
	}
	return ""
}

// CheckURL checks the URL's form and that every address its host resolves
// to may be reached: EINVALID with the reason otherwise.
func (g *WebhookGuard) CheckURL(ctx context.Context, raw string) error {
	if err := ValidateWebhookURL(raw); err != nil {
		return err
	}
	if g != nil && g.AllowPrivate {
		return nil
	}
	u, _ := url.Parse(raw)
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return refusedHost(host, ip)
	}
	if g == nil || g.Resolver == nil {
		return FieldError("url", "host %q does not resolve", host)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := g.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return FieldError("url", "host %q does not resolve", host)
	}
	for _, ip := range ips {
		if err := refusedHost(host, ip); err != nil {
			return err
		}
	}
	return nil
}

func refusedHost(host string, ip netip.Addr) error {
	if why := BlockedWebhookAddr(ip); why != "" {
		if host == ip.String() {
			return FieldError("url", "%s is %s; webhooks may only reach public addresses", host, why)
		}
		return FieldError("url", "host %q resolves to %s, %s; webhooks may only reach public addresses", host, ip, why)
	}
	return nil
}

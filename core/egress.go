package core

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// EgressGuard keeps every outbound request the platform makes on a
// tenant's behalf (webhooks, the URLs of plugin bindings' configuration)
// from reaching the platform's own network (SSRF). A URL is refused when
// its port is not allowed (PortAllowed) or its host resolves to an address
// that is not public (BlockedAddr): when a tenant sets it (CheckURL), and
// again at each connection (CheckDial, from the outbound clients' dialers),
// so a name that later resolves elsewhere (DNS rebinding) and a redirect
// fail too.
type EgressGuard struct {
	// AllowPrivate lets outbound requests reach any address (platform
	// setting EGRESS_ALLOW_PRIVATE; tests use it for loopback receivers).
	AllowPrivate bool
	// AllowNetworks lets outbound requests reach these networks even when
	// not public (platform setting EGRESS_ALLOWED_NETWORKS: a private
	// deployment's own ERP or PBX), without opening every private address.
	AllowNetworks []netip.Prefix
	// AllowPorts adds ports below 1024 to those allowed (platform setting
	// EGRESS_ALLOWED_PORTS).
	AllowPorts []int
	// Resolver looks hosts up (the wiring gives net.DefaultResolver); nil
	// refuses every host that is not an IP address, as one that does not
	// resolve.
	Resolver HostResolver
}

// HostResolver looks up the addresses of a host name; *net.Resolver is one.
type HostResolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// PortAllowed says whether outbound requests may go to port: 80, 443,
// the unprivileged ports 1024-65535, and the guard's AllowPorts. The
// privileged ports are where a network's own services listen (SSH, SMTP,
// DNS, LDAP…); a public service a tenant integrates with is on 80, 443 or
// a high port. A nil guard allows the defaults.
func (g *EgressGuard) PortAllowed(port int) bool {
	switch {
	case port < 1 || port > 65535:
		return false
	case port == 80 || port == 443 || port >= 1024:
		return true
	}
	return g != nil && slices.Contains(g.AllowPorts, port)
}

// blockedPrefixes are special-purpose ranges that are neither loopback,
// private, link-local, multicast nor unspecified in netip's terms (IANA's
// special-purpose address registries). An IPv6 address outside 2000::/3 is
// refused anyway (not global unicast), but for the embeddings judged
// first.
var blockedPrefixes = []struct {
	p      netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT (CGNAT) address"},
	{netip.MustParsePrefix("0.0.0.0/8"), "a \"this network\" address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("192.88.99.0/24"), "a 6to4 relay address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("2001::/32"), "a Teredo address"}, // its client's IPv4 is obfuscated: refused whatever it is
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("3fff::/20"), "a documentation address"},
	{netip.MustParsePrefix("2001::/23"), "an IETF protocol address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local-use NAT64 address"},
	{netip.MustParsePrefix("100::/64"), "a discard-only address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
	{netip.MustParsePrefix("::/96"), "an IPv4-compatible address"},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "an IPv4-translated address"},
}

// Embeddings of an IPv4 address in IPv6, judged by the address they carry.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // the well-known prefix: the last 32 bits
	sixToFour = netip.MustParsePrefix("2002::/16")    // 6to4: bits 16-47
	globalV6  = netip.MustParsePrefix("2000::/3")
)

// BlockedAddr says why an outbound request may not reach ip ("" when it
// may): every address that is not public, and every IPv6 address carrying
// one (IPv4-mapped, NAT64, 6to4) or whose IPv4 cannot be told (Teredo).
func BlockedAddr(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	b := ip.As16()
	switch {
	case ip.Is6() && nat64.Contains(ip):
		if why := BlockedAddr(netip.AddrFrom4([4]byte(b[12:]))); why != "" {
			return "a NAT64 address of " + why
		}
		return ""
	case ip.Is6() && sixToFour.Contains(ip):
		if why := BlockedAddr(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
			return "a 6to4 address of " + why
		}
		return ""
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
	for _, p := range blockedPrefixes {
		if p.p.Contains(ip) {
			return p.reason
		}
	}
	if ip.Is6() && !globalV6.Contains(ip) {
		return "not a global unicast address"
	}
	return ""
}

// ValidateEgressURL checks that raw, the input field, is an absolute
// http(s) URL with a host, no credentials and a port in range (not where
// it points: see EgressGuard).
func ValidateEgressURL(field, raw string) error {
	if len(raw) > 2000 {
		return FieldError(field, "is longer than 2000 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return FieldError(field, "is not an absolute URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return FieldError(field, "must be http or https, not %q", u.Scheme)
	}
	if u.Fragment != "" || u.User != nil {
		return FieldError(field, "must not carry credentials or a fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return FieldError(field, "has a bad port")
		}
	}
	return nil
}

// CheckURL checks the form of raw, the input field (ValidateEgressURL),
// its port, and that every address its host resolves to may be reached:
// EINVALID naming the field and the reason otherwise.
func (g *EgressGuard) CheckURL(ctx context.Context, field, raw string) error {
	if err := ValidateEgressURL(field, raw); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	if port := urlPort(u); !g.PortAllowed(port) {
		return FieldError(field, "port %d is not allowed; outbound requests may use 80, 443 and 1024-65535%s", port, g.extraPorts())
	}
	if g != nil && g.AllowPrivate {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return g.refusedHost(field, host, ip)
	}
	if g == nil || g.Resolver == nil {
		return FieldError(field, "host %q does not resolve", host)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := g.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return FieldError(field, "host %q does not resolve", host)
	}
	for _, ip := range ips {
		if err := g.refusedHost(field, host, ip); err != nil {
			return err
		}
	}
	return nil
}

// CheckDial checks address, the "ip:port" an outbound client is about to
// connect to after resolving its URL's host (a net.Dialer's Control sees
// it): EINVALID unless the guard allows it. It sees every connection,
// redirects and re-resolutions included.
func (g *EgressGuard) CheckDial(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return Errorf(EINVALID, "outbound connection to %q refused: not an address", address)
	}
	if !g.PortAllowed(int(ap.Port())) {
		return Errorf(EINVALID, "outbound connection to %s refused: port %d is not allowed", ap, ap.Port())
	}
	if g != nil && g.AllowPrivate {
		return nil
	}
	if why := g.blocked(ap.Addr()); why != "" {
		return Errorf(EINVALID, "outbound connection to %s refused: %s", ap.Addr(), why)
	}
	return nil
}

// blocked is BlockedAddr but for the guard's AllowNetworks.
func (g *EgressGuard) blocked(ip netip.Addr) string {
	why := BlockedAddr(ip)
	if why != "" && g != nil {
		ip = ip.Unmap().WithZone("")
		for _, p := range g.AllowNetworks {
			if p.Contains(ip) {
				return ""
			}
		}
	}
	return why
}

func (g *EgressGuard) extraPorts() string {
	if g == nil || len(g.AllowPorts) == 0 {
		return ""
	}
	return fmt.Sprintf(" and %v", g.AllowPorts)
}

// urlPort is the URL's port, explicit or its scheme's.
func urlPort(u *url.URL) int {
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
		return n
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

func (g *EgressGuard) refusedHost(field, host string, ip netip.Addr) error {
	if why := g.blocked(ip); why != "" {
		if host == ip.String() {
			return FieldError(field, "%s is %s; outbound requests may only reach public addresses", host, why)
		}
		return FieldError(field, "host %q resolves to %s, %s; outbound requests may only reach public addresses", host, ip, why)
	}
	return nil
}

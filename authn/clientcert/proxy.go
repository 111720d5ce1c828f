package clientcert

import (
	"net/netip"
	"strings"
)

// trustedProxies are the networks of Config.TrustedProxies, with prefixes
// of IPv4-mapped IPv6 addresses turned into the IPv4 prefixes they cover.
type trustedProxies []netip.Prefix

// newTrustedProxies copies prefixes, unmapped and masked.
func newTrustedProxies(prefixes []netip.Prefix) trustedProxies {
	t := make(trustedProxies, 0, len(prefixes))
	for _, p := range prefixes {
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		t = append(t, p.Masked())
	}
	return t
}

// contains reports whether the peer "ip:port" (or a bare IP) is in one of
// the networks; an address that does not parse is in none.
func (t trustedProxies) contains(peer string) bool {
	ip, ok := parseHost(peer)
	if !ok {
		return false
	}
	for _, p := range t {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parseHost parses an IP address with a port ("192.0.2.1:443",
// "[2001:db8::1]:443") or without one, unmapped and without its zone.
func parseHost(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	bracketed := false
	if inner, ok := strings.CutPrefix(s, "["); ok {
		if s, ok = strings.CutSuffix(inner, "]"); !ok {
			return netip.Addr{}, false
		}
		bracketed = true
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || bracketed && !ip.Is6() {
		return netip.Addr{}, false
	}
	return ip.Unmap().WithZone(""), true
}

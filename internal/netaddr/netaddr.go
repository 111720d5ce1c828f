// Package netaddr reads the addresses of connection peers and proxies as
// the guard's client address and client-certificate forwarding compare
// them: IPv4-mapped IPv6 addresses as IPv4, zones dropped.
package netaddr

import (
	"net/netip"
	"strings"
)

// ParseHost parses an IP address with a port ("192.0.2.1:443",
// "[2001:db8::1]:443") or without one, unmapped and without its zone.
func ParseHost(s string) (netip.Addr, bool) {
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

// UnmapPrefix turns a prefix of IPv4-mapped IPv6 addresses into the IPv4
// prefix it covers, to match the unmapped addresses ParseHost returns.
func UnmapPrefix(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p
}

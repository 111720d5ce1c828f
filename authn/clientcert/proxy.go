package clientcert

import (
	"net/netip"

	"github.com/gatehouse-go/gatehouse/internal/netaddr"
)

// trustedProxies are the networks of Config.TrustedProxies, with prefixes
// of IPv4-mapped IPv6 addresses turned into the IPv4 prefixes they cover.
type trustedProxies []netip.Prefix

// newTrustedProxies copies prefixes, unmapped and masked.
func newTrustedProxies(prefixes []netip.Prefix) trustedProxies {
	t := make(trustedProxies, 0, len(prefixes))
	for _, p := range prefixes {
		t = append(t, netaddr.UnmapPrefix(p).Masked())
	}
	return t
}

// contains reports whether the peer "ip:port" (or a bare IP) is in one of
// the networks; an address that does not parse is in none.
func (t trustedProxies) contains(peer string) bool {
	ip, ok := netaddr.ParseHost(peer)
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

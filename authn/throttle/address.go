package throttle

import (
	"fmt"
	"net/netip"
	"strings"
)

// ipv6Bits is the prefix an IPv6 address is counted by: a /64, the
// smallest block a host is usually given, and the whole of it.
const ipv6Bits = 64

// addressKey returns the key failures from address are counted under, or
// "" when the address is unknown (""). It accepts an IP address with or
// without a port, as http.Request.RemoteAddr gives it ("192.0.2.1:37198",
// "[2001:db8::1]:443") or bare ("192.0.2.1", "2001:db8::1", "[::1]"), and
// counts it as the IP alone: otherwise each connection, with its own port,
// would be counted apart, and no client would ever reach the limit.
//
// An IPv4 address mapped into IPv6 (::ffff:192.0.2.1) is counted as the
// IPv4 address, and a zone is dropped. An IPv6 address is counted by its
// /64: a single host usually holds a whole /64 and may send each attempt
// from another of its 2^64 addresses. Anything else is ErrInvalidAddress.
func addressKey(address string) (string, error) {
	if address == "" {
		return "", nil
	}
	if len(address) > MaxAddressLength {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidAddress, MaxAddressLength)
	}
	ip, ok := parseAddress(address)
	if !ok {
		return "", fmt.Errorf("%w: not an IP address, with or without a port", ErrInvalidAddress)
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return "address:" + ip.String(), nil
	}
	return "address:" + netip.PrefixFrom(ip, ipv6Bits).Masked().String(), nil
}

// parseAddress parses an IP address with a port, or without one.
func parseAddress(address string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(address); err == nil {
		return ap.Addr(), true
	}
	if inner, ok := strings.CutPrefix(address, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		if !ok {
			return netip.Addr{}, false
		}
		ip, err := netip.ParseAddr(inner)
		return ip, err == nil && ip.Is6()
	}
	ip, err := netip.ParseAddr(address)
	return ip, err == nil
}

package guard

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/gatehouse-go/gatehouse/internal/netaddr"
)

// ClientAddress returns the IP address of the client that sent r, as
// throttling (account.Service.Login's address) and logs want it, or the
// zero netip.Addr when it cannot tell (IsValid false: pass "" as the
// address then, not the zero Addr's String).
//
// It is the IP of r.RemoteAddr, the peer of the connection, unless that
// peer is in trustedProxies. Only then is X-Forwarded-For read, and the
// client is its right-most address that is not a trusted proxy. Each proxy
// appends the address it received the request from, so the entries are
// written, from the right, by the proxies the request passed through last:
// the right-most untrusted entry is the one a trusted proxy wrote about
// whoever connected to it, which the client cannot forge. Everything left
// of it is whatever the client sent, and anyone can send
// "X-Forwarded-For: 127.0.0.1". For the same reason the header is ignored
// altogether when the peer is not a trusted proxy, and with no
// trustedProxies (nil): a client that connects directly could otherwise
// pick its address, and a fresh one for every guess at a password.
//
// List as trustedProxies exactly the proxies in front of the application
// (a load balancer's subnet, say), no more. When every entry is a trusted
// proxy, the left-most is the client. An entry that is not an IP address
// stops the walk: the address returned is then the nearest trusted proxy,
// so that a misbehaving proxy groups its clients rather than lets them
// choose. IPv4 addresses mapped into IPv6 are returned as IPv4, and zones
// are dropped. Only X-Forwarded-For is read, not the Forwarded header of
// RFC 7239.
func ClientAddress(r *http.Request, trustedProxies []netip.Prefix) netip.Addr {
	peer, ok := netaddr.ParseHost(r.RemoteAddr)
	if !ok {
		return netip.Addr{}
	}
	trusted := func(ip netip.Addr) bool {
		for _, p := range trustedProxies {
			if netaddr.UnmapPrefix(p).Contains(ip) {
				return true
			}
		}
		return false
	}
	client := peer
	if !trusted(client) {
		return client
	}
	lines := r.Header.Values("X-Forwarded-For")
	for i := len(lines) - 1; i >= 0; i-- {
		rest := lines[i]
		for rest != "" {
			var entry string
			if comma := strings.LastIndexByte(rest, ','); comma >= 0 {
				rest, entry = rest[:comma], rest[comma+1:]
			} else {
				rest, entry = "", rest
			}
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			ip, ok := netaddr.ParseHost(entry)
			if !ok {
				return client
			}
			client = ip
			if !trusted(client) {
				return client
			}
		}
	}
	return client
}

package guard_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

func TestClientAddress(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("2001:db8:ffff::/48"),
	}
	tests := []struct {
		name       string
		remoteAddr string
		forwarded  []string // X-Forwarded-For header lines
		trusted    []netip.Prefix
		want       string // "": the zero Addr, unknown
	}{
		{"IPv4 peer", "192.0.2.1:37198", nil, nil, "192.0.2.1"},
		{"IPv6 peer", "[2001:db8::1]:443", nil, nil, "2001:db8::1"},
		{"IPv4-mapped peer", "[::ffff:192.0.2.1]:80", nil, nil, "192.0.2.1"},
		{"peer without a port", "192.0.2.1", nil, nil, "192.0.2.1"},
		{"peer with a zone", "[fe80::1%eth0]:22", nil, nil, "fe80::1"},

		{"no proxies trusted: header ignored", "192.0.2.1:1", []string{"203.0.113.9"}, nil, "192.0.2.1"},
		{"spoofed by an untrusted peer", "192.0.2.1:1", []string{"10.0.0.1"}, proxies, "192.0.2.1"},
		{"spoofed chain from an untrusted peer", "198.51.100.7:1", []string{"203.0.113.9, 10.0.0.2"}, proxies, "198.51.100.7"},

		{"trusted proxy", "10.0.0.5:1", []string{"203.0.113.9"}, proxies, "203.0.113.9"},
		{"trusted proxy, spoofed entries left of the client", "10.0.0.5:1", []string{"198.51.100.66, 1.1.1.1, 203.0.113.9"}, proxies, "203.0.113.9"},
		{"two trusted proxies", "10.0.0.5:1", []string{"198.51.100.66, 203.0.113.9, 10.0.0.7"}, proxies, "203.0.113.9"},
		{"header on several lines", "10.0.0.5:1", []string{"198.51.100.66", "203.0.113.9, 10.0.0.7"}, proxies, "203.0.113.9"},
		{"entries with ports", "10.0.0.5:1", []string{"203.0.113.9:5555, [2001:db8:ffff::9]:80"}, proxies, "203.0.113.9"},
		{"IPv6 client", "[::1]:9000", []string{"2001:db8:1::77"}, proxies, "2001:db8:1::77"},
		{"IPv4-mapped proxy and client", "[::ffff:10.0.0.5]:1", []string{"::ffff:203.0.113.9"}, proxies, "203.0.113.9"},
		{"empty entries skipped", "10.0.0.5:1", []string{"203.0.113.9,, ,"}, proxies, "203.0.113.9"},
		{"trusted proxy without the header", "10.0.0.5:1", nil, proxies, "10.0.0.5"},
		{"trusted proxy with an empty header", "10.0.0.5:1", []string{""}, proxies, "10.0.0.5"},
		{"client inside the trusted range", "10.0.0.5:1", []string{"10.1.2.3, 10.0.0.7"}, proxies, "10.1.2.3"},
		{"garbage from a trusted proxy", "10.0.0.5:1", []string{"203.0.113.9, not-an-ip"}, proxies, "10.0.0.5"},
		{"garbage behind two trusted proxies", "10.0.0.5:1", []string{"203.0.113.9, unknown, 10.0.0.7"}, proxies, "10.0.0.7"},
		{"garbage left of the client", "10.0.0.5:1", []string{"<script>, 203.0.113.9"}, proxies, "203.0.113.9"},
		{"Forwarded header not read", "10.0.0.5:1", nil, proxies, "10.0.0.5"},

		{"no peer address", "", []string{"203.0.113.9"}, proxies, ""},
		{"unix socket peer", "@", []string{"203.0.113.9"}, proxies, ""},
		{"garbage peer", "not-an-ip:80", []string{"203.0.113.9"}, proxies, ""},
		{"half-bracketed peer", "[192.0.2.1", nil, nil, ""},
		{"bracketed IPv4 peer", "[192.0.2.1]", nil, nil, ""},
		{"bracketed IPv6 entry", "10.0.0.5:1", []string{"[2001:db8::9]"}, proxies, "2001:db8::9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/auth/login", nil)
			r.RemoteAddr = tt.remoteAddr
			for _, line := range tt.forwarded {
				r.Header.Add("X-Forwarded-For", line)
			}
			r.Header.Set("Forwarded", "for=198.51.100.99")
			got := guard.ClientAddress(r, tt.trusted)
			if tt.want == "" {
				assert.False(t, got.IsValid(), "got %v", got)
				return
			}
			assert.Equal(t, netip.MustParseAddr(tt.want), got)
		})
	}
}

// A header of many entries costs no more than walking back to the client.
func TestClientAddressLongHeader(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.0.0.5:1"
	r.Header.Set("X-Forwarded-For", strings.Repeat("198.51.100.1, ", 50_000)+"203.0.113.9")
	assert.Equal(t, netip.MustParseAddr("203.0.113.9"), guard.ClientAddress(r, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}))
}

// Behind a load balancer on 10.0.0.0/8, the client is the address the
// balancer appended; a client's own X-Forwarded-For entries are ignored.
func ExampleClientAddress() {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	r := httptest.NewRequest(http.MethodPost, "/auth/login", nil)
	r.RemoteAddr = "10.0.0.5:41234"                           // the balancer
	r.Header.Set("X-Forwarded-For", "127.0.0.1, 203.0.113.9") // "127.0.0.1" sent by the client

	address := ""
	if ip := guard.ClientAddress(r, proxies); ip.IsValid() {
		address = ip.String() // for account.Service.Login
	}
	fmt.Println(address)
	// Output: 203.0.113.9
}

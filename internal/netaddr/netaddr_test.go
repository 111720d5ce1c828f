package netaddr_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/internal/netaddr"
)

func TestParseHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" when refused
	}{
		{"192.0.2.1:443", "192.0.2.1"},
		{"192.0.2.1", "192.0.2.1"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"[2001:db8::1]", "2001:db8::1"},
		{"2001:db8::1", "2001:db8::1"},
		{"[::ffff:192.0.2.1]:80", "192.0.2.1"},
		{"fe80::1%eth0", "fe80::1"},
		{"[192.0.2.1]", ""},
		{"[2001:db8::1", ""},
		{"example.com:80", ""},
		{"", ""},
	}
	for _, tt := range tests {
		ip, ok := netaddr.ParseHost(tt.in)
		if tt.want == "" {
			assert.False(t, ok, tt.in)
			continue
		}
		assert.True(t, ok, tt.in)
		assert.Equal(t, tt.want, ip.String(), tt.in)
	}
}

func TestUnmapPrefix(t *testing.T) {
	t.Parallel()
	assert.Equal(t, netip.MustParsePrefix("192.0.2.0/24"), netaddr.UnmapPrefix(netip.MustParsePrefix("::ffff:192.0.2.0/120")))
	assert.Equal(t, netip.MustParsePrefix("2001:db8::/32"), netaddr.UnmapPrefix(netip.MustParsePrefix("2001:db8::/32")))
	assert.Equal(t, netip.MustParsePrefix("10.0.0.0/8"), netaddr.UnmapPrefix(netip.MustParsePrefix("10.0.0.0/8")))
}

package throttle_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// TestAddressesCountedAsTheirIP checks that an address is counted as the
// IP it names, however it is written: with a port, as http.Request's
// RemoteAddr gives it, or without; IPv4 mapped into IPv6 or not; and that
// an IPv6 host, which usually holds a whole /64, is counted per /64.
func TestAddressesCountedAsTheirIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		failFrom []string // one failure from each, on accounts of their own
		then     string   // throttled from here
		apart    string   // not throttled from here ("": no check)
	}{
		{"IPv4 with and without ports", []string{"192.0.2.1:37198", "192.0.2.1:37199", "192.0.2.1"}, "192.0.2.1:40000", "192.0.2.10"},
		{"IPv4 mapped into IPv6", []string{"::ffff:192.0.2.1", "[::ffff:192.0.2.1]:443", "192.0.2.1:1"}, "192.0.2.1", "192.0.2.2:1"},
		{"IPv6 with and without ports", []string{"[2001:db8::1]:5000", "2001:db8::1", "[2001:db8::1]"}, "[2001:db8::1]:5001", "[2001:db8:0:1::1]:5000"},
		{"IPv6 loopback", []string{"[::1]:5000", "::1", "[::1]:5001"}, "::1", "127.0.0.1"},
		{"IPv6 per /64", []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "[2001:db8:1:2:a:b:c:d]:80"}, "2001:db8:1:2::9", "2001:db8:1:3::1"},
		{"zones ignored", []string{"fe80::1%eth0", "[fe80::1%eth1]:22", "fe80::2"}, "fe80::3", "fe81::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, throttle.Config{MaxFailuresPerAddress: len(tt.failFrom)})
			for i, address := range tt.failFrom {
				require.Zero(t, f.retryAfter(t, "someone-new", tt.then), "before failure %d", i+1)
				f.fail(t, 1, "user-"+string(rune('a'+i)), address)
			}
			assert.NotZero(t, f.retryAfter(t, "someone-new", tt.then))
			if tt.apart != "" {
				assert.Zero(t, f.retryAfter(t, "someone-new", tt.apart))
			}
		})
	}
}

// TestGarbageAddressesRefused checks that what is not an IP address, with
// or without a port, is refused by every method that takes one, and that
// nothing is written.
func TestGarbageAddressesRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{})
	for _, address := range []string{
		"localhost", "localhost:80", "not an address", "192.0.2", "192.0.2.1.5", "192.0.2.256",
		"192.0.2.1:99999", "192.0.2.1:", ":80", "[192.0.2.1]:80x", "::1]:80", "[::1", "[::1]:",
		"@", "/var/run/app.sock", "192.0.2.1\x00", "192.0.2.1, 198.51.100.7", " 192.0.2.1",
		"2001:db8::g", "\xff\xfe", strings.Repeat("1", throttle.MaxAddressLength+1),
	} {
		_, err := f.limiter.Reserve(ctx, "alice", address)
		assert.ErrorIs(t, err, throttle.ErrInvalidAddress, "Reserve %q", address)
		assert.ErrorIs(t, f.limiter.Check(ctx, "alice", address), throttle.ErrInvalidAddress, "Check %q", address)
		assert.ErrorIs(t, f.limiter.RecordFailure(ctx, "alice", address), throttle.ErrInvalidAddress, "RecordFailure %q", address)
	}
	assert.Zero(t, f.store.calls.Load(), "the store is not called")
}

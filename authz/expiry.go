package authz

import (
	"fmt"
	"strings"
	"time"
)

// Expiry. A relation may be given until an instant: an auditor reads the
// books until Friday. Its line then ends with one more value, "until"
// and the instant in RFC 3339, in UTC, to the second:
//
//	g2, auditor, viewer, books:2026, until 2026-12-04T17:00:00Z
//
// Decisions compare it with the engine's clock (WithClock) and ignore the
// line from that instant on; Engine.SweepExpired removes such lines from
// the policy and its store. No name starts with "until ", so the value
// cannot be mistaken for one.

// expiryPrefix starts the value that holds a line's expiry.
const expiryPrefix = "until "

// ExpiryValue returns the value that ends the line of a rule that expires
// at t: "until 2026-12-04T17:00:00Z".
func ExpiryValue(t time.Time) string {
	return expiryPrefix + t.UTC().Format(time.RFC3339)
}

// withExpiry appends the expiry value to values when expires is set.
func withExpiry(values []string, expires time.Time) []string {
	if expires.IsZero() {
		return values
	}
	return append(values, ExpiryValue(expires))
}

// splitExpiry separates a line's expiry from its other values. ok is false
// when the last value starts as an expiry but does not parse as one.
func splitExpiry(rule []string) (rest []string, expires time.Time, ok bool) {
	if len(rule) == 0 || !strings.HasPrefix(rule[len(rule)-1], expiryPrefix) {
		return rule, time.Time{}, true
	}
	t, err := parseExpiry(rule[len(rule)-1])
	if err != nil {
		return rule, time.Time{}, false
	}
	return rule[:len(rule)-1], t, true
}

// parseExpiry reads an expiry value.
func parseExpiry(value string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimPrefix(value, expiryPrefix))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: expiry %q: want %q and a time in RFC 3339, such as %q",
			ErrInvalidExpiry, value, strings.TrimSpace(expiryPrefix), ExpiryValue(time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC)))
	}
	return normalExpiry(t), nil
}

// normalExpiry returns t as the engine keeps expiries: in UTC, to the
// second, so that two ways of writing one instant make one line.
func normalExpiry(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

// expiryUnix is an expiry as the index keeps it: Unix seconds, 0 for none.
func expiryUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return max(t.Unix(), 1)
}

// unixExpiry turns an expiry the index keeps back into a time.
func unixExpiry(expires int64) time.Time {
	if expires == 0 {
		return time.Time{}
	}
	return time.Unix(expires, 0).UTC()
}

// live reports whether a line expiring at expires (Unix seconds, 0 for
// never) still applies at now.
func live(expires, now int64) bool { return expires == 0 || now < expires }

// WithClock makes the engine read the time from now rather than the
// system clock: decisions ignore every line whose expiry is not after
// now(), and SweepExpired removes them. It is for tests, which move time
// on by hand instead of waiting.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// wallClock is the engine's clock (WithClock), or the system's, in UTC.
func (e *Engine) wallClock() time.Time {
	if e.clock != nil {
		return e.clock().UTC()
	}
	return time.Now().UTC()
}

// now returns the engine's clock, in Unix seconds.
func (e *Engine) now() int64 {
	if e.clock != nil {
		return e.clock().Unix()
	}
	return time.Now().Unix()
}

package authntest

import (
	"sync"
	"time"
)

// Clock is a fake time source that moves only when told to, so that tests
// of expiry, lockouts and idle timeouts advance time instead of sleeping.
// Pass c.Now as the Now of any gatehouse Config. A Clock is safe for
// concurrent use, as the stores read the time from many goroutines; create
// one with NewClock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock that reads start until it is moved. A start in
// whole seconds compares equal to times read back from a database that
// stores seconds; one between seconds shows where a store truncates.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's current time. Its signature is that of time.Now,
// so c.Now fits every Config's Now field.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d; a negative d moves it back, as a host's
// clock may be set back.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t, for tests that visit times in any order.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

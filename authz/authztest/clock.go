package authztest

import (
	"sync"
	"time"
)

// Clock is the time an engine decides at, set by the table: build the
// engine with authz.WithClock(clock.Now) and give Evaluate, Run or RunFile
// WithClock(clock), and each case with a time (Case.At, or the Table's At)
// is decided at that time. Tables then test lines that expire — a relation
// given until Friday allows on Thursday and denies on Saturday — without
// waiting for Friday.
//
// The zero Clock reads the system clock until it is set. It is safe for
// concurrent use: an engine may read it from a goroutine of its own.
type Clock struct {
	mu sync.Mutex
	at time.Time // zero: the system clock
}

// Now returns the time c was set to, or the system's time when c is not
// set. Give it to authz.WithClock.
func (c *Clock) Now() time.Time {
	if at := c.get(); !at.IsZero() {
		return at
	}
	return time.Now()
}

// Set makes c read t until it is set again; the zero time makes it read
// the system clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// get returns the time c was set to, zero when it reads the system clock.
func (c *Clock) get() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// Option configures Evaluate, Run and RunFile.
type Option func(*config)

// config collects what the options set.
type config struct {
	clock *Clock
}

// WithClock says that the engine a table runs on reads the time from
// clock (authz.WithClock(clock.Now)): each case with a time is decided
// with clock set to it, and clock is set back to what it read before when
// the table is done. Without it, a table with a case that names a time is
// refused, since the engine's clock cannot be moved to it. Default: none.
func WithClock(clock *Clock) Option {
	return func(c *config) { c.clock = clock }
}

// newConfig applies opts.
func newConfig(opts []Option) config {
	var c config
	for _, opt := range opts {
		opt(&c)
	}
	return c
}

package throttle

import (
	"fmt"
	"time"
)

// Defaults for the zero fields of Config.
const (
	// DefaultMaxFailures is five: enough for a user who mistypes, far too
	// few for a guesser.
	DefaultMaxFailures = 5
	// DefaultMaxFailuresPerAddress is fifty, because one address may front
	// many users.
	DefaultMaxFailuresPerAddress = 50
	// DefaultWindow is fifteen minutes.
	DefaultWindow = 15 * time.Minute
)

// Config configures a Limiter. The zero value is ready to use.
type Config struct {
	// MaxFailures is how many failed logins, and attempts in progress, an
	// account may have within Window before Reserve refuses it; default
	// DefaultMaxFailures (5). Lower is safer against guessing and easier
	// for others to use to keep the owner out.
	MaxFailures int
	// MaxFailuresPerAddress is how many failed logins, and attempts in
	// progress, one client address may have within Window, over all
	// accounts, before Reserve refuses it; default
	// DefaultMaxFailuresPerAddress (50). An IPv6 address is counted with
	// the rest of its /64.
	MaxFailuresPerAddress int
	// Window is how long a failure counts; default DefaultWindow (15
	// minutes). It is also the longest a throttled caller waits.
	Window time.Duration
	// Now returns the current time; nil means time.Now. Tests set it to a
	// fake clock.
	Now func() time.Time
}

// withDefaults returns c with its zero fields filled in, or an error when a
// field cannot be used.
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.MaxFailures < 0:
		return Config{}, fmt.Errorf("%w: MaxFailures %d is negative", ErrInvalidConfig, c.MaxFailures)
	case c.MaxFailuresPerAddress < 0:
		return Config{}, fmt.Errorf("%w: MaxFailuresPerAddress %d is negative", ErrInvalidConfig, c.MaxFailuresPerAddress)
	case c.Window < 0:
		return Config{}, fmt.Errorf("%w: Window %v is negative", ErrInvalidConfig, c.Window)
	case c.Window > 0 && c.Window < time.Second:
		return Config{}, fmt.Errorf("%w: Window %v is shorter than a second", ErrInvalidConfig, c.Window)
	}
	if c.MaxFailures == 0 {
		c.MaxFailures = DefaultMaxFailures
	}
	if c.MaxFailuresPerAddress == 0 {
		c.MaxFailuresPerAddress = DefaultMaxFailuresPerAddress
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

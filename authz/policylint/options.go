package policylint

import "time"

// Option configures Lint.
type Option func(*config)

// config collects what the options set.
type config struct {
	now time.Time
}

// WithNow lints the policy as of now: a line whose expiry is not after now
// is reported as expired, since decisions from then on ignore it. Lint a
// policy as of the time it will be deployed to learn which lines will be
// dead by then, and give tests a fixed instant. Default: the time Lint is
// called.
func WithNow(now time.Time) Option {
	return func(c *config) { c.now = now }
}

// newConfig applies opts over the defaults.
func newConfig(opts []Option) config {
	var c config
	for _, opt := range opts {
		opt(&c)
	}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	return c
}

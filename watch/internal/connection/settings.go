// Package connection holds the settings that pgwatch and rediswatch share
// for the connection they receive on: the waits between attempts to
// reconnect it, how soon a silent one is checked, how long the server may
// take to answer, and where its losses are logged. Both Configs carry them
// under the same names, with the same defaults.
package connection

import (
	"log/slog"
	"time"
)

// Defaults of Settings, which pgwatch and rediswatch export as their own.
const (
	DefaultReconnectMin = 100 * time.Millisecond
	DefaultReconnectMax = 5 * time.Second
	DefaultPingInterval = 3 * time.Second
	DefaultTimeout      = 5 * time.Second
)

// Settings points at the fields of a notifier's Config that SetDefaults
// completes; each must be set.
type Settings struct {
	ReconnectMin *time.Duration
	ReconnectMax *time.Duration
	PingInterval *time.Duration
	Timeout      *time.Duration
	Logger       **slog.Logger
}

// SetDefaults gives each duration that is zero or negative its default, a
// nil Logger slog.Default(), and raises ReconnectMax to ReconnectMin when
// it is below: a backoff's step grows from its Min to its Max.
func (s Settings) SetDefaults() {
	positive(s.ReconnectMin, DefaultReconnectMin)
	positive(s.ReconnectMax, DefaultReconnectMax)
	*s.ReconnectMax = max(*s.ReconnectMax, *s.ReconnectMin)
	positive(s.PingInterval, DefaultPingInterval)
	positive(s.Timeout, DefaultTimeout)
	if *s.Logger == nil {
		*s.Logger = slog.Default()
	}
}

func positive(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

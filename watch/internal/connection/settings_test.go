package connection

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// config stands for a notifier's Config.
type config struct {
	ReconnectMin, ReconnectMax, PingInterval, Timeout time.Duration
	Logger                                            *slog.Logger
}

func (c config) withDefaults() config {
	Settings{&c.ReconnectMin, &c.ReconnectMax, &c.PingInterval, &c.Timeout, &c.Logger}.SetDefaults()
	return c
}

func TestSetDefaults(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	defaults := config{DefaultReconnectMin, DefaultReconnectMax, DefaultPingInterval, DefaultTimeout, slog.Default()}
	cases := []struct {
		name     string
		in, want config
	}{
		{"zero value", config{}, defaults},
		{"negative durations", config{-1, -1, -1, -1, nil}, defaults},
		{"set values kept", config{time.Second, time.Minute, time.Hour, 2 * time.Second, logger},
			config{time.Second, time.Minute, time.Hour, 2 * time.Second, logger}},
		{"max raised to min", config{ReconnectMin: time.Minute, ReconnectMax: time.Second},
			config{time.Minute, time.Minute, DefaultPingInterval, DefaultTimeout, slog.Default()}},
		{"default max raised to min", config{ReconnectMin: time.Minute},
			config{time.Minute, time.Minute, DefaultPingInterval, DefaultTimeout, slog.Default()}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, tc.in.withDefaults())
		})
	}
}

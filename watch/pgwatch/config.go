package pgwatch

import (
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/watch/internal/connection"
)

// Config configures a Notifier. The zero value is usable: every field has
// a default.
type Config struct {
	// ApplicationName is the application_name of the Notifier's
	// connections, which pg_stat_activity shows. Default "gatehouse-watch";
	// an application_name given in the DSN takes precedence.
	ApplicationName string
	// ReconnectMin is the wait before the first attempt to reconnect the
	// listener; it doubles after every failed attempt up to ReconnectMax.
	// Each wait is drawn at random between half and all of it, so that
	// replicas do not reconnect in step after a server restart. Default
	// 100ms.
	ReconnectMin time.Duration
	// ReconnectMax is the longest wait between two attempts to reconnect.
	// Default 5s.
	ReconnectMax time.Duration
	// PingInterval is how long the listener waits for a notification before
	// it checks, with a query, that its connection is alive: a connection
	// that died silently is noticed within PingInterval plus Timeout.
	// Default 3s.
	PingInterval time.Duration
	// Timeout bounds each connection attempt, LISTEN and liveness query of
	// the listener. Default 5s.
	Timeout time.Duration
	// PublishConns is the largest number of connections Publish uses at
	// once. Default 2.
	PublishConns int32
	// Logger receives a warning when the listener loses its connection and
	// a line when it has reconnected. Default slog.Default().
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultApplicationName = "gatehouse-watch"
	DefaultReconnectMin    = connection.DefaultReconnectMin
	DefaultReconnectMax    = connection.DefaultReconnectMax
	DefaultPingInterval    = connection.DefaultPingInterval
	DefaultTimeout         = connection.DefaultTimeout
	DefaultPublishConns    = 2
)

func (c Config) withDefaults() Config {
	if c.ApplicationName == "" {
		c.ApplicationName = DefaultApplicationName
	}
	if c.PublishConns <= 0 {
		c.PublishConns = DefaultPublishConns
	}
	connection.Settings{
		ReconnectMin: &c.ReconnectMin,
		ReconnectMax: &c.ReconnectMax,
		PingInterval: &c.PingInterval,
		Timeout:      &c.Timeout,
		Logger:       &c.Logger,
	}.SetDefaults()
	return c
}

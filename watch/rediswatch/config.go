package rediswatch

import (
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/watch/internal/connection"
)

// Config configures a Notifier. The zero value is usable: every field has
// a default.
type Config struct {
	// ClientName is the name (CLIENT SETNAME) of the connections of a
	// Notifier made with New, which CLIENT LIST shows. Default
	// "gatehouse-watch"; a client_name given in the URL takes precedence.
	// NewFromClient leaves the client's own options alone.
	ClientName string
	// ReconnectMin is the wait before the first attempt to reconnect the
	// subscription connection; it doubles after every failed attempt up
	// to ReconnectMax. Each wait is drawn at random between half and all
	// of it, so that replicas do not reconnect in step after a server
	// restart. Default 100ms.
	ReconnectMin time.Duration
	// ReconnectMax is the longest wait between two attempts to reconnect.
	// Default 5s.
	ReconnectMax time.Duration
	// PingInterval is how long the subscription connection may stay
	// silent before the Notifier sends a PING to check it: a connection
	// that died silently is noticed within PingInterval plus Timeout.
	// Default 3s.
	PingInterval time.Duration
	// Timeout bounds the wait for the answer to a PING, and each attempt
	// to reconnect or subscribe. Default 5s.
	Timeout time.Duration
	// Logger receives a warning when the subscription connection is lost
	// and a line when it is back. Default slog.Default().
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultClientName   = "gatehouse-watch"
	DefaultReconnectMin = connection.DefaultReconnectMin
	DefaultReconnectMax = connection.DefaultReconnectMax
	DefaultPingInterval = connection.DefaultPingInterval
	DefaultTimeout      = connection.DefaultTimeout
)

func (c Config) withDefaults() Config {
	if c.ClientName == "" {
		c.ClientName = DefaultClientName
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

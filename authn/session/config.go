package session

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/httpsyntax"
)

// Defaults of Config's zero-value fields.
const (
	defaultCookieName    = "gatehouse_session"
	defaultIdleTimeout   = 30 * time.Minute
	defaultLifetime      = 24 * time.Hour
	defaultCSRFHeader    = "X-CSRF-Token"
	defaultTouchInterval = time.Minute
)

// Config configures a Manager. Every zero-value field means its documented
// default; negative durations, and timeouts under a second, are refused.
type Config struct {
	// CookieName names the session cookie; default "gatehouse_session". A
	// name with the "__Host-" prefix makes browsers refuse the cookie unless
	// it is Secure, which pins it to HTTPS and to this exact host; use it
	// when every request arrives over TLS.
	CookieName string

	// IdleTimeout is how long a session may go unused before it dies;
	// default 30 minutes. Because activity is recorded at most once per
	// TouchInterval, a session dies between IdleTimeout-TouchInterval and
	// IdleTimeout after its last request.
	IdleTimeout time.Duration

	// Lifetime is the absolute lifetime of a session, counted from its
	// creation and never extended by activity; default 24 hours. It bounds
	// how long a stolen cookie stays useful, however busy its thief.
	Lifetime time.Duration

	// CSRFHeader is the request header that must carry the session's CSRF
	// token on requests with an unsafe method; default "X-CSRF-Token".
	CSRFHeader string

	// TouchInterval is how often, at most, a session's last-seen time is
	// written, so that reads do not become writes on every request; default
	// 1 minute, or half of IdleTimeout when that is shorter. It must be
	// shorter than IdleTimeout: otherwise an active session could still
	// time out as idle.
	TouchInterval time.Duration

	// Now returns the current time; nil means time.Now. Tests inject a
	// clock here instead of sleeping.
	Now func() time.Time
}

// resolve returns cfg with its defaults filled in, or an error matching
// ErrInvalidConfig.
func (cfg Config) resolve() (Config, error) {
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"IdleTimeout", cfg.IdleTimeout},
		{"Lifetime", cfg.Lifetime},
		{"TouchInterval", cfg.TouchInterval},
	} {
		if d.value < 0 {
			return Config{}, fmt.Errorf("%w: %s is negative (%v)", ErrInvalidConfig, d.name, d.value)
		}
	}
	if cfg.CookieName == "" {
		cfg.CookieName = defaultCookieName
	}
	if !httpsyntax.IsToken(cfg.CookieName) {
		return Config{}, fmt.Errorf("%w: CookieName %q is not a valid cookie name", ErrInvalidConfig, cfg.CookieName)
	}
	if cfg.CSRFHeader == "" {
		cfg.CSRFHeader = defaultCSRFHeader
	}
	if !httpsyntax.IsToken(cfg.CSRFHeader) {
		return Config{}, fmt.Errorf("%w: CSRFHeader %q is not a valid header name", ErrInvalidConfig, cfg.CSRFHeader)
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = defaultIdleTimeout
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = defaultLifetime
	}
	// Times are stored to the second, so a shorter timeout would end
	// sessions at once.
	if cfg.IdleTimeout < time.Second || cfg.Lifetime < time.Second {
		return Config{}, fmt.Errorf("%w: IdleTimeout %v and Lifetime %v must be a second or more",
			ErrInvalidConfig, cfg.IdleTimeout, cfg.Lifetime)
	}
	if cfg.TouchInterval == 0 {
		cfg.TouchInterval = min(defaultTouchInterval, cfg.IdleTimeout/2)
	}
	if cfg.TouchInterval >= cfg.IdleTimeout {
		return Config{}, fmt.Errorf("%w: TouchInterval %v must be shorter than IdleTimeout %v",
			ErrInvalidConfig, cfg.TouchInterval, cfg.IdleTimeout)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg, nil
}

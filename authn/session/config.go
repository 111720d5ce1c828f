package session

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/httpsyntax"
)

// Defaults of Config's zero-value fields.
const (
	defaultCookieName    = hostPrefix + "gatehouse_session"
	defaultCookiePath    = "/"
	defaultIdleTimeout   = 30 * time.Minute
	defaultLifetime      = 24 * time.Hour
	defaultCSRFHeader    = "X-CSRF-Token"
	defaultTouchInterval = time.Minute
)

// Config configures a Manager. Every zero-value field means its documented
// default; negative durations, and timeouts under a second, are refused.
type Config struct {
	// CookieName names the session cookie; default
	// "__Host-gatehouse_session" (OWASP ASVS 3.4.4). Browsers accept a
	// cookie whose name starts with "__Host-" only if it is Secure, has
	// Path "/" and no Domain, so no sibling subdomain and no plain-HTTP
	// page can set or overwrite it; and one starting with "__Secure-" only
	// if it is Secure. Cookie and ExpiredCookie therefore mark a cookie so
	// named Secure whatever they are told. Browsers accept Secure cookies
	// from http://localhost, so local development works with the default;
	// an application served over plain HTTP on any other host must choose
	// a name without either prefix, such as "gatehouse_session", or its
	// users can never log in.
	CookieName string

	// CookiePath is the path the browser sends the session cookie to; default
	// "/", every path of the host. An application mounted under a prefix
	// sets it to that prefix (OWASP ASVS 3.4.5), so that other applications
	// on the same host never receive the cookie: "/app" covers "/app" and
	// "/app/…", not "/application". It must be a URL path as browsers send
	// it: starting with "/", made of letters, digits, "-._~!$&'()*+,=:@/"
	// and %XX escapes (RFC 3986, less ";"), at most 1024 bytes. A path
	// other than "/" cannot be combined with a "__Host-" CookieName, which
	// browsers accept only on Path "/": choose another name for it. A
	// "__Secure-" name keeps the cookie Secure, but unlike a "__Host-" one
	// it does not stop a subdomain from planting a cookie of the same name.
	CookiePath string

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
	if cfg.CookiePath == "" {
		cfg.CookiePath = defaultCookiePath
	}
	if err := checkCookiePath(cfg.CookiePath); err != nil {
		return Config{}, fmt.Errorf("%w: CookiePath %q %v", ErrInvalidConfig, cfg.CookiePath, err)
	}
	if hasHostPrefix(cfg.CookieName) && cfg.CookiePath != "/" {
		return Config{}, fmt.Errorf("%w: CookiePath %q with CookieName %q: browsers refuse a %s cookie whose Path is not \"/\"; "+
			"name the cookie without the prefix to narrow its path",
			ErrInvalidConfig, cfg.CookiePath, cfg.CookieName, hostPrefix)
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

package apikey

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/httpsyntax"
)

// DefaultHeader is the request header Authenticator reads when
// Config.Header is empty.
const DefaultHeader = "X-API-Key"

// DefaultMaxLoginAge is Config.MaxLoginAge when it is zero: fifteen
// minutes, the life of an access token.
const DefaultMaxLoginAge = 15 * time.Minute

// Config configures Keys. The zero value is ready to use.
type Config struct {
	// Header is the request header that carries the key; default
	// DefaultHeader ("X-API-Key"). A dedicated header, rather than a query
	// parameter, keeps keys out of URLs and so out of access logs and
	// browser history.
	Header string
	// MaxLoginAge is how recent the login of the subject asking CreateFor
	// must be; default DefaultMaxLoginAge (15 minutes). A key outlives the
	// session or token that created it, so creating one is a sensitive
	// operation (OWASP ASVS V3.7.1): someone holding a stolen session, or a
	// refresh token kept alive for days, must log in again, with the
	// password, first. Longer is more convenient and gives such a thief
	// longer.
	MaxLoginAge time.Duration
	// Now returns the current time; nil means time.Now. It decides expiry
	// and when last use is recorded, and how old a login is; tests set it
	// to a fake clock.
	Now func() time.Time
}

// withDefaults returns c with its zero fields filled in, or an error when a
// field cannot be used.
func (c Config) withDefaults() (Config, error) {
	if c.Header == "" {
		c.Header = DefaultHeader
	}
	if !httpsyntax.IsToken(c.Header) {
		return Config{}, fmt.Errorf("%w: header %q is not a valid HTTP header name", ErrInvalidConfig, c.Header)
	}
	switch {
	case c.MaxLoginAge < 0:
		return Config{}, fmt.Errorf("%w: MaxLoginAge %v is negative", ErrInvalidConfig, c.MaxLoginAge)
	case c.MaxLoginAge == 0:
		c.MaxLoginAge = DefaultMaxLoginAge
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

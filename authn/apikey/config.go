package apikey

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/httpsyntax"
)

// DefaultHeader is the request header Authenticator reads when
// Config.Header is empty.
const DefaultHeader = "X-API-Key"

// Config configures a Store. The zero value is ready to use.
type Config struct {
	// Header is the request header that carries the key; default
	// DefaultHeader ("X-API-Key"). A dedicated header, rather than a query
	// parameter, keeps keys out of URLs and so out of access logs and
	// browser history.
	Header string
	// Now returns the current time; nil means time.Now. It decides expiry
	// and when last use is recorded; tests set it to a fake clock.
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
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

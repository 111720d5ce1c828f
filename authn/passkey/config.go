package passkey

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Limits of Config.
const (
	// DefaultChallengeTTL is Config.ChallengeTTL when it is zero.
	DefaultChallengeTTL = 5 * time.Minute
	// MaxChallengeTTL is the longest Config.ChallengeTTL New accepts.
	MaxChallengeTTL = 30 * time.Minute
)

// Config configures Passkeys. RPID, RPDisplayName and RPOrigins are
// required.
type Config struct {
	// RPID is the relying party id: the registrable domain the passkeys
	// are bound to, such as "example.com", with no scheme or port.
	// Browsers let only pages on that domain or its subdomains use them;
	// it cannot change later without every user registering again.
	RPID string

	// RPDisplayName names the application in the browser's passkey
	// dialogs, such as "Example".
	RPDisplayName string

	// RPOrigins are the origins pages asking for a passkey may be served
	// from, such as "https://example.com": a response from any other
	// origin is refused, which is what makes passkeys resist phishing.
	// Each is scheme://host[:port] with nothing after; http is allowed
	// for localhost only.
	RPOrigins []string

	// ChallengeTTL is how long a ceremony may take from Begin to Finish;
	// zero means DefaultChallengeTTL (5 minutes), at most MaxChallengeTTL.
	// A shorter one narrows the window in which a challenge lifted from a
	// page can be used.
	ChallengeTTL time.Duration

	// Now returns the current time; nil means time.Now. It decides when
	// ceremonies expire and stamps credentials; tests set it to a fake
	// clock.
	Now func() time.Time
}

// withDefaults returns c with its zero fields filled in and RPOrigins
// copied, or an error matching ErrConfig when a field cannot be used.
func (c Config) withDefaults() (Config, error) {
	if c.RPID == "" || strings.ContainsAny(c.RPID, ":/ ") {
		return Config{}, fmt.Errorf("%w: RPID must be a domain such as example.com", ErrConfig)
	}
	if strings.TrimSpace(c.RPDisplayName) == "" {
		return Config{}, fmt.Errorf("%w: RPDisplayName is empty", ErrConfig)
	}
	if len(c.RPOrigins) == 0 {
		return Config{}, fmt.Errorf("%w: no RPOrigins", ErrConfig)
	}
	for _, o := range c.RPOrigins {
		if err := checkOrigin(o); err != nil {
			return Config{}, fmt.Errorf("%w: origin %q %w", ErrConfig, o, err)
		}
	}
	c.RPOrigins = append([]string(nil), c.RPOrigins...)
	switch {
	case c.ChallengeTTL == 0:
		c.ChallengeTTL = DefaultChallengeTTL
	case c.ChallengeTTL < 0 || c.ChallengeTTL > MaxChallengeTTL:
		return Config{}, fmt.Errorf("%w: ChallengeTTL %s is not within (0, %s]", ErrConfig, c.ChallengeTTL, MaxChallengeTTL)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// checkOrigin checks that o is a bare web origin.
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	switch {
	case err != nil:
		return fmt.Errorf("does not parse")
	case u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("is not scheme://host[:port]")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (u.Hostname() == "localhost" || strings.HasSuffix(u.Hostname(), ".localhost")):
		return nil
	}
	return fmt.Errorf("is not https (nor http on localhost)")
}

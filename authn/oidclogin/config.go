package oidclogin

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/providername"
)

// ErrConfig reports a Config New cannot use.
var ErrConfig = errors.New("oidclogin: invalid configuration")

// Defaults of Config.
const (
	// DefaultPendingTTL is how long a login may take at the provider when
	// Config.PendingTTL is zero.
	DefaultPendingTTL = 10 * time.Minute
	// DefaultHTTPTimeout bounds each request to a provider when
	// Config.HTTPClient is nil.
	DefaultHTTPTimeout = 10 * time.Second
)

// DefaultScopes are asked for when Provider.Scopes is empty: the ID token
// ("openid"), and the email and name that authn/identity uses.
var DefaultScopes = []string{"openid", "email", "profile"}

// Provider is one OpenID provider users may log in at.
type Provider struct {
	// Name is a short name for the provider, as in authn/external:
	// letters, digits, "-", "_" and "."; it appears in the login's URL
	// and namespaces identities. Use the same name in both packages for
	// one provider. Required.
	Name string
	// Issuer is the provider's issuer URL; its endpoints are found by
	// OpenID discovery, whose "issuer" must equal it. Required.
	Issuer string
	// ClientID and ClientSecret are the application's credentials at the
	// provider, as a confidential client. ClientID is required.
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback URL registered at the provider for this
	// client: where the provider sends the browser back, and which must
	// route to the callback endpoint. Required.
	RedirectURL string
	// Scopes are the scopes asked for; they must include "openid".
	// Default DefaultScopes.
	Scopes []string
	// GroupsClaim, when set, is the ID token claim holding the user's
	// groups at the provider, for authn.ExternalIdentity.Groups.
	GroupsClaim string
}

// Config configures a Login.
type Config struct {
	// Providers are the providers users may log in at. Required.
	Providers []Provider
	// Linker maps the provider's user to a local user (authn/identity's
	// Linker, creating users on first sight if configured so). Required:
	// a login ends in a session of a local user.
	Linker authn.IdentityLinker
	// PendingTTL is how long a login may take between Begin and Finish.
	// Default DefaultPendingTTL.
	PendingTTL time.Duration
	// HTTPClient talks to the providers. Default: a client with a
	// DefaultHTTPTimeout timeout.
	HTTPClient *http.Client
	// Logger records refused logins, with reasons and never a code or a
	// token. Default slog.Default().
	Logger *slog.Logger
	// Clock returns the current time; for tests. Default time.Now.
	Clock func() time.Time
}

func (cfg Config) withDefaults() (Config, error) {
	if len(cfg.Providers) == 0 {
		return cfg, fmt.Errorf("%w: no providers", ErrConfig)
	}
	if cfg.Linker == nil {
		return cfg, fmt.Errorf("%w: no Linker", ErrConfig)
	}
	names := map[string]bool{}
	providers := make([]Provider, len(cfg.Providers))
	for i, p := range cfg.Providers {
		if !providername.Valid(p.Name) || names[p.Name] {
			return cfg, fmt.Errorf("%w: provider name %q: use 1 to 64 letters, digits, '-', '_' and '.', once", ErrConfig, p.Name)
		}
		names[p.Name] = true
		if err := providername.CheckURL(p.Issuer, false); err != nil {
			return cfg, fmt.Errorf("%w: provider %s: Issuer: %w", ErrConfig, p.Name, err)
		}
		if err := providername.CheckURL(p.RedirectURL, true); err != nil {
			return cfg, fmt.Errorf("%w: provider %s: RedirectURL: %w", ErrConfig, p.Name, err)
		}
		if p.ClientID == "" {
			return cfg, fmt.Errorf("%w: provider %s: no ClientID", ErrConfig, p.Name)
		}
		if len(p.Scopes) == 0 {
			p.Scopes = DefaultScopes
		}
		if !slices.Contains(p.Scopes, "openid") {
			return cfg, fmt.Errorf("%w: provider %s: Scopes lack \"openid\"", ErrConfig, p.Name)
		}
		p.Scopes = slices.Clone(p.Scopes)
		providers[i] = p
	}
	cfg.Providers = providers
	switch {
	case cfg.PendingTTL < 0:
		return cfg, fmt.Errorf("%w: negative PendingTTL", ErrConfig)
	case cfg.PendingTTL == 0:
		cfg.PendingTTL = DefaultPendingTTL
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return cfg, nil
}

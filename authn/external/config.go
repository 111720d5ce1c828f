package external

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/providername"
)

// Defaults of Config and Provider.
const (
	// DefaultLeeway is the clock skew tolerated when Config.Leeway is zero.
	DefaultLeeway = 30 * time.Second
	// MaxLeeway bounds Config.Leeway.
	MaxLeeway = 5 * time.Minute
	// DefaultRefreshInterval is how often a provider's keys are fetched in
	// the background when Config.RefreshInterval is zero.
	DefaultRefreshInterval = time.Hour
	// DefaultUnknownKeyInterval is the least time between two fetches of a
	// provider's keys caused by tokens naming a key it does not know, when
	// Config.UnknownKeyInterval is zero.
	DefaultUnknownKeyInterval = time.Minute
	// DefaultMaxKeyAge is how long keys stay in use without a successful
	// fetch when Config.MaxKeyAge is zero.
	DefaultMaxKeyAge = 24 * time.Hour
	// DefaultHTTPTimeout bounds each request to a provider when
	// Config.HTTPClient is nil.
	DefaultHTTPTimeout = 10 * time.Second
	// MaxTokenSize is the longest token verified, in bytes: providers put
	// more claims in their tokens than gatehouse does, but not this many.
	MaxTokenSize = 16 << 10
	// MaxSubjectLength is the longest subject id accepted from a
	// provider, in bytes.
	MaxSubjectLength = providername.MaxSubjectLength
	// maxKeySetSize is the largest JWK set or discovery document read.
	maxKeySetSize = 1 << 20
)

// DefaultAlgorithms are the signature algorithms accepted when
// Provider.Algorithms is empty: what the providers in common use sign
// access tokens with. HMAC is never among them: a provider's keys are
// public.
var DefaultAlgorithms = []string{"RS256", "PS256", "ES256", "EdDSA"}

// DefaultTypes are the "typ" header values accepted when Provider.Types
// is empty: RFC 9068's "at+jwt", and "JWT", which Keycloak, Entra ID,
// Okta and Zitadel send. A token without "typ" is refused unless "" is
// listed.
var DefaultTypes = []string{"at+jwt", "JWT"}

// supportedAlgorithms are the algorithms a provider may be configured to
// use: asymmetric ones only.
var supportedAlgorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// Provider is one external OpenID provider whose access tokens are
// accepted.
type Provider struct {
	// Name is a short name for the provider ("zitadel", "entra"): letters,
	// digits, "-", "_" and "." only, unique among the providers. It
	// namespaces subject ids ("zitadel|2938475", see
	// authn.ExternalIdentity.NamespacedID) and names the provider in logs,
	// so it must not change once subjects are in use. Required.
	Name string
	// Issuer is the provider's issuer URL. A token's "iss" must equal it
	// exactly, and, unless JWKSURL is set, its keys are found by OpenID
	// discovery at Issuer + "/.well-known/openid-configuration", whose
	// "issuer" must equal it too. Required.
	Issuer string
	// JWKSURL, when set, is where the provider's keys are fetched, and
	// discovery is skipped. Default: discovery's "jwks_uri".
	JWKSURL string
	// Audience lists the values of which a token's "aud" must contain one:
	// the identifier this API has at the provider. A token meant for
	// another API of the same provider is refused. Required.
	Audience []string
	// Algorithms are the signature algorithms accepted. A token's "alg"
	// must be one of them and must suit its key: the key's own "alg" when
	// the JWK names one, else its type (RSA keys for RS and PS, P-256 for
	// ES256, Ed25519 for EdDSA). Default DefaultAlgorithms.
	Algorithms []string
	// Types are the "typ" header values accepted, compared without regard
	// to case and with or without "application/". List "" to accept tokens
	// without "typ" (Amazon Cognito's). Default DefaultTypes. An ID token
	// is typed "JWT" too, and is refused by Audience: it is issued to the
	// client, not to this API.
	Types []string
	// SubjectClaim is the claim holding the caller's id at the provider.
	// Default "sub". (Entra ID's "oid" is stable across its applications.)
	SubjectClaim string
	// GroupsClaim, when set, is the claim holding the caller's groups at
	// the provider ("groups", "roles"), a string or a list of strings,
	// which authn.ExternalIdentity.Groups and Config.SyncGroups receive.
	// A token whose claim has another type is refused. Default: none.
	GroupsClaim string
}

// Config configures a Verifier.
type Config struct {
	// Providers are the providers whose tokens are accepted. Required.
	Providers []Provider
	// Linker, when set, maps each verified identity to a local subject
	// (see authn.IdentityLinker): Subject.ID is then the local id. When
	// nil, Subject.ID is the identity's NamespacedID.
	Linker authn.IdentityLinker
	// SyncGroups, when set, is called with the Subject.ID and the groups of
	// a subject's token whenever they differ from those this process last
	// passed for that subject, before the request is decided: the hook
	// where an application maps a provider's groups to gatehouse roles
	// (engine.AssignRole, RemoveRole). Roles stay in the policy; groups are
	// never decided on as they are. An error refuses the token with
	// authn.ErrUnavailable, so that no request is decided on roles that
	// could not be brought up to date. Requires Provider.GroupsClaim.
	SyncGroups func(ctx context.Context, subjectID string, groups []string) error
	// PassOtherIssuers makes tokens whose "iss" names none of Providers
	// count as no credential (authn.ErrNoCredentials) rather than as
	// invalid: set it when the Verifier comes before another bearer-token
	// authenticator in an authn.Chain (the application's own
	// token.Issuer), which then decides them. Default false: such tokens
	// are refused.
	PassOtherIssuers bool
	// Leeway is the clock skew tolerated in "exp", "nbf" and "iat".
	// Default DefaultLeeway, at most MaxLeeway.
	Leeway time.Duration
	// RefreshInterval is how often each provider's keys are fetched in the
	// background, so that a rotation is seen before tokens signed with the
	// new key arrive. Default DefaultRefreshInterval.
	RefreshInterval time.Duration
	// UnknownKeyInterval is the least time between two fetches of a
	// provider's keys caused by tokens naming a key it does not know (its
	// first fetch after a rotation). Within it such tokens are refused at
	// once, so that a flood of tokens with made-up key ids cannot make the
	// Verifier hammer the provider. Default DefaultUnknownKeyInterval.
	UnknownKeyInterval time.Duration
	// MaxKeyAge is how long a provider's keys stay in use while fetching
	// them fails: past it, its tokens are answered authn.ErrUnavailable
	// (the provider may have withdrawn a key) until a fetch succeeds.
	// Default DefaultMaxKeyAge.
	MaxKeyAge time.Duration
	// HTTPClient fetches discovery documents and keys. Default: a client
	// with a DefaultHTTPTimeout timeout. Give it a timeout: a provider that
	// does not answer would otherwise hold a fetch open forever.
	HTTPClient *http.Client
	// Logger receives refusals (at debug level, never with the token) and
	// failed fetches (at warn level). Default slog.Default().
	Logger *slog.Logger
	// Clock returns the current time; for tests. Default time.Now.
	Clock func() time.Time
}

// withDefaults returns cfg checked and with its defaults filled in.
func (cfg Config) withDefaults() (Config, error) {
	if len(cfg.Providers) == 0 {
		return cfg, fmt.Errorf("%w: no providers", ErrConfig)
	}
	providers := make([]Provider, len(cfg.Providers))
	names, issuers := map[string]bool{}, map[string]bool{}
	for i, p := range cfg.Providers {
		p, err := p.withDefaults()
		if err != nil {
			return cfg, err
		}
		if names[p.Name] {
			return cfg, fmt.Errorf("%w: provider name %q is used twice", ErrConfig, p.Name)
		}
		if issuers[p.Issuer] {
			return cfg, fmt.Errorf("%w: issuer %q is configured twice", ErrConfig, p.Issuer)
		}
		if cfg.SyncGroups != nil && p.GroupsClaim == "" {
			return cfg, fmt.Errorf("%w: provider %s: SyncGroups needs a GroupsClaim", ErrConfig, p.Name)
		}
		names[p.Name], issuers[p.Issuer] = true, true
		providers[i] = p
	}
	cfg.Providers = providers
	switch {
	case cfg.Leeway < 0 || cfg.Leeway > MaxLeeway:
		return cfg, fmt.Errorf("%w: Leeway %s is not between 0 and %s", ErrConfig, cfg.Leeway, MaxLeeway)
	case cfg.Leeway == 0:
		cfg.Leeway = DefaultLeeway
	}
	durations := []struct {
		name  string
		value *time.Duration
		def   time.Duration
	}{
		{"RefreshInterval", &cfg.RefreshInterval, DefaultRefreshInterval},
		{"UnknownKeyInterval", &cfg.UnknownKeyInterval, DefaultUnknownKeyInterval},
		{"MaxKeyAge", &cfg.MaxKeyAge, DefaultMaxKeyAge},
	}
	for _, d := range durations {
		switch {
		case *d.value < 0:
			return cfg, fmt.Errorf("%w: %s is negative", ErrConfig, d.name)
		case *d.value == 0:
			*d.value = d.def
		}
	}
	if cfg.MaxKeyAge < cfg.RefreshInterval {
		return cfg, fmt.Errorf("%w: MaxKeyAge %s is shorter than RefreshInterval %s: keys would lapse between fetches",
			ErrConfig, cfg.MaxKeyAge, cfg.RefreshInterval)
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

// withDefaults returns p checked and with its defaults filled in.
func (p Provider) withDefaults() (Provider, error) {
	if !providername.Valid(p.Name) {
		return p, fmt.Errorf("%w: provider name %q: use 1 to 64 letters, digits, '-', '_' and '.'", ErrConfig, p.Name)
	}
	if err := providername.CheckURL(p.Issuer, false); err != nil {
		return p, fmt.Errorf("%w: provider %s: Issuer: %w", ErrConfig, p.Name, err)
	}
	if p.JWKSURL != "" {
		if err := providername.CheckURL(p.JWKSURL, false); err != nil {
			return p, fmt.Errorf("%w: provider %s: JWKSURL: %w", ErrConfig, p.Name, err)
		}
	}
	if len(p.Audience) == 0 || slices.Contains(p.Audience, "") {
		return p, fmt.Errorf("%w: provider %s: Audience is required and may not hold \"\"", ErrConfig, p.Name)
	}
	p.Audience = slices.Clone(p.Audience)
	if len(p.Algorithms) == 0 {
		p.Algorithms = DefaultAlgorithms
	}
	for _, alg := range p.Algorithms {
		if !slices.Contains(supportedAlgorithms, alg) {
			return p, fmt.Errorf("%w: provider %s: algorithm %q is not one of %v", ErrConfig, p.Name, alg, supportedAlgorithms)
		}
	}
	p.Algorithms = slices.Clone(p.Algorithms)
	if len(p.Types) == 0 {
		p.Types = DefaultTypes
	}
	types := make([]string, len(p.Types))
	for i, t := range p.Types {
		types[i] = normalizeType(t)
	}
	p.Types = types
	if p.SubjectClaim == "" {
		p.SubjectClaim = "sub"
	}
	return p, nil
}

// normalizeType is a "typ" value as compared: in lower case and without
// "application/" (RFC 7515 §4.1.9).
func normalizeType(t string) string {
	t = strings.ToLower(t)
	return strings.TrimPrefix(t, "application/")
}

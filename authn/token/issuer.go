package token

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/digestcache"
)

// Defaults and limits of Config.
const (
	// DefaultTTL is how long a token lives when Config.TTL is zero. Access
	// tokens are kept short because, without Revocations, a stolen one
	// cannot be withdrawn before it expires.
	DefaultTTL = 15 * time.Minute
	// DefaultLeeway is the clock skew between issuer and verifier tolerated
	// when Config.Leeway is zero.
	DefaultLeeway = 30 * time.Second
	// MaxLeeway bounds Config.Leeway; a larger skew is a broken clock, and
	// leeway extends the life of every token.
	MaxLeeway = 5 * time.Minute
	// MaxSubjectLength is the longest subject id, in bytes, a token is issued
	// for: what the revocation tables store.
	MaxSubjectLength = 255
	// DefaultMaxLifetimeFactor is how many TTLs long Config.MaxLifetime
	// is when it is zero.
	DefaultMaxLifetimeFactor = 4
	// TokenType is the "typ" header of the tokens issued (RFC 9068 §2.1). It
	// keeps an access token from being confused with an ID token or another
	// JWT signed with the same key.
	TokenType = "at+jwt"
)

// jtiBytes is the randomness of a token id: enough that ids never collide,
// which revoking one token by id depends on.
const jtiBytes = 16

// Config configures an Issuer. Zero-value fields take the documented
// defaults; New rejects fields it cannot use.
type Config struct {
	// Issuer is the "iss" claim of the tokens issued and required of the
	// tokens verified, such as "https://auth.example.com". Required.
	Issuer string
	// Audience is put in the "aud" claim of the tokens issued, and Verify
	// requires a token to name at least one of them, so a token meant for
	// one service is refused by another (RFC 9068 §4). Default: Issuer
	// alone, for an application that issues tokens to itself; name each
	// service when several share the keys.
	Audience []string
	// TTL is how long a token is valid after it is issued; at least one
	// second, since token times have one-second precision. Default
	// DefaultTTL (15 minutes).
	TTL time.Duration
	// MaxLifetime is the longest a token may claim to live, from its "iat"
	// to its "exp"; Verify refuses a token that claims longer, whoever
	// signed it. It bounds what a leaked key, or another issuer sharing
	// the keys that errs, can mint: no token good for a century. It also
	// sets how long a revoked refresh family is remembered (LatestExpiry).
	// Default DefaultMaxLifetimeFactor times TTL (an hour with the default
	// TTL), which leaves room for tokens issued before TTL was changed, or
	// by another issuer of the same keys with a somewhat longer TTL. At
	// least TTL; rounded up to whole seconds, the precision of token times.
	MaxLifetime time.Duration
	// Leeway is the clock skew allowed when checking "exp", "nbf" and "iat".
	// Default DefaultLeeway (30 seconds); at most MaxLeeway. It extends the
	// life of every token by as much.
	Leeway time.Duration
	// Keys are every key tokens may be verified with, the signing key
	// included; at least one, with distinct key ids. A token signed with a
	// key no longer listed is refused.
	Keys []Key
	// SigningKey is the key id of the key that signs new tokens; it must be
	// able to sign. Default: the first of Keys.
	SigningKey string
	// Revocations, when set, is consulted by Verify, once per
	// verification, and stamps each issued token with its subject's
	// revocation generation; while it cannot answer, tokens are neither
	// verified nor issued (authn.ErrUnavailable). Choose an implementation
	// (authn/token/memstore, gormstore, redisstore) or write one. Default
	// nil: tokens cannot be revoked and live until they expire.
	Revocations Revocations
	// Now returns the current time. Default time.Now; tests inject a clock.
	Now func() time.Time
	// CustomClaims names the string claims of the application's own that
	// tokens may carry, besides those gatehouse sets: Issue stamps one when
	// given Claim, and Verify copies those a token carries into
	// Subject.Claims, where guard.TenantFromClaim finds the organization a
	// caller works in ("org"). A token whose custom claim is not a string
	// Claim could have stamped is refused. Names are printable ASCII
	// without spaces, at most 64 bytes; the claims gatehouse sets (iss,
	// sub, aud, exp, nbf, iat, jti, auth_time, gen, sid) and those RFC 9068
	// gives a meaning (scope, roles, groups, entitlements, client_id, acr,
	// amr) are reserved, in any letter case, and refused by New: what a
	// caller may do is the policy's to say, not the token's. Default none:
	// Verify reads gatehouse's claims only, and Issue refuses every Claim.
	CustomClaims []string
	// Logger receives, at debug level, why Verify refused a token: the
	// reason, the kid and alg its header names, never the token nor what
	// its claims say. Refused tokens are a public endpoint's daily lot,
	// hence debug: switch it on to learn why a client's tokens are
	// refused. Default slog.Default().
	Logger *slog.Logger
}

// Issuer issues and verifies access tokens. It is safe for concurrent use.
type Issuer struct {
	issuer      string
	audience    []string
	ttl         time.Duration
	maxLifetime time.Duration
	leeway      time.Duration
	signer      Key
	keys        map[string]verifier
	only        *verifier // the one key, verifying tokens without a kid; nil with several
	revocations Revocations
	// customClaims are Config.CustomClaims; memberNames the claims Verify
	// reads, gatehouse's and those.
	customClaims []string
	memberNames  []string
	now          func() time.Time
	logger       *slog.Logger
	cache        *digestcache.Cache[verifiedToken]
	// headers are the encoded headers of tokens that verified, read: a
	// key's tokens share one, which a token seen for the first time then
	// need not decode again. At most maxHeaders, all from valid tokens.
	headers      sync.Map // string → header
	headersCount atomic.Int32
}

// maxHeaders bounds Issuer.headers: a header per key and algorithm.
const maxHeaders = 32

// verifier is one key with the parser that accepts only its algorithm.
type verifier struct {
	key    Key
	parser *jwt.Parser
}

// New returns an Issuer for cfg, or an error matching ErrInvalidConfig that
// names the first field it cannot use.
func New(cfg Config) (*Issuer, error) {
	i := &Issuer{
		issuer:       cfg.Issuer,
		audience:     slices.Clone(cfg.Audience),
		ttl:          cfg.TTL,
		maxLifetime:  cfg.MaxLifetime,
		leeway:       cfg.Leeway,
		revocations:  cfg.Revocations,
		customClaims: slices.Clone(cfg.CustomClaims),
		now:          cfg.Now,
		logger:       cfg.Logger,
		cache:        digestcache.New[verifiedToken](),
		keys:         make(map[string]verifier, len(cfg.Keys)),
	}
	if i.issuer == "" || !utf8.ValidString(i.issuer) {
		return nil, fmt.Errorf("token: Issuer is required: %w", ErrInvalidConfig)
	}
	if len(i.audience) == 0 {
		i.audience = []string{i.issuer}
	}
	for _, aud := range i.audience {
		if aud == "" || !utf8.ValidString(aud) {
			return nil, fmt.Errorf("token: Audience: empty or malformed entry: %w", ErrInvalidConfig)
		}
	}
	switch {
	case i.ttl == 0:
		i.ttl = DefaultTTL
	case i.ttl < time.Second:
		return nil, fmt.Errorf("token: TTL %v: want at least 1s: %w", i.ttl, ErrInvalidConfig)
	}
	switch {
	case i.maxLifetime == 0:
		i.maxLifetime = DefaultMaxLifetimeFactor * i.ttl
	case i.maxLifetime < i.ttl:
		return nil, fmt.Errorf("token: MaxLifetime %v: want at least TTL, %v: %w", i.maxLifetime, i.ttl, ErrInvalidConfig)
	}
	// Token times are whole seconds: a token issued at 0.9s for 1.5s says
	// it lives from 0 to 2.
	if rest := i.maxLifetime % time.Second; rest != 0 {
		i.maxLifetime += time.Second - rest
	}
	switch {
	case i.leeway == 0:
		i.leeway = DefaultLeeway
	case i.leeway < 0 || i.leeway > MaxLeeway:
		return nil, fmt.Errorf("token: Leeway %v: want 0 to %v: %w", i.leeway, MaxLeeway, ErrInvalidConfig)
	}
	if err := checkCustomClaims(i.customClaims); err != nil {
		return nil, err
	}
	i.memberNames = slices.Concat(claimNames, i.customClaims)
	if i.now == nil {
		i.now = time.Now
	}
	if i.logger == nil {
		i.logger = slog.Default()
	}
	if len(cfg.Keys) == 0 {
		return nil, fmt.Errorf("token: Keys: at least one key is required: %w", ErrInvalidConfig)
	}
	for n, k := range cfg.Keys {
		if k.method == nil || k.verify == nil {
			return nil, fmt.Errorf("token: Keys[%d]: zero Key; make keys with HS256, RS256 or EdDSA: %w", n, ErrInvalidConfig)
		}
		if _, dup := i.keys[k.id]; dup {
			return nil, fmt.Errorf("token: Keys: key id %q appears twice: %w", k.id, ErrInvalidConfig)
		}
		i.keys[k.id] = verifier{key: k, parser: i.parserFor(k)}
	}
	if len(cfg.Keys) == 1 {
		only := i.keys[cfg.Keys[0].id]
		i.only = &only
	}
	signing := cfg.SigningKey
	if signing == "" {
		signing = cfg.Keys[0].id
	}
	v, ok := i.keys[signing]
	switch {
	case !ok:
		return nil, fmt.Errorf("token: SigningKey %q is not in Keys: %w", signing, ErrInvalidConfig)
	case !v.key.CanSign():
		return nil, fmt.Errorf("token: SigningKey %q is verify-only: %w", signing, ErrInvalidConfig)
	}
	i.signer = v.key
	return i, nil
}

// parserFor returns the parser for tokens whose kid names k. Each key gets
// its own so that WithValidMethods can allow exactly the key's algorithm.
func (i *Issuer) parserFor(k Key) *jwt.Parser {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{k.method.Alg()}),
		jwt.WithStrictDecoding(),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(i.leeway),
		jwt.WithTimeFunc(i.now),
		jwt.WithIssuer(i.issuer),
	}
	opts = append(opts, jwt.WithAudience(i.audience...))
	return jwt.NewParser(opts...)
}

// Token is an issued access token.
type Token struct {
	// Value is the signed token, to hand to the client; call Value.Reveal()
	// where it is written into the response.
	Value authn.Secret
	// ID is the token's "jti": name the token by it in logs and revoke it
	// with it.
	ID string
	// Subject is the token's "sub".
	Subject string
	// IssuedAt is the token's "iat" (and "nbf"), to the second.
	IssuedAt time.Time
	// ExpiresAt is the token's "exp", to the second.
	ExpiresAt time.Time
}

// IssueOption adds to the token Issue signs.
type IssueOption func(*issueOptions)

type issueOptions struct {
	authTime  int64 // Unix seconds; 0 for none
	amr       []string
	family    string
	hasFamily bool
	claims    map[string]string // Claim's, by name
}

// AuthTime stamps the token with the time its subject logged in, as the
// "auth_time" claim (RFC 9068 §2.2.1), to the second; the verified
// Subject's AuthenticatedAt is read from it. Pass the login's time on
// every token of a refresh family, not the refresh's. A zero or negative
// time adds nothing.
func AuthTime(t time.Time) IssueOption {
	return func(o *issueOptions) {
		if t.Unix() > 0 {
			o.authTime = t.Unix()
		}
	}
}

// Methods stamps the token with the methods its subject's login used
// (RFC 8176: authn.AMRPassword, authn.AMROTP, …, with authn.AMRMultiFactor
// for a second factor), as the "amr" claim, and with the assurance level
// they reach (authn.ACRFor) as "acr"; the verified Subject's AMR and ACR
// are read from them. Pass the login's methods on every token of a
// refresh family. Methods that authn.ValidAMR refuses make Issue fail
// with an error matching ErrInvalidClaim; none adds nothing.
func Methods(amr ...string) IssueOption {
	return func(o *issueOptions) { o.amr = slices.Clone(amr) }
}

// Family stamps the token with the refresh family it is issued with — the
// login session its client keeps alive by refreshing — as the "sid"
// claim, so that Revocations.RevokeFamily revokes it with the family:
// when the family's refresh token is found stolen, the access tokens it
// obtained die too. The id must be 1 to MaxSubjectLength bytes of UTF-8
// without NUL, else Issue fails with an error matching ErrInvalidFamily.
func Family(id string) IssueOption {
	return func(o *issueOptions) {
		o.family, o.hasFamily = id, true
	}
}

// Issue signs a new token for subject, valid from now for the configured TTL.
// The subject must be a non-empty id of at most MaxSubjectLength bytes of
// valid UTF-8 without NUL, else the error matches ErrInvalidSubject. The
// token carries no roles; it carries the custom claims given with Claim,
// which must be among Config.CustomClaims (else the error matches
// ErrInvalidClaim). While the Revocations cannot tell the subject's
// generation (see Revocations.Generation) Issue refuses with an error
// matching authn.ErrUnavailable: the generation it would stamp may be
// stale, and the token would escape a revocation of its subject made
// elsewhere.
func (i *Issuer) Issue(ctx context.Context, subject string, opts ...IssueOption) (Token, error) {
	if err := ctx.Err(); err != nil {
		return Token{}, err
	}
	var o issueOptions
	for _, opt := range opts {
		opt(&o)
	}
	if err := checkSubject(subject); err != nil {
		return Token{}, fmt.Errorf("token: issue: %w", err)
	}
	if o.hasFamily {
		if err := checkFamilyID(o.family); err != nil {
			return Token{}, fmt.Errorf("token: issue: %w", err)
		}
	}
	if err := i.checkClaims(o.claims); err != nil {
		return Token{}, fmt.Errorf("token: issue: %w", err)
	}
	if !authn.ValidAMR(o.amr) {
		return Token{}, fmt.Errorf("token: issue: %w: amr %q", ErrInvalidClaim, o.amr)
	}
	var generation int64
	if i.revocations != nil {
		var err error
		if generation, err = i.revocations.Generation(ctx, subject); err != nil {
			return Token{}, revocationsUnavailable(err)
		}
	}
	jti, err := randomID()
	if err != nil {
		return Token{}, err
	}
	now := i.now()
	issuedAt := now.Truncate(time.Second).UTC()
	expiresAt := now.Add(i.ttl).Truncate(time.Second).UTC()
	claims := jwt.MapClaims{
		"iss": i.issuer,
		"sub": subject,
		"iat": issuedAt.Unix(),
		"nbf": issuedAt.Unix(),
		"exp": expiresAt.Unix(),
		"jti": jti,
	}
	claims["aud"] = i.audience
	for name, value := range o.claims {
		claims[name] = value
	}
	if o.authTime > 0 {
		claims[authTimeClaim] = o.authTime
	}
	if o.hasFamily {
		claims[familyClaim] = o.family
	}
	if len(o.amr) > 0 {
		claims[amrClaim] = o.amr
		claims[acrClaim] = authn.ACRFor(o.amr)
	}
	if generation > 0 {
		claims[generationClaim] = generation
	}
	t := jwt.NewWithClaims(i.signer.method, claims)
	t.Header["typ"] = TokenType
	t.Header["kid"] = i.signer.id
	signed, err := t.SignedString(i.signer.sign)
	if err != nil {
		return Token{}, fmt.Errorf("token: sign with key %q: %w", i.signer.id, err)
	}
	return Token{Value: authn.Secret(signed), ID: jti, Subject: subject, IssuedAt: issuedAt, ExpiresAt: expiresAt}, nil
}

// LatestExpiry returns the latest "exp" of any token issued until now that
// Verify may accept: now, plus the leeway an "iat" may run ahead, plus
// MaxLifetime. A revocation that must outlast every token issued so far,
// as Revocations.RevokeFamily's, is kept until then.
func (i *Issuer) LatestExpiry() time.Time {
	return i.now().Add(i.leeway + i.maxLifetime).UTC()
}

// revocationsUnavailable returns err, from the Revocations, as an error
// matching authn.ErrUnavailable: a token whose revocations cannot be
// checked is neither good nor bad, and the HTTP adapters answer 503.
func revocationsUnavailable(err error) error {
	if errors.Is(err, authn.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("token: revocations cannot be checked: %w: %w", authn.ErrUnavailable, err)
}

// randomID returns jtiBytes from crypto/rand, base64url without padding.
func randomID() (string, error) {
	b := make([]byte, jtiBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: random id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

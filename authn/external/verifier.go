package external

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/digestcache"
	"github.com/gatehouse-go/gatehouse/authn/internal/jwtshape"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// headerNames are the header parameters read; dateClaims the claims that
// must be numbers.
var (
	headerNames = []string{"alg", "kid", "typ", "crit"}
	dateClaims  = []string{"exp", "nbf", "iat", "auth_time"}
	claimNames  = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "auth_time", "email", "email_verified", "name"}
)

// Verifier verifies access tokens from external OpenID providers and turns
// them into Subjects. It is an authn.Authenticator. Build it with New and
// Close it when done: it fetches each provider's keys in the background.
// It is safe for concurrent use.
type Verifier struct {
	cfg      Config
	byIssuer map[string]*keySet
	sets     []*keySet
	groups   groupMemory
	cache    *digestcache.Cache[verifiedToken]
	names    []string // the claims read, for jwtshape.CheckMembers
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// New returns a Verifier for cfg's providers and starts fetching their
// keys, discovering where they are first when need be. It does not wait
// for them: a provider that does not answer does not stop an application
// from starting. Until its keys arrive its tokens are answered
// authn.ErrUnavailable; Err reports which providers have none yet, and
// Refresh fetches and waits.
func New(cfg Config) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	v := &Verifier{cfg: cfg, byIssuer: map[string]*keySet{}, cancel: cancel, cache: digestcache.New[verifiedToken]()}
	v.groups.init()
	v.names = slices.Clone(claimNames)
	for _, p := range v.cfg.Providers {
		v.names = append(v.names, p.SubjectClaim)
		if p.GroupsClaim != "" {
			v.names = append(v.names, p.GroupsClaim)
		}
	}
	for _, p := range v.cfg.Providers {
		s := newKeySet(ctx, p, &v.cfg)
		v.byIssuer[p.Issuer] = s
		v.sets = append(v.sets, s)
	}
	for _, s := range v.sets {
		v.wg.Add(1)
		go func() {
			defer v.wg.Done()
			s.run(ctx)
		}()
	}
	return v, nil
}

// Close stops fetching keys. Tokens verified after Close are checked
// against the keys held, which lapse after MaxKeyAge.
func (v *Verifier) Close() {
	v.cancel()
	v.wg.Wait()
}

// Refresh fetches every provider's keys now, without waiting for the
// background schedule or counting against UnknownKeyInterval, and returns
// the errors of those that failed, joined. It is for an application told
// of a rotation (by a webhook, say) and for tests.
func (v *Verifier) Refresh(ctx context.Context) error {
	var errs []error
	for _, s := range v.sets {
		if err := s.refresh(ctx); err != nil {
			errs = append(errs, fmt.Errorf("provider %s: %w", s.provider.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Err returns nil when every provider's keys are held and current, and
// otherwise an error matching ErrNoKeys that names the providers whose
// tokens cannot be checked: what a readiness probe reports.
func (v *Verifier) Err() error {
	var errs []error
	for _, s := range v.sets {
		if err := s.ready(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Authenticate verifies the bearer token of req's Authorization header
// (see token.ParseBearer) with Verify. A request without one has no
// credentials for it.
func (v *Verifier) Authenticate(ctx context.Context, req authn.Credentials) (authn.Subject, error) {
	raw, err := token.ParseBearer(req.Header("Authorization"))
	if err != nil {
		return authn.Subject{}, err
	}
	return v.Verify(ctx, raw)
}

// Verify checks raw, an access token of one of the providers, and returns
// the subject it proves.
//
// Its "iss" chooses the provider, whose issuer it must equal exactly. Its
// header's "typ" must be one of the provider's Types, its "alg" one of the
// provider's Algorithms, and its "kid" must name a key of the provider that
// suits that algorithm (see Provider.Algorithms): the algorithm is never
// taken from the header alone, and no HMAC token is accepted, whatever key
// it claims. An unknown "kid" makes the Verifier fetch the provider's keys
// again, at most once per Config.UnknownKeyInterval, and is refused when
// the new set lacks it too. Its signature must hold; "aud" must contain one
// of the provider's Audience; "exp" is required; "exp", "nbf" and "iat" are
// checked with Config.Leeway; the subject claim must be a string of at
// most MaxSubjectLength bytes without control characters. Header and
// payload must read one way only (no member twice, no claim read here
// spelled in another case, dates as numbers), and a "crit" header is
// refused.
//
// Errors match authn.ErrTokenExpired for a token whose lifetime is over or
// has not begun (all else about it being right), authn.ErrInvalidToken for
// every other refusal, and authn.ErrUnavailable, not
// authn.ErrInvalidCredentials, when the token cannot be checked now: its
// provider's keys have not been fetched, or not within MaxKeyAge, or
// Config.Linker or Config.SyncGroups failed. With Config.PassOtherIssuers a
// token of another issuer is authn.ErrNoCredentials. Refusals are logged at
// debug level, with the reason and never the token.
//
// The Subject's ID is the local subject Config.Linker maps the identity
// to, or without one the identity's NamespacedID; its Method is
// authn.MethodExternalToken; CredentialID the token's "jti" (or ""); its
// Claims every claim of the token, as JSON decoding into a map reads them;
// AuthenticatedAt the token's "auth_time", when it has one.
func (v *Verifier) Verify(ctx context.Context, raw string) (s authn.Subject, err error) {
	var provider string
	defer func() {
		// A token is hostile input to the libraries that read it: should
		// one of them panic, the token is refused, the process lives on.
		if p := recover(); p != nil {
			v.cfg.Logger.ErrorContext(ctx, "external: verifying a token panicked", "provider", provider,
				"panic", fmt.Sprintf("%T", p)) // not its text, which may quote the input
			s, err = authn.Subject{}, fmt.Errorf("external: verification failed: %w", authn.ErrInvalidToken)
		}
	}()
	s, err = v.verify(ctx, raw, &provider)
	if err != nil && !errors.Is(err, authn.ErrNoCredentials) && ctx.Err() == nil {
		v.cfg.Logger.DebugContext(ctx, "external: token refused", "provider", provider,
			"reason", jwtshape.Reason(err, ErrUnknownIssuer, ErrUnknownKey, ErrNoKeys))
	}
	return s, err
}

func (v *Verifier) verify(ctx context.Context, raw string, provider *string) (authn.Subject, error) {
	if err := ctx.Err(); err != nil {
		return authn.Subject{}, err
	}
	if len(raw) > MaxTokenSize {
		return authn.Subject{}, fmt.Errorf("external: longer than %d bytes: %w", MaxTokenSize, authn.ErrInvalidToken)
	}
	digest := sha256.Sum256([]byte(raw))
	if cached, ok := v.cache.Get(digest); ok {
		if cached.otherIssuer {
			return authn.Subject{}, errOtherIssuer
		}
		if cached.usable(v.cfg.Clock(), v.cfg.Leeway) {
			*provider = cached.keys.provider.Name
			return v.subject(ctx, cached.identity, cloneClaims(cached.claims))
		}
	}
	issuer, payload, err := issuerOf(raw)
	if err != nil {
		return authn.Subject{}, err
	}
	keys, ok := v.byIssuer[issuer]
	if !ok {
		if v.cfg.PassOtherIssuers {
			v.cache.Put(digest, verifiedToken{otherIssuer: true})
			return authn.Subject{}, errOtherIssuer
		}
		return authn.Subject{}, fmt.Errorf("external: %w: %w", ErrUnknownIssuer, authn.ErrInvalidToken)
	}
	h, err := v.peek(raw, payload)
	if err != nil {
		return authn.Subject{}, err
	}
	p := keys.provider
	*provider = p.Name
	if !containsType(p.Types, h.typ) {
		return authn.Subject{}, fmt.Errorf("external: typ %q is not accepted: %w", h.typ, authn.ErrInvalidToken)
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods(p.Algorithms),
		jwt.WithIssuer(p.Issuer),
		jwt.WithAudience(p.Audience...),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(v.cfg.Leeway),
		jwt.WithTimeFunc(v.cfg.Clock),
	)
	var keyErr error
	var alg string
	claims := jwt.MapClaims{}
	_, err = parser.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		alg = t.Method.Alg()
		k, err := keys.key(ctx, h.kid, alg)
		keyErr = err
		return k, err
	})
	switch {
	case keyErr != nil && (errors.Is(keyErr, ErrNoKeys) || errors.Is(keyErr, ctx.Err())):
		return authn.Subject{}, fmt.Errorf("external: provider %s: %w: %w", p.Name, authn.ErrUnavailable, keyErr)
	case keyErr != nil:
		return authn.Subject{}, fmt.Errorf("external: %w: %w", authn.ErrInvalidToken, keyErr)
	case errors.Is(err, jwt.ErrTokenExpired) || errors.Is(err, jwt.ErrTokenNotValidYet):
		// The signature held: golang-jwt checks claims after it.
		return authn.Subject{}, fmt.Errorf("external: %w: %w", authn.ErrTokenExpired, err)
	case err != nil:
		return authn.Subject{}, fmt.Errorf("external: %w: %w", authn.ErrInvalidToken, err)
	}
	id, err := identityOf(p, claims)
	if err != nil {
		return authn.Subject{}, err
	}
	verified := verifiedToken{keys: keys, kid: h.kid, alg: alg, identity: id, claims: cloneClaims(claims)}
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil {
		verified.expires = exp.Time
	}
	if nbf, err := claims.GetNotBefore(); err == nil && nbf != nil {
		verified.notBefore = nbf.Time
	}
	if iat, err := claims.GetIssuedAt(); err == nil && iat != nil {
		verified.issued = iat.Time
	}
	v.cache.Put(digest, verified)
	return v.subject(ctx, id, claims)
}

// tokenHeader is what Verify reads of a token's header.
type tokenHeader struct {
	kid string
	typ string
}

// errOtherIssuer passes on a token of another issuer, with
// Config.PassOtherIssuers: one value, since the application's own tokens
// come this way on every request.
var errOtherIssuer = fmt.Errorf("external: %w: %w", ErrUnknownIssuer, authn.ErrNoCredentials)

// issuerOf reads, unverified, the "iss" of raw, to choose the provider
// whose key will verify it, and returns the decoded payload.
func issuerOf(raw string) (string, []byte, error) {
	_, rest, ok := strings.Cut(raw, ".")
	encoded, signature, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.Contains(signature, ".") {
		return "", nil, fmt.Errorf("external: malformed: %w", authn.ErrInvalidToken)
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(encoded)
	if err != nil {
		return "", nil, fmt.Errorf("external: malformed payload: %w", authn.ErrInvalidToken)
	}
	var iss struct {
		Issuer *string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &iss); err != nil || iss.Issuer == nil {
		return "", nil, fmt.Errorf("external: no iss: %w", authn.ErrInvalidToken)
	}
	return *iss.Issuer, payload, nil
}

// peek reads raw's header, and refuses a token of a provider whose header
// or payload could be read two ways.
func (v *Verifier) peek(raw string, payload []byte) (tokenHeader, error) {
	encoded, _, _ := strings.Cut(raw, ".")
	header, err := base64.RawURLEncoding.Strict().DecodeString(encoded)
	if err != nil {
		return tokenHeader{}, fmt.Errorf("external: malformed header: %w", authn.ErrInvalidToken)
	}
	if err := jwtshape.CheckMembers(header, headerNames, nil); err != nil {
		return tokenHeader{}, fmt.Errorf("external: header: %s: %w", err, authn.ErrInvalidToken)
	}
	var fields struct {
		Kid  *string         `json:"kid"`
		Typ  *string         `json:"typ"`
		Crit json.RawMessage `json:"crit"`
	}
	if err := json.Unmarshal(header, &fields); err != nil {
		return tokenHeader{}, fmt.Errorf("external: malformed header: %w", authn.ErrInvalidToken)
	}
	// RFC 7515 §4.1.11: extensions not understood must be refused, and
	// none is understood here.
	if fields.Crit != nil {
		return tokenHeader{}, fmt.Errorf("external: unsupported crit header: %w", authn.ErrInvalidToken)
	}
	var h tokenHeader
	if fields.Kid != nil {
		if *fields.Kid == "" {
			return tokenHeader{}, fmt.Errorf("external: empty kid: %w", authn.ErrInvalidToken)
		}
		h.kid = *fields.Kid
	}
	if fields.Typ != nil {
		h.typ = *fields.Typ
	}
	if err := jwtshape.CheckMembers(payload, v.names, dateClaims); err != nil {
		return tokenHeader{}, fmt.Errorf("external: claims: %s: %w", err, authn.ErrInvalidToken)
	}
	return h, nil
}

// containsType reports whether typ, as a token's header gave it ("" when
// it had none), is one of types, normalized.
func containsType(types []string, typ string) bool {
	typ = normalizeType(typ)
	for _, t := range types {
		if t == typ {
			return true
		}
	}
	return false
}

// subject maps a verified identity to the Subject: through the Linker,
// and with the groups synchronized, when configured.
func (v *Verifier) subject(ctx context.Context, id authn.ExternalIdentity, claims jwt.MapClaims) (authn.Subject, error) {
	subjectID := id.NamespacedID()
	if v.cfg.Linker != nil {
		linked, err := v.cfg.Linker.LinkIdentity(ctx, id)
		switch {
		case errors.Is(err, authn.ErrInvalidCredentials):
			return authn.Subject{}, fmt.Errorf("external: %w", err)
		case err != nil:
			return authn.Subject{}, fmt.Errorf("external: link %s: %w: %w", subjectID, authn.ErrUnavailable, err)
		case linked == "":
			return authn.Subject{}, fmt.Errorf("external: link %s: the linker returned no subject: %w", subjectID, authn.ErrUnavailable)
		}
		subjectID = linked
	}
	if v.cfg.SyncGroups != nil {
		if err := v.groups.sync(ctx, subjectID, id.Groups, v.cfg.SyncGroups); err != nil {
			return authn.Subject{}, fmt.Errorf("external: sync the groups of %s: %w: %w", subjectID, authn.ErrUnavailable, err)
		}
	}
	s := authn.Subject{ID: subjectID, Method: authn.MethodExternalToken, Claims: map[string]any(claims)}
	if jti, ok := claims["jti"].(string); ok {
		s.CredentialID = jti
	}
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil {
		s.ExpiresAt = exp.UTC()
	}
	if at, ok := claims["auth_time"].(float64); ok && at > 0 && at < 1<<53 {
		s.AuthenticatedAt = time.Unix(int64(at), 0).UTC()
	}
	return s, nil
}

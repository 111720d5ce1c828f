package token

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/jwtshape"
)

// MaxTokenSize is the longest token Verify parses, in bytes. Access tokens
// carry a handful of claims; refusing anything longer before decoding it
// bounds the work an attacker can demand.
const MaxTokenSize = 8 << 10

// generationClaim is the private claim holding the subject's revocation
// generation at issue time.
const generationClaim = "gen"

// authTimeClaim is the time the subject logged in (RFC 9068 §2.2.1).
const authTimeClaim = "auth_time"

// amrClaim and acrClaim are the methods and the assurance level of the
// login a token descends from (RFC 8176; OpenID Connect Core 1.0 §2).
const (
	amrClaim = "amr"
	acrClaim = "acr"
)

// familyClaim is the private claim naming the refresh family, the login
// session, a token was issued from; "sid" as OpenID Connect names a
// session (OpenID Connect Front-Channel Logout 1.0 §3). RFC 9068 §2.2
// leaves room for such claims.
const familyClaim = "sid"

// maxExactFloat is the largest integer a JSON number decoded as float64
// holds exactly.
const maxExactFloat = 1 << 53

// Verify checks raw and returns the subject it was issued to.
//
// The token's header must name, by "kid", one of the configured keys, and
// its "alg" must be that key's algorithm; the algorithm is never taken from
// the token alone. A token without a kid is verified with the only key
// when exactly one is configured (RFC 7515 §4.1.4), and refused when there
// are several. Its "typ" must be "at+jwt" or "application/at+jwt". Its
// signature must hold; "iss" must be the configured issuer; "aud" must name
// one of the configured audiences; "exp" and "iat" are required, and "exp"
// may be at most MaxLifetime after "iat"; "exp", "nbf" and "iat" are
// checked with the configured leeway; "sub" and "jti" must be present;
// "auth_time", when present, must be a time no later than "iat"; "sid",
// when present, must be a non-empty string.
//
// The header and the claims must each be one JSON object that reads one
// way only: no member may appear twice, in any object; no top-level member
// may spell a parameter or claim Verify reads ("alg", "kid", "typ",
// "crit", "sub", "exp", …) in another case, which encoding/json would take
// for it; and "exp", "nbf", "iat" and "auth_time" must be JSON numbers,
// not strings of digits.
//
// Errors match authn.ErrTokenExpired for a token whose lifetime is over or
// has not begun (all else about it being right), authn.ErrTokenRevoked for a
// revoked token, and authn.ErrInvalidToken for every other rejection. A
// token that is otherwise good is not accepted while the Revocations cannot
// answer (Revocations.Revoked returns an error): the error then matches
// authn.ErrUnavailable and not authn.ErrInvalidCredentials, since the
// token may be good, and the HTTP adapters answer 503, not 401. Every
// refusal is logged at debug level to Config.Logger with its reason,
// never with the token. On success the Subject's Claims hold the token's
// registered claims (iss, sub, aud, exp, nbf, iat, jti), auth_time, gen,
// sid and the claims of Config.CustomClaims it carries, as strings; other
// claims are not read; its AuthenticatedAt is auth_time's.
func (i *Issuer) Verify(ctx context.Context, raw string) (authn.Subject, error) {
	var h header
	s, err := i.verify(ctx, raw, &h)
	if err != nil {
		i.logRefusal(ctx, err, h)
	}
	return s, err
}

// verify is Verify, noting in h what it read of the token's header.
func (i *Issuer) verify(ctx context.Context, raw string, h *header) (authn.Subject, error) {
	if err := ctx.Err(); err != nil {
		return authn.Subject{}, err
	}
	if len(raw) > MaxTokenSize {
		return authn.Subject{}, fmt.Errorf("token: longer than %d bytes: %w", MaxTokenSize, authn.ErrInvalidToken)
	}
	if !isCompact(raw) {
		return authn.Subject{}, fmt.Errorf("token: malformed: %w", authn.ErrInvalidToken)
	}
	key := sha256.Sum256([]byte(raw))
	if cached, ok := i.cache.Get(key); ok && cached.live(i.now(), i.leeway) {
		return i.subject(ctx, cached)
	}
	encodedHeader, _, _ := strings.Cut(raw, ".")
	if known, ok := i.headers.Load(encodedHeader); ok {
		// The same bytes as a header read before: the same reading.
		*h = known.(header)
	} else if err := readHeader(raw, h); err != nil {
		return authn.Subject{}, err
	}
	v, err := i.verifierFor(h)
	if err != nil {
		return authn.Subject{}, err
	}
	claims := &accessClaims{}
	_, parseErr := v.parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return v.key.verify, nil })
	if parseErr != nil && !lifetimeOnly(parseErr) {
		return authn.Subject{}, fmt.Errorf("token: %w: %w", authn.ErrInvalidToken, parseErr)
	}
	// From here the signature is known to hold: claim validation runs only
	// after it. A token out of its lifetime is still checked for shape, so
	// that "expired" is only said of a token that would otherwise be good.
	payload, err := checkPayload(raw, i.memberNames)
	if err != nil {
		return authn.Subject{}, err
	}
	read, err := readClaims(claims)
	if err != nil {
		return authn.Subject{}, err
	}
	custom, err := i.readCustomClaims(payload)
	if err != nil {
		return authn.Subject{}, err
	}
	if claims.ExpiresAt == nil {
		return authn.Subject{}, fmt.Errorf("token: missing exp: %w", authn.ErrInvalidToken)
	}
	// RFC 9068 §2.2 requires iat, and auth_time cannot follow it.
	if claims.IssuedAt == nil {
		return authn.Subject{}, fmt.Errorf("token: missing iat: %w", authn.ErrInvalidToken)
	}
	if read.authTime > claims.IssuedAt.Unix() {
		return authn.Subject{}, fmt.Errorf("token: %s after iat: %w", authTimeClaim, authn.ErrInvalidToken)
	}
	if claims.ExpiresAt.Sub(claims.IssuedAt.Time) > i.maxLifetime {
		return authn.Subject{}, fmt.Errorf("token: exp more than MaxLifetime after iat: %w", authn.ErrInvalidToken)
	}
	if parseErr != nil {
		return authn.Subject{}, fmt.Errorf("token: %w: %w", authn.ErrTokenExpired, parseErr)
	}
	verified := verifiedToken{claims: claims, sub: read.sub, jti: read.jti, gen: read.gen, family: read.family,
		expires: claims.ExpiresAt.Time, issued: claims.IssuedAt.Time, custom: custom, amr: read.amr}
	if read.authTime > 0 {
		verified.authTime = time.Unix(read.authTime, 0).UTC()
	}
	if claims.NotBefore != nil {
		verified.notBefore = claims.NotBefore.Time
	}
	i.cache.Put(key, verified)
	if _, known := i.headers.Load(encodedHeader); !known && i.headersCount.Add(1) <= maxHeaders {
		// Kept beyond the call: a copy, not the caller's bytes.
		i.headers.Store(strings.Clone(encodedHeader), *h)
	}
	return i.subject(ctx, verified)
}

// subject checks a verified token against the revocations, in one call,
// and returns its subject. Both paths of Verify, the cached one included,
// come through here, so neither decides on revocations that cannot answer.
func (i *Issuer) subject(ctx context.Context, v verifiedToken) (authn.Subject, error) {
	if i.revocations != nil {
		revoked, err := i.revocations.Revoked(ctx, v.jti, v.sub, v.family, v.gen)
		if err != nil {
			return authn.Subject{}, revocationsUnavailable(err)
		}
		if revoked {
			return authn.Subject{}, fmt.Errorf("token: %w", authn.ErrTokenRevoked)
		}
	}
	return authn.Subject{
		ID:           v.sub,
		Method:       authn.MethodBearer,
		CredentialID: v.jti,
		ExpiresAt:    v.expires.UTC(),
		Claims:       v.claims.asMap(v.gen, v.family, v.authTime, v.custom, v.amr),
		// Zero when the token has no auth_time.
		AuthenticatedAt: v.authTime,
		AMR:             slices.Clone(v.amr),
		ACR:             authn.ACRFor(v.amr),
	}, nil
}

// accessClaims are the claims an access token carries, decoded into fields
// rather than a map: verification runs on every request.
type accessClaims struct {
	jwt.RegisteredClaims
	// Generation is the raw "gen" claim, checked by readClaims.
	Generation json.RawMessage `json:"gen,omitempty"`
	// AuthTime is the raw "auth_time" claim, checked by readClaims.
	AuthTime json.RawMessage `json:"auth_time,omitempty"`
	// Family is the raw "sid" claim, checked by readClaims.
	Family json.RawMessage `json:"sid,omitempty"`
	// AMR is the raw "amr" claim, checked by readClaims.
	AMR json.RawMessage `json:"amr,omitempty"`
	// ACR is the raw "acr" claim, checked by readClaims.
	ACR json.RawMessage `json:"acr,omitempty"`
}

// asMap returns the verified claims as JSON decoding into a map would have
// them (numbers as float64, aud as a list), with the custom claims, for
// Subject.Claims: a new map every time, the caller's to keep.
func (c *accessClaims) asMap(gen int64, family string, authTime time.Time, custom map[string]string, amr []string) map[string]any {
	m := map[string]any{"iss": c.Issuer, "sub": c.Subject, "jti": c.ID}
	if len(c.Audience) > 0 {
		aud := make([]any, len(c.Audience))
		for i, a := range c.Audience {
			aud[i] = a
		}
		m["aud"] = aud
	}
	setTime := func(name string, t *jwt.NumericDate) {
		if t != nil {
			m[name] = float64(t.Unix())
		}
	}
	setTime("exp", c.ExpiresAt)
	setTime("nbf", c.NotBefore)
	setTime("iat", c.IssuedAt)
	if gen > 0 {
		m[generationClaim] = float64(gen)
	}
	if !authTime.IsZero() {
		m[authTimeClaim] = float64(authTime.Unix())
	}
	if family != "" {
		m[familyClaim] = family
	}
	for name, value := range custom {
		m[name] = value
	}
	if len(amr) > 0 {
		methods := make([]any, len(amr))
		for i, a := range amr {
			methods[i] = a
		}
		m[amrClaim] = methods
		m[acrClaim] = authn.ACRFor(amr)
	}
	return m
}

// isCompact reports whether raw holds only base64url characters and the
// dots between segments. Go's base64 decoders skip CR and LF even in strict
// mode, and the signature segment is not itself signed, so without this a
// line break inside it would give one token many accepted spellings.
func isCompact(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// header is what Verify reads of a token's header.
type header struct {
	// kid is the key id; "" when the header has none.
	kid string
	// alg is the algorithm the header names, for the log only: the key's
	// parser decides which algorithm is allowed.
	alg string
}

// readHeader reads raw's header into h after checking its shape and typ,
// before the token is parsed: the kid chooses the parser, and with it the
// one algorithm allowed.
func readHeader(raw string, h *header) error {
	encoded, _, ok := strings.Cut(raw, ".")
	if !ok {
		return fmt.Errorf("token: malformed: %w", authn.ErrInvalidToken)
	}
	decoded, err := base64.RawURLEncoding.Strict().DecodeString(encoded)
	if err != nil {
		return fmt.Errorf("token: malformed header: %w", authn.ErrInvalidToken)
	}
	if err := jwtshape.CheckMembers(decoded, headerNames, nil); err != nil {
		return fmt.Errorf("token: header: %s: %w", err, authn.ErrInvalidToken)
	}
	var fields struct {
		Alg  any             `json:"alg"`
		Typ  any             `json:"typ"`
		Kid  json.RawMessage `json:"kid"`
		Crit json.RawMessage `json:"crit"`
	}
	if err := json.Unmarshal(decoded, &fields); err != nil {
		return fmt.Errorf("token: malformed header: %w", authn.ErrInvalidToken)
	}
	h.alg, _ = fields.Alg.(string)
	// A kid that is there must be a key id: only its absence lets the one
	// configured key stand in for it.
	if fields.Kid != nil {
		if json.Unmarshal(fields.Kid, &h.kid) != nil || h.kid == "" {
			return fmt.Errorf("token: kid is not a key id: %w", authn.ErrInvalidToken)
		}
	}
	typ, _ := fields.Typ.(string)
	if !strings.EqualFold(typ, TokenType) && !strings.EqualFold(typ, "application/"+TokenType) {
		return fmt.Errorf("token: typ is not %s: %w", TokenType, authn.ErrInvalidToken)
	}
	// RFC 7515 §4.1.11: a verifier must refuse extensions it does not
	// understand, and this one understands none.
	if fields.Crit != nil {
		return fmt.Errorf("token: unsupported crit header: %w", authn.ErrInvalidToken)
	}
	return nil
}

// verifierFor returns the key and parser for a token with header h: the
// key its kid names or, when it names none, the only key there is.
func (i *Issuer) verifierFor(h *header) (verifier, error) {
	if h.kid == "" {
		if i.only == nil {
			return verifier{}, fmt.Errorf("token: missing key id, and more than one key: %w", authn.ErrInvalidToken)
		}
		return *i.only, nil
	}
	v, ok := i.keys[h.kid]
	if !ok {
		return verifier{}, fmt.Errorf("token: unknown key id: %w", authn.ErrInvalidToken)
	}
	return v, nil
}

// checkPayload checks the shape of raw's payload (see jwtshape.CheckMembers),
// whose claims Verify reads by names, and returns it decoded. The parser
// has decoded it already, so it is well-formed base64url.
func checkPayload(raw string, names []string) ([]byte, error) {
	_, rest, _ := strings.Cut(raw, ".")
	encoded, _, _ := strings.Cut(rest, ".")
	decoded, err := base64.RawURLEncoding.Strict().DecodeString(encoded)
	if err != nil {
		return nil, fmt.Errorf("token: malformed claims: %w", authn.ErrInvalidToken)
	}
	if err := jwtshape.CheckMembers(decoded, names, dateNames); err != nil {
		return nil, fmt.Errorf("token: claims: %s: %w", err, authn.ErrInvalidToken)
	}
	return decoded, nil
}

// claimValues are the claims Verify needs beyond what golang-jwt checks.
type claimValues struct {
	sub, jti, family string
	gen, authTime    int64
	amr              []string // nil without amr
	acr              string
}

// readClaims returns the claims Verify needs beyond what golang-jwt checks.
func readClaims(claims *accessClaims) (claimValues, error) {
	var r claimValues
	r.sub, r.jti = claims.Subject, claims.ID
	if r.sub == "" {
		return claimValues{}, fmt.Errorf("token: missing sub: %w", authn.ErrInvalidToken)
	}
	if r.jti == "" {
		return claimValues{}, fmt.Errorf("token: missing jti: %w", authn.ErrInvalidToken)
	}
	var err error
	if r.gen, err = positiveInteger(generationClaim, claims.Generation); err != nil {
		return claimValues{}, err
	}
	if r.authTime, err = positiveInteger(authTimeClaim, claims.AuthTime); err != nil {
		return claimValues{}, err
	}
	if claims.Family != nil {
		if json.Unmarshal(claims.Family, &r.family) != nil || checkFamilyID(r.family) != nil {
			return claimValues{}, fmt.Errorf("token: malformed %s: %w", familyClaim, authn.ErrInvalidToken)
		}
	}
	if claims.AMR != nil {
		if json.Unmarshal(claims.AMR, &r.amr) != nil || len(r.amr) == 0 || !authn.ValidAMR(r.amr) {
			return claimValues{}, fmt.Errorf("token: malformed %s: %w", amrClaim, authn.ErrInvalidToken)
		}
	}
	if claims.ACR != nil {
		// The level is the methods', never a claim of its own: a token
		// whose acr says more than its amr is not one Issue made.
		if json.Unmarshal(claims.ACR, &r.acr) != nil || r.acr != authn.ACRFor(r.amr) {
			return claimValues{}, fmt.Errorf("token: malformed %s: %w", acrClaim, authn.ErrInvalidToken)
		}
	}
	return r, nil
}

// positiveInteger decodes the raw claim name as a whole number from 1 to
// 2^53, or returns 0 when the claim is absent.
func positiveInteger(name string, raw json.RawMessage) (int64, error) {
	if raw == nil {
		return 0, nil
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || f < 1 || f > maxExactFloat || f != math.Trunc(f) {
		return 0, fmt.Errorf("token: malformed %s: %w", name, authn.ErrInvalidToken)
	}
	return int64(f), nil
}

// lifetimeOnly reports whether err, from golang-jwt, says only that the
// token's lifetime is over or has not begun: expired, not valid yet, or used
// before issued. Any other failure among the joined ones makes the token
// invalid, not merely expired, so that a client is not led to retry with a
// token that can never be good.
func lifetimeOnly(err error) bool {
	lifetime := false
	var walk func(error) bool
	walk = func(e error) bool {
		switch w := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range w.Unwrap() {
				if !walk(inner) {
					return false
				}
			}
			return true
		case interface{ Unwrap() error }:
			return walk(w.Unwrap())
		}
		switch {
		case errors.Is(e, jwt.ErrTokenExpired), errors.Is(e, jwt.ErrTokenNotValidYet), errors.Is(e, jwt.ErrTokenUsedBeforeIssued):
			lifetime = true
			return true
		case errors.Is(e, jwt.ErrTokenInvalidClaims):
			return true
		}
		return false
	}
	return walk(err) && lifetime
}

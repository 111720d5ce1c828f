package token_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  func(*testing.T) token.Key
	}{
		{"HS256", func(t *testing.T) token.Key { return hsKey(t, "hs-1") }},
		{"RS256", func(t *testing.T) token.Key { return rsKey(t, "rsa-1") }},
		{"EdDSA", func(t *testing.T) token.Key { return eddsaKey(t, "ed-1") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := authntest.NewClock(start)
			key := tt.key(t)
			issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: []token.Key{key}})

			tok, err := issuer.Issue(ctx, "user-42")
			require.NoError(t, err)
			assert.Equal(t, tt.name, decodeSegment(t, tok.Value.Reveal(), 0)["alg"])

			clk.Advance(time.Minute)
			s, err := issuer.Verify(ctx, tok.Value.Reveal())
			require.NoError(t, err)
			assert.Equal(t, "user-42", s.ID)
			assert.Equal(t, authn.MethodBearer, s.Method)
			assert.Equal(t, tok.ID, s.CredentialID)
			assert.True(t, s.ExpiresAt.Equal(tok.ExpiresAt), "%v != %v", s.ExpiresAt, tok.ExpiresAt)
			assert.Equal(t, testIssuer, s.Claims["iss"])
			assert.Equal(t, "user-42", s.Claims["sub"])
			assert.Equal(t, tok.ID, s.Claims["jti"])
			assert.Equal(t, []any{"api"}, s.Claims["aud"])
		})
	}
}

// verifyCase is one token presented to a verifier that shares the issuer's
// keys (hs-1 signs; rsa-1 and ed-1 verify too) and clock.
type verifyCase struct {
	name string
	// token returns the token to verify; issuer issued tokens for bob.
	token func(t *testing.T, issuer *token.Issuer, now time.Time) string
	// verifier, when set, changes the verifier's Config.
	verifier func(*token.Config)
	// advance moves the clock between issuing and verifying.
	advance time.Duration
	// wantErr is nil for a token that must verify.
	wantErr error
}

func issued(t *testing.T, issuer *token.Issuer, _ time.Time) string {
	t.Helper()
	tok, err := issuer.Issue(context.Background(), "bob")
	require.NoError(t, err)
	return tok.Value.Reveal()
}

// forged returns a token function that signs claimsAt(now), changed by
// change, under hsHeader(), changed by changeHeader, with hmacSecret.
func forged(changeHeader func(map[string]any), change func(now time.Time, c jwt.MapClaims)) func(*testing.T, *token.Issuer, time.Time) string {
	return func(t *testing.T, _ *token.Issuer, now time.Time) string {
		header := hsHeader()
		if changeHeader != nil {
			changeHeader(header)
		}
		claims := claimsAt(now)
		if change != nil {
			change(now, claims)
		}
		return forge(t, header, claims, hmacSecret)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	const ttl, leeway = token.DefaultTTL, token.DefaultLeeway
	rsaPEM := func(t *testing.T) []byte {
		der, err := x509.MarshalPKIXPublicKey(&rsaKey().PublicKey)
		require.NoError(t, err)
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}

	tests := []verifyCase{
		{name: "issued token", token: issued},
		{name: "forged with the right secret is indistinguishable", token: forged(nil, nil)},
		{name: "expired", token: issued, advance: ttl + leeway, wantErr: authn.ErrTokenExpired},
		{name: "expired long ago", token: issued, advance: 24 * time.Hour, wantErr: authn.ErrTokenExpired},
		{name: "past exp within leeway", token: issued, advance: ttl + leeway - time.Second},
		{name: "nbf in the future beyond leeway", token: forged(nil, func(now time.Time, c jwt.MapClaims) {
			c["nbf"] = now.Add(leeway + time.Second).Unix()
		}), wantErr: authn.ErrTokenExpired},
		{name: "nbf in the future within leeway", token: forged(nil, func(now time.Time, c jwt.MapClaims) {
			c["nbf"] = now.Add(leeway).Unix()
		})},
		{name: "iat in the future beyond leeway", token: forged(nil, func(now time.Time, c jwt.MapClaims) {
			c["iat"] = now.Add(time.Minute).Unix()
			delete(c, "nbf")
		}), wantErr: authn.ErrTokenExpired},
		{name: "iat in the future within leeway", token: forged(nil, func(now time.Time, c jwt.MapClaims) {
			c["iat"] = now.Add(leeway).Unix()
		})},
		{name: "clock behind the issuer beyond leeway", token: issued, advance: -time.Minute, wantErr: authn.ErrTokenExpired},
		{name: "clock behind the issuer within leeway", token: issued, advance: -leeway},
		{name: "wider leeway accepts more", token: issued, advance: ttl + time.Minute, verifier: func(c *token.Config) { c.Leeway = 2 * time.Minute }},
		{name: "missing exp", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { delete(c, "exp") }), wantErr: authn.ErrInvalidToken},
		{name: "exp not a number", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["exp"] = "tomorrow" }), wantErr: authn.ErrInvalidToken},

		{name: "wrong issuer in token", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["iss"] = "https://evil.example" }), wantErr: authn.ErrInvalidToken},
		{name: "verifier expects another issuer", token: issued, verifier: func(c *token.Config) { c.Issuer = "https://other.example" }, wantErr: authn.ErrInvalidToken},
		{name: "missing issuer", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { delete(c, "iss") }), wantErr: authn.ErrInvalidToken},
		{name: "wrong audience", token: issued, verifier: func(c *token.Config) { c.Audience = []string{"billing"} }, wantErr: authn.ErrInvalidToken},
		{name: "one of the audiences", token: issued, verifier: func(c *token.Config) { c.Audience = []string{"billing", "api"} }},
		{name: "missing audience when required", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { delete(c, "aud") }), wantErr: authn.ErrInvalidToken},
		{name: "audience as a single string", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["aud"] = "api" })},
		{name: "audience defaults to the issuer", token: issued, verifier: func(c *token.Config) { c.Audience = nil }, wantErr: authn.ErrInvalidToken},
		{name: "default audience accepted", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["aud"] = testIssuer }), verifier: func(c *token.Config) { c.Audience = nil }},
		{name: "no audience refused by default", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { delete(c, "aud") }), verifier: func(c *token.Config) { c.Audience = nil }, wantErr: authn.ErrInvalidToken},

		{name: "missing iat", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { delete(c, "iat") }), wantErr: authn.ErrInvalidToken},
		{name: "auth_time before iat", token: forged(nil, func(now time.Time, c jwt.MapClaims) { c["auth_time"] = now.Add(-time.Hour).Unix() })},
		{name: "auth_time equal to iat", token: forged(nil, func(now time.Time, c jwt.MapClaims) { c["auth_time"] = now.Unix() })},
		{name: "auth_time after iat", token: forged(nil, func(now time.Time, c jwt.MapClaims) { c["auth_time"] = now.Add(time.Second).Unix() }), wantErr: authn.ErrInvalidToken},
		{name: "amr and acr of a second factor", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["amr"] = []string{"pwd", "otp", "mfa"}; c["acr"] = "aal2" })},
		{name: "amr without acr", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["amr"] = []string{"pwd"} })},
		{name: "acr above what amr reaches", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["amr"] = []string{"pwd"}; c["acr"] = "aal2" }), wantErr: authn.ErrInvalidToken},
		{name: "acr without amr", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["acr"] = "aal2" }), wantErr: authn.ErrInvalidToken},
		{name: "amr not a list", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["amr"] = "pwd" }), wantErr: authn.ErrInvalidToken},
		{name: "amr empty", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["amr"] = []string{} }), wantErr: authn.ErrInvalidToken},
		{name: "amr with a method twice", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["amr"] = []string{"pwd", "pwd"} }), wantErr: authn.ErrInvalidToken},
		{name: "amr with a method in upper case", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["amr"] = []string{"PWD"} }), wantErr: authn.ErrInvalidToken},
		{name: "AMR in another case", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["AMR"] = []string{"pwd"} }), wantErr: authn.ErrInvalidToken},
		{name: "auth_time not a number", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["auth_time"] = "yesterday" }), wantErr: authn.ErrInvalidToken},
		{name: "auth_time zero", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["auth_time"] = 0 }), wantErr: authn.ErrInvalidToken},
		{name: "auth_time fractional", token: forged(nil, func(now time.Time, c jwt.MapClaims) { c["auth_time"] = float64(now.Unix()) - 0.5 }), wantErr: authn.ErrInvalidToken},

		{name: "typ application/at+jwt in any case", token: forged(func(h map[string]any) { h["typ"] = "Application/AT+JWT" }, nil)},
		{name: "wrong typ", token: forged(func(h map[string]any) { h["typ"] = "JWT" }, nil), wantErr: authn.ErrInvalidToken},
		{name: "missing typ", token: forged(func(h map[string]any) { delete(h, "typ") }, nil), wantErr: authn.ErrInvalidToken},
		{name: "typ not a string", token: forged(func(h map[string]any) { h["typ"] = 1 }, nil), wantErr: authn.ErrInvalidToken},
		{name: "crit header", token: forged(func(h map[string]any) { h["crit"] = []string{"exp"} }, nil), wantErr: authn.ErrInvalidToken},

		{name: "alg none", token: func(t *testing.T, _ *token.Issuer, now time.Time) string {
			return segment(t, map[string]any{"alg": "none", "typ": "at+jwt", "kid": "hs-1"}) + "." + segment(t, claimsAt(now)) + "."
		}, wantErr: authn.ErrInvalidToken},
		{name: "RS256 public key PEM as an HS256 secret", token: func(t *testing.T, _ *token.Issuer, now time.Time) string {
			return forge(t, map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": "rsa-1"}, claimsAt(now), rsaPEM(t))
		}, wantErr: authn.ErrInvalidToken},
		{name: "alg of another configured key", token: func(t *testing.T, _ *token.Issuer, now time.Time) string {
			return forge(t, map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": "hs-1"}, claimsAt(now), edKey)
		}, wantErr: authn.ErrInvalidToken},
		{name: "signed by the right algorithm with another secret", token: func(t *testing.T, _ *token.Issuer, now time.Time) string {
			return forge(t, hsHeader(), claimsAt(now), []byte(strings.Repeat("x", 32)))
		}, wantErr: authn.ErrInvalidToken},
		{name: "tampered payload", token: func(t *testing.T, issuer *token.Issuer, now time.Time) string {
			parts := strings.Split(issued(t, issuer, now), ".")
			claims := decodeSegment(t, strings.Join(parts, "."), 1)
			claims["sub"] = "mallory"
			parts[1] = segment(t, claims)
			return strings.Join(parts, ".")
		}, wantErr: authn.ErrInvalidToken},
		{name: "tampered signature", token: func(t *testing.T, issuer *token.Issuer, now time.Time) string {
			parts := strings.Split(issued(t, issuer, now), ".")
			sig, err := base64.RawURLEncoding.DecodeString(parts[2])
			require.NoError(t, err)
			sig[0] ^= 1
			parts[2] = base64.RawURLEncoding.EncodeToString(sig)
			return strings.Join(parts, ".")
		}, wantErr: authn.ErrInvalidToken},
		{name: "signature removed", token: func(t *testing.T, issuer *token.Issuer, now time.Time) string {
			parts := strings.Split(issued(t, issuer, now), ".")
			return parts[0] + "." + parts[1] + "."
		}, wantErr: authn.ErrInvalidToken},
		{name: "unknown kid", token: forged(func(h map[string]any) { h["kid"] = "hs-2" }, nil), wantErr: authn.ErrInvalidToken},
		{name: "missing kid", token: forged(func(h map[string]any) { delete(h, "kid") }, nil), wantErr: authn.ErrInvalidToken},
		{name: "kid not a string", token: forged(func(h map[string]any) { h["kid"] = 7 }, nil), wantErr: authn.ErrInvalidToken},
		{name: "missing jti", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { delete(c, "jti") }), wantErr: authn.ErrInvalidToken},
		{name: "missing sub", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { delete(c, "sub") }), wantErr: authn.ErrInvalidToken},
		{name: "empty sub", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["sub"] = "" }), wantErr: authn.ErrInvalidToken},
		{name: "sub not a string", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["sub"] = 42 }), wantErr: authn.ErrInvalidToken},
		{name: "gen not a number", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["gen"] = "1" }), wantErr: authn.ErrInvalidToken},
		{name: "gen zero", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["gen"] = 0 }), wantErr: authn.ErrInvalidToken},
		{name: "gen fractional", token: forged(nil, func(_ time.Time, c jwt.MapClaims) { c["gen"] = 1.5 }), wantErr: authn.ErrInvalidToken},
		{name: "expired and missing jti is invalid, not expired", token: forged(nil, func(now time.Time, c jwt.MapClaims) {
			c["exp"] = now.Add(-time.Hour).Unix()
			delete(c, "jti")
		}), wantErr: authn.ErrInvalidToken},
		{name: "expired and wrong issuer is invalid, not expired", token: forged(nil, func(now time.Time, c jwt.MapClaims) {
			c["exp"] = now.Add(-time.Hour).Unix()
			c["iss"] = "https://evil.example"
		}), wantErr: authn.ErrInvalidToken},
		{name: "longer than 8 KiB", token: forged(nil, func(_ time.Time, c jwt.MapClaims) {
			c["padding"] = strings.Repeat("p", token.MaxTokenSize)
		}), wantErr: authn.ErrInvalidToken},
		{name: "empty", token: func(*testing.T, *token.Issuer, time.Time) string { return "" }, wantErr: authn.ErrInvalidToken},
		{name: "not a JWT", token: func(*testing.T, *token.Issuer, time.Time) string { return "not-a-token" }, wantErr: authn.ErrInvalidToken},
		{name: "four segments", token: func(t *testing.T, issuer *token.Issuer, now time.Time) string {
			return issued(t, issuer, now) + ".x"
		}, wantErr: authn.ErrInvalidToken},
		{name: "header not JSON", token: func(t *testing.T, issuer *token.Issuer, now time.Time) string {
			parts := strings.Split(issued(t, issuer, now), ".")
			return base64.RawURLEncoding.EncodeToString([]byte("{")) + "." + parts[1] + "." + parts[2]
		}, wantErr: authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := authntest.NewClock(start)
			keys := []token.Key{hsKey(t, "hs-1"), rsKey(t, "rsa-1"), eddsaKey(t, "ed-1")}
			issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: keys})
			raw := tt.token(t, issuer, clk.Now())

			verifier := issuer
			if tt.verifier != nil {
				cfg := token.Config{Audience: []string{"api"}, Keys: keys}
				tt.verifier(&cfg)
				verifier = newIssuer(t, clk, cfg)
			}
			clk.Advance(tt.advance)

			s, err := verifier.Verify(ctx, raw)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, "bob", s.ID)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
			if tt.wantErr == authn.ErrInvalidToken {
				assert.NotErrorIs(t, err, authn.ErrTokenExpired, "a token that can never be good is not merely expired")
			}
			assert.NotErrorIs(t, err, authn.ErrTokenRevoked)
			assert.True(t, s.IsZero(), "no subject with an error")
			assert.Nil(t, s.Claims)
		})
	}
}

func TestVerifyRespectsContext(t *testing.T) {
	t.Parallel()
	issuer := newIssuer(t, authntest.NewClock(start), token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	tok, err := issuer.Issue(context.Background(), "bob")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = issuer.Verify(ctx, tok.Value.Reveal())
	assert.ErrorIs(t, err, context.Canceled)
}

func TestErrorsDoNotLeakTheToken(t *testing.T) {
	t.Parallel()
	clk := authntest.NewClock(start)
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	tok, err := issuer.Issue(context.Background(), "bob")
	require.NoError(t, err)
	raw := tok.Value.Reveal()
	clk.Advance(time.Hour)
	_, err = issuer.Verify(context.Background(), raw)
	require.ErrorIs(t, err, authn.ErrTokenExpired)
	for _, part := range strings.Split(raw, ".") {
		assert.NotContains(t, err.Error(), part)
	}
}

package purpose_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, p := range []string{purpose.EmailVerification, purpose.PasswordReset, "invite"} {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tokens := newTokens(t, testdb.Open(t), p, authntest.NewClock(start))
			tok, err := tokens.Issue(ctx, "user-42", "")
			require.NoError(t, err)

			subject, err := tokens.Verify(ctx, tok.Value.Reveal(), nil)
			require.NoError(t, err)
			assert.Equal(t, "user-42", subject)

			subject, err = tokens.Consume(ctx, tok.Value.Reveal(), nil)
			require.NoError(t, err)
			assert.Equal(t, "user-42", subject)
		})
	}
}

func TestVerifyDoesNotConsume(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		tokens := newTokens(t, b.Open(t), purpose.PasswordReset, authntest.NewClock(start))
		tok, err := tokens.Issue(ctx, "alice", "")
		require.NoError(t, err)
		for range 3 {
			subject, err := tokens.Verify(ctx, tok.Value.Reveal(), nil)
			require.NoError(t, err)
			assert.Equal(t, "alice", subject)
		}
		subject, err := tokens.Consume(ctx, tok.Value.Reveal(), nil)
		require.NoError(t, err)
		assert.Equal(t, "alice", subject)
	})
}

func TestLifetime(t *testing.T) {
	t.Parallel()
	ttl := 30 * time.Minute // the PasswordReset default
	tests := []struct {
		name    string
		advance time.Duration // from the moment of issue; exp is 0.4s earlier than Issue's clock plus ttl
		wantErr error
	}{
		{"fresh", 0, nil},
		{"just before expiry", ttl - time.Second, nil},
		{"expired within leeway", ttl + 29*time.Second, nil},
		{"expired beyond leeway", ttl + 30*time.Second, authn.ErrTokenExpired},
		{"long expired", 48 * time.Hour, authn.ErrTokenExpired},
		{"clock behind within leeway", -29 * time.Second, nil},
		{"not yet valid beyond leeway", -31 * time.Second, authn.ErrTokenExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c := authntest.NewClock(start)
			tokens := newTokens(t, testdb.Open(t), purpose.PasswordReset, c)
			require.Equal(t, ttl, tokens.TTL())
			tok, err := tokens.Issue(ctx, "alice", "")
			require.NoError(t, err)

			c.Advance(tt.advance)
			_, verifyErr := tokens.Verify(ctx, tok.Value.Reveal(), nil)
			subject, consumeErr := tokens.Consume(ctx, tok.Value.Reveal(), nil)
			if tt.wantErr != nil {
				assert.ErrorIs(t, verifyErr, tt.wantErr)
				assert.ErrorIs(t, consumeErr, tt.wantErr)
				assert.NotErrorIs(t, consumeErr, authn.ErrTokenRevoked)
				assert.Empty(t, subject)
				return
			}
			require.NoError(t, verifyErr)
			require.NoError(t, consumeErr)
			assert.Equal(t, "alice", subject)
		})
	}
}

// sign makes an HS256-family JWT with the given header typ and claims, as
// an attacker or a sibling component holding key could.
func sign(t *testing.T, method jwt.SigningMethod, key any, typ string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if typ == "" {
		delete(tok.Header, "typ")
	} else {
		tok.Header["typ"] = typ
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// resetClaims are claims a genuine password reset token would carry at
// start.
func resetClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": issuer, "sub": "alice", "aud": []string{purpose.PasswordReset},
		"iat": start.Unix(), "nbf": start.Unix(), "exp": start.Add(10 * time.Minute).Unix(),
		"jti": "forged-id",
	}
}

// edit returns resetClaims changed by f.
func edit(f func(jwt.MapClaims)) jwt.MapClaims {
	c := resetClaims()
	f(c)
	return c
}

// tamper replaces the subject in raw's payload and keeps its signature.
func tamper(t *testing.T, raw string) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	claims := decodePart(t, raw, 1)
	claims["sub"] = "mallory"
	b, err := json.Marshal(claims)
	require.NoError(t, err)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// flipSignature changes one character in the middle of raw's signature.
func flipSignature(raw string) string {
	i := strings.LastIndex(raw, ".") + 10
	flipped := byte('A')
	if raw[i] == 'A' {
		flipped = 'B'
	}
	return raw[:i] + string(flipped) + raw[i+1:]
}

func TestVerifyRefusesForeignTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	c := authntest.NewClock(start)
	resets := newTokens(t, db, purpose.PasswordReset, c)
	verifications := newTokens(t, db, purpose.EmailVerification, c)
	sharedKey, err := purpose.New(usedStore(t, db), purpose.Config{Purpose: purpose.EmailVerification, Key: resetKey, Issuer: issuer, Now: c.Now})
	require.NoError(t, err)
	otherIssuer, err := purpose.New(usedStore(t, db), purpose.Config{Purpose: purpose.PasswordReset, Key: resetKey, Issuer: "https://evil.test", Now: c.Now})
	require.NoError(t, err)

	genuine, err := resets.Issue(ctx, "alice", "")
	require.NoError(t, err)
	raw := genuine.Value.Reveal()
	const typ = "password_reset+jwt"
	hs256 := jwt.SigningMethodHS256

	tests := []struct {
		name   string
		tokens *purpose.Tokens
		raw    string
	}{
		{"reset token to email verification, own keys", verifications, raw},
		{"reset token to email verification, shared key", sharedKey, raw},
		{"access token with the same key", resets, sign(t, hs256, resetKey, "at+jwt", resetClaims())},
		{"plain JWT typ with the same key", resets, sign(t, hs256, resetKey, "JWT", resetClaims())},
		{"no typ", resets, sign(t, hs256, resetKey, "", resetClaims())},
		{"typ in other case", resets, sign(t, hs256, resetKey, "Password_Reset+JWT", resetClaims())},
		{"right typ, other audience", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["aud"] = []string{purpose.EmailVerification} }))},
		{"right typ, no audience", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { delete(c, "aud") }))},
		{"right audience, other typ", resets, sign(t, hs256, resetKey, "email_verification+jwt", resetClaims())},
		{"wrong issuer", otherIssuer, raw},
		{"forged issuer", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }))},
		{"alg none", resets, sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, typ, resetClaims())},
		{"alg HS512 with the same key", resets, sign(t, jwt.SigningMethodHS512, resetKey, typ, resetClaims())},
		{"signed with another key", resets, sign(t, hs256, verifyKey, typ, resetClaims())},
		{"tampered payload", resets, tamper(t, raw)},
		{"tampered signature", resets, flipSignature(raw)},
		{"signature removed", resets, raw[:strings.LastIndex(raw, ".")+1]},
		{"truncated", resets, raw[:len(raw)/2]},
		{"garbage", resets, "not-a-token"},
		{"empty", resets, ""},
		{"too long", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("p", purpose.MaxTokenLength) }))},
		{"no subject", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { delete(c, "sub") }))},
		{"empty subject", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["sub"] = "" }))},
		{"no jti", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { delete(c, "jti") }))},
		{"jti too long", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["jti"] = strings.Repeat("j", 65) }))},
		{"no exp", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { delete(c, "exp") }))},
		{"no nbf", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { delete(c, "nbf") }))},
		{"no iat", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { delete(c, "iat") }))},
		{"exp not a number", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["exp"] = "tomorrow" }))},
		{"empty bnd", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["bnd"] = "" }))},
		{"bnd not a hash", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) { c["bnd"] = "hash-v1" }))},
		{"expired and wrong issuer", resets, sign(t, hs256, resetKey, typ, edit(func(c jwt.MapClaims) {
			c["iss"] = "https://evil.test"
			c["exp"] = start.Add(-time.Hour).Unix()
		}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, check := range []func(context.Context, string, func(context.Context, string) (string, error)) (string, error){tt.tokens.Verify, tt.tokens.Consume} {
				subject, err := check(ctx, tt.raw, fixed("any", nil))
				assert.ErrorIs(t, err, authn.ErrInvalidToken)
				assert.NotErrorIs(t, err, authn.ErrTokenExpired, "only the lifetime makes a token expired")
				assert.NotErrorIs(t, err, authn.ErrTokenRevoked)
				assert.Empty(t, subject)
			}
		})
	}

	t.Run("genuine token still works", func(t *testing.T) {
		t.Parallel()
		subject, err := resets.Verify(ctx, raw, nil)
		require.NoError(t, err)
		assert.Equal(t, "alice", subject)
	})
}

func TestBinding(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("user store down")
	tests := []struct {
		name    string
		binding func(context.Context, string) (string, error)
		wantErr []error
		notErr  []error
	}{
		{"unchanged", fixed("hash-v1", nil), nil, nil},
		{"changed", fixed("hash-v2", nil), []error{authn.ErrTokenRevoked}, nil},
		{"subject gone", fixed("", nil), []error{authn.ErrTokenRevoked}, nil},
		{"no binding function", nil, []error{purpose.ErrNoBinding, authn.ErrInvalidToken}, []error{authn.ErrTokenRevoked}},
		{"binding function fails", func(context.Context, string) (string, error) { return "", errBoom }, []error{errBoom}, []error{authn.ErrInvalidCredentials}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tokens := newTokens(t, testdb.Open(t), purpose.PasswordReset, authntest.NewClock(start))
			tok, err := tokens.Issue(ctx, "alice", "hash-v1")
			require.NoError(t, err)

			_, verifyErr := tokens.Verify(ctx, tok.Value.Reveal(), tt.binding)
			subject, consumeErr := tokens.Consume(ctx, tok.Value.Reveal(), tt.binding)
			for _, err := range []error{verifyErr, consumeErr} {
				for _, want := range tt.wantErr {
					assert.ErrorIs(t, err, want)
				}
				for _, not := range tt.notErr {
					assert.NotErrorIs(t, err, not)
				}
			}
			if tt.wantErr == nil {
				require.NoError(t, verifyErr)
				require.NoError(t, consumeErr)
				assert.Equal(t, "alice", subject)
				return
			}
			assert.Empty(t, subject)
			subject, err = tokens.Consume(ctx, tok.Value.Reveal(), fixed("hash-v1", nil))
			require.NoError(t, err, "a refused token is not consumed")
			assert.Equal(t, "alice", subject)
		})
	}
}

func TestBindingFollowsThePassword(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		tokens := newTokens(t, b.Open(t), purpose.PasswordReset, authntest.NewClock(start))
		hashes := map[string]string{"alice": "hash-v1", "bob": "hash-b"}
		var asked []string
		current := func(_ context.Context, subject string) (string, error) {
			asked = append(asked, subject)
			return hashes[subject], nil
		}
		first, err := tokens.Issue(ctx, "alice", hashes["alice"])
		require.NoError(t, err)
		second, err := tokens.Issue(ctx, "alice", hashes["alice"])
		require.NoError(t, err)

		subject, err := tokens.Consume(ctx, first.Value.Reveal(), current)
		require.NoError(t, err)
		assert.Equal(t, []string{"alice"}, asked, "the binding is looked up for the token's subject")
		hashes[subject] = "hash-v2" // the password is reset

		_, err = tokens.Verify(ctx, second.Value.Reveal(), current)
		assert.ErrorIs(t, err, authn.ErrTokenRevoked, "a second link sent before the reset dies with the old password")

		calls := 0
		unbound, err := tokens.Issue(ctx, "alice", "")
		require.NoError(t, err)
		_, err = tokens.Verify(ctx, unbound.Value.Reveal(), fixed("anything", &calls))
		require.NoError(t, err)
		assert.Zero(t, calls, "an unbound token needs no binding")
	})
}

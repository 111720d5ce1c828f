package token_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	hs := hsKey(t, "hs-1")
	public, err := token.RS256Public("rsa-pub", &rsaKey().PublicKey)
	require.NoError(t, err)
	valid := func() token.Config { return token.Config{Issuer: testIssuer, Keys: []token.Key{hs}} }

	tests := []struct {
		name   string
		change func(*token.Config)
		want   string // the field the error must name
	}{
		{"no issuer", func(c *token.Config) { c.Issuer = "" }, "Issuer"},
		{"malformed issuer", func(c *token.Config) { c.Issuer = "\xff" }, "Issuer"},
		{"empty audience entry", func(c *token.Config) { c.Audience = []string{"api", ""} }, "Audience"},
		{"negative TTL", func(c *token.Config) { c.TTL = -time.Minute }, "TTL"},
		{"sub-second TTL", func(c *token.Config) { c.TTL = 500 * time.Millisecond }, "TTL"},
		{"negative MaxLifetime", func(c *token.Config) { c.MaxLifetime = -time.Minute }, "MaxLifetime"},
		{"MaxLifetime under the TTL", func(c *token.Config) { c.MaxLifetime = token.DefaultTTL - time.Second }, "MaxLifetime"},
		{"negative leeway", func(c *token.Config) { c.Leeway = -time.Second }, "Leeway"},
		{"leeway over 5m", func(c *token.Config) { c.Leeway = token.MaxLeeway + time.Second }, "Leeway"},
		{"no keys", func(c *token.Config) { c.Keys = nil }, "Keys"},
		{"zero key", func(c *token.Config) { c.Keys = []token.Key{hs, {}} }, "Keys[1]"},
		{"duplicate kid", func(c *token.Config) { c.Keys = []token.Key{hs, hsKey(t, "hs-1")} }, "Keys"},
		{"unknown signing key", func(c *token.Config) { c.SigningKey = "hs-2" }, "SigningKey"},
		{"verify-only signing key", func(c *token.Config) {
			c.Keys = []token.Key{hs, public}
			c.SigningKey = "rsa-pub"
		}, "SigningKey"},
		{"verify-only first key by default", func(c *token.Config) { c.Keys = []token.Key{public, hs} }, "SigningKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid()
			tt.change(&cfg)
			i, err := token.New(cfg)
			require.ErrorIs(t, err, token.ErrInvalidConfig)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, i)
		})
	}

	t.Run("edges accepted", func(t *testing.T) {
		t.Parallel()
		cfg := valid()
		cfg.TTL = time.Second
		cfg.Leeway = token.MaxLeeway
		cfg.Keys = []token.Key{public, hs}
		cfg.SigningKey = "hs-1"
		_, err := token.New(cfg)
		assert.NoError(t, err)
	})
}

func TestIssue(t *testing.T) {
	t.Parallel()
	clk := authntest.NewClock(start)
	clk.Advance(700 * time.Millisecond) // token times are whole seconds
	issuer := newIssuer(t, clk, token.Config{Audience: []string{"api", "admin"}, Keys: []token.Key{hsKey(t, "hs-1")}})

	tok, err := issuer.Issue(context.Background(), "user-42")
	require.NoError(t, err)
	raw := tok.Value.Reveal()

	header := decodeSegment(t, raw, 0)
	assert.Equal(t, map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": "hs-1"}, header)

	claims := decodeSegment(t, raw, 1)
	issuedAt := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	assert.Equal(t, map[string]any{
		"iss": testIssuer,
		"sub": "user-42",
		"aud": []any{"api", "admin"},
		"iat": float64(issuedAt.Unix()),
		"nbf": float64(issuedAt.Unix()),
		"exp": float64(issuedAt.Add(15 * time.Minute).Unix()),
		"jti": tok.ID,
	}, claims, "only these claims; no roles, no gen before any revocation")
	assert.Equal(t, "user-42", tok.Subject)
	assert.True(t, tok.IssuedAt.Equal(issuedAt))
	assert.True(t, tok.ExpiresAt.Equal(issuedAt.Add(15*time.Minute)))
	assert.Len(t, tok.ID, 22, "16 random bytes, base64url")
	assert.NotContains(t, tok.ID, "=")

	other, err := issuer.Issue(context.Background(), "user-42")
	require.NoError(t, err)
	assert.NotEqual(t, tok.ID, other.ID)
	assert.NotEqual(t, tok.Value.Reveal(), other.Value.Reveal())
}

func TestIssueHonoursTTL(t *testing.T) {
	t.Parallel()
	clk := authntest.NewClock(start)
	issuer := newIssuer(t, clk, token.Config{TTL: 2 * time.Minute, Keys: []token.Key{hsKey(t, "hs-1")}})
	tok, err := issuer.Issue(context.Background(), "bob")
	require.NoError(t, err)
	assert.Equal(t, 2*time.Minute, tok.ExpiresAt.Sub(tok.IssuedAt))
	claims := decodeSegment(t, tok.Value.Reveal(), 1)
	assert.Equal(t, []any{testIssuer}, claims["aud"], "without a configured Audience, aud is the issuer (RFC 9068 §2.2)")
	_, hasAuthTime := claims["auth_time"]
	assert.False(t, hasAuthTime, "no auth_time unless given")
}

func TestIssueStampsAuthTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	login := start.Add(-3 * time.Hour).Add(400 * time.Millisecond)
	tok, err := issuer.Issue(ctx, "bob", token.AuthTime(login))
	require.NoError(t, err)
	assert.EqualValues(t, login.Unix(), decodeSegment(t, tok.Value.Reveal(), 1)["auth_time"], "to the second")

	s, err := issuer.Verify(ctx, tok.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, login.Truncate(time.Second).UTC(), s.AuthenticatedAt)
	assert.EqualValues(t, login.Unix(), s.Claims["auth_time"])
	require.NoError(t, s.RequireRecentLogin(clk.Now(), 4*time.Hour))
	assert.ErrorIs(t, s.RequireRecentLogin(clk.Now(), 2*time.Hour), authn.ErrReauthenticationRequired)

	for name, at := range map[string]time.Time{"zero": {}, "before 1970": time.Unix(-5, 0)} {
		tok, err := issuer.Issue(ctx, "bob", token.AuthTime(at))
		require.NoError(t, err, name)
		s, err := issuer.Verify(ctx, tok.Value.Reveal())
		require.NoError(t, err, name)
		assert.True(t, s.AuthenticatedAt.IsZero(), "%s: no auth_time", name)
		assert.ErrorIs(t, s.RequireRecentLogin(clk.Now(), 24*time.Hour), authn.ErrReauthenticationRequired, "%s: an unknown login time is not recent", name)
	}
}

func TestIssueRejectsBadSubject(t *testing.T) {
	t.Parallel()
	issuer := newIssuer(t, authntest.NewClock(start), token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	for name, subject := range map[string]string{
		"empty":    "",
		"too long": strings.Repeat("a", token.MaxSubjectLength+1),
		"not UTF8": "bob\xff",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tok, err := issuer.Issue(context.Background(), subject)
			assert.ErrorIs(t, err, token.ErrInvalidSubject)
			assert.Equal(t, token.Token{}, tok)
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := issuer.Issue(ctx, "bob")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTokenValueIsRedacted(t *testing.T) {
	t.Parallel()
	issuer := newIssuer(t, authntest.NewClock(start), token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	tok, err := issuer.Issue(context.Background(), "bob")
	require.NoError(t, err)
	printed := strings.Join([]string{tok.Value.String(), sprint(tok)}, " ")
	assert.NotContains(t, printed, tok.Value.Reveal())
	assert.NotContains(t, printed, strings.Split(tok.Value.Reveal(), ".")[2])
}

func TestIssueStampsMethods(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(time.Now())
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "k1")}, Audience: []string{"api"}})
	tests := []struct {
		name string
		amr  []string
		acr  string
	}{
		{"none", nil, ""},
		{"a password", []string{authn.AMRPassword}, authn.ACRSingleFactor},
		{"a password and a code", []string{authn.AMRPassword, authn.AMROTP, authn.AMRMultiFactor}, authn.ACRMultiFactor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := issuer.Issue(ctx, "bob", token.Methods(tt.amr...))
			require.NoError(t, err)
			claims := decodeSegment(t, tok.Value.Reveal(), 1)
			s, err := issuer.Verify(ctx, tok.Value.Reveal())
			require.NoError(t, err)
			assert.Equal(t, tt.amr, s.AMR)
			assert.Equal(t, tt.acr, s.ACR)
			if tt.amr == nil {
				assert.NotContains(t, claims, "amr")
				assert.NotContains(t, claims, "acr")
				return
			}
			assert.Equal(t, tt.acr, claims["acr"])
			assert.Equal(t, tt.acr, s.Claims["acr"])
			again, err := issuer.Verify(ctx, tok.Value.Reveal())
			require.NoError(t, err)
			again.AMR[0] = "changed"
			third, err := issuer.Verify(ctx, tok.Value.Reveal())
			require.NoError(t, err)
			assert.Equal(t, tt.amr, third.AMR, "a caller's change reaches no other Subject")
		})
	}
	for _, bad := range [][]string{{""}, {"PWD"}, {"pwd", "pwd"}, {"a-b"}, {"abcdefghijklmnopq"}, make([]string, 9)} {
		_, err := issuer.Issue(ctx, "bob", token.Methods(bad...))
		assert.ErrorIs(t, err, token.ErrInvalidClaim, "%q", bad)
	}
}

package token_test

import (
	"context"
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

func TestIssueStampsFamily(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	issuer := newIssuer(t, authntest.NewClock(start), token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	tok, err := issuer.Issue(ctx, "bob", token.Family("fam-1"))
	require.NoError(t, err)
	assert.Equal(t, "fam-1", decodeSegment(t, tok.Value.Reveal(), 1)["sid"])
	s, err := issuer.Verify(ctx, tok.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, "fam-1", s.Claims["sid"])

	plain, err := issuer.Issue(ctx, "bob")
	require.NoError(t, err)
	_, hasSid := decodeSegment(t, plain.Value.Reveal(), 1)["sid"]
	assert.False(t, hasSid, "no sid unless given")

	for name, id := range map[string]string{"empty": "", "too long": strings.Repeat("f", token.MaxSubjectLength+1), "not UTF-8": "\xff"} {
		_, err := issuer.Issue(ctx, "bob", token.Family(id))
		assert.ErrorIs(t, err, token.ErrInvalidFamily, name)
	}
}

func TestVerifyChecksSid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sid     any
		wantErr error
	}{
		{"a family id", "fam-1", nil},
		{"empty", "", authn.ErrInvalidToken},
		{"not a string", 7, authn.ErrInvalidToken},
		{"null", nil, authn.ErrInvalidToken},
		{"too long", strings.Repeat("f", token.MaxSubjectLength+1), authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			issuer := newIssuer(t, authntest.NewClock(start), token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}})
			raw := forged(nil, func(_ time.Time, c jwt.MapClaims) { c["sid"] = tt.sid })(t, issuer, start)
			s, err := issuer.Verify(context.Background(), raw)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.sid, s.Claims["sid"])
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// LatestExpiry is no earlier than the exp of any token Verify accepts that
// was issued by now: iat may run ahead by the leeway, and exp follow it by
// MaxLifetime.
func TestLatestExpiryCoversEveryAcceptedToken(t *testing.T) {
	t.Parallel()
	clk := authntest.NewClock(start)
	issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}})
	latest := issuer.LatestExpiry()
	assert.Equal(t, start.Add(token.DefaultLeeway+token.DefaultMaxLifetimeFactor*token.DefaultTTL), latest)

	iat := start.Add(token.DefaultLeeway)
	claims := claimsAt(iat)
	claims["exp"] = iat.Add(token.DefaultMaxLifetimeFactor * token.DefaultTTL).Unix()
	s, err := issuer.Verify(context.Background(), forge(t, hsHeader(), claims, hmacSecret))
	require.NoError(t, err, "the longest-lived token Verify accepts now")
	assert.False(t, s.ExpiresAt.After(latest))
}

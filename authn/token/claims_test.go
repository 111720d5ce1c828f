package token_test

import (
	"context"
	"strconv"
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

// orgIssuer issues and verifies tokens that may carry the custom claims
// "org" and "region", for audience "api".
func orgIssuer(t *testing.T) *token.Issuer {
	t.Helper()
	return newIssuer(t, authntest.NewClock(start), token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")},
		CustomClaims: []string{"org", "region"}})
}

func TestNewRejectsBadCustomClaims(t *testing.T) {
	t.Parallel()
	for name, claims := range map[string][]string{
		"empty name":                       {"org", ""},
		"a space":                          {"my org"},
		"not ASCII":                        {"organisation_é"},
		"a control character":              {"org\n"},
		"too long":                         {strings.Repeat("o", 65)},
		"twice":                            {"org", "org"},
		"twice in another case":            {"org", "Org"},
		"sub":                              {"sub"},
		"SUB, sub in another case":         {"SUB"},
		"exp":                              {"exp"},
		"iat":                              {"iat"},
		"nbf":                              {"nbf"},
		"jti":                              {"jti"},
		"iss":                              {"iss"},
		"aud":                              {"aud"},
		"auth_time, gatehouse's":           {"auth_time"},
		"gen, gatehouse's":                 {"gen"},
		"sid, gatehouse's":                 {"sid"},
		"roles, authorization":             {"roles"},
		"scope, authorization":             {"scope"},
		"groups, authorization":            {"groups"},
		"entitlements, authorization":      {"entitlements"},
		"client_id, RFC 9068's":            {"client_id"},
		"amr, RFC 9068's":                  {"amr"},
		"a reserved name after a good one": {"org", "Roles"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			i, err := token.New(token.Config{Issuer: testIssuer, Keys: []token.Key{hsKey(t, "hs-1")}, CustomClaims: claims})
			require.ErrorIs(t, err, token.ErrInvalidConfig)
			assert.Contains(t, err.Error(), "CustomClaims[")
			assert.Nil(t, i)
		})
	}
	_, err := token.New(token.Config{Issuer: testIssuer, Keys: []token.Key{hsKey(t, "hs-1")},
		CustomClaims: []string{"org", "tenant_id", "x-region", strings.Repeat("o", 64)}})
	assert.NoError(t, err)
}

func TestIssueStampsCustomClaims(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	issuer := orgIssuer(t)

	tok, err := issuer.Issue(ctx, "bob", token.Claim("org", "acme/eu"), token.Claim("region", "eu-west"))
	require.NoError(t, err)
	payload := decodeSegment(t, tok.Value.Reveal(), 1)
	assert.Equal(t, "acme/eu", payload["org"])
	assert.Equal(t, "eu-west", payload["region"])
	s, err := issuer.Verify(ctx, tok.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, "acme/eu", s.Claims["org"])
	assert.Equal(t, "eu-west", s.Claims["region"])
	assert.Equal(t, "bob", s.Claims["sub"], "gatehouse's claims are still there")

	// The claims handed out are the caller's: a change is not seen by the
	// next verification, which the cache answers.
	s.Claims["org"] = "globex"
	again, err := issuer.Verify(ctx, tok.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, "acme/eu", again.Claims["org"])

	last, err := issuer.Issue(ctx, "bob", token.Claim("org", "acme"), token.Claim("org", "globex"))
	require.NoError(t, err)
	assert.Equal(t, "globex", decodeSegment(t, last.Value.Reveal(), 1)["org"], "the last value given counts")

	plain, err := issuer.Issue(ctx, "bob")
	require.NoError(t, err)
	s, err = issuer.Verify(ctx, plain.Value.Reveal())
	require.NoError(t, err)
	_, hasOrg := s.Claims["org"]
	assert.False(t, hasOrg, "no org unless given")

	for name, opt := range map[string]token.IssueOption{
		"not configured":             token.Claim("team", "blue"),
		"reserved: sub":              token.Claim("sub", "alice"),
		"reserved: exp":              token.Claim("exp", "9999999999"),
		"reserved: jti":              token.Claim("jti", "mine"),
		"reserved: iss":              token.Claim("iss", "https://evil.example"),
		"reserved: aud":              token.Claim("aud", "everything"),
		"reserved: iat":              token.Claim("iat", "0"),
		"reserved: roles":            token.Claim("roles", "admin"),
		"reserved in another case":   token.Claim("Sub", "alice"),
		"configured in another case": token.Claim("ORG", "acme"),
		"empty value":                token.Claim("org", ""),
		"NUL in the value":           token.Claim("org", "acme\x00"),
		"value not UTF-8":            token.Claim("org", "acme\xff"),
		"value too long":             token.Claim("org", strings.Repeat("o", token.MaxClaimLength+1)),
	} {
		_, err := issuer.Issue(ctx, "bob", opt)
		assert.ErrorIs(t, err, token.ErrInvalidClaim, name)
	}
	_, err = issuer.Issue(ctx, "bob", token.Claim("org", strings.Repeat("o", token.MaxClaimLength)))
	assert.NoError(t, err, "a value of MaxClaimLength bytes")

	// An issuer without custom claims refuses every one.
	plainIssuer := newIssuer(t, authntest.NewClock(start), token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	_, err = plainIssuer.Issue(ctx, "bob", token.Claim("org", "acme"))
	assert.ErrorIs(t, err, token.ErrInvalidClaim)
}

func TestVerifyReadsCustomClaims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		org     any // nil: the claim is absent
		wantErr error
	}{
		{"a tenant", "acme", nil},
		{"a nested tenant", "acme/eu", nil},
		{"unicode", "日本", nil},
		{"absent", nil, nil},
		{"empty", "", authn.ErrInvalidToken},
		{"a number", 7, authn.ErrInvalidToken},
		{"a list", []string{"acme", "globex"}, authn.ErrInvalidToken},
		{"an object", map[string]string{"name": "acme"}, authn.ErrInvalidToken},
		{"true", true, authn.ErrInvalidToken},
		{"NUL", "acme\x00", authn.ErrInvalidToken},
		{"too long", strings.Repeat("o", token.MaxClaimLength+1), authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			issuer := orgIssuer(t)
			raw := forged(nil, func(_ time.Time, c jwt.MapClaims) {
				if tt.org != nil {
					c["org"] = tt.org
				}
			})(t, issuer, start)
			s, err := issuer.Verify(context.Background(), raw)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.True(t, s.IsZero())
				return
			}
			require.NoError(t, err)
			org, ok := s.Claims["org"]
			assert.Equal(t, tt.org != nil, ok)
			if tt.org != nil {
				assert.Equal(t, tt.org, org)
			}
		})
	}

	t.Run("one way to read it", func(t *testing.T) {
		t.Parallel()
		issuer := orgIssuer(t)
		now, exp := strconv.FormatInt(start.Unix(), 10), strconv.FormatInt(start.Add(token.DefaultTTL).Unix(), 10)
		payload := func(extra string) []byte {
			return []byte(`{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","iat":` + now + `,"exp":` + exp + extra + `}`)
		}
		header := []byte(`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`)
		for name, extra := range map[string]string{
			"twice":                    `,"org":"acme","org":"globex"`,
			"twice, once escaped":      `,"org":"acme","\u006frg":"globex"`,
			"in another case":          `,"ORG":"globex"`,
			"besides, in another case": `,"org":"acme","Org":"globex"`,
		} {
			_, err := issuer.Verify(context.Background(), signSegments(t, header, payload(extra)))
			assert.ErrorIs(t, err, authn.ErrInvalidToken, name)
		}
		s, err := issuer.Verify(context.Background(), signSegments(t, header, payload(`,"\u006frg":"acme"`)))
		require.NoError(t, err)
		assert.Equal(t, "acme", s.Claims["org"], "an escaped name is the name it spells")
	})

	t.Run("an issuer without custom claims reads none", func(t *testing.T) {
		t.Parallel()
		issuer := newIssuer(t, authntest.NewClock(start), token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}})
		raw := forged(nil, func(_ time.Time, c jwt.MapClaims) { c["org"] = 7 })(t, issuer, start)
		s, err := issuer.Verify(context.Background(), raw)
		require.NoError(t, err, "a claim it does not read does not matter")
		_, hasOrg := s.Claims["org"]
		assert.False(t, hasOrg)
	})
}

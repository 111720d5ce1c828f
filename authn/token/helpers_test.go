package token_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// start is where every test clock begins; whole seconds, as JWT times are.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

const testIssuer = "https://auth.example.test"

// hmacSecret is a fixed 32-byte HS256 secret; tests forge tokens with it.
var hmacSecret = []byte("0123456789abcdef0123456789abcdef")

// rsaKey is generated once: 2048-bit generation is the slowest step here.
var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

var edKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

func hsKey(t *testing.T, kid string) token.Key {
	t.Helper()
	k, err := token.HS256(kid, hmacSecret)
	require.NoError(t, err)
	return k
}

func rsKey(t *testing.T, kid string) token.Key {
	t.Helper()
	k, err := token.RS256(kid, rsaKey())
	require.NoError(t, err)
	return k
}

func eddsaKey(t *testing.T, kid string) token.Key {
	t.Helper()
	k, err := token.EdDSA(kid, edKey)
	require.NoError(t, err)
	return k
}

// newIssuer builds an Issuer on clk, failing the test on error.
func newIssuer(t *testing.T, clk *authntest.Clock, cfg token.Config) *token.Issuer {
	t.Helper()
	if cfg.Issuer == "" {
		cfg.Issuer = testIssuer
	}
	cfg.Now = clk.Now
	i, err := token.New(cfg)
	require.NoError(t, err)
	return i
}

// claimsAt returns the claims an Issuer for testIssuer and audience "api"
// would put in a token for bob issued at now.
func claimsAt(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": testIssuer,
		"aud": []string{"api"},
		"sub": "bob",
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(token.DefaultTTL).Unix(),
		"jti": "forged-jti",
	}
}

// forge signs claims under header with key, as an attacker holding key
// would; header must name its own "alg".
func forge(t *testing.T, header map[string]any, claims jwt.MapClaims, key any) string {
	t.Helper()
	method := jwt.GetSigningMethod(header["alg"].(string))
	require.NotNil(t, method)
	tok := &jwt.Token{Header: header, Claims: claims, Method: method}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// hsHeader is the header of a token signed with hmacSecret as kid "hs-1".
func hsHeader() map[string]any {
	return map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": "hs-1"}
}

// segment encodes v as a JWT segment.
func segment(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeSegment decodes segment n (0 header, 1 claims) of raw.
func decodeSegment(t *testing.T, raw string, n int) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[n])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func sprint(v any) string { return fmt.Sprintf("%v %+v %#v", v, v, v) }

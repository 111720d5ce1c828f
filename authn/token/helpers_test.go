package token_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn/token"
)

// clock is a fake time source that tests advance instead of sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

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
func newIssuer(t *testing.T, clk *clock, cfg token.Config) *token.Issuer {
	t.Helper()
	if cfg.Issuer == "" {
		cfg.Issuer = testIssuer
	}
	cfg.Now = clk.Now
	i, err := token.New(cfg)
	require.NoError(t, err)
	return i
}

// openDB opens (creating if needed) the SQLite database at path and closes
// it when the test ends.
func openDB(t *testing.T, path string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(path+"?_busy_timeout=5000"), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

func tempDBPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "x.db")
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

package purpose_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
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

// signRaw signs header and payload, given as JSON, with key under HS256,
// whatever the header says.
func signRaw(t *testing.T, key []byte, header, payload string) string {
	t.Helper()
	signing := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(signing, key)
	require.NoError(t, err)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// hash returns a well-formed "bnd" value: 64 lower-case hex digits.
func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// A purpose token's header and claims must read one way only, as an
// access token's must: no member twice, no claim in another case, and
// times as numbers.
func TestVerifyRefusesAmbiguousJSON(t *testing.T) {
	t.Parallel()
	n := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
	iat, exp := n(start), n(start.Add(10*time.Minute))
	payload := func(extra string) string {
		return `{"iss":"` + issuer + `","sub":"alice","aud":["password_reset"],"iat":` + iat + `,"nbf":` + iat +
			`,"exp":` + exp + `,"jti":"j1"` + extra + `}`
	}
	const header = `{"alg":"HS256","typ":"password_reset+jwt"}`
	tests := []struct {
		name            string
		header, payload string
		wantErr         error
	}{
		{"plain token", header, payload(""), nil},
		{"unknown claims are ignored", header, payload(`,"note":"a","Note":"b"`), nil},

		{"duplicate sub", header, payload(`,"sub":"mallory"`), authn.ErrInvalidToken},
		{"duplicate jti", header, payload(`,"jti":"j2"`), authn.ErrInvalidToken},
		{"duplicate bnd", header, payload(`,"bnd":"` + hash("a") + `","bnd":"` + hash("b") + `"`), authn.ErrInvalidToken},
		{"duplicate in a nested object", header, payload(`,"x":{"a":1,"a":2}`), authn.ErrInvalidToken},
		{"duplicate typ", `{"alg":"HS256","typ":"at+jwt","typ":"password_reset+jwt"}`, payload(""), authn.ErrInvalidToken},
		{"duplicate alg, none first", `{"alg":"none","alg":"HS256","typ":"password_reset+jwt"}`, payload(""), authn.ErrInvalidToken},

		{"claims in capitals only", header, `{"ISS":"` + issuer + `","SUB":"alice","AUD":"password_reset","IAT":` + iat + `,"NBF":` + iat + `,"EXP":` + exp + `,"JTI":"j1"}`, authn.ErrInvalidToken},
		{"Sub besides sub", header, payload(`,"Sub":"mallory"`), authn.ErrInvalidToken},
		{"Bnd without bnd", header, payload(`,"Bnd":"` + hash("a") + `"`), authn.ErrInvalidToken},
		{"Typ besides typ", `{"alg":"HS256","typ":"password_reset+jwt","Typ":"JWT"}`, payload(""), authn.ErrInvalidToken},
		{"ALG besides alg", `{"ALG":"none","alg":"HS256","typ":"password_reset+jwt"}`, payload(""), authn.ErrInvalidToken},

		{"exp a string of digits", header, `{"iss":"` + issuer + `","sub":"alice","aud":"password_reset","iat":` + iat + `,"nbf":` + iat + `,"exp":"` + exp + `","jti":"j1"}`, authn.ErrInvalidToken},
		{"iat a string of digits", header, `{"iss":"` + issuer + `","sub":"alice","aud":"password_reset","iat":"` + iat + `","nbf":` + iat + `,"exp":` + exp + `,"jti":"j1"}`, authn.ErrInvalidToken},
		{"nbf a string of digits", header, `{"iss":"` + issuer + `","sub":"alice","aud":"password_reset","iat":` + iat + `,"nbf":"` + iat + `","exp":` + exp + `,"jti":"j1"}`, authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tokens := newTokens(t, testdb.Open(t), purpose.PasswordReset, authntest.NewClock(start))
			raw := signRaw(t, resetKey, tt.header, tt.payload)
			subject, err := tokens.Verify(ctx, raw, fixed("any", nil))
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, "alice", subject)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			assert.NotErrorIs(t, err, authn.ErrTokenExpired)
			assert.NotErrorIs(t, err, authn.ErrTokenRevoked, "refused for its shape, before its binding is looked at")
			assert.Empty(t, subject)
			_, err = tokens.Consume(ctx, raw, fixed("any", nil))
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// A purpose token may not claim to live longer than the purpose's TTL:
// tokens are only ever issued for that long, so a longer one was not made
// by Issue.
func TestVerifyCapsTheLifetime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		lifetime time.Duration
		wantErr  error
	}{
		{"the TTL", purpose.DefaultPasswordResetTTL, nil},
		{"a second over the TTL", purpose.DefaultPasswordResetTTL + time.Second, authn.ErrInvalidToken},
		{"a hundred years", 100 * 365 * 24 * time.Hour, authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tokens := newTokens(t, testdb.Open(t), purpose.PasswordReset, authntest.NewClock(start))
			raw := sign(t, jwt.SigningMethodHS256, resetKey, "password_reset+jwt", edit(func(c jwt.MapClaims) {
				c["exp"] = start.Add(tt.lifetime).Unix()
			}))
			_, err := tokens.Verify(ctx, raw, nil)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			assert.NotErrorIs(t, err, authn.ErrTokenExpired)
		})
	}
}

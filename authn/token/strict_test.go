package token_test

import (
	"context"
	"crypto/ed25519"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// A JSON object may name a member twice, or name it in another case, and
// encoding/json then picks one reading without a word: the last of two
// members, and any member whose name matches a field's under case
// folding. Two parties reading one signed token must not come away with
// two different subjects, so Verify refuses every header and payload that
// can be read more than one way.
func TestVerifyRefusesAmbiguousJSON(t *testing.T) {
	t.Parallel()
	now := start.Unix()
	exp := start.Add(token.DefaultTTL).Unix()
	n := strconv.FormatInt
	// payload returns claims for bob, good at start, with extra appended.
	payload := func(extra string) string {
		return `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","iat":` + n(now, 10) +
			`,"nbf":` + n(now, 10) + `,"exp":` + n(exp, 10) + extra + `}`
	}
	const header = `{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`
	tests := []struct {
		name            string
		header, payload string
		wantErr         error // nil: accepted
	}{
		{"plain token", header, payload(""), nil},
		{"unknown claims are ignored", header, payload(`,"scope":"read","Scope":"write"`), nil},
		{"escaped names are the names they spell", header, `{"\u0069ss":"` + testIssuer + `","aud":"api","s\u0075b":"bob","jti":"j1","iat":` + n(now, 10) + `,"exp":` + n(exp, 10) + `}`, nil},

		{"duplicate sub", header, payload(`,"sub":"carol"`), authn.ErrInvalidToken},
		{"duplicate sub, same value", header, payload(`,"sub":"bob"`), authn.ErrInvalidToken},
		{"duplicate sub spelled with an escape", header, payload(`,"s\u0075b":"carol"`), authn.ErrInvalidToken},
		{"duplicate exp", header, payload(`,"exp":` + n(exp+3600, 10)), authn.ErrInvalidToken},
		{"duplicate unknown claim", header, payload(`,"scope":"read","scope":"admin"`), authn.ErrInvalidToken},
		{"duplicate member in a nested object", header, payload(`,"cnf":{"jkt":"a","jkt":"b"}`), authn.ErrInvalidToken},
		{"duplicate member in an object in a list", header, payload(`,"x":[{"a":1},{"b":1,"b":2}]`), authn.ErrInvalidToken},
		{"duplicate alg, none first", `{"alg":"none","alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, payload(""), authn.ErrInvalidToken},
		{"duplicate kid", `{"alg":"HS256","kid":"hs-2","kid":"hs-1","typ":"at+jwt"}`, payload(""), authn.ErrInvalidToken},
		{"duplicate typ", `{"alg":"HS256","kid":"hs-1","typ":"JWT","typ":"at+jwt"}`, payload(""), authn.ErrInvalidToken},

		{"registered claims in capitals only", header, `{"ISS":"` + testIssuer + `","AUD":"api","SUB":"bob","JTI":"j1","IAT":` + n(now, 10) + `,"EXP":` + n(exp, 10) + `}`, authn.ErrInvalidToken},
		{"Sub besides sub", header, payload(`,"Sub":"carol"`), authn.ErrInvalidToken},
		{"Sub before sub", header, `{"Sub":"carol",` + payload("")[1:], authn.ErrInvalidToken},
		{"Exp besides exp", header, payload(`,"Exp":` + n(exp+3600, 10)), authn.ErrInvalidToken},
		{"GEN besides gen", header, payload(`,"gen":1,"GEN":9`), authn.ErrInvalidToken},
		{"Auth_Time", header, payload(`,"Auth_Time":` + n(now, 10)), authn.ErrInvalidToken},
		{"ſub, which folds to sub", header, payload(`,"ſub":"carol"`), authn.ErrInvalidToken},
		{"KID in the header", `{"alg":"HS256","KID":"hs-1","typ":"at+jwt"}`, payload(""), authn.ErrInvalidToken},
		{"Typ besides typ", `{"alg":"HS256","kid":"hs-1","typ":"at+jwt","Typ":"JWT"}`, payload(""), authn.ErrInvalidToken},
		{"ALG besides alg", `{"ALG":"none","alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, payload(""), authn.ErrInvalidToken},
		{"Crit", `{"alg":"HS256","kid":"hs-1","typ":"at+jwt","Crit":["exp"]}`, payload(""), authn.ErrInvalidToken},

		{"exp a string of digits", header, `{"iss":"` + testIssuer + `","aud":"api","sub":"bob","jti":"j1","iat":` + n(now, 10) + `,"exp":"` + n(exp, 10) + `"}`, authn.ErrInvalidToken},
		{"iat a string of digits", header, `{"iss":"` + testIssuer + `","aud":"api","sub":"bob","jti":"j1","iat":"` + n(now, 10) + `","exp":` + n(exp, 10) + `}`, authn.ErrInvalidToken},
		{"nbf a string of digits", header, `{"iss":"` + testIssuer + `","aud":"api","sub":"bob","jti":"j1","iat":` + n(now, 10) + `,"nbf":"` + n(now, 10) + `","exp":` + n(exp, 10) + `}`, authn.ErrInvalidToken},
		{"nbf null", header, `{"iss":"` + testIssuer + `","aud":"api","sub":"bob","jti":"j1","iat":` + n(now, 10) + `,"nbf":null,"exp":` + n(exp, 10) + `}`, authn.ErrInvalidToken},
		{"auth_time a string of digits", header, payload(`,"auth_time":"` + n(now, 10) + `"`), authn.ErrInvalidToken},
		{"exp with a fraction is a number", header, `{"iss":"` + testIssuer + `","aud":"api","sub":"bob","jti":"j1","iat":` + n(now, 10) + `,"exp":` + n(exp, 10) + `.5}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := authntest.NewClock(start.Add(time.Minute))
			issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}})
			raw := signSegments(t, []byte(tt.header), []byte(tt.payload))
			s, err := issuer.Verify(context.Background(), raw)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, "bob", s.ID)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.NotErrorIs(t, err, authn.ErrTokenExpired)
			assert.True(t, s.IsZero())
			// The cache must not turn a second look into a yes.
			_, err = issuer.Verify(context.Background(), raw)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// An expired token that is also ambiguous is invalid, not merely expired:
// no refresh will make it good.
func TestVerifyAmbiguousAndExpiredIsInvalid(t *testing.T) {
	t.Parallel()
	clk := authntest.NewClock(start.Add(time.Hour))
	issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}})
	now, exp := start.Unix(), start.Add(token.DefaultTTL).Unix()
	raw := signSegments(t, []byte(`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`),
		[]byte(`{"iss":"`+testIssuer+`","aud":"api","sub":"bob","sub":"carol","jti":"j1","iat":`+
			strconv.FormatInt(now, 10)+`,"exp":`+strconv.FormatInt(exp, 10)+`}`))
	_, err := issuer.Verify(context.Background(), raw)
	require.ErrorIs(t, err, authn.ErrInvalidToken)
	assert.NotErrorIs(t, err, authn.ErrTokenExpired)
}

// RFC 7515 §4.1.4 makes kid optional. A token minted elsewhere with the
// one configured key, and no kid, verifies under that key's algorithm;
// among several keys a token must still say which one it was signed with.
func TestVerifyWithoutKid(t *testing.T) {
	t.Parallel()
	noKid := map[string]any{"alg": "HS256", "typ": "at+jwt"}
	tests := []struct {
		name    string
		keys    func(*testing.T) []token.Key
		header  map[string]any
		key     any // what the token is signed with
		wantErr error
	}{
		{"one key, no kid", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1")} }, noKid, hmacSecret, nil},
		{"one key, no kid, another secret", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1")} }, noKid, []byte("another-secret-another-secret-xx"), authn.ErrInvalidToken},
		{"one key, no kid, another algorithm", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1")} },
			map[string]any{"alg": "HS512", "typ": "at+jwt"}, hmacSecret, authn.ErrInvalidToken},
		{"one key, no kid, no typ", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1")} },
			map[string]any{"alg": "HS256"}, hmacSecret, authn.ErrInvalidToken},
		{"one key, empty kid", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1")} },
			map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": ""}, hmacSecret, authn.ErrInvalidToken},
		{"one key, kid null", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1")} },
			map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": nil}, hmacSecret, authn.ErrInvalidToken},
		{"one key, unknown kid", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1")} },
			map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": "hs-2"}, hmacSecret, authn.ErrInvalidToken},
		{"one EdDSA key, no kid", func(t *testing.T) []token.Key { return []token.Key{eddsaKey(t, "ed-1")} },
			map[string]any{"alg": "EdDSA", "typ": "at+jwt"}, edKey, nil},
		{"one EdDSA key, no kid, HS256 with its public key", func(t *testing.T) []token.Key { return []token.Key{eddsaKey(t, "ed-1")} },
			noKid, []byte(edKey.Public().(ed25519.PublicKey)), authn.ErrInvalidToken},
		{"two keys, no kid", func(t *testing.T) []token.Key { return []token.Key{hsKey(t, "hs-1"), eddsaKey(t, "ed-1")} }, noKid, hmacSecret, authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := authntest.NewClock(start)
			issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: tt.keys(t)})
			raw := forge(t, tt.header, claimsAt(start), tt.key)
			s, err := issuer.Verify(context.Background(), raw)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, "bob", s.ID)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

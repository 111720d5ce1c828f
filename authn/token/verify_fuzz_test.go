package token_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// fuzzNow is the verifier's clock in the fuzz targets: a minute into the
// life of fuzzToken.
var fuzzNow = start.Add(time.Minute)

// fuzzIssuer returns a verifier of tokens signed with hmacSecret as kid
// "hs-1" for audience "api", its clock stopped at fuzzNow.
func fuzzIssuer(tb testing.TB) *token.Issuer {
	tb.Helper()
	key, err := token.HS256("hs-1", hmacSecret)
	if err != nil {
		tb.Fatal(err)
	}
	i, err := token.New(token.Config{
		Issuer:   testIssuer,
		Audience: []string{"api"},
		Keys:     []token.Key{key},
		Now:      authntest.NewClock(fuzzNow).Now,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return i
}

// signSegments signs header and claims, given as JSON, with hmacSecret
// under HS256, whatever the header says.
func signSegments(tb testing.TB, header, claims []byte) string {
	tb.Helper()
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	sig, err := jwt.SigningMethodHS256.Sign(signing, hmacSecret)
	if err != nil {
		tb.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// fuzzToken is a good token for fuzzIssuer, the same bytes on every run:
// its claims are fixed, as an Issuer's are not (its jti is random).
func fuzzToken(tb testing.TB) string {
	tb.Helper()
	claims, err := json.Marshal(map[string]any{
		"iss": testIssuer, "aud": []string{"api"}, "sub": "bob", "jti": "fuzz-jti",
		"iat": start.Unix(), "nbf": start.Unix(), "exp": start.Add(token.DefaultTTL).Unix(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return signSegments(tb, []byte(`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`), claims)
}

// Only the token that was signed verifies: a token's signature covers its
// first two segments as written, and every segment has one spelling, so no
// change to its bytes — a flipped bit, a spare character, non-canonical
// trailing bits, padding, a line break — yields another accepted token.
// Whatever else Verify is given, it never panics and refuses it with an
// error matching authn.ErrInvalidToken, the same way from its cache.
func FuzzVerifyTamperedToken(f *testing.F) {
	good := fuzzToken(f)
	header, rest, _ := strings.Cut(good, ".")
	claims, sig, _ := strings.Cut(rest, ".")
	last := func(s string, c byte) string { return s[:len(s)-1] + string(c) }
	for _, seed := range []string{
		good,
		good + "=",
		good + ".",
		"." + good,
		good + "\n",
		header + "\n." + claims + "." + sig,
		header + "." + claims + "." + sig[:10] + "\r\n" + sig[10:],
		header + "." + claims + "." + sig[:len(sig)-1] + "\n" + sig[len(sig)-1:],
		header + "." + claims + "." + last(sig, sig[len(sig)-1]^1),
		header + "." + claims + "." + last(sig, sig[len(sig)-1]+1),
		header + "." + claims + "." + sig + "=",
		header + "." + claims + "." + strings.ReplaceAll(sig, "_", "/"),
		header + "." + claims + ".",
		header + "." + claims,
		header + "==." + claims + "." + sig,
		strings.ToUpper(good),
		"", ".", "..", "a.b.c", "Bearer " + good, strings.Repeat("A", token.MaxTokenSize+1),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		issuer := fuzzIssuer(t)
		ctx := context.Background()
		s, err := issuer.Verify(ctx, raw)
		switch {
		case err == nil && raw != good:
			t.Fatalf("a token that is not the one signed was accepted:\n%q\nsigned:\n%q", raw, good)
		case err == nil && (s.ID != "bob" || s.CredentialID != "fuzz-jti"):
			t.Fatalf("the signed token gave subject %q, credential %q", s.ID, s.CredentialID)
		case err != nil && !errors.Is(err, authn.ErrInvalidToken):
			t.Fatalf("refused without authn.ErrInvalidToken: %v", err)
		case err != nil && raw == good:
			t.Fatalf("the signed token was refused: %v", err)
		}
		// A second look may come from the cache; it must say the same.
		again, err2 := issuer.Verify(ctx, raw)
		if (err == nil) != (err2 == nil) || again.ID != s.ID {
			t.Fatalf("verified twice, answered %v then %v", err, err2)
		}
	})
}

// fuzzClaims is how golang-jwt, and so Verify, reads a token's claims: a
// struct, so that names match as encoding/json matches them.
type fuzzClaims struct {
	Iss string           `json:"iss"`
	Sub string           `json:"sub"`
	Jti string           `json:"jti"`
	Aud jwt.ClaimStrings `json:"aud"`
	Exp *jwt.NumericDate `json:"exp"`
	Nbf *jwt.NumericDate `json:"nbf"`
	Iat *jwt.NumericDate `json:"iat"`
	Gen *json.RawMessage `json:"gen"`
}

// A token signed with the right key is accepted only when it says what
// Verify's documentation requires: the kid of that key, or none since it
// is the only key, and its alg, typ at+jwt, this issuer, audience "api", a
// live exp at most MaxLifetime after an iat, nbf and iat not in the
// future, a sub and a jti, and a gen, if any, that is a positive integer
// below 2^53; header and claims read alike case-sensitively or not. The
// Subject then carries its sub, jti and exp. Whatever the header and
// claims hold, Verify never panics and every refusal matches
// authn.ErrInvalidToken.
func FuzzVerifySignedClaims(f *testing.F) {
	now := fuzzNow.Unix()
	good := `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","iat":1893553445,"exp":1893554345}`
	for _, seed := range [][2]string{
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, good},
		{`{"alg":"HS256","kid":"hs-1","typ":"Application/AT+JWT"}`, good},
		{`{"alg":"HS256","kid":"hs-1","typ":"JWT"}`, good},
		{`{"alg":"none","kid":"hs-1","typ":"at+jwt"}`, good},
		{`{"alg":"HS256","kid":"hs-2","typ":"at+jwt"}`, good},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt","crit":["exp"]}`, good},
		{`{"alg":"HS256","KID":"hs-1","Typ":"at+jwt"}`, good},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":"api","sub":"bob","jti":"j1","exp":1893554345,"gen":3}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","exp":1893554345,"gen":1.5}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","exp":1893554345,"gen":9007199254740993}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["api"],"SUB":"bob","jti":"j1","exp":1e300}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","exp":1893553385,"nbf":1893553445}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["web"],"sub":"","jti":"j1","exp":"soon"}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `null`},
		{`{"alg":"HS256","typ":"at+jwt"}`, good},
		{`{"alg":"HS256","kid":null,"typ":"at+jwt"}`, good},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","iat":1893553445,"exp":4893554345}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","Sub":"eve","jti":"j1","iat":1893553445,"exp":1893554345}`},
		{`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`, `{"iss":"` + testIssuer + `","aud":["api"],"sub":"bob","jti":"j1","iat":"1893553445","exp":1893554345}`},
		{`[]`, `{}`},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, header, claims string) {
		issuer := fuzzIssuer(t)
		s, err := issuer.Verify(context.Background(), signSegments(t, []byte(header), []byte(claims)))
		if err != nil {
			if !errors.Is(err, authn.ErrInvalidToken) {
				t.Fatalf("refused without authn.ErrInvalidToken: %v", err)
			}
			return
		}
		var h, m map[string]any
		var hs struct{ Typ, Kid any }
		var c fuzzClaims
		if json.Unmarshal([]byte(header), &h) != nil || json.Unmarshal([]byte(header), &hs) != nil ||
			json.Unmarshal([]byte(claims), &c) != nil || json.Unmarshal([]byte(claims), &m) != nil {
			t.Fatalf("accepted a token whose header or claims do not decode:\n%s\n%s", header, claims)
		}
		kid, hasKid := h["kid"]
		typ, _ := hs.Typ.(string)
		leeway := int64(token.DefaultLeeway / time.Second)
		notAfterNow := func(d *jwt.NumericDate) bool { return d == nil || d.Unix() <= now+leeway }
		switch {
		case h["alg"] != "HS256" || hasKid && kid != "hs-1" || hs.Kid != kid:
			t.Fatalf("accepted alg %v, kid %v", h["alg"], hs.Kid)
		case !strings.EqualFold(typ, token.TokenType) && !strings.EqualFold(typ, "application/"+token.TokenType):
			t.Fatalf("accepted typ %v", hs.Typ)
		case h["crit"] != nil:
			t.Fatalf("accepted crit %v", h["crit"])
		case c.Iss != testIssuer || !slices.Contains(c.Aud, "api"):
			t.Fatalf("accepted iss %q, aud %q", c.Iss, c.Aud)
		case c.Exp == nil || c.Exp.Unix()+leeway <= now:
			t.Fatalf("accepted exp %v at %v", c.Exp, fuzzNow)
		case !notAfterNow(c.Nbf) || !notAfterNow(c.Iat):
			t.Fatalf("accepted nbf %v, iat %v at %v", c.Nbf, c.Iat, fuzzNow)
		case c.Iat == nil || c.Exp.Sub(c.Iat.Time) > token.DefaultMaxLifetimeFactor*token.DefaultTTL:
			t.Fatalf("accepted iat %v, exp %v", c.Iat, c.Exp)
		case c.Sub == "" || c.Jti == "":
			t.Fatalf("accepted sub %q, jti %q", c.Sub, c.Jti)
		case m["sub"] != c.Sub || m["jti"] != c.Jti || m["iss"] != c.Iss:
			t.Fatalf("claims read differently case-sensitively: %v, %+v", m, c)
		case s.ID != c.Sub || s.CredentialID != c.Jti || !s.ExpiresAt.Equal(c.Exp.Time):
			t.Fatalf("subject %+v for claims %+v", s, c)
		}
		for _, date := range []string{"exp", "nbf", "iat", "auth_time"} {
			if v, ok := m[date]; ok {
				if _, isNumber := v.(float64); !isNumber {
					t.Fatalf("accepted %s %v, not a number", date, v)
				}
			}
		}
		if c.Gen != nil && string(*c.Gen) != "null" {
			var gen float64
			if json.Unmarshal(*c.Gen, &gen) != nil || gen < 1 || gen > 1<<53 || gen != math.Trunc(gen) {
				t.Fatalf("accepted gen %s", *c.Gen)
			}
		}
	})
}

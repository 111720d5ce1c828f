package external_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/external"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/internal/testprovider"
)

// benchTokens numbers the benchmark's tokens: Ed25519 signatures are
// deterministic, and a token signed twice would be remembered.
var benchTokens atomic.Int64

// BenchmarkVerify measures what a provider's token adds to a request, for
// each algorithm: "new" verifies tokens never seen (the signature, the
// claims), "again" one token on every request, as a client sends it until
// it expires (the remembered verification, checked against the clock and
// the provider's keys).
func BenchmarkVerify(b *testing.B) {
	for _, alg := range []string{"RS256", "PS256", "ES256", "EdDSA"} {
		p := testprovider.Start(b)
		p.Rotate(alg)
		v, err := external.New(external.Config{Providers: []external.Provider{{Name: "zitadel", Issuer: p.Issuer,
			Audience: []string{testprovider.Audience}}}, Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(v.Close)
		if err := v.Refresh(context.Background()); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.Run(alg+"/new", func(b *testing.B) {
			tokens := make([]string, b.N)
			for i := range tokens {
				c := p.Claims(testprovider.Users[0], time.Hour)
				c["jti"] = fmt.Sprintf("%s-%d", alg, benchTokens.Add(1)) // never the same token twice
				tokens[i] = p.Sign(c, "at+jwt")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := v.Verify(ctx, tokens[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/again", func(b *testing.B) {
			raw := p.Sign(p.Claims(testprovider.Users[0], time.Hour), "at+jwt")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOwnTokenBehindVerifier is what the Verifier adds to a request
// carrying the application's own token, which it passes on
// (PassOtherIssuers) to the token.Issuer after it in the chain: the stack's
// Guard with Config.External.
func BenchmarkOwnTokenBehindVerifier(b *testing.B) {
	p := testprovider.Start(b)
	v, err := external.New(external.Config{Providers: []external.Provider{{Name: "zitadel", Issuer: p.Issuer,
		Audience: []string{testprovider.Audience}}}, PassOtherIssuers: true, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(v.Close)
	key, err := token.HS256("k1", []byte("an own signing key of at least 32 bytes"))
	if err != nil {
		b.Fatal(err)
	}
	own, err := token.New(token.Config{Issuer: "gatehouse", Keys: []token.Key{key}})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := own.Issue(context.Background(), "usr_1")
	if err != nil {
		b.Fatal(err)
	}
	req := bearer(tok.Value.Reveal())
	for name, a := range map[string]authn.Authenticator{
		"own alone":           own.Authenticator(),
		"behind the verifier": authn.Chain{v, own.Authenticator()},
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Authenticate(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

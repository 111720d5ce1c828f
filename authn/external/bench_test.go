package external_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/external"
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

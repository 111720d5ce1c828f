package revocationtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/token"
)

// BenchmarkVerify measures Issuer.Verify of an HS256 token on r, which
// already holds a thousand revoked tokens, a hundred revoked families and
// a hundred revoked subjects: "repeated" verifies one token again and
// again (signature checked once, revocations every time), "first-sight"
// a new token every time. Call it from a benchmark of the list's own
// package, so that every list is measured alike.
func BenchmarkVerify(b *testing.B, r token.Revocations) {
	ctx := context.Background()
	now := time.Now()
	for n := range 1000 {
		require.NoError(b, r.RevokeToken(ctx, fmt.Sprintf("bench-jti-%d", n), "bench-user", now.Add(time.Hour)))
	}
	for n := range 100 {
		require.NoError(b, r.RevokeFamily(ctx, fmt.Sprintf("bench-fam-%d", n), "bench-user", now.Add(time.Hour)))
		require.NoError(b, r.RevokeSubject(ctx, fmt.Sprintf("bench-user-%d", n)))
	}
	issuer := newIssuer(b, r, time.Now)
	b.Run("repeated", func(b *testing.B) {
		tok, err := issuer.Issue(ctx, "bench-user-7", token.Family("bench-family"))
		require.NoError(b, err)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if _, err := issuer.Verify(ctx, tok.Value.Reveal()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first-sight", func(b *testing.B) {
		tokens := make([]string, b.N)
		for n := range tokens {
			tok, err := issuer.Issue(ctx, "bench-user-7", token.Family("bench-family"))
			require.NoError(b, err)
			tokens[n] = tok.Value.Reveal()
		}
		b.ReportAllocs()
		b.ResetTimer()
		for n := range b.N {
			if _, err := issuer.Verify(ctx, tokens[n]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

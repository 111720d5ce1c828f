package token_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
)

// A token verified once is remembered, but its lifetime and revocations are
// checked again on every use.
func TestVerifiedTokensAreRecheckedOnEveryUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	revocations := memstore.New(memstore.Config{Now: clk.Now})
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "k1")}, TTL: 10 * time.Minute, Leeway: 30 * time.Second, Revocations: revocations})

	first, err := issuer.Issue(ctx, "alice")
	require.NoError(t, err)
	second, err := issuer.Issue(ctx, "alice")
	require.NoError(t, err)
	for i := 0; i < 2; i++ {
		_, err := issuer.Verify(ctx, first.Value.Reveal())
		require.NoError(t, err)
		_, err = issuer.Verify(ctx, second.Value.Reveal())
		require.NoError(t, err)
	}

	require.NoError(t, revocations.RevokeToken(ctx, first.ID, "alice", first.ExpiresAt))
	_, err = issuer.Verify(ctx, first.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "a remembered token is still checked for revocation")

	clk.Advance(10*time.Minute + 29*time.Second)
	_, err = issuer.Verify(ctx, second.Value.Reveal())
	assert.NoError(t, err, "within the leeway")
	clk.Advance(time.Second)
	_, err = issuer.Verify(ctx, second.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenExpired, "a remembered token still expires")

	require.NoError(t, revocations.RevokeSubject(ctx, "alice"))
	clk.Set(start)
	_, err = issuer.Verify(ctx, second.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "and revoking its subject reaches it too")
}

// BenchmarkVerify is the HS256 verification of one access token: the first
// time it is seen (JSON decoding and signature) and every time after.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	key, err := token.HS256("k1", hmacSecret)
	require.NoError(b, err)
	issuer, err := token.New(token.Config{Issuer: testIssuer, Keys: []token.Key{key}})
	require.NoError(b, err)
	b.Run("repeated", func(b *testing.B) {
		tok, err := issuer.Issue(ctx, "alice")
		require.NoError(b, err)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := issuer.Verify(ctx, tok.Value.Reveal()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first-sight", func(b *testing.B) {
		tokens := make([]string, b.N)
		for i := range tokens {
			tok, err := issuer.Issue(ctx, "alice")
			require.NoError(b, err)
			tokens[i] = tok.Value.Reveal()
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := issuer.Verify(ctx, tokens[i]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

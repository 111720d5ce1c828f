package memstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
	"github.com/gatehouse-go/gatehouse/authn/token/revocationtest"
)

// TestConformance runs the suite on a Store; one process has one list, so
// every handle is the same Store.
func TestConformance(t *testing.T) {
	t.Parallel()
	revocationtest.Run(t, func(t *testing.T, now func() time.Time) revocationtest.Backend {
		s := memstore.New(memstore.Config{Now: now})
		return revocationtest.Backend{Open: func(*testing.T) token.Revocations { return s }}
	})
}

// Revocations of tokens long dead are swept out as the list grows, with
// nobody calling Cleanup, and only those.
func TestExpiredRevocationsAreSweptAsTheListGrows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC))
	s := memstore.New(memstore.Config{Now: clk.Now})
	const n = 3000
	for i := range n {
		require.NoError(t, s.RevokeToken(ctx, fmt.Sprintf("old-%d", i), "bob", clk.Now().Add(time.Minute)))
	}
	clk.Advance(time.Minute + token.MaxLeeway + time.Second)
	for i := range n {
		require.NoError(t, s.RevokeFamily(ctx, fmt.Sprintf("new-%d", i), "bob", clk.Now().Add(time.Minute)))
	}
	forgotten, err := s.Cleanup(ctx)
	require.NoError(t, err)
	assert.Less(t, forgotten, int64(n), "most of the old ones were swept already")
	for i := range n {
		ok, err := s.Revoked(ctx, "x", "bob", fmt.Sprintf("new-%d", i), 0)
		require.NoError(t, err)
		require.True(t, ok, "new-%d is live", i)
	}
	ok, err := s.Revoked(ctx, "old-1", "bob", "", 0)
	require.NoError(t, err)
	assert.False(t, ok)
}

func BenchmarkVerify(b *testing.B) {
	revocationtest.BenchmarkVerify(b, memstore.New(memstore.Config{}))
}

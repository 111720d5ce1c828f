package purpose_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestCleanup(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		c := authntest.NewClock(start)
		resets := newTokens(t, db, purpose.PasswordReset, c) // 30 minutes
		verifications, err := purpose.New(usedStore(t, db), purpose.Config{
			Purpose: purpose.EmailVerification, Key: verifyKey, Issuer: issuer, TTL: 10 * time.Minute, Now: c.Now,
		})
		require.NoError(t, err)
		rows := func() int64 {
			var n int64
			require.NoError(t, db.Table("gatehouse_used_purpose_tokens").Count(&n).Error)
			return n
		}
		consume := func(tokens *purpose.Tokens) string {
			tok, err := tokens.Issue(ctx, "alice", "")
			require.NoError(t, err)
			_, err = tokens.Consume(ctx, tok.Value.Reveal(), nil)
			require.NoError(t, err)
			return tok.Value.Reveal()
		}

		early := consume(resets) // expires at start+30m
		consume(verifications)   // expires at start+10m
		c.Advance(20 * time.Minute)
		late := consume(resets) // expires at start+50m
		require.EqualValues(t, 3, rows())

		c.Advance(10*time.Minute + 29*time.Second) // early expired, but still within leeway
		n, err := resets.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "a token Verify could still accept stays used")
		_, err = resets.Verify(ctx, early, nil)
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)

		c.Advance(2 * time.Second)
		n, err = resets.Cleanup(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		assert.EqualValues(t, 2, rows(), "another purpose's rows are its own to clean")
		_, err = resets.Verify(ctx, early, nil)
		assert.ErrorIs(t, err, authn.ErrTokenExpired, "a forgotten token stays dead")
		_, err = resets.Verify(ctx, late, nil)
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)

		n, err = verifications.Cleanup(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = resets.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.EqualValues(t, 1, rows())
	})
}

package refresh_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

func TestCleanup(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		const day = 24 * time.Hour
		ctx := context.Background()
		f := newFixtureOn(t, backend, refresh.Config{TokenTTL: 2 * day, FamilyLifetime: 5 * day})
		at := func(d time.Duration) { f.clock.Set(start.Add(d)) }

		// Cleanup runs at day 7, so its cutoff is day 6.
		at(0)
		ended := f.issue(t, "alice") // family ends at day 5
		at(1 * day)
		endedLast := f.rotate(t, ended)
		at(2*day + 12*time.Hour)
		endedLast = f.rotate(t, endedLast)
		at(4 * day)
		endedLast = f.rotate(t, endedLast) // expires with its family at day 5

		at(3 * day)
		idle := f.issue(t, "bob") // family lives to day 8, its only token expired at day 5
		living := f.issue(t, "carol")
		at(4*day + 21*time.Hour)
		livingNext := f.rotate(t, living) // old token expired at day 5, the new one lives to day 6.875

		at(4*day + 12*time.Hour)
		recent := f.issue(t, "dave") // expires at day 6.5: less than a day before cleanup
		at(6 * day)
		fresh := f.issue(t, "erin")
		revoked := f.issue(t, "frank")
		_, err := f.tokens.Revoke(ctx, revoked.Value.Reveal())
		require.NoError(t, err)

		at(7 * day)
		deleted, err := f.tokens.Cleanup(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 4+1, deleted, "the ended family's four tokens and the idle family's one")

		for _, tok := range []refresh.Token{ended, endedLast, idle} {
			_, err := f.tokens.Rotate(ctx, tok.Value.Reveal())
			assert.ErrorIs(t, err, authn.ErrInvalidToken)
			assert.NotErrorIs(t, err, authn.ErrTokenExpired, "deleted, so unknown")
		}
		assert.EqualValues(t, 2, f.count(t, ofFamily(living.FamilyID)), "a used token is kept while its family may live")
		_, err = f.tokens.Rotate(ctx, living.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenReused, "so its reuse is still caught")
		_, err = f.tokens.Rotate(ctx, livingNext.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		_, err = f.tokens.Rotate(ctx, recent.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenExpired, "expired less than a day ago: kept")
		_, err = f.tokens.Rotate(ctx, revoked.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked, "a revoked family is kept until it ends")
		f.rotate(t, fresh)

		again, err := f.tokens.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, again)
	})
}

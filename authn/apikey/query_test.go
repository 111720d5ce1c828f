package apikey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

func TestListNewestFirstWithRevokedAndExpired(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)

		oldest, _ := f.create(t, "alice", "laptop")
		f.clock.Advance(time.Minute)
		expiring, _, err := f.keys.Create(ctx, "alice", "short-lived", ptr(f.clock.Now().Add(time.Hour)))
		require.NoError(t, err)
		f.clock.Advance(time.Minute)
		newest, _ := f.create(t, "alice", "CI")
		f.create(t, "bob", "bob's key")

		require.NoError(t, f.keys.Revoke(ctx, oldest.ID))
		f.clock.Advance(2 * time.Hour) // expiring has expired

		keys, err := f.keys.List(ctx, "alice")
		require.NoError(t, err)
		require.Len(t, keys, 3)
		assert.Equal(t, []string{newest.ID, expiring.ID, oldest.ID}, []string{keys[0].ID, keys[1].ID, keys[2].ID})
		assert.NotNil(t, keys[2].RevokedAt, "revoked keys are listed, marked revoked")
		assert.True(t, keys[1].ExpiresAt.Before(f.clock.Now()), "expired keys are listed")
		for _, k := range keys {
			assert.Equal(t, "alice", k.OwnerID)
		}

		none, err := f.keys.List(ctx, "carol")
		require.NoError(t, err)
		assert.Empty(t, none)

		_, err = f.keys.List(ctx, "")
		assert.ErrorIs(t, err, apikey.ErrInvalidOwner)
	})
}

func TestGet(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		created, _ := f.create(t, "alice", "laptop")

		got, err := f.keys.Get(ctx, created.ID)
		require.NoError(t, err)
		assert.Equal(t, created, got)

		for _, id := range []string{
			"key_0000000000000000",        // well formed, unknown
			"",                            // empty
			"key_" + created.ID[4:] + "0", // too long
			"KEY_" + created.ID[4:],       // wrong case
			created.Prefix,                // a prefix is not an id
			"key_00000000000000zz",        // not hex
		} {
			_, err := f.keys.Get(ctx, id)
			assert.ErrorIs(t, err, apikey.ErrNotFound, "Get(%q)", id)
		}
	})
}

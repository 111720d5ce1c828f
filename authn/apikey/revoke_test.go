package apikey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

func TestRevoke(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		key, plain := f.create(t, "alice", "laptop")
		_, other := f.create(t, "alice", "CI")

		_, err := f.keys.Verify(ctx, plain)
		require.NoError(t, err)
		revokedAt := f.clock.Now()
		require.NoError(t, f.keys.Revoke(ctx, key.ID))

		_, err = f.keys.Verify(ctx, plain)
		assert.ErrorIs(t, err, authn.ErrInvalidAPIKey)
		_, err = f.keys.Verify(ctx, other)
		assert.NoError(t, err, "revoking one key leaves the owner's others alone")

		f.clock.Advance(time.Hour)
		assert.NoError(t, f.keys.Revoke(ctx, key.ID), "revoking twice is not an error")
		got, err := f.keys.Get(ctx, key.ID)
		require.NoError(t, err)
		require.NotNil(t, got.RevokedAt)
		assert.True(t, got.RevokedAt.Equal(revokedAt), "the first revocation time is kept")

		for _, id := range []string{"key_0000000000000000", "", "not-an-id"} {
			assert.ErrorIs(t, f.keys.Revoke(ctx, id), apikey.ErrNotFound, "Revoke(%q)", id)
		}
	})
}

func TestRevokeOwner(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		_, alice1 := f.create(t, "alice", "laptop")
		_, alice2 := f.create(t, "alice", "CI")
		_, bob := f.create(t, "bob", "laptop")

		require.NoError(t, f.keys.RevokeOwner(ctx, "alice"))
		for _, plain := range []string{alice1, alice2} {
			_, err := f.keys.Verify(ctx, plain)
			assert.ErrorIs(t, err, authn.ErrInvalidAPIKey)
		}
		subject, err := f.keys.Verify(ctx, bob)
		require.NoError(t, err, "other owners' keys keep working")
		assert.Equal(t, "bob", subject.ID)

		keys, err := f.keys.List(ctx, "alice")
		require.NoError(t, err)
		require.Len(t, keys, 2)
		for _, k := range keys {
			assert.NotNil(t, k.RevokedAt, k.Name)
		}

		assert.NoError(t, f.keys.RevokeOwner(ctx, "alice"), "again: nothing left to revoke")
		assert.NoError(t, f.keys.RevokeOwner(ctx, "carol"), "an owner without keys")
		assert.ErrorIs(t, f.keys.RevokeOwner(ctx, ""), apikey.ErrInvalidOwner)
	})
}

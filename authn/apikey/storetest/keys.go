package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// apikey.Keys on the store, from two handles as two processes: a key made
// on one verifies on the other, concurrent uses record one last use,
// revocation on one is seen at once on the other, and expiry follows the
// Keys' clock.
func testKeys(t *testing.T, fresh Fresh) {
	open := fresh(t)
	now := base
	var mu sync.Mutex
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	a, err := apikey.New(open(t), apikey.Config{Now: clock})
	require.NoError(t, err)
	b, err := apikey.New(open(t), apikey.Config{Now: clock})
	require.NoError(t, err)
	ctx := context.Background()

	key, secret, err := a.Create(ctx, "alice", "CI", nil)
	require.NoError(t, err)
	advance(time.Second)
	expiry := base.Add(time.Second + time.Hour)
	expiring, expiringSecret, err := a.Create(ctx, "alice", "short", &expiry)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, racers)
	subjects := make([]authn.Subject, racers)
	for i := range racers {
		wg.Go(func() { subjects[i], errs[i] = []*apikey.Keys{a, b}[i%2].Verify(ctx, secret.Reveal()) })
	}
	wg.Wait()
	for i := range racers {
		require.NoError(t, errs[i], "verify %d", i)
		assert.Equal(t, "alice", subjects[i].ID)
		assert.Equal(t, key.ID, subjects[i].CredentialID)
	}
	got, err := b.Get(ctx, key.ID)
	require.NoError(t, err)
	require.NotNil(t, got.LastUsedAt)
	assert.True(t, got.LastUsedAt.Equal(base.Add(time.Second)), "last used %v", got.LastUsedAt)

	advance(time.Hour - time.Microsecond)
	_, err = b.Verify(ctx, expiringSecret.Reveal())
	require.NoError(t, err, "valid until its expiry")
	advance(time.Microsecond)
	_, err = b.Verify(ctx, expiringSecret.Reveal())
	assert.ErrorIs(t, err, authn.ErrInvalidAPIKey, "expired at its expiry")

	require.NoError(t, a.Revoke(ctx, key.ID))
	_, err = b.Verify(ctx, secret.Reveal())
	assert.ErrorIs(t, err, authn.ErrInvalidAPIKey, "revoked on one handle, refused on the other")

	keys, err := b.List(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.Equal(t, []string{expiring.ID, key.ID}, []string{keys[0].ID, keys[1].ID}, "newest first")
	assert.NotNil(t, keys[1].RevokedAt)
}

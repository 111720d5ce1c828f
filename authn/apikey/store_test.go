package apikey_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)

	_, err := apikey.New(ctx, nil, apikey.Config{})
	assert.ErrorIs(t, err, apikey.ErrInvalidConfig)
	for _, header := range []string{"X API Key", "X-API-Key:", "Ключ", "X-Key\r\n"} {
		_, err := apikey.New(ctx, db, apikey.Config{Header: header})
		assert.ErrorIs(t, err, apikey.ErrInvalidConfig, "header %q", header)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = apikey.New(cancelled, testdb.Open(t), apikey.Config{})
	assert.ErrorIs(t, err, context.Canceled)

	store, err := apikey.New(ctx, db, apikey.Config{})
	require.NoError(t, err)
	_, secret, err := store.Create(ctx, "alice", "default clock", nil)
	require.NoError(t, err, "the zero Config works")
	_, err = store.Verify(ctx, secret.Reveal())
	assert.NoError(t, err)
}

func TestKeysSurviveANewStore(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		key, plain := f.create(t, "alice", "CI")
		revoked, revokedPlain := f.create(t, "alice", "old")
		require.NoError(t, f.store.Revoke(ctx, revoked.ID))

		sqlDB, err := f.db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())

		reopened, err := apikey.New(ctx, f.database.Open(t), apikey.Config{Now: f.clock.Now})
		require.NoError(t, err)
		subject, err := reopened.Verify(ctx, plain)
		require.NoError(t, err)
		assert.Equal(t, "alice", subject.ID)
		assert.Equal(t, key.ID, subject.CredentialID)
		_, err = reopened.Verify(ctx, revokedPlain)
		assert.Error(t, err, "revocation survives too")

		keys, err := reopened.List(ctx, "alice")
		require.NoError(t, err)
		assert.Len(t, keys, 2)
	})
}

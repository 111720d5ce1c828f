package apikey_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
)

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	_, err := apikey.New(nil, apikey.Config{})
	assert.ErrorIs(t, err, apikey.ErrInvalidConfig)
	for _, header := range []string{"X API Key", "X-API-Key:", "Ключ", "X-Key\r\n"} {
		_, err := apikey.New(memstore.New(), apikey.Config{Header: header})
		assert.ErrorIs(t, err, apikey.ErrInvalidConfig, "header %q", header)
	}

	keys, err := apikey.New(memstore.New(), apikey.Config{})
	require.NoError(t, err)
	_, secret, err := keys.Create(ctx, "alice", "default clock", nil)
	require.NoError(t, err, "the zero Config works")
	_, err = keys.Verify(ctx, secret.Reveal())
	assert.NoError(t, err)
}

func TestKeysSurviveANewStore(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		key, plain := f.create(t, "alice", "CI")
		revoked, revokedPlain := f.create(t, "alice", "old")
		require.NoError(t, f.keys.Revoke(ctx, revoked.ID))

		reopened, err := apikey.New(f.open(t), apikey.Config{Now: f.clock.Now})
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

// failingStore fails every call with err.
type failingStore struct {
	apikey.Store
	err error
}

func (s failingStore) Insert(context.Context, apikey.Record) error { return s.err }
func (s failingStore) Lookup(context.Context, string) (apikey.Record, bool, error) {
	return apikey.Record{}, false, s.err
}

func (s failingStore) Get(context.Context, string) (apikey.Record, bool, error) {
	return apikey.Record{}, false, s.err
}
func (s failingStore) List(context.Context, string) ([]apikey.Record, error) { return nil, s.err }

// A failing store is ErrStore, wrapping the store's own error, from every
// method; Verify authenticates no one.
func TestStoreFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	key, plain := f.create(t, "alice", "CI")
	down := errors.New("connection refused")
	keys, err := apikey.New(failingStore{Store: f.open(t), err: down}, apikey.Config{Now: f.clock.Now})
	require.NoError(t, err)

	_, _, err = keys.Create(ctx, "alice", "new", nil)
	assert.ErrorIs(t, err, apikey.ErrStore)
	assert.ErrorIs(t, err, down)
	subject, err := keys.Verify(ctx, plain)
	assert.ErrorIs(t, err, apikey.ErrStore)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "a failing store is not a bad key")
	assert.True(t, subject.IsZero())
	_, err = keys.Get(ctx, key.ID)
	assert.ErrorIs(t, err, apikey.ErrStore)
	_, err = keys.List(ctx, "alice")
	assert.ErrorIs(t, err, apikey.ErrStore)
}

// takenStore answers the first n Inserts with ErrKeyExists, as a store
// holding the random id or prefix drawn would.
type takenStore struct {
	apikey.Store
	n, calls int
}

func (s *takenStore) Insert(ctx context.Context, rec apikey.Record) error {
	s.calls++
	if s.calls <= s.n {
		return apikey.ErrKeyExists
	}
	return s.Store.Insert(ctx, rec)
}

// Create draws a new id and prefix when the store holds the ones drawn, a
// few times, then gives up with ErrStore.
func TestCreateDrawsAgainWhenTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name      string
		taken     int
		wantErr   error
		wantCalls int
	}{
		{"free at once", 0, nil, 1},
		{"taken once", 1, nil, 2},
		{"taken twice", 2, nil, 3},
		{"taken three times", 3, apikey.ErrStore, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &takenStore{Store: memstore.New(), n: tt.taken}
			keys, err := apikey.New(store, apikey.Config{})
			require.NoError(t, err)
			key, secret, err := keys.Create(ctx, "alice", "CI", nil)
			assert.Equal(t, tt.wantCalls, store.calls)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.ErrorIs(t, err, apikey.ErrKeyExists)
				assert.Empty(t, secret.Reveal())
				return
			}
			require.NoError(t, err)
			_, err = keys.Verify(ctx, secret.Reveal())
			assert.NoError(t, err)
			assert.NotEmpty(t, key.ID)
		})
	}
}

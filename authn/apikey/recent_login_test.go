package apikey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
)

// TestCreateForNeedsARecentLogin checks that CreateFor mints a key only for
// a subject whose login is recent enough, so that a stolen session or
// token kept alive by refreshing cannot turn itself into a key that never
// expires; and that an API key cannot mint another.
func TestCreateForNeedsARecentLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	now := f.clock.Now()
	tests := []struct {
		name    string
		subject authn.Subject
		want    error // nil: created
	}{
		{"just logged in", authn.Subject{ID: "usr_1", Method: authn.MethodSession, AuthenticatedAt: now}, nil},
		{"logged in 14 minutes ago", authn.Subject{ID: "usr_1", Method: authn.MethodBearer, AuthenticatedAt: now.Add(-14 * time.Minute)}, nil},
		{"logged in exactly 15 minutes ago", authn.Subject{ID: "usr_1", Method: authn.MethodBearer, AuthenticatedAt: now.Add(-apikey.DefaultMaxLoginAge)}, nil},
		{"logged in 16 minutes ago", authn.Subject{ID: "usr_1", Method: authn.MethodBearer, AuthenticatedAt: now.Add(-16 * time.Minute)}, authn.ErrReauthenticationRequired},
		{"login time unknown", authn.Subject{ID: "usr_1", Method: authn.MethodBearer}, authn.ErrReauthenticationRequired},
		{"an API key", authn.Subject{ID: "usr_1", Method: authn.MethodAPIKey, CredentialID: "key_1"}, authn.ErrReauthenticationRequired},
		{"nobody", authn.Subject{AuthenticatedAt: now}, apikey.ErrInvalidOwner},
	}
	for _, tt := range tests {
		key, secret, err := f.keys.CreateFor(ctx, tt.subject, "laptop", nil)
		if tt.want != nil {
			assert.ErrorIs(t, err, tt.want, tt.name)
			assert.Zero(t, key, tt.name)
			assert.Empty(t, secret.Reveal(), tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.subject.ID, key.OwnerID, tt.name)
		verified, err := f.keys.Verify(ctx, secret.Reveal())
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.subject.ID, verified.ID)
	}
	keys, err := f.keys.List(ctx, "usr_1")
	require.NoError(t, err)
	assert.Len(t, keys, 3, "only the allowed ones were stored")

	_, _, err = f.keys.CreateFor(ctx, authn.Subject{ID: "usr_1", AuthenticatedAt: now.Add(-time.Hour)}, "laptop", nil)
	var reauth *authn.ReauthenticationError
	require.ErrorAs(t, err, &reauth)
	assert.Equal(t, apikey.DefaultMaxLoginAge, reauth.MaxAge, "the challenge says how recent a login must be")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "adapters answer 401")
}

func TestMaxLoginAgeConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := apikey.New(memstore.New(), apikey.Config{MaxLoginAge: -time.Minute})
	assert.ErrorIs(t, err, apikey.ErrInvalidConfig)

	f := newFixture(t)
	store, err := apikey.New(f.open(t), apikey.Config{MaxLoginAge: time.Hour, Now: f.clock.Now})
	require.NoError(t, err)
	old := authn.Subject{ID: "usr_1", Method: authn.MethodSession, AuthenticatedAt: f.clock.Now().Add(-30 * time.Minute)}
	_, _, err = store.CreateFor(ctx, old, "laptop", nil)
	assert.NoError(t, err, "a longer MaxLoginAge allows an older login")
	_, _, err = f.keys.CreateFor(ctx, old, "laptop", nil)
	assert.ErrorIs(t, err, authn.ErrReauthenticationRequired, "the default does not")
}

package users_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	store := memstore.New()
	tests := []struct {
		name    string
		store   users.Store
		cfg     users.Config
		wantErr []error
	}{
		{"nil store", nil, users.Config{}, []error{users.ErrInvalidConfig}},
		{"minimum length below 8", store, users.Config{Rules: password.Rules{MinLength: 6}}, []error{users.ErrInvalidConfig, password.ErrInvalidRules}},
		{"maximum below minimum", store, users.Config{Rules: password.Rules{MinLength: 12, MaxLength: 10}}, []error{users.ErrInvalidConfig, password.ErrInvalidRules}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := users.New(tt.store, tt.cfg)
			for _, want := range tt.wantErr {
				assert.ErrorIs(t, err, want)
			}
			assert.Nil(t, d)
		})
	}
}

// A second Directory on the same store, as after a restart or in another
// process sharing the store, finds the accounts the first made.
func TestDirectoriesShareTheirStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, store, _ := newDirectory(t, users.Config{})
	bob := register(t, d, "bob@example.com", goodPassword, "Bob")

	again, err := users.New(store, users.Config{Hasher: cheapBcrypt{}})
	require.NoError(t, err)
	got, err := again.Get(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, bob, got)
	_, err = again.Register(ctx, "BOB@example.com", goodPassword, "Bob")
	assert.ErrorIs(t, err, users.ErrEmailTaken)
}

// The zero Config hashes with Argon2id at OWASP's recommended parameters.
// (ExampleDirectory_Authenticate logs in with it.)
func TestDefaultHasher(t *testing.T) {
	t.Parallel()
	store := memstore.New()
	d, err := users.New(store, users.Config{})
	require.NoError(t, err)
	bob := register(t, d, "bob@example.com", goodPassword, "Bob")
	assert.True(t, strings.HasPrefix(storedHash(t, store, bob.ID), "$argon2id$v=19$m=19456,t=2,p=1$"))
}

// The Directory gives its store times in UTC to the microsecond, which
// every database keeps exactly, so that a User a write returns equals the
// one read back.
func TestTimesKeepMicroseconds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, store, clock := newDirectory(t, users.Config{})
	clock.Advance(123456789 * time.Nanosecond)
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	assert.Equal(t, start.Add(123456*time.Microsecond), bob.CreatedAt)

	clock.Advance(time.Second)
	require.NoError(t, s.SetLocked(ctx, bob.ID, true))
	require.NoError(t, s.MarkEmailVerified(ctx, bob.ID))
	got, err := s.Get(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, bob.CreatedAt, got.CreatedAt)
	want := start.Add(time.Second + 123456*time.Microsecond)
	assert.Equal(t, want, got.UpdatedAt)
	assert.Equal(t, &want, got.LockedAt)
	assert.Equal(t, &want, got.EmailVerifiedAt)

	rec, found, err := store.Get(ctx, bob.ID)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, time.UTC, rec.UpdatedAt.Location(), "stores are given UTC")
	assert.Equal(t, want, rec.UpdatedAt)
}

// A clock in another zone gives the store UTC times, and the Directory
// hands out UTC times whatever location its store reads them back in.
func TestTimesAreUTC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	zone := time.FixedZone("UTC+9", 9*3600)
	s, store, _ := newDirectory(t, users.Config{Now: func() time.Time { return start.In(zone) }})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	assert.Equal(t, start, bob.CreatedAt)
	rec, _, err := store.Get(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, start, rec.CreatedAt)

	// A store that reads times back in a zone of its own, as PostgreSQL's
	// driver does.
	other := memstore.New()
	elsewhere := start.In(zone)
	require.NoError(t, other.Create(ctx, users.Record{
		User:         users.User{ID: "usr_0123456789abcdef0123456789abcdef", Email: "alice@example.com", Name: "Alice", CreatedAt: elsewhere, UpdatedAt: elsewhere, LockedAt: &elsewhere},
		PasswordHash: storedHash(t, store, bob.ID),
	}))
	d, err := users.New(other, users.Config{Hasher: cheapBcrypt{}})
	require.NoError(t, err)
	alice, err := d.GetByEmail(ctx, "alice@example.com")
	require.NoError(t, err)
	assert.Equal(t, start, alice.CreatedAt)
	assert.Equal(t, start, alice.UpdatedAt)
	assert.Equal(t, &start, alice.LockedAt)
}

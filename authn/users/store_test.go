package users_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	tests := []struct {
		name    string
		db      *gorm.DB
		cfg     users.Config
		wantErr []error
	}{
		{"nil db", nil, users.Config{}, []error{users.ErrInvalidConfig}},
		{"minimum length below 8", db, users.Config{Rules: password.Rules{MinLength: 6}}, []error{users.ErrInvalidConfig, password.ErrInvalidRules}},
		{"maximum below minimum", db, users.Config{Rules: password.Rules{MinLength: 12, MaxLength: 10}}, []error{users.ErrInvalidConfig, password.ErrInvalidRules}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := users.New(ctx, tt.db, tt.cfg)
			for _, want := range tt.wantErr {
				assert.ErrorIs(t, err, want)
			}
			assert.Nil(t, s)
		})
	}
	assert.False(t, db.Migrator().HasTable("gatehouse_users"), "a refused configuration creates nothing")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	s, err := users.New(cancelled, db, users.Config{Hasher: cheapBcrypt{}})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, s)
}

func TestNewCreatesTableOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		s, db, _ := newStoreOn(t, b, users.Config{})
		assert.True(t, db.Migrator().HasTable("gatehouse_users"))
		assert.True(t, db.Migrator().HasIndex("gatehouse_users", "idx_gatehouse_users_email"))
		bob := register(t, s, "bob@example.com", goodPassword, "Bob")

		// A second Store on the same database, as after a restart, finds the
		// table and its users in place.
		again, err := users.New(ctx, db, users.Config{Hasher: cheapBcrypt{}})
		require.NoError(t, err)
		got, err := again.Get(ctx, bob.ID)
		require.NoError(t, err)
		assert.Equal(t, bob, got)
	})
}

// The zero Config hashes with Argon2id at OWASP's recommended parameters.
// (ExampleStore_Authenticate logs in with it.)
func TestDefaultHasher(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	s, err := users.New(context.Background(), db, users.Config{})
	require.NoError(t, err)
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	assert.True(t, strings.HasPrefix(storedHash(t, db, bob.ID), "$argon2id$v=19$m=19456,t=2,p=1$"))
}

// Times are kept to the microsecond on every database, so that a User a
// write returns equals the one read back; MySQL keeps only seconds, or
// what GORM's default precision gives, unless told otherwise.
func TestTimesKeepMicroseconds(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		s, _, clock := newStoreOn(t, b, users.Config{})
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
	})
}

package users_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

func TestSetPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, clock := newDirectory(t, users.Config{})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	print1, err := s.PasswordFingerprint(ctx, bob.ID)
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), print1)

	// A refused password changes nothing.
	err = s.SetPassword(ctx, bob.ID, "short")
	assert.ErrorIs(t, err, password.ErrTooShort)
	assert.ErrorIs(t, err, password.ErrInvalidPassword)
	same, err := s.PasswordFingerprint(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, print1, same)

	clock.Advance(time.Hour)
	const newPassword = "a new and better passphrase"
	require.NoError(t, s.SetPassword(ctx, bob.ID, newPassword))
	print2, err := s.PasswordFingerprint(ctx, bob.ID)
	require.NoError(t, err)
	assert.NotEqual(t, print1, print2, "a reset token bound to the old password dies")

	_, err = s.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	u, err := s.Authenticate(ctx, "bob@example.com", newPassword)
	require.NoError(t, err)
	assert.True(t, u.UpdatedAt.Equal(clock.Now()))
	assert.True(t, u.CreatedAt.Equal(bob.CreatedAt))
}

func TestMarkEmailVerified(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, clock := newDirectory(t, users.Config{})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")

	clock.Advance(time.Minute)
	verifiedAt := clock.Now()
	require.NoError(t, s.MarkEmailVerified(ctx, bob.ID))
	clock.Advance(time.Minute)
	require.NoError(t, s.MarkEmailVerified(ctx, bob.ID), "verifying again is not an error")

	u, err := s.Get(ctx, bob.ID)
	require.NoError(t, err)
	require.NotNil(t, u.EmailVerifiedAt)
	assert.True(t, u.Verified())
	assert.True(t, u.EmailVerifiedAt.Equal(verifiedAt), "the first verification's time is kept")
	assert.True(t, u.UpdatedAt.Equal(verifiedAt))
}

func TestDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	alice := register(t, s, "alice@example.com", goodPassword, "Alice")

	require.NoError(t, s.Delete(ctx, bob.ID))
	_, err := s.Get(ctx, bob.ID)
	assert.ErrorIs(t, err, users.ErrNotFound)
	_, err = s.GetByEmail(ctx, "bob@example.com")
	assert.ErrorIs(t, err, users.ErrNotFound)
	assert.ErrorIs(t, s.Delete(ctx, bob.ID), users.ErrNotFound)

	list, err := s.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []users.User{alice}, list, "only bob is gone")

	// The email is free again, for a new account with a new id.
	again := register(t, s, "bob@example.com", goodPassword, "Bob")
	assert.NotEqual(t, bob.ID, again.ID)
}

func TestUnknownUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{})
	register(t, s, "bob@example.com", goodPassword, "Bob")
	const id = "usr_00000000000000000000000000000000"

	tests := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, id); return err }},
		{"Get empty id", func() error { _, err := s.Get(ctx, ""); return err }},
		{"GetByEmail", func() error { _, err := s.GetByEmail(ctx, "alice@example.com"); return err }},
		{"SetPassword", func() error { return s.SetPassword(ctx, id, goodPassword) }},
		{"SetLocked true", func() error { return s.SetLocked(ctx, id, true) }},
		{"SetLocked false", func() error { return s.SetLocked(ctx, id, false) }},
		{"MarkEmailVerified", func() error { return s.MarkEmailVerified(ctx, id) }},
		{"Delete", func() error { return s.Delete(ctx, id) }},
		{"PasswordFingerprint", func() error { _, err := s.PasswordFingerprint(ctx, id); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.ErrorIs(t, tt.call(), users.ErrNotFound)
		})
	}

	_, err := s.GetByEmail(ctx, "not an email")
	assert.ErrorIs(t, err, users.ErrInvalidEmail)
	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "nothing was created by the misses")
}

func TestCheckPasswordMirrorsSetPassword(t *testing.T) {
	t.Parallel()
	bcryptHasher, err := password.NewBcrypt(10)
	require.NoError(t, err)
	argon := fastHasher(t)
	tests := []struct {
		name   string
		hasher password.Hasher
		rules  password.Rules
		pw     string
		ok     bool
	}{
		{"argon2id, 12 characters", argon, password.Rules{}, "123456789012", true},
		{"argon2id, 11 characters", argon, password.Rules{}, "12345678901", false},
		{"argon2id, 8 characters", argon, password.Rules{}, "12345678", false},
		{"NIST minimum, 8 characters", argon, password.Rules{MinLength: 8}, "12345678", true},
		{"NIST minimum, 7 characters", argon, password.Rules{MinLength: 8}, "1234567", false},
		{"argon2id, 100 bytes", argon, password.Rules{}, strings.Repeat("p", 100), true},
		{"bcrypt, 72 bytes", bcryptHasher, password.Rules{}, strings.Repeat("p", 72), true},
		{"bcrypt, 73 bytes", bcryptHasher, password.Rules{}, strings.Repeat("p", 73), false},
	}
	for _, tt := range tests {
		s, _, _ := newDirectory(t, users.Config{Hasher: tt.hasher, Rules: tt.rules})
		for name, check := range map[string]func(string) error{
			"CheckPassword":    s.CheckPassword,
			"CheckNewPassword": func(pw string) error { return s.CheckNewPassword(context.Background(), pw) },
		} {
			err := check(tt.pw)
			if tt.ok {
				assert.NoError(t, err, "%s: %s", name, tt.name)
				continue
			}
			assert.ErrorIs(t, err, password.ErrInvalidPassword, "%s: %s", name, tt.name)
		}
	}
}

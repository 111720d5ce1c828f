package users_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hasher := &recordingHasher{Hasher: fastHasher(t)}
	s, store, _ := newDirectory(t, users.Config{Hasher: hasher})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	bobHash := storedHash(t, store, bob.ID)
	bobParams := bobHash[:strings.LastIndex(bobHash[:strings.LastIndex(bobHash, "$")], "$")]

	t.Run("success", func(t *testing.T) {
		for _, email := range []string{"bob@example.com", " BOB@Example.com "} {
			u, err := s.Authenticate(ctx, email, goodPassword)
			require.NoError(t, err)
			assert.Equal(t, bob, u)
			encoded, calls := hasher.last()
			assert.Equal(t, 1, calls)
			assert.Equal(t, bobHash, encoded)
		}
	})

	// Every failure gives the same error, after verifying against a hash
	// made with the same hasher and parameters as bob's, so neither the
	// answer nor the work reveals whether an email has an account.
	failures := []struct {
		name, email, password string
		dummy                 bool // verified against the dummy hash
	}{
		{"wrong password", "bob@example.com", "correct horse battery stapler", false},
		{"password in other case", "bob@example.com", strings.ToUpper(goodPassword), false},
		{"empty password", "bob@example.com", "", false},
		{"long password", "bob@example.com", strings.Repeat("x", 100), false},
		{"unknown email", "alice@example.com", goodPassword, true},
		{"malformed email", "bob", goodPassword, true},
		{"empty email", "", goodPassword, true},
		{"email with display name", "Bob <bob@example.com>", goodPassword, true},
	}
	var messages []string
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.Authenticate(ctx, tt.email, tt.password)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
			assert.NotErrorIs(t, err, users.ErrLocked)
			assert.Zero(t, u)
			messages = append(messages, err.Error())

			encoded, calls := hasher.last()
			require.Equal(t, 1, calls, "one hash verified, account or not")
			assert.True(t, strings.HasPrefix(encoded, bobParams), "same algorithm and parameters: %s", encoded)
			assert.Equal(t, tt.dummy, encoded != bobHash)
		})
	}
	for _, m := range messages {
		assert.Equal(t, "users: authenticate: invalid credentials", m)
	}
}

func TestAuthenticateLocked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, clock := newDirectory(t, users.Config{})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")

	lockedAt := clock.Now().Add(time.Minute)
	clock.Advance(time.Minute)
	require.NoError(t, s.SetLocked(ctx, bob.ID, true))
	clock.Advance(time.Minute)
	require.NoError(t, s.SetLocked(ctx, bob.ID, true), "locking again is not an error")
	u, err := s.Get(ctx, bob.ID)
	require.NoError(t, err)
	require.NotNil(t, u.LockedAt)
	assert.True(t, u.LockedAt.Equal(lockedAt), "the first lock's time is kept")
	assert.True(t, u.Locked())

	// The right password learns of the lock, and is still refused.
	u, err = s.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, users.ErrLocked)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.Zero(t, u)

	// A wrong one learns nothing, not even that the account is locked.
	_, wrong := s.Authenticate(ctx, "bob@example.com", "not the password")
	_, unknown := s.Authenticate(ctx, "nobody@example.com", "not the password")
	assert.NotErrorIs(t, wrong, users.ErrLocked)
	assert.ErrorIs(t, wrong, authn.ErrInvalidCredentials)
	assert.Equal(t, unknown.Error(), wrong.Error())

	clock.Advance(time.Minute)
	require.NoError(t, s.SetLocked(ctx, bob.ID, false))
	require.NoError(t, s.SetLocked(ctx, bob.ID, false), "unlocking again is not an error")
	u, err = s.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Nil(t, u.LockedAt)
	assert.True(t, u.UpdatedAt.Equal(clock.Now()))
}

// Switching from bcrypt to Argon2id keeps every user: old hashes verify, and
// each is replaced at its owner's next login.
func TestRehashOnLoginAfterSwitchingHashers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := memstore.New()
	clock := authntest.NewClock(start)
	before, err := users.New(store, users.Config{Hasher: cheapBcrypt{}, Now: clock.Now})
	require.NoError(t, err)
	bob := register(t, before, "bob@example.com", goodPassword, "Bob")
	require.True(t, strings.HasPrefix(storedHash(t, store, bob.ID), "$2a$04$"))
	oldPrint, err := before.PasswordFingerprint(ctx, bob.ID)
	require.NoError(t, err)

	after, err := users.New(store, users.Config{Hasher: fastHasher(t), Now: clock.Now})
	require.NoError(t, err)

	// A wrong password rehashes nothing.
	_, err = after.Authenticate(ctx, "bob@example.com", "not the password")
	require.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.True(t, strings.HasPrefix(storedHash(t, store, bob.ID), "$2a$04$"))

	clock.Advance(time.Hour)
	u, err := after.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Equal(t, bob, u, "a rehash is not a change to the account")
	rehashed := storedHash(t, store, bob.ID)
	assert.True(t, strings.HasPrefix(rehashed, "$argon2id$v=19$m=7168,t=5,p=1$"), rehashed)
	newPrint, err := after.PasswordFingerprint(ctx, bob.ID)
	require.NoError(t, err)
	assert.NotEqual(t, oldPrint, newPrint)

	// The new hash verifies and is kept.
	_, err = after.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Equal(t, rehashed, storedHash(t, store, bob.ID))
	got, err := after.Get(ctx, bob.ID)
	require.NoError(t, err)
	assert.True(t, got.UpdatedAt.Equal(bob.UpdatedAt))
}

// A rehash that cannot be made or stored does not fail the login; it is
// logged, naming the user by id alone.
func TestRehashFailureIsLoggedNotFatal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var logs bytes.Buffer
	hasher := &brokenRehasher{}
	s, store, _ := newDirectory(t, users.Config{Hasher: hasher, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	stored := storedHash(t, store, bob.ID)

	hasher.broken.Store(true)
	u, err := s.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Equal(t, bob.ID, u.ID)
	assert.Equal(t, stored, storedHash(t, store, bob.ID), "the old hash still works")

	out := logs.String()
	assert.Contains(t, out, `"user_id":"`+bob.ID+`"`)
	assert.Contains(t, out, "hasher out of order")
	assert.NotContains(t, out, goodPassword)
	assert.NotContains(t, out, stored)
	assert.NotContains(t, out, "bob@example.com")
}

// lengthHasher records the length of the longest password it verified.
type lengthHasher struct {
	password.Hasher
	mu      sync.Mutex
	longest int
	calls   int
}

func (h *lengthHasher) Verify(encoded, pw string) (bool, error) {
	h.mu.Lock()
	h.longest, h.calls = max(h.longest, len(pw)), h.calls+1
	h.mu.Unlock()
	return h.Hasher.Verify(encoded, pw)
}

// TestAuthenticateDoesNotHashHugePasswords checks that a login with a
// password longer than any the Rules accept is refused like any wrong
// password, after the same hashing work, but without hashing what was
// sent: megabytes per attempt would otherwise cost the server dearly.
func TestAuthenticateDoesNotHashHugePasswords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hasher := &lengthHasher{Hasher: fastHasher(t)}
	s, _, _ := newDirectory(t, users.Config{Hasher: hasher})
	register(t, s, "bob@example.com", goodPassword, "Bob")
	_, wrong := s.Authenticate(ctx, "bob@example.com", "not the password")

	for _, pw := range []string{strings.Repeat("p", 4*password.LimitMaxLength+1), goodPassword + strings.Repeat(" ", 1<<20)} {
		for _, email := range []string{"bob@example.com", "nobody@example.com"} {
			hasher.longest, hasher.calls = 0, 0
			_, err := s.Authenticate(ctx, email, pw)
			require.ErrorIs(t, err, authn.ErrInvalidCredentials)
			assert.Equal(t, wrong.Error(), err.Error())
			assert.Equal(t, 1, hasher.calls, "one hash verified, as for any login")
			assert.LessOrEqual(t, hasher.longest, 4*password.LimitMaxLength, "but not the password sent")
		}
	}
	_, err := s.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.NoError(t, err)
}

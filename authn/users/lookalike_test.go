package users_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// TestLookAlikeEmailsAreOneAccount checks that an email written with
// characters that display like another's (fullwidth letters) is that
// other email, at registration and at every lookup, and that one padded
// with invisible characters is no email at all.
func TestLookAlikeEmailsAreOneAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{})
	alice := register(t, s, "alice@example.com", goodPassword, "Alice")

	tests := []struct {
		name, email string
		want        error
	}{
		{"fullwidth a", "\uff41lice@example.com", users.ErrEmailTaken},
		{"fullwidth @", "alice\uff20example.com", users.ErrEmailTaken},
		{"mathematical bold a", "\U0001d41alice@example.com", users.ErrEmailTaken},
		{"zero-width space", "alice\u200b@example.com", users.ErrInvalidEmail},
		{"soft hyphen", "al\u00adice@example.com", users.ErrInvalidEmail},
		{"zero-width joiner", "alice@exam\u200dple.com", users.ErrInvalidEmail},
		{"variation selector", "alice\ufe0e@example.com", users.ErrInvalidEmail},
	}
	for _, tt := range tests {
		_, err := s.Register(ctx, tt.email, goodPassword, "Mallory")
		assert.ErrorIs(t, err, tt.want, tt.name)
	}
	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "no look-alike account was created")

	for _, email := range []string{"\uff41lice@example.com", "\uff21LICE\uff20EXAMPLE\uff0eCOM"} {
		got, err := s.Authenticate(ctx, email, goodPassword)
		require.NoError(t, err, "log in as %q", email)
		assert.Equal(t, alice.ID, got.ID)
		got, err = s.GetByEmail(ctx, email)
		require.NoError(t, err)
		assert.Equal(t, alice.ID, got.ID)
	}
}

// TestUsersWithUnnormalizedEmail checks the way to find accounts stored
// before emails were normalized as they are now: they can no longer be
// looked up by their email, and an administrator should look at them.
func TestUsersWithUnnormalizedEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, store, _ := newDirectory(t, users.Config{})
	// Stored by an earlier version, which only trimmed and lowercased.
	old := map[string]string{
		"usr_000000000000000000000000000000a1": "\uff41lice@example.com",
		"usr_000000000000000000000000000000b0": "bob\u200b@example.com",
	}
	for id, email := range old {
		require.NoError(t, store.Create(ctx, users.Record{
			User:         users.User{ID: id, Email: email, Name: "Old", CreatedAt: start, UpdatedAt: start},
			PasswordHash: "$2a$04$" + strings.Repeat("x", 53),
		}))
	}
	carol := register(t, s, "carol@example.com", goodPassword, "Carol")

	found, err := s.UsersWithUnnormalizedEmail(ctx)
	require.NoError(t, err)
	got := map[string]string{}
	for _, u := range found {
		got[u.ID] = u.Email
	}
	assert.Equal(t, old, got, "carol's email is as it should be")
	_, err = s.GetByEmail(ctx, "carol@example.com")
	assert.NoError(t, err, carol.Email)
}

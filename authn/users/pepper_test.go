package users_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

var testPepper = []byte("test pepper, 32 bytes or longer!")

func pepperedHasher(t *testing.T, inner password.Hasher, opts ...password.PepperOption) password.Hasher {
	t.Helper()
	h, err := password.Peppered(inner, testPepper, opts...)
	require.NoError(t, err)
	return h
}

// A peppered hasher is a Hasher like any other: the Directory stores its
// hashes, logs in with them, and spends the same work on unknown emails.
func TestPepperedDirectory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hasher := &recordingHasher{Hasher: pepperedHasher(t, fastHasher(t))}
	s, store, _ := newDirectory(t, users.Config{Hasher: hasher})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	stored := storedHash(t, store, bob.ID)
	assert.True(t, strings.HasPrefix(stored, "$pepper$$argon2id$v=19$m=7168,t=5,p=1$"), stored)

	_, err := s.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Equal(t, stored, storedHash(t, store, bob.ID), "not rehashed")
	hasher.last()

	_, err = s.Authenticate(ctx, "nobody@example.com", goodPassword)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	encoded, calls := hasher.last()
	assert.Equal(t, 1, calls)
	assert.True(t, strings.HasPrefix(encoded, "$pepper$$argon2id$v=19$m=7168,t=5,p=1$"), "the dummy hash is peppered too: %s", encoded)

	// A Directory without the pepper cannot use the hashes.
	plain, err := users.New(store, users.Config{Hasher: fastHasher(t)})
	require.NoError(t, err)
	_, err = plain.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
}

// Bringing in a pepper with AcceptUnpeppered keeps every user: hashes made
// before it verify once more, and each is peppered at its owner's next
// login; after that the pepper alone verifies it.
func TestPepperIntroducedWithMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := memstore.New()
	clock := authntest.NewClock(start)
	before, err := users.New(store, users.Config{Hasher: cheapBcrypt{}, Now: clock.Now})
	require.NoError(t, err)
	bob := register(t, before, "bob@example.com", goodPassword, "Bob")
	alice := register(t, before, "alice@example.com", goodPassword, "Alice")
	require.True(t, strings.HasPrefix(storedHash(t, store, bob.ID), "$2a$04$"))

	// Without AcceptUnpeppered, the old hashes lock their owners out.
	strict, err := users.New(store, users.Config{Hasher: pepperedHasher(t, cheapBcrypt{}), Now: clock.Now})
	require.NoError(t, err)
	_, err = strict.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)

	migrating, err := users.New(store, users.Config{Hasher: pepperedHasher(t, cheapBcrypt{}, password.AcceptUnpeppered()), Now: clock.Now})
	require.NoError(t, err)
	_, err = migrating.Authenticate(ctx, "bob@example.com", "not the password")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.True(t, strings.HasPrefix(storedHash(t, store, bob.ID), "$2a$04$"), "a wrong password rehashes nothing")

	u, err := migrating.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Equal(t, bob, u)
	rehashed := storedHash(t, store, bob.ID)
	assert.True(t, strings.HasPrefix(rehashed, "$pepper$$2a$04$"), rehashed)
	assert.True(t, strings.HasPrefix(storedHash(t, store, alice.ID), "$2a$04$"), "alice has not logged in yet")

	// Bob's hash is now peppered: the strict Directory logs him in, and
	// one without the pepper does not.
	_, err = strict.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	_, err = before.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.Equal(t, rehashed, storedHash(t, store, bob.ID))
}

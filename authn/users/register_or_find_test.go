package users_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

// hashCounter counts the passwords it hashes.
type hashCounter struct {
	password.Hasher
	hashed atomic.Int64
}

func (h *hashCounter) Hash(pw string) (string, error) {
	h.hashed.Add(1)
	return h.Hasher.Hash(pw)
}

// TestRegisterOrFindWorksAlikeEitherWay checks that RegisterOrFind does the
// same work whether or not the email has an account, hashing the password
// and asking the breach checker in both cases, and leaves an existing
// account as it was.
func TestRegisterOrFindWorksAlikeEitherWay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hasher := &hashCounter{Hasher: cheapBcrypt{}}
	checker := &fakeChecker{}
	s, store, _ := newDirectory(t, users.Config{Hasher: hasher, BreachChecker: checker})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	checker.calls()
	bobHash := storedHash(t, store, bob.ID)

	tests := []struct {
		name, email string
		created     bool
	}{
		{"new", "carol@example.com", true},
		{"taken", "bob@example.com", false},
		{"taken, another case", " BOB@Example.com ", false},
		{"taken, fullwidth", "\uff42ob@example.com", false},
	}
	for _, tt := range tests {
		hashed := hasher.hashed.Load()
		u, created, err := s.RegisterOrFind(ctx, tt.email, "a different password", "Mallory")
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.created, created, tt.name)
		assert.Equal(t, hashed+1, hasher.hashed.Load(), "%s: one hash", tt.name)
		assert.Equal(t, 1, checker.calls(), "%s: one breach check", tt.name)
		if !created {
			assert.Equal(t, bob, u, "%s: the existing account, as it was", tt.name)
		} else {
			assert.Equal(t, "Mallory", u.Name)
		}
	}
	assert.Equal(t, bobHash, storedHash(t, store, bob.ID), "bob's password is untouched")
	_, err := s.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.NoError(t, err)

	// A form refused is refused alike, before any work.
	hashed := hasher.hashed.Load()
	_, _, taken := s.RegisterOrFind(ctx, "bob@example.com", "short", "")
	_, _, free := s.RegisterOrFind(ctx, "dave@example.com", "short", "")
	require.Error(t, taken)
	assert.Equal(t, taken.Error(), free.Error())
	assert.Equal(t, hashed, hasher.hashed.Load())
}

// Racing RegisterOrFind calls for one new email create one account, and
// every other call finds it.
func TestRegisterOrFindRacing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hasher := &gatedHasher{Hasher: cheapBcrypt{}}
	s, err := users.New(memstore.New(), users.Config{Hasher: hasher})
	require.NoError(t, err)
	const n = 6
	hasher.arm(n)
	ids := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var u users.User
			u, created[i], errs[i] = s.RegisterOrFind(ctx, "dup@example.com", goodPassword, "Racer")
			ids[i] = u.ID
		}()
	}
	wg.Wait()
	wins := 0
	for i := range n {
		require.NoError(t, errs[i])
		if created[i] {
			wins++
		}
		assert.Equal(t, ids[0], ids[i], "one account")
	}
	assert.Equal(t, 1, wins)
}

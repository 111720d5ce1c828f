package storetest

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

const goodPassword = "correct horse battery staple"

// cheapHasher hashes with bcrypt at its lowest cost, far too cheap for
// real use (password.NewBcrypt refuses it) but quick under the race
// detector, and verifies with password.Verify as real hashers do. With
// rehash set it wants every hash replaced, as after a change of hasher.
type cheapHasher struct {
	rehash bool
}

func (cheapHasher) Hash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	return string(h), err
}

func (cheapHasher) Verify(encoded, pw string) (bool, error) { return password.Verify(encoded, pw) }

func (h cheapHasher) NeedsRehash(string) bool { return h.rehash }

// gatedHasher, once armed, holds each Hash call until every racer has made
// one, so that racing registrations are all past the Directory's check for
// a taken email before any of them reaches Create: the race the store must
// decide happens every time, not by luck of scheduling.
type gatedHasher struct {
	cheapHasher
	racers sync.WaitGroup
	armed  atomic.Bool
}

// arm gates the next n Hash calls.
func (g *gatedHasher) arm(n int) {
	g.racers.Add(n)
	g.armed.Store(true)
}

func (g *gatedHasher) Hash(pw string) (string, error) {
	if g.armed.Load() {
		g.racers.Done()
		g.racers.Wait()
	}
	return g.cheapHasher.Hash(pw)
}

// directories returns two Directories with hasher, each on a handle of its
// own on open's backend, as two processes of an application have.
func directories(t *testing.T, open Open, hasher password.Hasher, now func() time.Time) [2]*users.Directory {
	t.Helper()
	var ds [2]*users.Directory
	for i := range ds {
		d, err := users.New(open(t), users.Config{Hasher: hasher, Now: now})
		require.NoError(t, err)
		ds[i] = d
	}
	return ds
}

// Registrations of one email in different spellings, racing on two
// Directories over two handles, all past the check for a taken email
// before any is stored: exactly one wins, and every other is told
// ErrEmailTaken, not a store failure.
func testDirectoryRegistersOnce(t *testing.T, fresh Fresh) {
	open := fresh(t)
	hasher := &gatedHasher{}
	ds := directories(t, open, hasher, nil)
	const n = 8
	spellings := []string{"dup@example.com", "DUP@example.com", "Dup@Example.com", " dup@EXAMPLE.com ", "\uff44up@example.com"}
	hasher.arm(n)
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var u users.User
			u, errs[i] = ds[i%2].Register(bg, spellings[i%len(spellings)], goodPassword, fmt.Sprintf("Racer %d", i))
			ids[i] = u.ID
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, winner, "registrations %d and %d both won", winner, i)
			winner = i
			continue
		}
		assert.ErrorIs(t, err, users.ErrEmailTaken, "registration %d", i)
		assert.NotErrorIs(t, err, users.ErrStore, "registration %d", i)
	}
	require.NotEqual(t, -1, winner, "one registration won")
	got, err := ds[1-winner%2].GetByEmail(bg, "dup@example.com")
	require.NoError(t, err)
	assert.Equal(t, ids[winner], got.ID)
	n2, err := ds[0].Count(bg)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n2)
}

// RegisterOrFind calls for one new email racing on two Directories create
// one account, and every other call finds that one.
func testDirectoryRegisterOrFindRacing(t *testing.T, fresh Fresh) {
	open := fresh(t)
	hasher := &gatedHasher{}
	ds := directories(t, open, hasher, nil)
	const n = 8
	hasher.arm(n)
	ids := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var u users.User
			u, created[i], errs[i] = ds[i%2].RegisterOrFind(bg, "Dup@Example.com", goodPassword, "Racer")
			ids[i] = u.ID
		})
	}
	wg.Wait()
	wins := 0
	for i := range n {
		require.NoError(t, errs[i], "call %d", i)
		if created[i] {
			wins++
		}
		assert.Equal(t, ids[0], ids[i], "call %d: one account", i)
	}
	assert.Equal(t, 1, wins, "exactly one call created the account")
}

// An account's whole life through a Directory on the store, with a second
// Directory on another handle seeing each step: registration, login, a
// rehash at login, lock, verification, a new password, deletion.
func testDirectoryLifecycle(t *testing.T, fresh Fresh) {
	open := fresh(t)
	clock := authntest.NewClock(base)
	ds := directories(t, open, cheapHasher{}, clock.Now)
	first, second := ds[0], ds[1]

	bob, err := first.Register(bg, "  Bob@Example.com ", goodPassword, "Bob")
	require.NoError(t, err)
	assert.True(t, users.IsID(bob.ID))
	assert.Equal(t, "bob@example.com", bob.Email)
	got, err := second.Get(bg, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, bob, got)
	_, err = second.Register(bg, "bob@example.com", goodPassword, "Impostor")
	assert.ErrorIs(t, err, users.ErrEmailTaken)

	u, err := second.Authenticate(bg, "BOB@example.com", goodPassword)
	require.NoError(t, err)
	assert.Equal(t, bob, u)
	_, wrong := second.Authenticate(bg, "bob@example.com", "not the password")
	_, unknown := second.Authenticate(bg, "nobody@example.com", "not the password")
	assert.ErrorIs(t, wrong, authn.ErrInvalidCredentials)
	assert.Equal(t, unknown.Error(), wrong.Error())

	// A Directory whose hasher wants every hash replaced rehashes at login,
	// without changing the account.
	print1, err := first.PasswordFingerprint(bg, bob.ID)
	require.NoError(t, err)
	rehashing, err := users.New(open(t), users.Config{Hasher: cheapHasher{rehash: true}, Now: clock.Now})
	require.NoError(t, err)
	_, err = rehashing.Authenticate(bg, "bob@example.com", goodPassword)
	require.NoError(t, err)
	print2, err := second.PasswordFingerprint(bg, bob.ID)
	require.NoError(t, err)
	assert.NotEqual(t, print1, print2, "the hash was replaced")
	got, err = first.Get(bg, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, bob, got, "a rehash is no change to the account")

	clock.Advance(time.Minute)
	lockedAt := clock.Now().UTC().Truncate(time.Microsecond)
	require.NoError(t, first.SetLocked(bg, bob.ID, true))
	_, err = second.Authenticate(bg, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, users.ErrLocked)
	clock.Advance(time.Minute)
	require.NoError(t, second.MarkEmailVerified(bg, bob.ID))
	got, err = first.Get(bg, bob.ID)
	require.NoError(t, err)
	require.NotNil(t, got.LockedAt)
	assert.Equal(t, lockedAt, *got.LockedAt)
	assert.True(t, got.Verified())
	require.NoError(t, second.SetLocked(bg, bob.ID, false))

	clock.Advance(time.Minute)
	const newPassword = "a new and better passphrase"
	require.NoError(t, second.SetPassword(bg, bob.ID, newPassword))
	_, err = first.Authenticate(bg, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	u, err = first.Authenticate(bg, "bob@example.com", newPassword)
	require.NoError(t, err)
	assert.Equal(t, clock.Now().UTC().Truncate(time.Microsecond), u.UpdatedAt)

	list, err := second.List(bg)
	require.NoError(t, err)
	assert.Equal(t, []users.User{u}, list)
	require.NoError(t, first.Delete(bg, bob.ID))
	_, err = second.Get(bg, bob.ID)
	assert.ErrorIs(t, err, users.ErrNotFound)
	assert.ErrorIs(t, second.Delete(bg, bob.ID), users.ErrNotFound)
	again, err := second.Register(bg, "bob@example.com", strings.Repeat("p", 12), "Bob")
	require.NoError(t, err, "the email is free again")
	assert.NotEqual(t, bob.ID, again.ID)
}

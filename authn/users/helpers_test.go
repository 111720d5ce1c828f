package users_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

// owaspMinimumArgon2id is the cheapest Argon2id OWASP accepts (7 MiB, 5
// iterations): a real configuration, about twice as fast as the default,
// for the tests about what is hashed how.
var owaspMinimumArgon2id = password.Argon2idParams{Memory: 7168, Iterations: 5, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func fastHasher(t *testing.T) password.Hasher {
	t.Helper()
	h, err := password.NewArgon2id(owaspMinimumArgon2id)
	require.NoError(t, err)
	return h
}

// newDirectory returns a Directory on a new memstore with a cheap hasher
// and a clock of its own, unless cfg sets them, and the store, for tests
// that look at what is stored. Tests of the Directory's bookkeeping hash
// with cheapBcrypt; those about hashing choose their hasher. What every
// store does with what it is given is users/storetest's to check, on every
// store.
func newDirectory(t *testing.T, cfg users.Config) (*users.Directory, *memstore.Store, *authntest.Clock) {
	t.Helper()
	c := authntest.NewClock(start)
	if cfg.Hasher == nil {
		cfg.Hasher = cheapBcrypt{}
	}
	if cfg.Now == nil {
		cfg.Now = c.Now
	}
	store := memstore.New()
	d, err := users.New(store, cfg)
	require.NoError(t, err)
	return d, store, c
}

// register registers a user and fails the test on error.
func register(t *testing.T, d *users.Directory, email, pw, name string) users.User {
	t.Helper()
	u, err := d.Register(context.Background(), email, pw, name)
	require.NoError(t, err)
	return u
}

// storedHash reads a user's password hash from the store, for tests that
// check what is stored.
func storedHash(t *testing.T, store users.Store, id string) string {
	t.Helper()
	rec, found, err := store.Get(context.Background(), id)
	require.NoError(t, err)
	require.True(t, found, "no account %s", id)
	return rec.PasswordHash
}

// start is where every test clock begins.
var start = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// cheapBcrypt hashes with bcrypt at cost 4, far too cheap to configure
// (password.NewBcrypt refuses it) but what an old system may have stored,
// and fast under the race detector, where real costs take seconds. It
// verifies with password.Verify, as the package's own hashers do.
type cheapBcrypt struct{}

func (cheapBcrypt) Hash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	return string(h), err
}

func (cheapBcrypt) Verify(encoded, pw string) (bool, error) { return password.Verify(encoded, pw) }

func (cheapBcrypt) NeedsRehash(string) bool { return false }

// brokenRehasher wants every hash replaced and, once broken, cannot make
// new ones: a rehash at login that fails.
type brokenRehasher struct {
	cheapBcrypt
	broken atomic.Bool
}

func (h *brokenRehasher) Hash(pw string) (string, error) {
	if h.broken.Load() {
		return "", errors.New("hasher out of order")
	}
	return h.cheapBcrypt.Hash(pw)
}

func (h *brokenRehasher) NeedsRehash(string) bool { return true }

// gatedHasher, once armed, holds each Hash call until every racer has made
// one, so that racing registrations are all past their check for a taken
// email before any of them is stored: the race the store must decide
// happens every time, not by luck of scheduling.
type gatedHasher struct {
	password.Hasher
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
	return g.Hasher.Hash(pw)
}

// recordingHasher counts the hashes it is asked to verify against, so tests
// can see that a login did the hashing work without timing it.
type recordingHasher struct {
	password.Hasher
	mu       sync.Mutex
	verified []string
}

func (h *recordingHasher) Verify(encoded, pw string) (bool, error) {
	h.mu.Lock()
	h.verified = append(h.verified, encoded)
	h.mu.Unlock()
	return h.Hasher.Verify(encoded, pw)
}

// last returns the encoded hash of the latest Verify and forgets the rest.
func (h *recordingHasher) last() (encoded string, calls int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	calls = len(h.verified)
	if calls > 0 {
		encoded = h.verified[calls-1]
	}
	h.verified = nil
	return encoded, calls
}

package refresh_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/refresh/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/refresh/memstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// start is the fake clock's first reading, a whole second so that stored
// times compare equal after a round trip through the database.
var start = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// backend is a store the tests of Tokens run on.
type backend struct {
	name string
	// skip skips a test whose store needs a server that is not
	// configured; nil for stores that need none.
	skip func(testing.TB)
	// new returns the opener of new, empty data of the test's own: each
	// call of it is another handle on that data, as a restarted process
	// or another replica would have.
	new func(t *testing.T) func(t *testing.T) refresh.Store
}

// memory is the store of the tests that are about Tokens alone.
var memory = backend{name: "memory", new: func(*testing.T) func(*testing.T) refresh.Store {
	s := memstore.New()
	return func(*testing.T) refresh.Store { return s }
}}

// backends are every store, on every database gormstore supports.
func backends() []backend {
	out := []backend{memory}
	for _, db := range testdb.Backends() {
		out = append(out, backend{name: "gorm-" + db.Name(), skip: db.SkipUnlessConfigured, new: func(t *testing.T) func(*testing.T) refresh.Store {
			database := db.New(t)
			return func(t *testing.T) refresh.Store {
				s, err := gormstore.New(context.Background(), database.Open(t))
				require.NoError(t, err)
				return s
			}
		}})
	}
	return out
}

// eachStore runs run once per backend, each in a subtest named after it,
// and returns when all are done; a server whose variable is not set is a
// skipped subtest that says so. The subtests run from goroutines of their
// own, as testdb.Each runs them: they wait on servers, not on CPUs.
func eachStore(t *testing.T, run func(t *testing.T, b backend)) {
	t.Helper()
	testdb.Concurrently(t, backends(), func(b backend) string { return b.name }, func(t *testing.T, b backend) {
		if b.skip != nil {
			b.skip(t)
		}
		run(t, b)
	})
}

// recordingStore remembers every token Tokens stores through it, so that
// tests can look at all of them, and counts the calls of the hot path.
type recordingStore struct {
	refresh.Store
	mu       sync.Mutex
	stored   []refresh.Record
	rotates  int
	inserted int
}

func (r *recordingStore) Insert(ctx context.Context, rec refresh.Record) error {
	r.mu.Lock()
	r.inserted++
	r.mu.Unlock()
	err := r.Store.Insert(ctx, rec)
	if err == nil {
		r.mu.Lock()
		r.stored = append(r.stored, rec)
		r.mu.Unlock()
	}
	return err
}

func (r *recordingStore) Rotate(ctx context.Context, hash string, next refresh.Record, now time.Time) (refresh.Rotation, error) {
	rot, err := r.Store.Rotate(ctx, hash, next, now)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rotates++
	if err == nil && rot.Outcome == refresh.Rotated {
		r.stored = append(r.stored, rot.Next)
	}
	return rot, err
}

// fixture is Tokens on a store of its own with a fake clock; open gives
// another handle on the store's data, as a restarted process would have.
type fixture struct {
	tokens *refresh.Tokens
	rec    *recordingStore
	clock  *authntest.Clock
	open   func(t *testing.T) refresh.Store
}

// newFixture builds Tokens on a new memstore from cfg, whose Now it
// replaces with a fake clock.
func newFixture(t *testing.T, cfg refresh.Config) fixture {
	t.Helper()
	return newFixtureOn(t, memory, cfg)
}

// newFixtureOn is newFixture on new data of backend b.
func newFixtureOn(t *testing.T, b backend, cfg refresh.Config) fixture {
	t.Helper()
	c := authntest.NewClock(start)
	cfg.Now = c.Now
	open := b.new(t)
	rec := &recordingStore{Store: open(t)}
	s, err := refresh.New(rec, cfg)
	require.NoError(t, err)
	return fixture{tokens: s, rec: rec, clock: c, open: open}
}

// issue issues a token to subject and fails the test on error.
func (f fixture) issue(t *testing.T, subject string) refresh.Token {
	t.Helper()
	tok, err := f.tokens.Issue(context.Background(), subject)
	require.NoError(t, err)
	return tok
}

// rotate rotates tok and fails the test on error.
func (f fixture) rotate(t *testing.T, tok refresh.Token) refresh.Token {
	t.Helper()
	next, err := f.tokens.Rotate(context.Background(), tok.Value.Reveal())
	require.NoError(t, err)
	return next
}

// count returns how many of the tokens stored through the fixture are
// still held by the store, as another handle reads them, and match.
func (f fixture) count(t *testing.T, match func(refresh.Record) bool) int64 {
	t.Helper()
	f.rec.mu.Lock()
	stored := append([]refresh.Record(nil), f.rec.stored...)
	f.rec.mu.Unlock()
	s := f.open(t)
	var n int64
	for _, rec := range stored {
		got, found, err := s.Find(context.Background(), rec.TokenHash)
		require.NoError(t, err)
		if found && match(got) {
			n++
		}
	}
	return n
}

// ofFamily matches the tokens of family, and also is when given.
func ofFamily(family string, also ...func(refresh.Record) bool) func(refresh.Record) bool {
	return func(r refresh.Record) bool {
		if r.FamilyID != family {
			return false
		}
		for _, m := range also {
			if !m(r) {
				return false
			}
		}
		return true
	}
}

func isUsed(r refresh.Record) bool       { return !r.UsedAt.IsZero() }
func isUnused(r refresh.Record) bool     { return r.UsedAt.IsZero() }
func isRevoked(r refresh.Record) bool    { return !r.RevokedAt.IsZero() }
func isNotRevoked(r refresh.Record) bool { return r.RevokedAt.IsZero() }

// rotateAtOnce presents value to Rotate from n goroutines released
// together and returns what each got.
func rotateAtOnce(s *refresh.Tokens, value string, n int) ([]refresh.Token, []error) {
	var (
		wg     sync.WaitGroup
		ready  = make(chan struct{})
		tokens = make([]refresh.Token, n)
		errs   = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-ready
			tokens[i], errs[i] = s.Rotate(context.Background(), value)
		})
	}
	close(ready)
	wg.Wait()
	return tokens, errs
}

// hashOf is the form the store keeps a token in: hex SHA-256.
func hashOf(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

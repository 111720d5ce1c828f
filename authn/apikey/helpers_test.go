package apikey_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// backend is a store the tests of Keys run on.
type backend struct {
	name string
	// skip skips a test whose store needs a server that is not
	// configured; nil for stores that need none.
	skip func(testing.TB)
	// new returns the opener of new, empty data of the test's own: each
	// call of it is another handle on that data, as a restarted process
	// or another replica would have.
	new func(t *testing.T) func(t *testing.T) apikey.Store
}

// memory is the store of the tests that are about Keys alone.
var memory = backend{name: "memory", new: func(*testing.T) func(*testing.T) apikey.Store {
	s := memstore.New()
	return func(*testing.T) apikey.Store { return s }
}}

// backends are every store, on every database gormstore supports.
func backends() []backend {
	out := []backend{memory}
	for _, db := range testdb.Backends() {
		out = append(out, backend{name: "gorm-" + db.Name(), skip: db.SkipUnlessConfigured, new: func(t *testing.T) func(*testing.T) apikey.Store {
			database := db.New(t)
			return func(t *testing.T) apikey.Store {
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

// countingStore counts the calls Keys makes of its store, and keeps the
// records it is asked to insert.
type countingStore struct {
	apikey.Store
	inserts, lookups, uses atomic.Int64
	mu                     sync.Mutex
	inserted               []apikey.Record
}

func (c *countingStore) Insert(ctx context.Context, rec apikey.Record) error {
	c.inserts.Add(1)
	c.mu.Lock()
	c.inserted = append(c.inserted, rec)
	c.mu.Unlock()
	return c.Store.Insert(ctx, rec)
}

func (c *countingStore) Lookup(ctx context.Context, prefix string) (apikey.Record, bool, error) {
	c.lookups.Add(1)
	return c.Store.Lookup(ctx, prefix)
}

func (c *countingStore) RecordUse(ctx context.Context, id string, at, staleAt time.Time) (bool, error) {
	c.uses.Add(1)
	return c.Store.RecordUse(ctx, id, at, staleAt)
}

// fixture is Keys on a store of its own with a fake clock; open gives
// another handle on the store's data, as a restarted process would have.
type fixture struct {
	keys  *apikey.Keys
	store *countingStore
	clock *authntest.Clock
	open  func(t *testing.T) apikey.Store
}

// newFixture builds Keys on a new memstore.
func newFixture(t *testing.T) fixture {
	t.Helper()
	return newFixtureOn(t, memory)
}

// newFixtureOn builds Keys on new data of backend b.
func newFixtureOn(t *testing.T, b backend) fixture {
	t.Helper()
	open := b.new(t)
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	store := &countingStore{Store: open(t)}
	keys, err := apikey.New(store, apikey.Config{Now: clock.Now})
	require.NoError(t, err)
	return fixture{keys: keys, store: store, clock: clock, open: open}
}

// create makes a key for owner that does not expire.
func (f fixture) create(t *testing.T, owner, name string) (apikey.Key, string) {
	t.Helper()
	key, secret, err := f.keys.Create(context.Background(), owner, name, nil)
	require.NoError(t, err)
	return key, secret.Reveal()
}

func ptr[T any](v T) *T { return &v }

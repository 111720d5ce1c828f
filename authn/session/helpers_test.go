package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/session/memstore"
	"github.com/gatehouse-go/gatehouse/authn/session/redisstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/internal/testredis"
)

// start is where every test clock begins; whole seconds, as stored.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// backend is a store the Manager's tests run on.
type backend struct {
	name string
	// skip skips a test whose store needs a server that is not
	// configured; nil for stores that need none.
	skip func(testing.TB)
	// new returns new, empty data of the test's own.
	new func(t *testing.T) data
}

// data is one test's sessions on a backend.
type data struct {
	// open returns another handle on them, as a restarted process or
	// another replica would have.
	open func(t *testing.T) session.Store
	// count returns how many sessions are stored, expired ones not yet
	// deleted included.
	count func(t *testing.T) int64
}

// memory is the store of the tests that are about the Manager alone.
var memory = backend{name: "memory", new: func(*testing.T) data {
	s := memstore.New()
	return data{
		open:  func(*testing.T) session.Store { return s },
		count: func(*testing.T) int64 { return int64(s.Len()) },
	}
}}

// backends are every store, on every database gormstore supports.
func backends() []backend {
	out := []backend{memory}
	for _, db := range testdb.Backends() {
		out = append(out, backend{name: "gorm-" + db.Name(), skip: db.SkipUnlessConfigured, new: func(t *testing.T) data {
			database := db.New(t)
			return data{
				open: func(t *testing.T) session.Store {
					s, err := gormstore.New(context.Background(), database.Open(t))
					require.NoError(t, err)
					return s
				},
				count: func(t *testing.T) int64 {
					var n int64
					require.NoError(t, database.Open(t).Table("gatehouse_sessions").Count(&n).Error)
					return n
				},
			}
		}})
	}
	return append(out, backend{name: "redis", skip: func(t testing.TB) { testredis.URL(t) }, new: newRedisData})
}

// newRedisData gives the test a key prefix of its own on the shared
// server, whose keys are deleted when the test ends.
func newRedisData(t *testing.T) data {
	admin := testredis.Client(t)
	prefix := testredis.Prefix(t, admin) + "session:"
	return data{
		open: func(t *testing.T) session.Store {
			s, err := redisstore.New(testredis.Client(t), redisstore.WithPrefix(prefix))
			require.NoError(t, err)
			return s
		},
		count: func(t *testing.T) int64 {
			ks, err := admin.Keys(context.Background(), prefix+"token:*").Result()
			require.NoError(t, err)
			return int64(len(ks))
		},
	}
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

// fixture is a Manager on a store of its own, with its clock; data lets a
// test open the store again, as a restarted process or another replica
// would.
type fixture struct {
	m     *session.Manager
	clock *authntest.Clock
	data  data
}

// newFixture builds a Manager on a new memstore with cfg, whose Now is
// replaced by a test clock.
func newFixture(t *testing.T, cfg session.Config) fixture {
	t.Helper()
	return newFixtureOn(t, memory, cfg)
}

// newFixtureOn is newFixture on new data of backend b.
func newFixtureOn(t *testing.T, b backend, cfg session.Config) fixture {
	t.Helper()
	d := b.new(t)
	c := authntest.NewClock(start)
	cfg.Now = c.Now
	m, err := session.New(d.open(t), cfg)
	require.NoError(t, err)
	return fixture{m: m, clock: c, data: d}
}

// create starts a session for subject and fails the test on error.
func (f fixture) create(t *testing.T, subject string) session.Session {
	t.Helper()
	s, err := f.m.Create(context.Background(), subject, "")
	require.NoError(t, err)
	return s
}

// request is a request with method carrying the session cookie token and,
// unless csrf is "", the CSRF header.
func (f fixture) request(method, token, csrf string) authntest.Request {
	req := authntest.Request{HTTPMethod: method, Cookies: map[string]string{f.m.CookieName(): token}}
	if csrf != "" {
		req.Headers = map[string]string{f.m.CSRFHeader(): csrf}
	}
	return req
}

// get authenticates a GET carrying token.
func (f fixture) get(token string) (authn.Subject, error) {
	return f.m.Authenticate(context.Background(), f.request("GET", token, ""))
}

// lastSeen returns the recorded last use of the live session s, as List
// reports it.
func (f fixture) lastSeen(t *testing.T, s session.Session) time.Time {
	t.Helper()
	infos, err := f.m.List(context.Background(), s.Subject)
	require.NoError(t, err)
	for _, info := range infos {
		if info.ID == s.ID {
			return info.LastSeenAt
		}
	}
	require.Failf(t, "session not listed", "%s", s.ID)
	return time.Time{}
}

// count returns how many sessions the store holds.
func (f fixture) count(t *testing.T) int64 {
	t.Helper()
	return f.data.count(t)
}

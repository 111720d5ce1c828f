package session_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

// clock is a settable time source, so that tests advance time instead of
// sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// start is where every test clock begins; whole seconds, as stored.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func newClock() *clock { return &clock{now: start} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openSQLite opens (creating if needed) the SQLite database at path and
// closes it when the test ends.
func openSQLite(t *testing.T, path string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(path+"?_busy_timeout=5000"), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

// fixture is a Manager on a fresh database, with its clock.
type fixture struct {
	m     *session.Manager
	db    *gorm.DB
	clock *clock
	path  string
}

// newFixture builds a Manager on a new SQLite file with cfg, whose Now is
// replaced by a test clock.
func newFixture(t *testing.T, cfg session.Config) fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	db := openSQLite(t, path)
	c := newClock()
	cfg.Now = c.Now
	m, err := session.New(context.Background(), db, cfg)
	require.NoError(t, err)
	return fixture{m: m, db: db, clock: c, path: path}
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

// lastSeen reads a session's last_seen_at straight from the table.
func (f fixture) lastSeen(t *testing.T, id string) time.Time {
	t.Helper()
	var seen []time.Time
	require.NoError(t, f.db.Table("gatehouse_sessions").Where("id = ?", id).Pluck("last_seen_at", &seen).Error)
	require.Len(t, seen, 1, "session %s in the table", id)
	return seen[0]
}

// count returns how many sessions the table holds.
func (f fixture) count(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, f.db.Table("gatehouse_sessions").Count(&n).Error)
	return n
}

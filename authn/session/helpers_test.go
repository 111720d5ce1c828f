package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// start is where every test clock begins; whole seconds, as stored.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is a Manager on a fresh database, with its clock; database lets
// a test open it again, as a restarted process or another replica would.
type fixture struct {
	m        *session.Manager
	db       *gorm.DB
	clock    *authntest.Clock
	database testdb.Database
}

// newFixture builds a Manager on a new SQLite file with cfg, whose Now is
// replaced by a test clock.
func newFixture(t *testing.T, cfg session.Config) fixture {
	t.Helper()
	return newFixtureOn(t, testdb.SQLite, cfg)
}

// newFixtureOn is newFixture on a new database of backend b.
func newFixtureOn(t *testing.T, b testdb.Backend, cfg session.Config) fixture {
	t.Helper()
	database := b.New(t)
	db := database.Open(t)
	c := authntest.NewClock(start)
	cfg.Now = c.Now
	m, err := session.New(context.Background(), db, cfg)
	require.NoError(t, err)
	return fixture{m: m, db: db, clock: c, database: database}
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
	return seen[0].UTC()
}

// count returns how many sessions the table holds.
func (f fixture) count(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, f.db.Table("gatehouse_sessions").Count(&n).Error)
	return n
}

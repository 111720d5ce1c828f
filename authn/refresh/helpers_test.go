package refresh_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// table is the store's table, which tests read directly.
const table = "gatehouse_refresh_tokens"

// start is the fake clock's first reading, a whole second so that stored
// times compare equal after a round trip through the database.
var start = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is a Store on a fresh database with a fake clock.
type fixture struct {
	store *refresh.Store
	db    *gorm.DB
	clock *authntest.Clock
}

// newFixture builds a Store on SQLite from cfg, whose Now it replaces
// with a fake clock.
func newFixture(t *testing.T, cfg refresh.Config) fixture {
	t.Helper()
	return newFixtureOn(t, testdb.SQLite, cfg)
}

// newFixtureOn is newFixture on a new database of backend b.
func newFixtureOn(t *testing.T, b testdb.Backend, cfg refresh.Config) fixture {
	t.Helper()
	c := authntest.NewClock(start)
	cfg.Now = c.Now
	db := b.Open(t)
	s, err := refresh.New(context.Background(), db, cfg)
	require.NoError(t, err)
	return fixture{store: s, db: db, clock: c}
}

// issue issues a token to subject and fails the test on error.
func (f fixture) issue(t *testing.T, subject string) refresh.Token {
	t.Helper()
	tok, err := f.store.Issue(context.Background(), subject)
	require.NoError(t, err)
	return tok
}

// rotate rotates tok and fails the test on error.
func (f fixture) rotate(t *testing.T, tok refresh.Token) refresh.Token {
	t.Helper()
	next, err := f.store.Rotate(context.Background(), tok.Value.Reveal())
	require.NoError(t, err)
	return next
}

// rows counts the stored tokens that match a condition.
func (f fixture) rows(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, f.db.Table(table).Where(query, args...).Count(&n).Error)
	return n
}

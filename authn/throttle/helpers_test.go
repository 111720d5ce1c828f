package throttle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// fixture is a limiter on a fresh database with a fake clock; database
// lets a test open it again, as another replica or a restarted process
// would.
type fixture struct {
	limiter  *throttle.Limiter
	db       *gorm.DB
	clock    *authntest.Clock
	database testdb.Database
}

// newFixture builds a limiter on a new SQLite file from cfg, with the
// fixture's clock.
func newFixture(t *testing.T, cfg throttle.Config) fixture {
	t.Helper()
	return newFixtureOn(t, testdb.SQLite, cfg)
}

// newFixtureOn is newFixture on a new database of backend b.
func newFixtureOn(t *testing.T, b testdb.Backend, cfg throttle.Config) fixture {
	t.Helper()
	database := b.New(t)
	db := database.Open(t)
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	cfg.Now = clock.Now
	limiter, err := throttle.New(context.Background(), db, cfg)
	require.NoError(t, err)
	return fixture{limiter: limiter, db: db, clock: clock, database: database}
}

// fail records n failures of account from address.
func (f fixture) fail(t *testing.T, n int, account, address string) {
	t.Helper()
	for i := 0; i < n; i++ {
		require.NoError(t, f.limiter.RecordFailure(context.Background(), account, address))
	}
}

// retryAfter returns the RetryAfter of Check's refusal, or 0 when Check
// allows the attempt; it fails the test on any other error.
func (f fixture) retryAfter(t *testing.T, account, address string) time.Duration {
	t.Helper()
	err := f.limiter.Check(context.Background(), account, address)
	if err == nil {
		return 0
	}
	var throttled *authn.ThrottledError
	require.True(t, errors.As(err, &throttled), "Check returned %v", err)
	require.ErrorIs(t, err, authn.ErrThrottled)
	return throttled.RetryAfter
}

// rows counts the stored failures.
func (f fixture) rows(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, f.db.Table("gatehouse_login_failures").Count(&n).Error)
	return n
}

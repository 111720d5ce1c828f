package gormstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/schema"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// previousFailure is a row of gatehouse_login_failures as the version
// before attempts were reserved created it.
type previousFailure struct {
	ID       uint64    `gorm:"primaryKey;autoIncrement"`
	Key      string    `gorm:"size:400;not null;index:idx_gatehouse_login_failures_key,priority:1"`
	FailedAt time.Time `gorm:"precision:6;not null;index:idx_gatehouse_login_failures_key,priority:2;index"`
}

func (previousFailure) TableName() string { return "gatehouse_login_failures" }

// TestUpgradeKeepsTheFailures checks that a Store opened on the table of
// the previous version adds what it needs and counts the failures already
// stored as failures.
func TestUpgradeKeepsTheFailures(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
		require.NoError(t, schema.Migrate(ctx, db, &previousFailure{}))
		for range throttle.DefaultMaxFailures {
			require.NoError(t, db.Create(&previousFailure{Key: "account:alice", FailedAt: clock.Now()}).Error)
		}
		clock.Advance(time.Minute)

		store, err := gormstore.New(ctx, db)
		require.NoError(t, err)
		limiter, err := throttle.New(store, throttle.Config{Now: clock.Now})
		require.NoError(t, err)
		_, err = limiter.Reserve(ctx, "alice", "192.0.2.1")
		var throttled *authn.ThrottledError
		require.ErrorAs(t, err, &throttled)
		assert.Equal(t, 14*time.Minute, throttled.RetryAfter)

		attempt, err := limiter.Reserve(ctx, "bob", "192.0.2.1")
		require.NoError(t, err)
		require.NoError(t, attempt.Succeeded(ctx))
		require.NoError(t, limiter.Reset(ctx, "alice"))
		_, err = limiter.Reserve(ctx, "alice", "192.0.2.1")
		assert.NoError(t, err, "the old failures are reset like new ones")
	})
}

// TestTablesOfTheLimiterBefore checks that the tables keep the names and
// columns the Limiter created when it kept them itself, so that a database
// of an earlier version goes on working.
func TestTablesOfTheLimiterBefore(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		_, err := gormstore.New(ctx, db)
		require.NoError(t, err)
		for table, columns := range map[string][]string{
			"gatehouse_login_failures":      {"id", "key", "failed_at", "attempt", "pending"},
			"gatehouse_login_attempt_locks": {"key", "locked_at"},
		} {
			require.True(t, db.Migrator().HasTable(table), table)
			types, err := db.Migrator().ColumnTypes(table)
			require.NoError(t, err)
			var names []string
			for _, c := range types {
				names = append(names, c.Name())
			}
			assert.ElementsMatch(t, columns, names, table)
		}
	})
}

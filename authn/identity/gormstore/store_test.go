package gormstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/identity/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestConformance runs the store suite on SQLite, and on PostgreSQL and
// MySQL/MariaDB when GATEHOUSE_TEST_POSTGRES and GATEHOUSE_TEST_MYSQL name
// servers. Each case gets a database of its own; each handle on it is a
// connection pool of its own, as another process would have.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open {
			database := b.New(t)
			return func(t *testing.T) identity.Store { return open(t, database.Open(t)) }
		})
	})
}

func open(t *testing.T, db *gorm.DB) *gormstore.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return s
}

var (
	bg      = context.Background()
	created = time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)
)

func TestNewRefusesNilDB(t *testing.T) {
	t.Parallel()
	s, err := gormstore.New(bg, nil)
	assert.ErrorIs(t, err, identity.ErrStore)
	assert.Nil(t, s)
}

func TestNewReportsMigrationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(bg)
	cancel()
	db := testdb.Open(t)
	s, err := gormstore.New(ctx, db)
	assert.ErrorIs(t, err, identity.ErrStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, s)
	assert.False(t, db.Migrator().HasTable("gatehouse_identities"))
}

// The table has its four columns, (issuer, subject) as its primary key and
// an index on user_id; a second New on it, as after a restart, finds it in
// place. On MySQL and MariaDB every text column has a binary collation.
func TestTableLayout(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		open(t, db)
		open(t, db)
		migrator := db.Migrator()
		require.True(t, migrator.HasTable("gatehouse_identities"))
		assert.True(t, migrator.HasIndex("gatehouse_identities", "idx_gatehouse_identities_user_id"))
		columns, err := migrator.ColumnTypes("gatehouse_identities")
		require.NoError(t, err)
		var names, keys []string
		for _, c := range columns {
			names = append(names, c.Name())
			if pk, ok := c.PrimaryKey(); ok && pk {
				keys = append(keys, c.Name())
			}
		}
		assert.ElementsMatch(t, []string{"issuer", "subject", "user_id", "created_at"}, names)
		assert.ElementsMatch(t, []string{"issuer", "subject"}, keys)

		if b != testdb.MySQL {
			return
		}
		var collations []string
		require.NoError(t, db.Raw(`SELECT COLLATION_NAME FROM information_schema.COLUMNS
			WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'gatehouse_identities' AND COLLATION_NAME IS NOT NULL`).Scan(&collations).Error)
		assert.Len(t, collations, 3)
		for _, c := range collations {
			assert.True(t, strings.HasSuffix(c, "_bin"), "collation %s", c)
		}
	})
}

// countStatements counts every statement GORM sends on db from now on.
func countStatements(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	require.NoError(t, cb.Query().After("gorm:query").Register("count", count))
	require.NoError(t, cb.Create().After("gorm:create").Register("count", count))
	require.NoError(t, cb.Update().After("gorm:update").Register("count", count))
	require.NoError(t, cb.Delete().After("gorm:delete").Register("count", count))
	require.NoError(t, cb.Row().After("gorm:row").Register("count", count))
	require.NoError(t, cb.Raw().After("gorm:raw").Register("count", count))
	return &n
}

// Find, which runs on every request of an identity the Linker does not
// remember, is one statement, and so is every other call; an invalid link
// or an argument no link can have sends none.
func TestEachCallIsOneStatement(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	s := open(t, db)
	l := identity.Link{Issuer: "https://idp.example.com", Subject: "1", UserID: "usr_1", CreatedAt: created}
	n := countStatements(t, db)
	tests := []struct {
		name string
		call func() error
		want int64
	}{
		{"Create", func() error { return s.Create(bg, l) }, 1},
		{"Find", func() error { _, _, err := s.Find(bg, l.Issuer, l.Subject); return err }, 1},
		{"Find, a miss", func() error { _, _, err := s.Find(bg, l.Issuer, "2"); return err }, 1},
		{"ByUser", func() error { _, err := s.ByUser(bg, l.UserID); return err }, 1},
		{"Delete", func() error { _, err := s.Delete(bg, l.Issuer, l.Subject); return err }, 1},
		{"DeleteUser", func() error { _, err := s.DeleteUser(bg, l.UserID); return err }, 1},
		{"Create, invalid", func() error {
			invalid := l
			invalid.Subject = "nul\x00"
			if err := s.Create(bg, invalid); err == nil {
				return fmt.Errorf("%+v was kept", invalid)
			}
			return nil
		}, 0},
		{"Find, invalid", func() error { _, _, err := s.Find(bg, l.Issuer, "bad\xff"); return err }, 0},
		{"ByUser, invalid", func() error { _, err := s.ByUser(bg, ""); return err }, 0},
		{"Delete, invalid", func() error { _, err := s.Delete(bg, strings.Repeat("i", 256), "1"); return err }, 0},
		{"DeleteUser, invalid", func() error { _, err := s.DeleteUser(bg, "\x00"); return err }, 0},
	}
	for _, tt := range tests {
		before := n.Load()
		require.NoError(t, tt.call(), tt.name)
		assert.Equal(t, tt.want, n.Load()-before, "%s: statements", tt.name)
	}
}

// Creates racing for one identity are told ErrLinked, whether or not GORM
// translates the driver's error, as an application may open its pool
// either way.
func TestRacingCreatesWithAndWithoutTranslation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, translate := range []bool{false, true} {
			t.Run(fmt.Sprintf("TranslateError=%v", translate), func(t *testing.T) {
				t.Parallel()
				database := b.New(t)
				stores := []*gormstore.Store{
					open(t, database.OpenWith(t, &gorm.Config{TranslateError: translate})),
					open(t, database.OpenWith(t, &gorm.Config{TranslateError: translate})),
				}
				const n = 8
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						errs[i] = stores[i%2].Create(bg, identity.Link{
							Issuer: "https://idp.example.com", Subject: "1", UserID: fmt.Sprintf("usr_%d", i), CreatedAt: created,
						})
					})
				}
				wg.Wait()
				wins := 0
				for i, err := range errs {
					if err == nil {
						wins++
						continue
					}
					assert.ErrorIs(t, err, identity.ErrLinked, "create %d", i)
				}
				assert.Equal(t, 1, wins)
			})
		}
	})
}

// A database that stops answering is an error, never a verdict: not
// ErrLinked, not a link not found.
func TestClosedDatabaseIsAnError(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	s := open(t, db)
	l := identity.Link{Issuer: "https://idp.example.com", Subject: "1", UserID: "usr_1", CreatedAt: created}
	require.NoError(t, s.Create(bg, l))
	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())

	err = s.Create(bg, l)
	assert.Error(t, err)
	assert.NotErrorIs(t, err, identity.ErrLinked)
	_, found, err := s.Find(bg, l.Issuer, l.Subject)
	assert.Error(t, err)
	assert.False(t, found)
	_, err = s.ByUser(bg, l.UserID)
	assert.Error(t, err)
	_, err = s.Delete(bg, l.Issuer, l.Subject)
	assert.Error(t, err)
	_, err = s.DeleteUser(bg, l.UserID)
	assert.Error(t, err)
}

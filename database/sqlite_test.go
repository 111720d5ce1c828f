package database_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/database"
)

// openSQLite opens dsn and closes it when the test ends.
func openSQLite(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	db, err := database.Open(dsn)
	require.NoError(t, err, dsn)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

func TestSQLiteParameters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		params      string
		busyTimeout int
	}{
		{"none: wait 5 s", "", 5000},
		{"a pragma of the driver", "?_pragma=busy_timeout(250)", 250},
		{"the cgo driver's form", "?_busy_timeout=750", 750},
		{"other pragmas keep the default wait", "?_pragma=synchronous(NORMAL)&_txlock=deferred", 5000},
		{"a pragma written with =", "?_pragma=busy_timeout%3D300", 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := openSQLite(t, "sqlite:"+filepath.Join(t.TempDir(), "gatehouse.db")+tt.params)
			var timeout int
			require.NoError(t, db.Raw("PRAGMA busy_timeout").Scan(&timeout).Error)
			assert.Equal(t, tt.busyTimeout, timeout)
		})
	}
}

func TestSQLiteRefusesParametersItWouldIgnore(t *testing.T) {
	t.Parallel()
	for _, params := range []string{
		"?_foreign_keys=1",        // the cgo driver's; this one would ignore it
		"?_journal_mode=WAL",      // likewise: _pragma=journal_mode(WAL)
		"?_time_format=sqlite",    // the driver would then skip _txlock
		"?_busy_timeout=soon",     // not milliseconds
		"?_busy_timeout=-1",       // not milliseconds
		"?_txlock=later",          // not a transaction mode
		"?_pragma=busy_timeout(%", // not a query string
	} {
		dir := t.TempDir()
		_, err := database.Open("sqlite:" + filepath.Join(dir, "gatehouse.db") + params)
		assert.ErrorIs(t, err, database.ErrInvalidDSN, params)
		assert.NoFileExists(t, filepath.Join(dir, "gatehouse.db"), "%s: a refused DSN creates nothing", params)
	}
	_, err := database.Dialector("sqlite:?_txlock=immediate")
	assert.ErrorIs(t, err, database.ErrInvalidDSN, "parameters without a file")
}

// counter is a row several writers increment.
type counter struct {
	ID    int
	Value int
}

// Replicas of an application open one SQLite file each with its own pool,
// and read-then-write in transactions. A writer that meets another's lock
// waits (busy_timeout) and takes the write lock when its transaction
// begins (_txlock=immediate), so that no transaction fails with
// SQLITE_BUSY trying to upgrade a read lock, and no increment is lost.
func TestSQLiteConcurrentWritersWait(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "gatehouse.db")
	pools := []*gorm.DB{openSQLite(t, dsn), openSQLite(t, dsn)}
	require.NoError(t, pools[0].AutoMigrate(&counter{}))
	require.NoError(t, pools[0].Create(&counter{ID: 1}).Error)

	const writers, increments = 6, 10
	errs := make(chan error, writers*increments)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			db := pools[w%len(pools)]
			for range increments {
				errs <- db.Transaction(func(tx *gorm.DB) error {
					var c counter
					if err := tx.First(&c, 1).Error; err != nil {
						return err
					}
					return tx.Model(&c).Update("value", c.Value+1).Error
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var c counter
	require.NoError(t, pools[1].First(&c, 1).Error)
	assert.Equal(t, writers*increments, c.Value)
}

type account struct {
	ID    int
	Email string `gorm:"uniqueIndex;size:100"`
}

func TestSQLiteUniqueConflictIsErrDuplicatedKey(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, "sqlite:"+filepath.Join(t.TempDir(), "gatehouse.db"))
	require.NoError(t, db.AutoMigrate(&account{}))
	require.NoError(t, db.Create(&account{Email: "bob@example.com"}).Error)

	err := db.Create(&account{Email: "bob@example.com"}).Error
	assert.ErrorIs(t, err, gorm.ErrDuplicatedKey, "unique index")
	err = db.Create(&account{ID: 1, Email: "alice@example.com"}).Error
	assert.ErrorIs(t, err, gorm.ErrDuplicatedKey, "primary key")
}

type stamp struct {
	ID int
	At time.Time
}

// The stores compare what they read back with what they wrote, to the
// nanosecond, whatever the writer's time zone, and with the monotonic
// reading time.Now carries.
func TestSQLiteTimesRoundTrip(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, "sqlite:"+filepath.Join(t.TempDir(), "gatehouse.db"))
	require.NoError(t, db.AutoMigrate(&stamp{}))
	tests := []struct {
		name string
		at   time.Time
	}{
		{"now, with a monotonic reading", time.Now()},
		{"UTC with nanoseconds", time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.UTC)},
		{"another zone", time.Date(2030, 1, 2, 3, 4, 5, 1, time.FixedZone("UTC+5:30", 5*3600+1800))},
		{"zero", time.Time{}},
	}
	for i, tt := range tests {
		require.NoError(t, db.Create(&stamp{ID: i + 1, At: tt.at}).Error, tt.name)
		var got stamp
		require.NoError(t, db.First(&got, i+1).Error, tt.name)
		assert.True(t, tt.at.Equal(got.At), "%s: wrote %v, read %v", tt.name, tt.at, got.At)
		if tt.at.Location() == time.UTC {
			assert.Equal(t, time.UTC, got.At.Location(), "%s: UTC stays UTC", tt.name)
		}
	}
}

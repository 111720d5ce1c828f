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
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/users/storetest"
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
			return func(t *testing.T) users.Store { return open(t, database.Open(t)) }
		})
	})
}

func open(t *testing.T, db *gorm.DB) *gormstore.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return s
}

func TestNewRefusesNilDB(t *testing.T) {
	t.Parallel()
	s, err := gormstore.New(context.Background(), nil)
	assert.ErrorIs(t, err, users.ErrInvalidConfig)
	assert.Nil(t, s)
}

func TestNewReportsMigrationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	db := testdb.Open(t)
	s, err := gormstore.New(ctx, db)
	assert.ErrorIs(t, err, users.ErrStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, s)
	assert.False(t, db.Migrator().HasTable("gatehouse_users"))
}

// The table is the one users.New has always created, with its columns and
// indexes, and a second New on it, as after a restart, finds it in place.
func TestTableLayout(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		open(t, db)
		open(t, db)
		migrator := db.Migrator()
		require.True(t, migrator.HasTable("gatehouse_users"))
		assert.True(t, migrator.HasIndex("gatehouse_users", "idx_gatehouse_users_email"))
		assert.True(t, migrator.HasIndex("gatehouse_users", "idx_gatehouse_users_created"))
		columns, err := migrator.ColumnTypes("gatehouse_users")
		require.NoError(t, err)
		var names []string
		for _, c := range columns {
			names = append(names, c.Name())
			if c.Name() == "id" {
				pk, ok := c.PrimaryKey()
				assert.True(t, ok && pk, "id is the primary key")
			}
		}
		assert.ElementsMatch(t, []string{"id", "email", "name", "password_hash", "created_at", "updated_at", "email_verified_at", "locked_at"}, names)
	})
}

const goodPassword = "correct horse battery staple"

// cheapBcrypt hashes at bcrypt's lowest cost: quick under the race
// detector.
type cheapBcrypt struct{}

func (cheapBcrypt) Hash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	return string(h), err
}

func (cheapBcrypt) Verify(encoded, pw string) (bool, error) { return password.Verify(encoded, pw) }

func (cheapBcrypt) NeedsRehash(string) bool { return false }

// Accounts written by an earlier version of gatehouse, straight into the
// table, are found and log in: an existing database keeps its users.
func TestExistingAccountsKeepWorking(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		open(t, db)
		hash, err := cheapBcrypt{}.Hash(goodPassword)
		require.NoError(t, err)
		created := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
		require.NoError(t, db.Exec(`INSERT INTO gatehouse_users (id, email, name, password_hash, created_at, updated_at, email_verified_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, "usr_0123456789abcdef0123456789abcdef", "bob@example.com", "Bob", hash, created, created, created).Error)

		d, err := users.New(open(t, b.New(t).Open(t)), users.Config{Hasher: cheapBcrypt{}})
		require.NoError(t, err)
		_, err = d.Get(ctx, "usr_0123456789abcdef0123456789abcdef")
		assert.ErrorIs(t, err, users.ErrNotFound, "another database has no such account")

		d, err = users.New(open(t, db), users.Config{Hasher: cheapBcrypt{}})
		require.NoError(t, err)
		u, err := d.Authenticate(ctx, "Bob@Example.com", goodPassword)
		require.NoError(t, err)
		assert.Equal(t, users.User{
			ID: "usr_0123456789abcdef0123456789abcdef", Email: "bob@example.com", Name: "Bob",
			CreatedAt: created, UpdatedAt: created, EmailVerifiedAt: &created,
		}, u)
	})
}

// The table holds the hash of a password, never the password, and the
// times of the Directory's clock to the microsecond.
func TestTableHoldsHashesAndTheDirectorysTimes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		clock := authntest.NewClock(time.Date(2031, 1, 2, 3, 4, 5, 123456789, time.UTC))
		d, err := users.New(open(t, db), users.Config{Hasher: cheapBcrypt{}, Now: clock.Now})
		require.NoError(t, err)
		bob, err := d.Register(ctx, "bob@example.com", goodPassword, "Bob")
		require.NoError(t, err)

		var rows []map[string]any
		require.NoError(t, db.Table("gatehouse_users").Find(&rows).Error)
		require.Len(t, rows, 1)
		for column, value := range rows[0] {
			assert.NotContains(t, fmt.Sprint(value), goodPassword, column)
		}
		var stored struct {
			PasswordHash string
			CreatedAt    time.Time
		}
		require.NoError(t, db.Table("gatehouse_users").Select("password_hash, created_at").Where("id = ?", bob.ID).Scan(&stored).Error)
		assert.True(t, strings.HasPrefix(stored.PasswordHash, "$2a$04$"), stored.PasswordHash)
		ok, err := password.Verify(stored.PasswordHash, goodPassword)
		require.NoError(t, err)
		assert.True(t, ok)
		want := time.Date(2031, 1, 2, 3, 4, 5, 123456000, time.UTC)
		assert.True(t, want.Equal(stored.CreatedAt), "created_at %v", stored.CreatedAt)
		assert.Equal(t, want, bob.CreatedAt)
	})
}

// gatedHasher holds each Hash call, once armed, until every racer has made
// one: all racing registrations are past the Directory's check for a
// taken email before any inserts.
type gatedHasher struct {
	cheapBcrypt
	racers sync.WaitGroup
	armed  atomic.Bool
}

func (g *gatedHasher) arm(n int) {
	g.racers.Add(n)
	g.armed.Store(true)
}

func (g *gatedHasher) Hash(pw string) (string, error) {
	if g.armed.Load() {
		g.racers.Done()
		g.racers.Wait()
	}
	return g.cheapBcrypt.Hash(pw)
}

// Registrations racing for one email: the unique index lets one in, and
// the others are told ErrEmailTaken (Register) or given the winner's
// account (RegisterOrFind), whether or not GORM translates the driver's
// error, as an application may open its pool either way.
func TestRacingRegistrationsWithoutTranslation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, translate := range []bool{false, true} {
			t.Run(fmt.Sprintf("TranslateError=%v", translate), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				hasher := &gatedHasher{}
				d, err := users.New(open(t, b.New(t).OpenWith(t, &gorm.Config{TranslateError: translate})), users.Config{Hasher: hasher})
				require.NoError(t, err)
				const n = 6
				emails := []string{"dup@example.com", "DUP@example.com", "Dup@Example.com", " dup@EXAMPLE.com "}

				hasher.arm(n)
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() { _, errs[i] = d.Register(ctx, emails[i%len(emails)], goodPassword, "Racer") })
				}
				wg.Wait()
				wins := 0
				for i, err := range errs {
					if err == nil {
						wins++
						continue
					}
					assert.ErrorIs(t, err, users.ErrEmailTaken, "registration %d", i)
				}
				assert.Equal(t, 1, wins)

				hasher.arm(n)
				ids := make([]string, n)
				created := make([]bool, n)
				for i := range n {
					wg.Go(func() {
						var u users.User
						u, created[i], errs[i] = d.RegisterOrFind(ctx, "new@example.com", goodPassword, "Racer")
						ids[i] = u.ID
					})
				}
				wg.Wait()
				wins = 0
				for i := range n {
					require.NoError(t, errs[i])
					if created[i] {
						wins++
					}
					assert.Equal(t, ids[0], ids[i], "one account")
				}
				assert.Equal(t, 1, wins)
				count, err := d.Count(ctx)
				require.NoError(t, err)
				assert.Equal(t, int64(2), count)
			})
		}
	})
}

// A database that stops answering is ErrStore, never a verdict on the
// credentials.
func TestClosedDatabaseIsAStoreFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	d, err := users.New(open(t, db), users.Config{Hasher: cheapBcrypt{}})
	require.NoError(t, err)
	_, err = d.Register(ctx, "bob@example.com", goodPassword, "Bob")
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())

	_, err = d.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.ErrorIs(t, err, users.ErrStore)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	_, err = d.Get(ctx, "usr_0123456789abcdef0123456789abcdef")
	assert.ErrorIs(t, err, users.ErrStore)
	assert.NotErrorIs(t, err, users.ErrNotFound)
	_, err = d.Register(ctx, "alice@example.com", goodPassword, "Alice")
	assert.ErrorIs(t, err, users.ErrStore)
	assert.NotErrorIs(t, err, users.ErrEmailTaken)
}

// oldRecord is the table as releases before accounts without an email
// created it: email NOT NULL.
type oldRecord struct {
	ID              string     `gorm:"primaryKey;size:36"`
	Email           string     `gorm:"size:254;not null;uniqueIndex:idx_gatehouse_users_email"`
	Name            string     `gorm:"size:400;not null"`
	PasswordHash    string     `gorm:"size:255;not null"`
	CreatedAt       time.Time  `gorm:"precision:6;not null;index:idx_gatehouse_users_created;autoCreateTime:false"`
	UpdatedAt       time.Time  `gorm:"precision:6;not null;autoUpdateTime:false"`
	EmailVerifiedAt *time.Time `gorm:"precision:6"`
	LockedAt        *time.Time `gorm:"precision:6"`
}

func (oldRecord) TableName() string { return "gatehouse_users" }

// A table whose email column is NOT NULL, as earlier releases made it,
// keeps its accounts and takes accounts without an email after New.
func TestNewMigratesEmailToNullable(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		require.NoError(t, db.AutoMigrate(&oldRecord{}))
		now := time.Now().UTC().Truncate(time.Microsecond)
		old := oldRecord{ID: "usr_00000000000000000000000000000001", Email: "old@example.com", Name: "Old",
			PasswordHash: "hash", CreatedAt: now, UpdatedAt: now}
		require.NoError(t, db.Create(&old).Error)

		s := open(t, db)
		rec, found, err := s.GetByEmail(context.Background(), "old@example.com")
		require.NoError(t, err)
		require.True(t, found)
		assert.Equal(t, old.ID, rec.ID)
		for i := range 2 {
			bare := users.Record{User: users.User{ID: fmt.Sprintf("usr_0000000000000000000000000000001%d", i),
				Name: "External", CreatedAt: now, UpdatedAt: now}}
			require.NoError(t, s.Create(context.Background(), bare), "account %d without an email", i)
		}
		n, err := s.Count(context.Background())
		require.NoError(t, err)
		assert.Equal(t, int64(3), n)
		dup := users.Record{User: users.User{ID: "usr_00000000000000000000000000000009", Email: "old@example.com",
			Name: "Dup", CreatedAt: now, UpdatedAt: now}, PasswordHash: "x"}
		assert.ErrorIs(t, s.Create(context.Background(), dup), users.ErrEmailTaken, "emails stay unique")
	})
}

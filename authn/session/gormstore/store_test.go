package gormstore_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/session/storetest"
	"github.com/gatehouse-go/gatehouse/internal/schema"
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
			return func(t *testing.T) session.Store { return open(t, database.Open(t)) }
		})
	})
}

// A taken id or token hash is ErrSessionExists whether or not GORM
// translates the driver's error, as an application may open its pool
// either way; and a refused Create replaces nothing.
func TestCreateRefusesTakenWithoutTranslation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, translate := range []bool{false, true} {
			t.Run(fmt.Sprintf("TranslateError=%v", translate), func(t *testing.T) {
				ctx := context.Background()
				s := open(t, b.New(t).OpenWith(t, &gorm.Config{TranslateError: translate}))
				at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
				rec := func(id, hash string) session.Record {
					return session.Record{ID: id, TokenHash: hash, Subject: "alice", CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(time.Hour)}
				}
				held := rec("ses_0000000000000001", fmt.Sprintf("%064x", 1))
				previous := rec("ses_0000000000000002", fmt.Sprintf("%064x", 2))
				require.NoError(t, s.Create(ctx, held, time.Minute, ""))
				require.NoError(t, s.Create(ctx, previous, time.Minute, ""))

				for _, taken := range []session.Record{
					rec(held.ID, fmt.Sprintf("%064x", 3)),
					rec("ses_0000000000000004", held.TokenHash),
				} {
					err := s.Create(ctx, taken, time.Minute, previous.TokenHash)
					assert.ErrorIs(t, err, session.ErrSessionExists)
				}
				_, found, err := s.Touch(ctx, previous.TokenHash, session.Use{Now: at, IdleTimeout: time.Minute})
				require.NoError(t, err)
				assert.True(t, found, "the previous session was not replaced")
			})
		}
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
	assert.ErrorIs(t, err, session.ErrInvalidConfig)
	assert.Nil(t, s)
}

func TestNewReportsMigrationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := gormstore.New(ctx, testdb.Open(t))
	assert.ErrorIs(t, err, session.ErrStore)
	assert.Nil(t, s)
}

// The table is the one session.Manager has always created, so a database
// it wrote keeps its sessions.
func TestTableLayout(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	open(t, db)
	migrator := db.Migrator()
	require.True(t, migrator.HasTable("gatehouse_sessions"))
	columns, err := migrator.ColumnTypes("gatehouse_sessions")
	require.NoError(t, err)
	var names []string
	for _, c := range columns {
		names = append(names, c.Name())
		switch c.Name() {
		case "id":
			pk, ok := c.PrimaryKey()
			assert.True(t, ok && pk, "id is the primary key")
		case "methods":
			nullable, ok := c.Nullable()
			assert.True(t, ok && !nullable, "methods is not null")
		}
	}
	assert.ElementsMatch(t, []string{"id", "token_hash", "subject", "created_at", "last_seen_at", "expires_at", "methods"}, names)

	// Read from SQLite directly: the driver's Migrator.GetIndexes logs
	// its query whatever the configured log level.
	var indexed []struct {
		Column string
		Unique bool
	}
	require.NoError(t, db.Raw(`SELECT ii.name AS "column", il."unique" AS "unique"
		FROM pragma_index_list('gatehouse_sessions') AS il, pragma_index_info(il.name) AS ii`).Scan(&indexed).Error)
	unique := map[string]bool{}
	for _, idx := range indexed {
		unique[idx.Column] = unique[idx.Column] || idx.Unique
	}
	assert.Contains(t, unique, "subject", "subject is indexed")
	assert.Contains(t, unique, "expires_at", "expires_at is indexed, for Cleanup")
	assert.True(t, unique["token_hash"], "token_hash is unique")
}

// A row as a Manager writes it: the hash of the cookie, never the cookie
// nor its CSRF token; and a leaked hash is no cookie.
func TestTableHoldsNoPlainToken(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		clock := authntest.NewClock(start)
		m, err := session.New(open(t, db), session.Config{Now: clock.Now})
		require.NoError(t, err)
		s, err := m.Create(context.Background(), "alice", "")
		require.NoError(t, err)

		var rows []map[string]any
		require.NoError(t, db.Table("gatehouse_sessions").Find(&rows).Error)
		require.Len(t, rows, 1)
		row := rows[0]
		sum := sha256.Sum256([]byte(s.Token.Reveal()))
		assert.Equal(t, hex.EncodeToString(sum[:]), row["token_hash"])
		assert.Equal(t, s.ID, row["id"])
		assert.Equal(t, "alice", row["subject"])
		for column, value := range row {
			text := fmt.Sprint(value)
			assert.NotContains(t, text, s.Token.Reveal(), column)
			assert.NotContains(t, text, s.CSRFToken.Reveal(), column)
		}
		var times struct{ CreatedAt, LastSeenAt, ExpiresAt time.Time }
		require.NoError(t, db.Table("gatehouse_sessions").Select("created_at, last_seen_at, expires_at").Scan(&times).Error)
		assert.True(t, start.Equal(times.CreatedAt), "created_at %v", times.CreatedAt)
		assert.True(t, start.Equal(times.LastSeenAt), "last_seen_at %v", times.LastSeenAt)
		assert.True(t, start.Add(24*time.Hour).Equal(times.ExpiresAt), "expires_at %v", times.ExpiresAt)

		_, err = m.Authenticate(context.Background(), authntest.Request{Cookies: map[string]string{m.CookieName(): hex.EncodeToString(sum[:])}})
		assert.ErrorIs(t, err, authn.ErrInvalidSession, "a leaked hash is no cookie")
	})
}

// legacyRecord is a row of gatehouse_sessions as the table was before it
// had the methods column.
type legacyRecord struct {
	ID         string    `gorm:"primaryKey;size:20"`
	TokenHash  string    `gorm:"size:64;not null;uniqueIndex"`
	Subject    string    `gorm:"size:255;not null;index"`
	CreatedAt  time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
	LastSeenAt time.Time `gorm:"precision:6;not null"`
	ExpiresAt  time.Time `gorm:"precision:6;not null;index"`
}

func (legacyRecord) TableName() string { return "gatehouse_sessions" }

// A table created before sessions kept their login's methods gains the
// column, and the sessions already in it live on as of unknown methods:
// no AMR, no ACR, not taken for a second factor.
func TestTableWithoutMethods(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		database := b.New(t)
		db := database.Open(t)
		require.NoError(t, schema.Migrate(ctx, db, &legacyRecord{}))
		start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		raw := make([]byte, 32)
		_, err := rand.Read(raw)
		require.NoError(t, err)
		token := base64.RawURLEncoding.EncodeToString(raw)
		sum := sha256.Sum256([]byte(token))
		old := legacyRecord{ID: "ses_0123456789abcdef", TokenHash: hex.EncodeToString(sum[:]), Subject: "alice",
			CreatedAt: start, LastSeenAt: start, ExpiresAt: start.Add(24 * time.Hour)}
		require.NoError(t, db.Create(&old).Error)

		clock := authntest.NewClock(start.Add(time.Minute))
		m, err := session.New(open(t, database.Open(t)), session.Config{Now: clock.Now})
		require.NoError(t, err)
		columns, err := db.Migrator().ColumnTypes("gatehouse_sessions")
		require.NoError(t, err)
		added := slices.IndexFunc(columns, func(c gorm.ColumnType) bool { return c.Name() == "methods" })
		require.NotEqual(t, -1, added, "New adds the column")
		if b.IsServer() { // SQLite keeps text of any length
			width, ok := columns[added].Length()
			assert.True(t, ok && width == session.MaxMethodsLength, "as wide as the longest the Manager writes: %d", width)
		}
		var methods []string
		require.NoError(t, db.Table("gatehouse_sessions").Where("id = ?", old.ID).Pluck("methods", &methods).Error)
		assert.Equal(t, []string{""}, methods, "the rows already there get the default")

		sub, err := m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): token}})
		require.NoError(t, err, "the session lives on")
		assert.Equal(t, "alice", sub.ID)
		assert.Nil(t, sub.AMR)
		assert.Empty(t, sub.ACR)
		assert.ErrorIs(t, sub.RequireMFA(), authn.ErrReauthenticationRequired)
		infos, err := m.List(ctx, "alice")
		require.NoError(t, err)
		require.Len(t, infos, 1)
		assert.Nil(t, infos[0].Methods)

		s, err := m.Create(ctx, "alice", token, authn.AMRPassword, authn.AMROTP, authn.AMRMultiFactor)
		require.NoError(t, err, "a login on the migrated table")
		_, err = m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): token}})
		assert.ErrorIs(t, err, authn.ErrInvalidSession, "it replaced the old session")
		sub, err = m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): s.Token.Reveal()}})
		require.NoError(t, err)
		assert.Equal(t, []string{"pwd", "otp", "mfa"}, sub.AMR)
		assert.Equal(t, authn.ACRMultiFactor, sub.ACR)

		_, err = gormstore.New(ctx, database.Open(t))
		require.NoError(t, err, "migrating again changes nothing")
	})
}

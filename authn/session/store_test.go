package session_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestTableLayout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	migrator := f.db.Migrator()
	require.True(t, migrator.HasTable("gatehouse_sessions"))
	columns, err := migrator.ColumnTypes("gatehouse_sessions")
	require.NoError(t, err)
	var names []string
	for _, c := range columns {
		names = append(names, c.Name())
		if c.Name() == "id" {
			pk, ok := c.PrimaryKey()
			assert.True(t, ok && pk, "id is the primary key")
		}
	}
	assert.ElementsMatch(t, []string{"id", "token_hash", "subject", "created_at", "last_seen_at", "expires_at"}, names)

	// Read from SQLite directly: the driver's Migrator.GetIndexes logs
	// its query whatever the configured log level.
	var indexed []struct {
		Column string
		Unique bool
	}
	require.NoError(t, f.db.Raw(`SELECT ii.name AS "column", il."unique" AS "unique"
		FROM pragma_index_list('gatehouse_sessions') AS il, pragma_index_info(il.name) AS ii`).Scan(&indexed).Error)
	unique := map[string]bool{}
	for _, idx := range indexed {
		unique[idx.Column] = unique[idx.Column] || idx.Unique
	}
	assert.Contains(t, unique, "subject", "subject is indexed")
	assert.True(t, unique["token_hash"], "token_hash is unique")
}

func TestTableHoldsNoPlainToken(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		f := newFixtureOn(t, b, session.Config{})
		s := f.create(t, "alice")

		var rows []map[string]any
		require.NoError(t, f.db.Table("gatehouse_sessions").Find(&rows).Error)
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

		_, err := f.get(hex.EncodeToString(sum[:]))
		assert.ErrorIs(t, err, authn.ErrInvalidSession, "a leaked hash is no cookie")
	})
}

func TestSessionsSurviveNewManager(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 10 * time.Minute})
		s := f.create(t, "alice")
		gone := f.create(t, "bob")
		require.NoError(t, f.m.Destroy(ctx, gone.Token.Reveal()))

		f.clock.Advance(5 * time.Minute)
		restarted, err := session.New(ctx, f.database.Open(t), session.Config{IdleTimeout: 10 * time.Minute, Now: f.clock.Now})
		require.NoError(t, err)

		sub, err := restarted.Authenticate(ctx, f.request("POST", s.Token.Reveal(), s.CSRFToken.Reveal()))
		require.NoError(t, err)
		assert.Equal(t, authn.Subject{
			ID: "alice", Method: authn.MethodSession, CredentialID: s.ID, ExpiresAt: start.Add(15 * time.Minute),
			AuthenticatedAt: start,
		}, sub)
		assert.Equal(t, s.CSRFToken, restarted.CSRFToken(s.Token.Reveal()), "CSRF tokens need no shared state")
		_, err = restarted.Authenticate(ctx, f.request("GET", gone.Token.Reveal(), ""))
		assert.ErrorIs(t, err, authn.ErrInvalidSession)

		require.NoError(t, restarted.Destroy(ctx, s.Token.Reveal()))
		_, err = f.get(s.Token.Reveal())
		assert.ErrorIs(t, err, authn.ErrInvalidSession, "the first manager sees the second's logout")
	})
}

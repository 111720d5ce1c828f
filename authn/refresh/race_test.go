package refresh_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// blockers are, per server, how a transaction finds its own id and how
// another connection counts the statements waiting for that transaction's
// locks.
var blockers = map[string]struct{ self, waiting string }{
	"postgres": {
		self:    "SELECT pg_backend_pid()::text",
		waiting: "SELECT COUNT(*) FROM pg_stat_activity WHERE ?::int = ANY(pg_blocking_pids(pid))",
	},
	"mysql": {
		self:    "SELECT trx_id FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()",
		waiting: "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS WHERE blocking_trx_id = ?",
	},
}

// TestRevocationCatchesARacingRotation holds a rotation open — its token
// marked used, its successor written, not yet committed — while
// RevokeSubject and RevokeFamily run, and commits it once they wait for the
// row it holds. On PostgreSQL a single UPDATE, which sees the rows
// committed when it began, would leave the successor live; the revocation
// must catch it. SQLite has one writer at a time, so the interleaving
// cannot happen there.
func TestRevocationCatchesARacingRotation(t *testing.T) {
	t.Parallel()
	revocations := map[string]func(ctx context.Context, s *refresh.Store, tok refresh.Token) error{
		"RevokeSubject": func(ctx context.Context, s *refresh.Store, tok refresh.Token) error {
			return s.RevokeSubject(ctx, tok.Subject)
		},
		"RevokeFamily": func(ctx context.Context, s *refresh.Store, tok refresh.Token) error {
			return s.RevokeFamily(ctx, tok.FamilyID)
		},
	}
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		if !backend.IsServer() {
			t.Skip("SQLite runs one writer at a time: a revocation cannot overlap a rotation")
		}
		for name, revoke := range revocations {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				f := newFixtureOn(t, backend, refresh.Config{})
				tok := f.issue(t, "alice")
				other := f.issue(t, "bob")

				// The rotation, held open.
				successor := "rt_" + base64.RawURLEncoding.EncodeToString(randomBytes(t, 32))
				tx := f.db.Begin()
				require.NoError(t, tx.Error)
				committed := false
				t.Cleanup(func() {
					if !committed {
						tx.Rollback()
					}
				})
				now := f.clock.Now().UTC()
				res := tx.Table(table).Where("token_hash = ? AND used_at IS NULL", hashOf(tok.Value.Reveal())).Update("used_at", now)
				require.NoError(t, res.Error)
				require.EqualValues(t, 1, res.RowsAffected)
				require.NoError(t, tx.Table(table).Create(map[string]any{
					"id": hex.EncodeToString(randomBytes(t, 16)), "family_id": tok.FamilyID, "subject": tok.Subject,
					"token_hash": hashOf(successor), "created_at": now,
					"expires_at": now.Add(time.Hour), "family_expires_at": now.Add(24 * time.Hour),
				}).Error)

				done := make(chan error, 1)
				go func() { done <- revoke(ctx, f.store, tok) }()
				waitUntilBlocked(t, f.db, tx, backend)
				require.NoError(t, tx.Commit().Error)
				committed = true
				require.NoError(t, <-done)

				assert.Zero(t, f.rows(t, "subject = ? AND revoked_at IS NULL", "alice"), "no token of the family is left live")
				_, err := f.store.Rotate(ctx, successor)
				assert.ErrorIs(t, err, authn.ErrTokenRevoked, "the successor committed during the revocation is revoked")
				_, err = f.store.Check(ctx, other.Value.Reveal())
				assert.NoError(t, err, "another subject's token is untouched")
			})
		}
	})
}

// waitUntilBlocked returns once a statement on db waits for a lock tx
// holds, and fails the test if none does within ten seconds.
func waitUntilBlocked(t *testing.T, db, tx *gorm.DB, backend testdb.Backend) {
	t.Helper()
	queries, ok := blockers[backend.Name()]
	require.True(t, ok, "no lock-wait queries for %s", backend)
	// MariaDB refreshes its INNODB_* tables only when they were last read
	// more than 0.1 s ago: polling faster would read a stale copy for ever.
	const poll = 150 * time.Millisecond
	deadline := time.Now().Add(10 * time.Second)
	var self string
	for self == "" {
		require.NoError(t, tx.Raw(queries.self).Scan(&self).Error)
		require.True(t, time.Now().Before(deadline), "the rotation's transaction never showed up")
		if self == "" {
			time.Sleep(poll)
		}
	}
	for {
		var n int64
		require.NoError(t, db.Raw(queries.waiting, self).Scan(&n).Error)
		if n > 0 {
			return
		}
		require.True(t, time.Now().Before(deadline), "the revocation never waited for the rotation's row")
		time.Sleep(poll)
	}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// hashOf is the form the store keeps a token in: hex SHA-256.
func hashOf(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

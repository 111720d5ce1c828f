package gormstore_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
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
// marked used, its successor written, not yet committed, as by a process
// that took no advisory lock — while RevokeSubject and RevokeFamily run,
// and commits it once they wait for the row it holds. On PostgreSQL a
// single UPDATE, which sees the rows committed when it began, would leave
// the successor live; the revocation's next pass must catch it. SQLite has
// one writer at a time, so the interleaving cannot happen there. The
// suite's RevocationReachesRacingRotations races real rotations against
// revocations on every store.
func TestRevocationCatchesARacingRotation(t *testing.T) {
	t.Parallel()
	revocations := map[string]func(ctx context.Context, tokens *refresh.Tokens, tok refresh.Token) error{
		"RevokeSubject": func(ctx context.Context, tokens *refresh.Tokens, tok refresh.Token) error {
			return tokens.RevokeSubject(ctx, tok.Subject)
		},
		"RevokeFamily": func(ctx context.Context, tokens *refresh.Tokens, tok refresh.Token) error {
			return tokens.RevokeFamily(ctx, tok.FamilyID)
		},
	}
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		if !backend.IsServer() {
			t.Skip("SQLite runs one writer at a time: a revocation cannot overlap a rotation")
		}
		for name, revoke := range revocations {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				db := backend.Open(t)
				clock := authntest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
				tokens, err := refresh.New(open(t, db), refresh.Config{Now: clock.Now})
				require.NoError(t, err)
				tok, err := tokens.Issue(ctx, "alice")
				require.NoError(t, err)
				other, err := tokens.Issue(ctx, "bob")
				require.NoError(t, err)

				// The rotation, held open.
				successor := "rt_" + base64.RawURLEncoding.EncodeToString(randomBytes(t, 32))
				tx := db.Begin()
				require.NoError(t, tx.Error)
				committed := false
				t.Cleanup(func() {
					if !committed {
						tx.Rollback()
					}
				})
				now := clock.Now().UTC()
				res := tx.Table(table).Where("token_hash = ? AND used_at IS NULL", hashOf(tok.Value.Reveal())).Update("used_at", now)
				require.NoError(t, res.Error)
				require.EqualValues(t, 1, res.RowsAffected)
				require.NoError(t, tx.Table(table).Create(map[string]any{
					"id": hex.EncodeToString(randomBytes(t, 16)), "family_id": tok.FamilyID, "subject": tok.Subject,
					"token_hash": hashOf(successor), "created_at": now,
					"expires_at": now.Add(time.Hour), "family_expires_at": now.Add(24 * time.Hour),
				}).Error)

				done := make(chan error, 1)
				go func() { done <- revoke(ctx, tokens, tok) }()
				waitUntilBlocked(t, db, tx, backend)
				require.NoError(t, tx.Commit().Error)
				committed = true
				require.NoError(t, <-done)

				var live int64
				require.NoError(t, db.Table(table).Where("subject = ? AND revoked_at IS NULL", "alice").Count(&live).Error)
				assert.Zero(t, live, "no token of the family is left live")
				_, err = tokens.Rotate(ctx, successor)
				assert.ErrorIs(t, err, authn.ErrTokenRevoked, "the successor committed during the revocation is revoked")
				_, err = tokens.Check(ctx, other.Value.Reveal())
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

// TestRevocationOutrunsSpinningRotations races RevokeSubject against
// clients that rotate their tokens as fast as they can, as a thief holding
// a stolen token might to outlast a password reset: each pass of a
// revocation that only repeated its update would find a successor
// committed while it waited, and give up. The revocation must succeed and
// end every family. (The suite's RevocationReachesRacingRotations bounds
// its rotations, for SQLite's sake; the servers take no bound.)
func TestRevocationOutrunsSpinningRotations(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		if !backend.IsServer() {
			t.Skip("SQLite runs one writer at a time, which spinning writers starve")
		}
		ctx := context.Background()
		database := backend.New(t)
		tokens, err := refresh.New(open(t, database.Open(t)), refresh.Config{})
		require.NoError(t, err)
		const clients = 6
		var started, done sync.WaitGroup
		started.Add(clients)
		var revoked atomic.Bool
		errs := make([]error, clients)
		for i := range clients {
			tok, err := tokens.Issue(ctx, "alice")
			require.NoError(t, err)
			client, err := refresh.New(open(t, database.Open(t)), refresh.Config{})
			require.NoError(t, err)
			done.Go(func() {
				var signal sync.Once
				defer signal.Do(started.Done)
				for n := 0; n < 100_000; n++ {
					after := revoked.Load()
					next, err := client.Rotate(ctx, tok.Value.Reveal())
					if errors.Is(err, authn.ErrTokenRevoked) {
						return
					}
					if err != nil {
						errs[i] = err
						return
					}
					if after {
						errs[i] = errors.New("rotated after the revocation returned")
						return
					}
					tok = next
					if n == 1 {
						signal.Do(started.Done)
					}
				}
				errs[i] = errors.New("never revoked")
			})
		}
		started.Wait()
		require.NoError(t, tokens.RevokeSubject(ctx, "alice"), "a revocation is not outrun")
		revoked.Store(true)
		done.Wait()
		for i, err := range errs {
			assert.NoError(t, err, "client %d", i)
		}
		families, err := tokens.Families(ctx, "alice")
		require.NoError(t, err)
		assert.Empty(t, families)
	})
}

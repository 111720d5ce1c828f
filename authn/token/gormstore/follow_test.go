package gormstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch"
)

// Waits for what a replica hears: generous, so that a loaded machine does
// not fail a test that is merely slow.
const (
	waitFor = 10 * time.Second
	tick    = 5 * time.Millisecond
	// fastSync makes replicas check the store often, so that tests of what
	// a check finds take moments.
	fastSync = 50 * time.Millisecond
)

// lockedBuffer collects log output from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// replica is one process of an application: its own connection pool on
// the shared database, its own Revocations following the shared notifier,
// and an Issuer on them.
type replica struct {
	db          *gorm.DB
	revocations *gormstore.Store
	issuer      *token.Issuer
	logs        *lockedBuffer
}

// newReplica starts a replica on db that checks the store every interval.
func newReplica(t *testing.T, db *gorm.DB, n watch.Notifier, clk *authntest.Clock, interval time.Duration) replica {
	t.Helper()
	logs := &lockedBuffer{}
	revocations, err := gormstore.New(context.Background(), db, gormstore.Config{
		Now:          clk.Now,
		Notifier:     n,
		SyncInterval: interval,
		Logger:       slog.New(slog.NewJSONHandler(logs, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(revocations.Close)
	issuer := newIssuer(t, clk, revocations)
	return replica{db: db, revocations: revocations, issuer: issuer, logs: logs}
}

// replicas starts two replicas on one new database of backend b, each with
// a connection pool of its own, as two processes would have, following one
// Local notifier.
func replicas(t *testing.T, b testdb.Backend, interval time.Duration) (a, z replica, n *watch.Local, clk *authntest.Clock) {
	t.Helper()
	n = watch.NewLocal()
	t.Cleanup(func() { _ = n.Close() })
	clk = authntest.NewClock(start)
	database := b.New(t)
	a = newReplica(t, database.Open(t), n, clk, interval)
	z = newReplica(t, database.Open(t), n, clk, interval)
	return a, z, n, clk
}

func (r replica) issue(t *testing.T, subject string) token.Token {
	t.Helper()
	tok, err := r.issuer.Issue(context.Background(), subject)
	require.NoError(t, err)
	return tok
}

func (r replica) verify(tok token.Token) error {
	_, err := r.issuer.Verify(context.Background(), tok.Value.Reveal())
	return err
}

// assertUnavailable checks that err refuses a decision without calling the
// credential bad: the HTTP adapters answer 503 for it, not 401.
func assertUnavailable(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	assert.ErrorIs(t, err, authn.ErrUnavailable, msgAndArgs...)
	assert.ErrorIs(t, err, watch.ErrUnavailable, msgAndArgs...)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, msgAndArgs...)
	assert.NotErrorIs(t, err, authn.ErrNoCredentials, msgAndArgs...)
}

// A revocation made on one replica holds on the other as soon as its
// message arrives: the replicas check the store only hourly here, so
// nothing but the message can carry it.
func TestRevocationsReachPeersAtOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a, z, _, _ := replicas(t, b, time.Hour)
		tok := a.issue(t, "bob")
		carol := a.issue(t, "carol")
		require.NoError(t, z.verify(tok))
		require.NoError(t, z.verify(carol), "cached on z from now on")

		require.NoError(t, a.revocations.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt))
		require.Eventually(t, func() bool { return heard(z.revocations, tok.ID, "bob", "", 0) }, waitFor, tick)
		assert.ErrorIs(t, z.verify(tok), authn.ErrTokenRevoked)

		require.NoError(t, z.revocations.RevokeSubject(ctx, "carol"))
		require.Eventually(t, func() bool { return heard(a.revocations, "any", "carol", "", 0) }, waitFor, tick)
		assert.ErrorIs(t, a.verify(carol), authn.ErrTokenRevoked)
		assert.ErrorIs(t, z.verify(carol), authn.ErrTokenRevoked, "the cached token is checked again")
		fresh := a.issue(t, "carol")
		assert.NoError(t, z.verify(fresh), "a's new token carries the generation z set")

		require.NoError(t, a.revocations.Err())
		require.NoError(t, z.revocations.Err())
	})
}

// While a replica cannot hear its peers it refuses to decide: good tokens
// fail with an error that is not a rejection, cached ones too, and no token
// is issued. A revocation made meanwhile is stored though it cannot be
// published, and the replica catches up once it hears again.
func TestRevocationsFailClosedWhileDisconnected(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a, z, n, _ := replicas(t, b, fastSync)
		tok := a.issue(t, "bob")
		bystander := a.issue(t, "alice")
		require.NoError(t, z.verify(tok), "cached on z from now on")

		n.Disconnect()
		// Each replica hears of the loss on its own; wait for both.
		require.Eventually(t, func() bool { return z.revocations.Err() != nil && a.revocations.Err() != nil }, waitFor, tick)
		assertUnavailable(t, z.revocations.Err())
		assertUnavailable(t, z.verify(tok), "a cached token")
		assertUnavailable(t, z.verify(bystander), "a token verified for the first time")
		_, err := z.issuer.Issue(ctx, "bob")
		assertUnavailable(t, err, "no token is issued on a stale generation")
		_, err = z.issuer.Authenticator().Authenticate(ctx, authntest.Request{
			Headers: map[string]string{"Authorization": "Bearer " + bystander.Value.Reveal()},
		})
		assertUnavailable(t, err, "the bearer authenticator")

		// A's publish fails; the revocation is committed all the same.
		require.NoError(t, a.revocations.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt))
		_, err = a.revocations.Revoked(ctx, tok.ID, "bob", "", 0)
		assertUnavailable(t, err, "a is cut off too, and vouches for nothing")
		assert.Equal(t, int64(1), countRows(t, a.db, "gatehouse_revoked_tokens"))
		assert.Contains(t, a.logs.String(), "peers not told of a revocation")
		assert.Contains(t, a.logs.String(), tok.ID)
		assert.NotContains(t, a.logs.String(), tok.Value.Reveal())

		n.Reconnect()
		require.Eventually(t, func() bool { return z.revocations.Err() == nil && a.revocations.Err() == nil }, waitFor, tick)
		assert.True(t, revoked(t, a.revocations, tok.ID, "bob", "", 0))
		assert.True(t, revoked(t, z.revocations, tok.ID, "bob", "", 0), "caught up by reloading")
		assert.ErrorIs(t, z.verify(tok), authn.ErrTokenRevoked)
		assert.NoError(t, z.verify(bystander))
		assert.Contains(t, z.logs.String(), "unavailable")
	})
}

// A replica whose database stops answering cannot vouch for what it has
// missed, and fails closed within a few checks.
func TestRevocationsFailClosedWhenTheStoreStopsAnswering(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a, z, _, _ := replicas(t, b, fastSync)
		tok := a.issue(t, "bob")
		require.NoError(t, z.verify(tok))

		sqlDB, err := z.db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())
		require.Eventually(t, func() bool { return z.revocations.Err() != nil }, waitFor, tick)
		assertUnavailable(t, z.revocations.Err())
		assertUnavailable(t, z.verify(tok))
		require.NoError(t, a.revocations.Err(), "a's database answers")
		require.NoError(t, a.verify(tok))
	})
}

// Messages come from the network, and other stores may share the channel:
// neither garbage, nor another store's revocations, nor a revocation sealed
// with another key changes what a replica decides, and a malformed message
// only makes it reload.
func TestRevocationsShrugOffForeignAndMalformedMessages(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a, z, n, _ := replicas(t, b, fastSync)
		tok := a.issue(t, "bob")
		var state struct{ StoreID, SealKey string }
		require.NoError(t, z.db.Table("gatehouse_revocation_state").Select("store_id, seal_key").Scan(&state).Error)
		store, key := state.StoreID, []byte(state.SealKey)
		require.NotEmpty(t, store)
		require.NotEmpty(t, key)

		exp := tok.ExpiresAt.Format(time.RFC3339)
		for _, payload := range []string{
			"",
			"not json",
			`["a list"]`,
			`{"store":"` + store + `"`,
			`{"store":"` + store + `","rev":1,"sub":"bob","jti":"` + tok.ID + `"}`,                     // no expiry
			`{"store":"` + store + `","rev":1,"sub":"","jti":"` + tok.ID + `","exp":"` + exp + `"}`,    // no subject
			`{"store":"` + store + `","rev":0,"sub":"bob","gen":1}`,                                    // no revision
			`{"store":"` + store + `","rev":1,"sub":"bob","gen":-4}`,                                   // bad generation
			`{"store":"` + store + `","rev":1,"sub":"bob","gen":2,"jti":"x","exp":"` + exp + `"}`,      // both kinds
			`{"store":"` + store + `","rev":"1","sub":"bob","gen":1}`,                                  // wrong type
			`{"store":"another-store","rev":1,"sub":"bob","jti":"` + tok.ID + `","exp":"` + exp + `"}`, // another store's
			`{"store":"another-store","rev":2,"sub":"bob","gen":7}`,                                    // another store's
			`{"action":"reload","app":"someone else's"}`,                                               // not a revocation
		} {
			// Unsealed, as anyone on the channel could send it, and sealed
			// with the store's key, so that its contents are read.
			require.NoError(t, n.Publish(ctx, gormstore.DefaultChannel, payload))
			require.NoError(t, n.Publish(ctx, gormstore.DefaultChannel, watch.Seal(key, payload)))
		}
		// A well-formed revocation of bob's token, sealed with a key that
		// is not the store's: forged.
		forged := `{"store":"` + store + `","rev":1,"sub":"bob","jti":"` + tok.ID + `","exp":"` + exp + `"}`
		require.NoError(t, n.Publish(ctx, gormstore.DefaultChannel, watch.Seal([]byte("not-the-store-key-0123456789abcdef"), forged)))
		require.NoError(t, n.Publish(ctx, gormstore.DefaultChannel, forged))
		// A revocation published after them arrives after them: once it is
		// seen, they have all been handled.
		marker := a.issue(t, "marker")
		require.NoError(t, a.revocations.RevokeToken(ctx, marker.ID, "marker", marker.ExpiresAt))
		require.Eventually(t, func() bool {
			return heard(z.revocations, marker.ID, "marker", "", 0)
		}, waitFor, tick)

		assert.False(t, revoked(t, z.revocations, tok.ID, "bob", "", 0))
		assert.False(t, revoked(t, z.revocations, "any", "bob", "", 1))
		assert.NoError(t, z.verify(tok))
		assert.NoError(t, a.verify(tok))
	})
}

func TestRevocationsCloseStopsFollowing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, z, _, _ := replicas(t, testdb.SQLite, fastSync)
	tok := a.issue(t, "bob")
	require.NoError(t, z.verify(tok))

	z.revocations.Close()
	z.revocations.Close() // idempotent
	assertUnavailable(t, z.revocations.Err(), "nobody vouches for a closed Revocations")
	assert.ErrorIs(t, z.revocations.Err(), watch.ErrClosed)
	assertUnavailable(t, z.verify(tok))
	require.NoError(t, a.revocations.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt), "a goes on")
	assert.ErrorIs(t, a.verify(tok), authn.ErrTokenRevoked)

	// Without a notifier there is nothing to follow or close.
	alone, err := gormstore.New(ctx, testdb.Open(t), gormstore.Config{})
	require.NoError(t, err)
	assert.NoError(t, alone.Err())
	alone.Close()
	assert.NoError(t, alone.Err())
}

// NewRevocations waits, within its ctx, until it has caught up.
func TestNewRevocationsWaitsForTheNotifier(t *testing.T) {
	t.Parallel()
	n := watch.NewLocal()
	t.Cleanup(func() { _ = n.Close() })
	n.Disconnect()
	db := testdb.Open(t)
	_, err := gormstore.New(context.Background(), db, gormstore.Config{})
	require.NoError(t, err, "the tables are in place: ctx runs out waiting for the notifier")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r, err := gormstore.New(ctx, db, gormstore.Config{Notifier: n, Logger: slog.New(slog.DiscardHandler)})
	assert.ErrorIs(t, err, watch.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.Nil(t, r)

	_, err = gormstore.New(context.Background(), testdb.Open(t), gormstore.Config{SyncInterval: -time.Second})
	assert.ErrorIs(t, err, token.ErrInvalidConfig)
}

// A peer's Cleanup deletes rows a replica still holds in memory; the two
// legitimately differ, and the replica must not reload over it again and
// again. Its checks read the state row alone.
func TestPeersCleanupCausesNoReloads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := watch.NewLocal()
	t.Cleanup(func() { _ = n.Close() })
	clk := authntest.NewClock(start)
	database := testdb.SQLite.New(t)
	a := newReplica(t, database.Open(t), n, clk, fastSync)

	// What z reads, by table, from when armed is set.
	var (
		mu     sync.Mutex
		reads  = map[string]int{}
		armed  = false
		zdb    = database.Open(t)
		record = func(db *gorm.DB) {
			mu.Lock()
			defer mu.Unlock()
			if armed {
				reads[db.Statement.Table]++
			}
		}
	)
	require.NoError(t, zdb.Callback().Query().After("gorm:query").Register("test:count_reads", record))
	z := newReplica(t, zdb, n, clk, fastSync)

	tok := a.issue(t, "bob")
	require.NoError(t, a.revocations.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt))
	require.Eventually(t, func() bool { return heard(z.revocations, tok.ID, "bob", "", 0) }, waitFor, tick)
	clk.Set(tok.ExpiresAt.Add(token.MaxLeeway + time.Second))
	deleted, err := a.revocations.Cleanup(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), deleted)

	mu.Lock()
	armed = true
	mu.Unlock()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return reads["gatehouse_revocation_state"] >= 5
	}, waitFor, tick, "z goes on checking")
	mu.Lock()
	defer mu.Unlock()
	assert.Zero(t, reads["gatehouse_revoked_tokens"], "and never reloads")
	assert.NoError(t, z.revocations.Err())
}

package gormstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/internal/revset"
	"github.com/gatehouse-go/gatehouse/watch"
)

// DefaultChannel is the notifier channel revocations are published on when
// Config.Channel is empty.
const DefaultChannel = "gatehouse_revocations"

// Config configures a Store. The zero value is ready to use.
type Config struct {
	// Now returns the current time, by which Cleanup and Reload tell the
	// revocations of tokens long expired. Default time.Now; tests inject
	// a clock.
	Now func() time.Time
	// Notifier, when set, makes this Store one of several replicas
	// sharing the database: each revocation is published on it after it
	// is committed, and peers' revocations take effect here as their
	// messages arrive, without a database read. After the notifier
	// reconnects everything is reloaded, since messages may have been
	// missed; the database is also checked every SyncInterval, so a lost
	// message delays a revocation by two intervals at most.
	//
	// It fails closed: while the notifier is disconnected or the database
	// does not answer, Err, Revoked and Generation report an error, and
	// an Issuer refuses to verify or issue tokens (the HTTP adapters
	// answer 503) until memory has caught up. New waits, within its ctx,
	// for the first catch-up. Call Close to stop following.
	//
	// Default nil: each process sees the others' revocations only after
	// Reload. The notifier is shared, not owned: Close leaves it open.
	Notifier watch.Notifier
	// Channel is the notifier channel revocations travel on. Default
	// DefaultChannel. Stores sharing a channel do not mix: each message
	// names its store, and others ignore it.
	Channel string
	// SyncInterval is how often a following Store checks the database for
	// revocations it missed and for the database's health. Default
	// watch.DefaultInterval (1s).
	SyncInterval time.Duration
	// Logger receives reports on following peers: when revocations become
	// unavailable and when they recover, and revocations that could not be
	// published. It never sees a token, only token ids and subjects.
	// Default slog.Default().
	Logger *slog.Logger
}

// Store is a token.Revocations that records revocations in a database and
// answers "is this token revoked" from memory, so that verifying a token
// never waits on the database. It is safe for concurrent use, and several
// processes may share one database; each sees the others' revocations at
// once when they share a Notifier, and otherwise after Reload.
//
// Revocations are never withdrawn, so memory only grows between Cleanups.
type Store struct {
	db       *gorm.DB
	now      func() time.Time
	notifier watch.Notifier
	channel  string
	logger   *slog.Logger
	follower *watch.Follower

	mu       sync.RWMutex
	set      *revset.Set // what memory holds of the database's revocations
	storeID  string      // the store's identity, from its state row
	sealKey  []byte      // seals messages to peers, from the state row
	revision int64       // every revocation up to it is in memory
}

var _ token.Revocations = (*Store)(nil)

// New creates the tables gatehouse_revoked_tokens,
// gatehouse_revoked_families, gatehouse_subject_revocations and
// gatehouse_revocation_state in db if they are missing, and loads the
// revocations they hold. With a Notifier it then follows its peers (see
// Config.Notifier), and fails with an error matching watch.ErrUnavailable
// when ctx ends before memory has first caught up. An argument it cannot
// use is an error matching token.ErrInvalidConfig; a database that does
// not answer, one matching token.ErrStore.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("gormstore: New: nil *gorm.DB: %w", token.ErrInvalidConfig)
	}
	if cfg.SyncInterval < 0 {
		return nil, fmt.Errorf("gormstore: New: negative SyncInterval %v: %w", cfg.SyncInterval, token.ErrInvalidConfig)
	}
	r := &Store{
		db:       db,
		now:      cfg.Now,
		notifier: cfg.Notifier,
		channel:  cfg.Channel,
		logger:   cfg.Logger,
		set:      revset.New(),
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.channel == "" {
		r.channel = DefaultChannel
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("gormstore: create revocation tables: %w: %w", token.ErrStore, err)
	}
	if r.notifier == nil {
		if err := r.Reload(ctx); err != nil {
			return nil, err
		}
		return r, nil
	}
	// The Follower reloads once subscribed, and Follow returns after that.
	f, err := watch.Follow(ctx, r.notifier, &revocationFollower{r: r}, watch.FollowConfig{
		Channel:  r.channel,
		Interval: cfg.SyncInterval,
		Logger:   r.logger,
	})
	if err != nil {
		return nil, fmt.Errorf("gormstore: follow revocations: %w", err)
	}
	r.follower = f
	return r, nil
}

// Err returns nil while the revocations in memory are current, and
// otherwise an error matching authn.ErrUnavailable (and
// watch.ErrUnavailable) that says why: the notifier is disconnected, the
// database does not answer, a reload failed, or Close was called. Revoked
// and Generation return it, so an Issuer refuses to verify or issue tokens
// while it is not nil. Without a Notifier it is always nil: memory is then
// as current as the last Reload. It reads memory only, cheap enough to
// call on every request, as a readiness check for instance.
func (r *Store) Err() error {
	if r.follower == nil {
		return nil
	}
	err := r.follower.Err()
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, watch.ErrUnavailable):
		// After Close: nobody vouches for memory any more.
		err = fmt.Errorf("%w: %w", watch.ErrUnavailable, err)
	}
	return fmt.Errorf("token: revocations cannot be checked: %w: %w", authn.ErrUnavailable, err)
}

// Close stops following peers; Err reports an error afterwards. It is
// idempotent, leaves the Notifier open, and does nothing without one.
func (r *Store) Close() {
	if r.follower != nil {
		r.follower.Close()
	}
}

// Revoked reports whether a token is revoked in any of the three ways of
// token.Revocations: by its id jti, by its family ("" for none), or by
// its subject's generation. It reads memory only: three map lookups under
// one read lock, however many revocations there are. While Err is not nil
// it returns Err's error, since memory may lack a revocation made
// elsewhere.
func (r *Store) Revoked(_ context.Context, jti, subject, family string, generation int64) (bool, error) {
	if err := r.Err(); err != nil {
		return false, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.set.Revoked(jti, subject, family, generation), nil
}

// Generation returns subject's revocation generation from memory, which
// Issue stamps into new tokens; while Err is not nil, Err's error, since
// the generation may be stale.
func (r *Store) Generation(_ context.Context, subject string) (int64, error) {
	if err := r.Err(); err != nil {
		return 0, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.set.Generation(subject), nil
}

// Reload reads the revocations in the database into memory, so that those
// made by other processes take effect here; with a Notifier it is called
// for you. Since revocations are never withdrawn, Reload adds what it finds
// and keeps what memory already holds, so a revocation made here while
// Reload reads is not lost; it forgets only what Cleanup would. On error
// memory is unchanged.
func (r *Store) Reload(ctx context.Context) error {
	db := r.db.WithContext(ctx)
	// The state is read first: the rows read after it hold at least every
	// revocation up to its revision.
	state, found, err := readState(db)
	if err == nil && !found {
		state, err = ensureState(ctx, r.db)
	}
	if err != nil {
		return fmt.Errorf("gormstore: load revocation state: %w: %w", token.ErrStore, err)
	}
	cutoff := r.cleanupCutoff()
	var tokens []revokedToken
	if err := db.Where("expires_at >= ?", cutoff).Find(&tokens).Error; err != nil {
		return fmt.Errorf("gormstore: load revoked tokens: %w: %w", token.ErrStore, err)
	}
	var families []revokedFamily
	if err := db.Where("expires_at >= ?", cutoff).Find(&families).Error; err != nil {
		return fmt.Errorf("gormstore: load revoked families: %w: %w", token.ErrStore, err)
	}
	var subjects []subjectRevocation
	if err := db.Find(&subjects).Error; err != nil {
		return fmt.Errorf("gormstore: load subject revocations: %w: %w", token.ErrStore, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.set.ForgetBefore(cutoff)
	for _, t := range tokens {
		r.set.KeepToken(t.JTI, t.ExpiresAt)
	}
	for _, f := range families {
		r.set.KeepFamily(f.FamilyID, f.ExpiresAt)
	}
	for _, s := range subjects {
		r.set.RaiseGeneration(s.Subject, s.Generation)
	}
	if state.StoreID != r.storeID {
		// A new store (its state row was made again): its revisions count
		// from its own start.
		r.storeID, r.revision = state.StoreID, state.Revision
	} else {
		r.revision = max(r.revision, state.Revision)
	}
	r.sealKey = []byte(state.SealKey)
	return nil
}

// Cleanup forgets revoked token ids whose tokens expired more than
// token.MaxLeeway ago, and revoked families whose last tokens did, from the
// database and from memory, and returns how many rows it deleted. The
// margin covers the leeway with which an Issuer still accepts a token after
// its "exp". Subject revocations are never deleted: their generation is
// what the tokens issued since then carry. Every replica may run it: one
// deletes the rows, and each forgets from its own memory.
func (r *Store) Cleanup(ctx context.Context) (int64, error) {
	cutoff := r.cleanupCutoff()
	db := r.db.WithContext(ctx)
	tokens := db.Where("expires_at < ?", cutoff).Delete(&revokedToken{})
	if tokens.Error != nil {
		return 0, fmt.Errorf("gormstore: cleanup: %w: %w", token.ErrStore, tokens.Error)
	}
	families := db.Where("expires_at < ?", cutoff).Delete(&revokedFamily{})
	if families.Error != nil {
		return tokens.RowsAffected, fmt.Errorf("gormstore: cleanup: %w: %w", token.ErrStore, families.Error)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.set.ForgetBefore(cutoff)
	return tokens.RowsAffected + families.RowsAffected, nil
}

// cleanupCutoff is the expiry before which a revoked token can no longer be
// accepted by any Issuer, whatever its leeway.
func (r *Store) cleanupCutoff() time.Time {
	return r.now().Add(-token.MaxLeeway).UTC()
}

// advance records that memory holds revision, when it is the next one; r.mu
// must be held for writing. After a gap memory may still lack a revision
// before it, and the next check of the store brings it.
func (r *Store) advance(revision int64) bool {
	switch {
	case revision <= r.revision:
		return true
	case revision == r.revision+1:
		r.revision = revision
		return true
	}
	return false
}

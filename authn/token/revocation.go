package token

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/watch"
)

// DefaultRevocationsChannel is the notifier channel revocations are
// published on when RevocationsConfig.Channel is empty.
const DefaultRevocationsChannel = "gatehouse_revocations"

// RevocationsConfig configures Revocations. The zero value is ready to use.
type RevocationsConfig struct {
	// Now returns the current time. Default time.Now; tests inject a clock.
	Now func() time.Time
	// Notifier, when set, makes this Revocations one of several replicas
	// sharing the database: each revocation is published on it after it
	// is committed, and peers' revocations take effect here as their
	// messages arrive, without a database read. After the notifier
	// reconnects everything is reloaded, since messages may have been
	// missed; the database is also checked every SyncInterval, so a lost
	// message delays a revocation by two intervals at most.
	//
	// It fails closed: while the notifier is disconnected or the database
	// does not answer, Err reports an error and an Issuer refuses to
	// verify or issue tokens (the HTTP adapters answer 503) until memory
	// has caught up. NewRevocations waits, within its ctx, for the first
	// catch-up. Call Close to stop following.
	//
	// Default nil: each process sees the others' revocations only after
	// Reload. The notifier is shared, not owned: Close leaves it open.
	Notifier watch.Notifier
	// Channel is the notifier channel revocations travel on. Default
	// DefaultRevocationsChannel. Stores sharing a channel do not mix: each
	// message names its store, and others ignore it.
	Channel string
	// SyncInterval is how often a following Revocations checks the
	// database for revocations it missed and for the database's health.
	// Default watch.DefaultInterval (1s).
	SyncInterval time.Duration
	// Logger receives reports on following peers: when revocations become
	// unavailable and when they recover, and revocations that could not be
	// published. It never sees a token, only token ids and subjects.
	// Default slog.Default().
	Logger *slog.Logger
}

// Revocations records revoked tokens in a database and answers "is this
// token revoked" from memory, so that verifying a token never waits on the
// database. It is safe for concurrent use, and several processes may share
// one database; each sees the others' revocations at once when they share
// a Notifier, and otherwise after Reload.
//
// A token is revoked in one of three ways: by its id (RevokeToken), with
// every other token of its subject issued so far (RevokeSubject), or with
// every other token issued with its refresh family (RevokeFamily, for the
// tokens whose "sid" claim names the family; see Family). The second
// counts revocations per subject: each token carries the count at its issue
// (the "gen" claim), and a token whose count is behind its subject's is
// revoked. A counter, unlike a "revoked before" timestamp, separates tokens
// issued within the same second as the revocation.
//
// Revocations are never withdrawn, so memory only grows between Cleanups.
type Revocations struct {
	db       *gorm.DB
	now      func() time.Time
	notifier watch.Notifier
	channel  string
	logger   *slog.Logger
	follower *watch.Follower

	mu          sync.RWMutex
	tokens      map[string]time.Time // jti → the token's expiry
	families    map[string]time.Time // family id → the expiry of its last token
	generations map[string]int64     // subject → revocation generation
	storeID     string               // the store's identity, from its state row
	sealKey     []byte               // seals messages to peers, from the state row
	revision    int64                // every revocation up to it is in memory
}

// NewRevocations creates the tables gatehouse_revoked_tokens,
// gatehouse_revoked_families, gatehouse_subject_revocations and
// gatehouse_revocation_state in db if they are missing, and loads the revocations they hold. With a Notifier it
// then follows its peers (see RevocationsConfig.Notifier), and fails with
// an error matching watch.ErrUnavailable when ctx ends before memory has
// first caught up.
func NewRevocations(ctx context.Context, db *gorm.DB, cfg RevocationsConfig) (*Revocations, error) {
	if db == nil {
		return nil, fmt.Errorf("token: NewRevocations: nil *gorm.DB: %w", ErrInvalidConfig)
	}
	if cfg.SyncInterval < 0 {
		return nil, fmt.Errorf("token: NewRevocations: negative SyncInterval %v: %w", cfg.SyncInterval, ErrInvalidConfig)
	}
	r := &Revocations{
		db:          db,
		now:         cfg.Now,
		notifier:    cfg.Notifier,
		channel:     cfg.Channel,
		logger:      cfg.Logger,
		tokens:      make(map[string]time.Time),
		families:    make(map[string]time.Time),
		generations: make(map[string]int64),
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.channel == "" {
		r.channel = DefaultRevocationsChannel
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("token: create revocation tables: %w: %w", ErrStore, err)
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
		return nil, fmt.Errorf("token: follow revocations: %w", err)
	}
	r.follower = f
	return r, nil
}

// Err returns nil while the revocations in memory are current, and
// otherwise an error matching authn.ErrUnavailable (and
// watch.ErrUnavailable) that says why: the
// notifier is disconnected, the database does not answer, a reload failed,
// or Close was called. An Issuer refuses to verify or issue tokens while it
// is not nil. Without a Notifier it is always nil: memory is then as
// current as the last Reload. It is cheap enough to call on every request,
// as a readiness check for instance.
func (r *Revocations) Err() error {
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
func (r *Revocations) Close() {
	if r.follower != nil {
		r.follower.Close()
	}
}

// Reload reads the revocations in the database into memory, so that those
// made by other processes take effect here; with a Notifier it is called
// for you. Since revocations are never withdrawn, Reload adds what it finds
// and keeps what memory already holds, so a revocation made here while
// Reload reads is not lost; it forgets only what Cleanup would. On error
// memory is unchanged.
func (r *Revocations) Reload(ctx context.Context) error {
	db := r.db.WithContext(ctx)
	// The state is read first: the rows read after it hold at least every
	// revocation up to its revision.
	state, found, err := readState(db)
	if err == nil && !found {
		state, err = ensureState(ctx, r.db)
	}
	if err != nil {
		return fmt.Errorf("token: load revocation state: %w: %w", ErrStore, err)
	}
	cutoff := r.cleanupCutoff()
	var tokens []revokedToken
	if err := db.Where("expires_at >= ?", cutoff).Find(&tokens).Error; err != nil {
		return fmt.Errorf("token: load revoked tokens: %w: %w", ErrStore, err)
	}
	var families []revokedFamily
	if err := db.Where("expires_at >= ?", cutoff).Find(&families).Error; err != nil {
		return fmt.Errorf("token: load revoked families: %w: %w", ErrStore, err)
	}
	var subjects []subjectRevocation
	if err := db.Find(&subjects).Error; err != nil {
		return fmt.Errorf("token: load subject revocations: %w: %w", ErrStore, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forgetBefore(cutoff)
	for _, t := range tokens {
		r.rememberToken(t.JTI, t.ExpiresAt)
	}
	for _, f := range families {
		r.rememberFamily(f.FamilyID, f.ExpiresAt)
	}
	for _, s := range subjects {
		r.rememberGeneration(s.Subject, s.Generation)
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

// RevokeToken revokes the one token named by jti, issued to subject and
// expiring at expiresAt (a Subject's CredentialID, ID and ExpiresAt). The
// record is kept until the token would have expired anyway, and a little
// longer (see Cleanup). The revocation is in the database before it takes
// effect in memory; on error neither changes. With a Notifier it is then
// published to peers; a failure to publish is logged, not returned: the
// revocation is committed, and peers find it at their next check.
func (r *Revocations) RevokeToken(ctx context.Context, jti, subject string, expiresAt time.Time) error {
	if jti == "" || len(jti) > 255 {
		return fmt.Errorf("token: revoke: token id must be 1 to 255 bytes: %w", ErrInvalidRevocation)
	}
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	if expiresAt.IsZero() {
		return fmt.Errorf("token: revoke: expiry time is required: %w", ErrInvalidRevocation)
	}
	row := revokedToken{JTI: jti, Subject: subject, ExpiresAt: expiresAt.UTC().Truncate(time.Microsecond)}
	revision, err := r.keepLatest(ctx, &row, &revokedToken{}, "jti", jti, row.ExpiresAt)
	if err != nil {
		return fmt.Errorf("token: revoke token: %w: %w", ErrStore, err)
	}
	r.mu.Lock()
	r.rememberToken(jti, row.ExpiresAt)
	r.advance(revision)
	msg := revocationMessage{Store: r.storeID, Revision: revision, Subject: subject, TokenID: jti, ExpiresAt: &row.ExpiresAt}
	r.mu.Unlock()
	r.publish(ctx, msg)
	return nil
}

// keepLatest writes row, a revocation keyed by column = key, or, when one
// is there already, raises its expiry to expiresAt if that is later: a
// revocation repeated keeps the later of the two expiry times, in the
// database as in memory. It bumps the store's revision in the same
// transaction and returns it. Every revocation writes the state row, and
// MySQL's upserts lock index gaps besides: a transaction the server rolls
// back to break a deadlock is tried again. model is a zero value of row's
// type.
func (r *Revocations) keepLatest(ctx context.Context, row, model any, column, key string, expiresAt time.Time) (int64, error) {
	var revision int64
	err := retry.OnDeadlock(ctx, func() error {
		return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error; err != nil {
				return err
			}
			err := tx.Model(model).
				Where(clause.Eq{Column: clause.Column{Name: column}, Value: key}).
				Where("expires_at < ?", expiresAt).
				Update("expires_at", expiresAt).Error
			if err != nil {
				return err
			}
			revision, err = bumpRevision(tx)
			return err
		})
	})
	return revision, err
}

// RevokeSubject revokes every token issued to subject so far; tokens issued
// afterwards are valid. It raises the subject's revocation generation by one
// in a single statement, so concurrent revocations, from this process or
// others, are all counted. With a Notifier it is then published to peers,
// as RevokeToken is.
func (r *Revocations) RevokeSubject(ctx context.Context, subject string) error {
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	var generation, revision int64
	err := retry.OnDeadlock(ctx, func() error {
		return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			table := subjectRevocation{}.TableName()
			row := subjectRevocation{Subject: subject, Generation: 1, RevokedAt: r.now().UTC().Truncate(time.Microsecond)}
			err := tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "subject"}},
				DoUpdates: clause.Assignments(map[string]any{
					"generation": gorm.Expr(table + ".generation + 1"),
					"revoked_at": row.RevokedAt,
				}),
			}).Create(&row).Error
			if err != nil {
				return err
			}
			// Read back in the same transaction, which holds the row, to learn
			// the generation this revocation set.
			var stored subjectRevocation
			res := tx.Where("subject = ?", subject).Limit(1).Find(&stored)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return errors.New("subject revocation not found after writing it")
			}
			generation = stored.Generation
			revision, err = bumpRevision(tx)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("token: revoke subject: %w: %w", ErrStore, err)
	}
	r.mu.Lock()
	r.rememberGeneration(subject, generation)
	r.advance(revision)
	msg := revocationMessage{Store: r.storeID, Revision: revision, Subject: subject, Generation: generation}
	r.mu.Unlock()
	r.publish(ctx, msg)
	return nil
}

// IsRevoked reports whether the token with id jti, issued to subject at
// revocation generation generation (its "gen" claim, 0 when absent), is
// revoked by its id or its subject; IsFamilyRevoked tells of its family.
// It reads memory only, and does not consult Err: an Issuer does.
func (r *Revocations) IsRevoked(jti, subject string, generation int64) bool {
	return r.revoked(jti, subject, "", generation)
}

// revoked reports whether a token is revoked in any of the three ways:
// by its id jti, by its subject's generation, or by its family ("" for
// none). Verify asks it of every token, so it costs three map lookups
// under one read lock, however many revocations there are.
func (r *Revocations) revoked(jti, subject, family string, generation int64) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if _, ok := r.tokens[jti]; ok {
		return true
	}
	if _, ok := r.families[family]; ok && family != "" {
		return true
	}
	return generation < r.generations[subject]
}

// Cleanup forgets revoked token ids whose tokens expired more than MaxLeeway
// ago, and revoked families whose last tokens did, from the database and
// from memory, and returns how many rows it deleted. The margin covers the
// leeway with which an Issuer still accepts a token after its "exp".
// Subject revocations are never deleted: their generation is what the
// tokens issued since then carry. Every replica may run it: one deletes
// the rows, and each forgets from its own memory.
func (r *Revocations) Cleanup(ctx context.Context) (int64, error) {
	cutoff := r.cleanupCutoff()
	db := r.db.WithContext(ctx)
	tokens := db.Where("expires_at < ?", cutoff).Delete(&revokedToken{})
	if tokens.Error != nil {
		return 0, fmt.Errorf("token: cleanup: %w: %w", ErrStore, tokens.Error)
	}
	families := db.Where("expires_at < ?", cutoff).Delete(&revokedFamily{})
	if families.Error != nil {
		return tokens.RowsAffected, fmt.Errorf("token: cleanup: %w: %w", ErrStore, families.Error)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forgetBefore(cutoff)
	return tokens.RowsAffected + families.RowsAffected, nil
}

// generation returns subject's current revocation generation, which Issue
// stamps into new tokens.
func (r *Revocations) generation(subject string) int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.generations[subject]
}

// cleanupCutoff is the expiry before which a revoked token can no longer be
// accepted by any Issuer, whatever its leeway.
func (r *Revocations) cleanupCutoff() time.Time {
	return r.now().Add(-MaxLeeway).UTC()
}

// rememberToken records a revoked token; r.mu must be held for writing.
func (r *Revocations) rememberToken(jti string, expiresAt time.Time) {
	if expiresAt.After(r.tokens[jti]) {
		// The map keeps the key: never a caller's memory (see doc.go).
		r.tokens[strings.Clone(jti)] = expiresAt
	}
}

// rememberGeneration raises subject's generation to at least generation;
// r.mu must be held for writing. Generations only grow, so an older reading
// never undoes a newer one.
func (r *Revocations) rememberGeneration(subject string, generation int64) {
	if generation > r.generations[subject] {
		r.generations[strings.Clone(subject)] = generation
	}
}

// forgetBefore forgets the revoked tokens, and families, that expired
// before cutoff; r.mu must be held for writing.
func (r *Revocations) forgetBefore(cutoff time.Time) {
	for jti, exp := range r.tokens {
		if exp.Before(cutoff) {
			delete(r.tokens, jti)
		}
	}
	for family, exp := range r.families {
		if exp.Before(cutoff) {
			delete(r.families, family)
		}
	}
}

// advance records that memory holds revision, when it is the next one; r.mu
// must be held for writing. After a gap memory may still lack a revision
// before it, and the next check of the store brings it.
func (r *Revocations) advance(revision int64) bool {
	switch {
	case revision <= r.revision:
		return true
	case revision == r.revision+1:
		r.revision = revision
		return true
	}
	return false
}

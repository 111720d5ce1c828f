package token

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RevocationsConfig configures Revocations.
type RevocationsConfig struct {
	// Now returns the current time. Default time.Now; tests inject a clock.
	Now func() time.Time
}

// Revocations records revoked tokens in a database and answers "is this
// token revoked" from memory, so that verifying a token never waits on the
// database. It is safe for concurrent use, and several processes may share
// one database; each sees the others' revocations after Reload.
//
// A token is revoked in one of two ways: by its id (RevokeToken), or with
// every other token of its subject issued so far (RevokeSubject). The second
// counts revocations per subject: each token carries the count at its issue
// (the "gen" claim), and a token whose count is behind its subject's is
// revoked. A counter, unlike a "revoked before" timestamp, separates tokens
// issued within the same second as the revocation.
//
// Revocations are never withdrawn, so memory only grows between Cleanups.
type Revocations struct {
	db  *gorm.DB
	now func() time.Time

	mu          sync.RWMutex
	tokens      map[string]time.Time // jti → the token's expiry
	generations map[string]int64     // subject → revocation generation
}

// NewRevocations creates the tables gatehouse_revoked_tokens and
// gatehouse_subject_revocations in db if they are missing, and loads the
// revocations they hold.
func NewRevocations(ctx context.Context, db *gorm.DB, cfg RevocationsConfig) (*Revocations, error) {
	if db == nil {
		return nil, fmt.Errorf("token: NewRevocations: nil *gorm.DB: %w", ErrInvalidConfig)
	}
	r := &Revocations{
		db:          db,
		now:         cfg.Now,
		tokens:      make(map[string]time.Time),
		generations: make(map[string]int64),
	}
	if r.now == nil {
		r.now = time.Now
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("token: create revocation tables: %w: %w", ErrStore, err)
	}
	if err := r.Reload(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// Reload reads the revocations in the database into memory, so that those
// made by other processes take effect here. Since revocations are never
// withdrawn, Reload adds what it finds and keeps what memory already holds:
// a revocation made here while Reload reads is not lost. On error memory is
// unchanged.
func (r *Revocations) Reload(ctx context.Context) error {
	var tokens []revokedToken
	if err := r.db.WithContext(ctx).Where("expires_at >= ?", r.cleanupCutoff()).Find(&tokens).Error; err != nil {
		return fmt.Errorf("token: load revoked tokens: %w: %w", ErrStore, err)
	}
	var subjects []subjectRevocation
	if err := r.db.WithContext(ctx).Find(&subjects).Error; err != nil {
		return fmt.Errorf("token: load subject revocations: %w: %w", ErrStore, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range tokens {
		r.rememberToken(t.JTI, t.ExpiresAt)
	}
	for _, s := range subjects {
		r.rememberGeneration(s.Subject, s.Generation)
	}
	return nil
}

// RevokeToken revokes the one token named by jti, issued to subject and
// expiring at expiresAt (a Subject's CredentialID, ID and ExpiresAt). The
// record is kept until the token would have expired anyway, and a little
// longer (see Cleanup). The revocation is in the database before it takes
// effect in memory; on error neither changes.
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
	row := revokedToken{JTI: jti, Subject: subject, ExpiresAt: expiresAt.UTC()}
	// Revoking a token again keeps the later of the two expiry times, in the
	// database as in memory.
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		return tx.Model(&revokedToken{}).
			Where("jti = ? AND expires_at < ?", jti, row.ExpiresAt).
			Update("expires_at", row.ExpiresAt).Error
	})
	if err != nil {
		return fmt.Errorf("token: revoke token: %w: %w", ErrStore, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rememberToken(jti, row.ExpiresAt)
	return nil
}

// RevokeSubject revokes every token issued to subject so far; tokens issued
// afterwards are valid. It raises the subject's revocation generation by one
// in a single statement, so concurrent revocations, from this process or
// others, are all counted.
func (r *Revocations) RevokeSubject(ctx context.Context, subject string) error {
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	var generation int64
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		table := subjectRevocation{}.TableName()
		row := subjectRevocation{Subject: subject, Generation: 1, RevokedAt: r.now().UTC()}
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
		return nil
	})
	if err != nil {
		return fmt.Errorf("token: revoke subject: %w: %w", ErrStore, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rememberGeneration(subject, generation)
	return nil
}

// IsRevoked reports whether the token with id jti, issued to subject at
// revocation generation generation (its "gen" claim, 0 when absent), is
// revoked. It reads memory only.
func (r *Revocations) IsRevoked(jti, subject string, generation int64) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if _, ok := r.tokens[jti]; ok {
		return true
	}
	return generation < r.generations[subject]
}

// Cleanup forgets revoked token ids whose tokens expired more than MaxLeeway
// ago, from the database and from memory, and returns how many rows it
// deleted. The margin covers the leeway with which an Issuer still accepts a
// token after its "exp". Subject revocations are never deleted: their
// generation is what the tokens issued since then carry.
func (r *Revocations) Cleanup(ctx context.Context) (int64, error) {
	cutoff := r.cleanupCutoff()
	res := r.db.WithContext(ctx).Where("expires_at < ?", cutoff).Delete(&revokedToken{})
	if res.Error != nil {
		return 0, fmt.Errorf("token: cleanup: %w: %w", ErrStore, res.Error)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for jti, exp := range r.tokens {
		if exp.Before(cutoff) {
			delete(r.tokens, jti)
		}
	}
	return res.RowsAffected, nil
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
		r.tokens[jti] = expiresAt
	}
}

// rememberGeneration raises subject's generation to at least generation;
// r.mu must be held for writing. Generations only grow, so an older reading
// never undoes a newer one.
func (r *Revocations) rememberGeneration(subject string, generation int64) {
	if generation > r.generations[subject] {
		r.generations[subject] = generation
	}
}

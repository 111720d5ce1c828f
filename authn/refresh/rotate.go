package refresh

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
)

// Rotate exchanges a live token for a new one of the same family, which
// expires at the earlier of TokenTTL from now and the family's end. The
// presented token is dead afterwards.
//
// Errors match authn.ErrInvalidToken for a malformed or unknown token,
// authn.ErrTokenExpired for an expired token or family, authn.ErrTokenRevoked
// for a token of a revoked family, and authn.ErrTokenReused for a token that
// was already rotated: that is taken as theft, and the whole family is
// revoked before Rotate returns, so the next use of any of its tokens fails
// with authn.ErrTokenRevoked. The error of a reuse is a *ReuseError, which
// names the family. All of them match authn.ErrInvalidCredentials.
//
// Of two calls racing with the same token exactly one succeeds; the other is
// reuse and revokes the family, the winner's new token with it. A client
// must not send a refresh request twice.
func (s *Store) Rotate(ctx context.Context, value string) (Token, error) {
	hash, err := parse(value)
	if err != nil {
		return Token{}, err
	}
	// Racing rotations deadlock on MySQL now and then: the winner inserts
	// the successor into the gap of the family index that a loser's
	// revocation of the family has locked. The server rolls one back;
	// trying it again reads what the other committed.
	var next Token
	err = retry.OnDeadlock(ctx, func() error {
		next, err = s.rotate(ctx, hash)
		return err
	})
	return next, err
}

// rotate is one attempt at Rotate, for the token with this hash.
func (s *Store) rotate(ctx context.Context, hash string) (Token, error) {
	db := s.db.WithContext(ctx)
	rec, err := lookup(db, hash)
	if err != nil {
		return Token{}, err
	}
	now := s.now()
	switch {
	case rec.RevokedAt != nil:
		return Token{}, fmt.Errorf("refresh: family %s: %w", rec.FamilyID, authn.ErrTokenRevoked)
	case rec.UsedAt != nil:
		// Reuse is detected even after the token's expiry: a rotated token
		// in anybody's hands but the client's is a stolen one.
		if _, err := revokeFamily(db, rec.FamilyID, now); err != nil {
			return Token{}, err
		}
		return Token{}, s.reused(ctx, rec)
	}
	if err := rec.expired(now); err != nil {
		return Token{}, err
	}

	nextValue, next, err := s.newRecord(rec.FamilyID, rec.Subject, now, rec.FamilyExpiresAt, rec.loginAt())
	if err != nil {
		return Token{}, err
	}
	if err := s.exchange(ctx, db, rec, next, now); err != nil {
		return Token{}, err
	}
	return next.token(nextValue), nil
}

// Check reports whether a token is live, as Rotate would find it, without
// using it: it returns the token's FamilyID, Subject, ExpiresAt and LoginAt
// (Value stays empty), or an error matching authn.ErrInvalidToken for a
// malformed, unknown or already used token, authn.ErrTokenExpired for an
// expired token or family and authn.ErrTokenRevoked for a revoked family.
// Unlike Rotate it never revokes anything.
//
// A token rotated while a revocation of its subject or family raced the
// rotation may be revoked by the time Rotate returns it; a caller that
// hands out something else along with the token, as an access token,
// checks it afterwards to be sure nothing it hands out outlives the
// revocation.
func (s *Store) Check(ctx context.Context, value string) (Token, error) {
	hash, err := parse(value)
	if err != nil {
		return Token{}, err
	}
	rec, err := lookup(s.db.WithContext(ctx), hash)
	if err != nil {
		return Token{}, err
	}
	switch {
	case rec.RevokedAt != nil:
		return Token{}, fmt.Errorf("refresh: family %s: %w", rec.FamilyID, authn.ErrTokenRevoked)
	case rec.UsedAt != nil:
		return Token{}, fmt.Errorf("refresh: family %s: token already used: %w", rec.FamilyID, authn.ErrInvalidToken)
	}
	if err := rec.expired(s.now()); err != nil {
		return Token{}, err
	}
	return rec.token(""), nil
}

// exchange marks the token of rec used and stores next as its successor, in
// one transaction. When the token has died since it was read, it returns
// why, and revokes the family if a concurrent rotation used it.
func (s *Store) exchange(ctx context.Context, db *gorm.DB, rec, next record, now time.Time) error {
	// rejected is the token's death found inside the transaction, which
	// still commits so that a revocation for reuse is kept.
	var rejected error
	reuse := false
	err := db.Transaction(func(tx *gorm.DB) error {
		// The conditional update is the first statement, so it takes the
		// write lock before reading anything: of two racing calls one marks
		// the token used and the other finds nothing to mark.
		res := tx.Model(&record{}).
			Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", rec.ID).
			Update("used_at", now)
		if res.Error != nil {
			return fmt.Errorf("refresh: mark token used: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			if err := tx.Create(&next).Error; err != nil {
				return fmt.Errorf("refresh: store successor: %w", err)
			}
			return nil
		}
		// Revoked, deleted or used since it was read.
		current, found, err := find(tx, rec.TokenHash)
		switch {
		case err != nil:
			return err
		case !found:
			rejected = fmt.Errorf("refresh: unknown token: %w", authn.ErrInvalidToken)
		case current.RevokedAt != nil:
			rejected = fmt.Errorf("refresh: family %s: %w", rec.FamilyID, authn.ErrTokenRevoked)
		default:
			if _, err := revokeFamily(tx, rec.FamilyID, now); err != nil {
				return err
			}
			reuse = true
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case reuse:
		return s.reused(ctx, rec)
	}
	return rejected
}

// reused logs the revocation of a family for reuse and returns its error.
func (s *Store) reused(ctx context.Context, rec record) error {
	s.log.WarnContext(ctx, "refresh token reused: family revoked",
		"subject", rec.Subject, "family_id", rec.FamilyID)
	return &ReuseError{FamilyID: rec.FamilyID, Subject: rec.Subject}
}

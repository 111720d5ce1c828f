package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// RevokeToken revokes the one token named by jti, issued to subject and
// expiring at expiresAt (a Subject's CredentialID, ID and ExpiresAt). The
// record is kept until the token would have expired anyway, and a little
// longer (see Cleanup). The revocation is in the database before it takes
// effect in memory; on error neither changes. With a Notifier it is then
// published to peers; a failure to publish is logged, not returned: the
// revocation is committed, and peers find it at their next check.
func (r *Store) RevokeToken(ctx context.Context, jti, subject string, expiresAt time.Time) error {
	if err := token.ValidateTokenRevocation(jti, subject, expiresAt); err != nil {
		return err
	}
	row := revokedToken{JTI: jti, Subject: subject, ExpiresAt: expiresAt.UTC().Truncate(time.Microsecond)}
	revision, err := r.keepLatest(ctx, &row, &revokedToken{}, "jti", jti, row.ExpiresAt)
	if err != nil {
		return fmt.Errorf("gormstore: revoke token: %w: %w", token.ErrStore, err)
	}
	r.mu.Lock()
	r.set.KeepToken(jti, row.ExpiresAt)
	r.advance(revision)
	msg := revocationMessage{Store: r.storeID, Revision: revision, Subject: subject, TokenID: jti, ExpiresAt: &row.ExpiresAt}
	r.mu.Unlock()
	r.publish(ctx, msg)
	return nil
}

// RevokeFamily revokes every access token issued with the refresh family
// familyID (those whose "sid" claim names it; see token.Family), issued to
// subject, so that ending a family — for reuse of its refresh token, or at
// logout — ends the access tokens it obtained too. expiresAt is when the
// last of them expires: Issuer.LatestExpiry, when the family can obtain
// no more. The record is kept until then, and a little longer (see
// Cleanup). As with RevokeToken, the revocation is in the database before
// it takes effect in memory, on error neither changes, and with a Notifier
// it is then published to peers. Revoking a family again keeps the later
// expiry.
func (r *Store) RevokeFamily(ctx context.Context, familyID, subject string, expiresAt time.Time) error {
	if err := token.ValidateFamilyRevocation(familyID, subject, expiresAt); err != nil {
		return err
	}
	row := revokedFamily{FamilyID: familyID, Subject: subject, ExpiresAt: expiresAt.UTC().Truncate(time.Microsecond)}
	revision, err := r.keepLatest(ctx, &row, &revokedFamily{}, "family_id", familyID, row.ExpiresAt)
	if err != nil {
		return fmt.Errorf("gormstore: revoke family: %w: %w", token.ErrStore, err)
	}
	r.mu.Lock()
	r.set.KeepFamily(familyID, row.ExpiresAt)
	r.advance(revision)
	msg := revocationMessage{Store: r.storeID, Revision: revision, Subject: subject, FamilyID: familyID, ExpiresAt: &row.ExpiresAt}
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
func (r *Store) keepLatest(ctx context.Context, row, model any, column, key string, expiresAt time.Time) (int64, error) {
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
func (r *Store) RevokeSubject(ctx context.Context, subject string) error {
	if err := token.ValidateSubjectRevocation(subject); err != nil {
		return err
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
		return fmt.Errorf("gormstore: revoke subject: %w: %w", token.ErrStore, err)
	}
	r.mu.Lock()
	r.set.RaiseGeneration(subject, generation)
	r.advance(revision)
	msg := revocationMessage{Store: r.storeID, Revision: revision, Subject: subject, Generation: generation}
	r.mu.Unlock()
	r.publish(ctx, msg)
	return nil
}

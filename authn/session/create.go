package session

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
)

// Session is a newly created session, as handed to the client that logged
// in. Its secrets print as "[REDACTED]"; call Reveal where they are sent.
type Session struct {
	// ID is the session's public id ("ses_" and 16 hex digits): safe to log
	// and it grants nothing. Subject.CredentialID carries it.
	ID string
	// Subject is the id of the subject who logged in.
	Subject string
	// Token is the cookie value, the one credential of the session. Send it
	// only as the cookie Manager.Cookie builds; it is never stored.
	Token authn.Secret
	// CSRFToken must accompany every unsafe request, in the CSRFHeader
	// header. Put it where the application's pages and scripts can read it,
	// never in the URL, where it would leak through logs and Referer headers.
	CSRFToken authn.Secret
	// CreatedAt is when the session began, to the second.
	CreatedAt time.Time
	// ExpiresAt is the session's absolute expiry, CreatedAt plus Lifetime.
	// It may die sooner by going idle or being destroyed.
	ExpiresAt time.Time
}

// Create starts a new session for subject, with a new id and token: call it
// at every login. previousToken is the session cookie the login request
// carried, or "": if it names a session, that session is destroyed in the
// same transaction, so that a session planted in the browser before login
// (session fixation) never becomes an authenticated one. A previousToken
// that names no session is ignored.
//
// An empty subject, or one longer than 255 bytes, is refused with an error
// matching ErrInvalidSubject, and nothing changes.
func (m *Manager) Create(ctx context.Context, subject, previousToken string) (Session, error) {
	if err := checkSubject(subject); err != nil {
		return Session{}, fmt.Errorf("session: create: %w", err)
	}
	token, raw, err := newToken()
	if err != nil {
		return Session{}, fmt.Errorf("session: create: %w", err)
	}
	id, err := newID()
	if err != nil {
		return Session{}, fmt.Errorf("session: create: %w", err)
	}
	now := stamp(m.now())
	rec := record{
		ID:         id,
		TokenHash:  hashToken(token),
		Subject:    subject,
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(m.cfg.Lifetime),
	}
	previous, err := m.sessionIDs(ctx, previousToken)
	if err != nil {
		return Session{}, fmt.Errorf("session: create: %w: look up previous session: %w", ErrStore, err)
	}
	err = retry.OnDeadlock(ctx, func() error {
		return m.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if len(previous) > 0 {
				if err := tx.Where("id IN ?", previous).Delete(&record{}).Error; err != nil {
					return fmt.Errorf("destroy previous session: %w", err)
				}
			}
			return tx.Create(&rec).Error
		})
	})
	if err != nil {
		return Session{}, fmt.Errorf("session: create: %w: %w", ErrStore, err)
	}
	return Session{
		ID:        rec.ID,
		Subject:   subject,
		Token:     authn.Secret(token),
		CSRFToken: authn.Secret(csrfFor(raw)),
		CreatedAt: rec.CreatedAt,
		ExpiresAt: rec.ExpiresAt,
	}, nil
}

// sessionIDs returns the id of the session token names, if any. Create
// deletes the previous session by id rather than by token hash: on MySQL a
// delete by a hash that matches nothing locks the gap in the index where
// the hash would be, and concurrent logins inserting their sessions there
// deadlock. The look-up comes before the transaction, so that the
// transaction's first statement writes: on SQLite a transaction that reads
// first may be refused the write lock it asks for next.
func (m *Manager) sessionIDs(ctx context.Context, token string) ([]string, error) {
	if _, ok := decodeToken(token); !ok {
		return nil, nil
	}
	var ids []string
	err := m.db.WithContext(ctx).Model(&record{}).Where("token_hash = ?", hashToken(token)).Pluck("id", &ids).Error
	return ids, err
}

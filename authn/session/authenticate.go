package session

import (
	"context"
	"crypto/subtle"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Authenticate implements authn.Authenticator for the session cookie.
//
// A request without the cookie (or with an empty one) gets
// authn.ErrNoCredentials. A malformed or unknown token, a destroyed session,
// and one past its idle or absolute timeout get authn.ErrInvalidSession. On
// a live session, a request whose method is not safe (authn.IsSafeMethod)
// must carry the session's CSRF token in the CSRFHeader header, or gets
// authn.ErrCSRF. A database failure gets ErrStore: no one is authenticated.
//
// On success the session's last-seen time is written if it is TouchInterval
// old or more, and the Subject has Method authn.MethodSession, the session's
// id as CredentialID, ExpiresAt the earlier of its absolute expiry and the
// moment it would die idle, and AuthenticatedAt the session's creation: the
// login it began with.
func (m *Manager) Authenticate(ctx context.Context, req authn.Credentials) (authn.Subject, error) {
	token, ok := req.Cookie(m.cfg.CookieName)
	if !ok || token == "" {
		return authn.Subject{}, authn.ErrNoCredentials
	}
	raw, ok := decodeToken(token)
	if !ok {
		return authn.Subject{}, fmt.Errorf("session: malformed token: %w", authn.ErrInvalidSession)
	}

	var rec record
	hash := hashToken(token)
	found := m.db.WithContext(ctx).Where("token_hash = ?", hash).Limit(1).Find(&rec)
	if found.Error != nil {
		return authn.Subject{}, fmt.Errorf("session: look up: %w: %w", ErrStore, found.Error)
	}
	// The database matched the hash; this check in constant time keeps a
	// collation that compares loosely from letting another token pass.
	if found.RowsAffected == 0 || subtle.ConstantTimeCompare([]byte(rec.TokenHash), []byte(hash)) != 1 {
		return authn.Subject{}, fmt.Errorf("session: unknown token: %w", authn.ErrInvalidSession)
	}

	now := m.now()
	if !now.Before(rec.ExpiresAt) {
		return authn.Subject{}, fmt.Errorf("session %s: past its lifetime: %w", rec.ID, authn.ErrInvalidSession)
	}
	if !now.Before(rec.LastSeenAt.Add(m.cfg.IdleTimeout)) {
		return authn.Subject{}, fmt.Errorf("session %s: idle too long: %w", rec.ID, authn.ErrInvalidSession)
	}
	// Checked only once the session is known to be live, so that a request
	// with a dead cookie learns that, and asks for a login, rather than
	// being told to fetch a CSRF token it could never use.
	if !authn.IsSafeMethod(req.Method()) && !validCSRF(raw, req.Header(m.cfg.CSRFHeader)) {
		return authn.Subject{}, fmt.Errorf("session %s: %s %s: %w", rec.ID, req.Method(), m.cfg.CSRFHeader, authn.ErrCSRF)
	}

	if now.Sub(rec.LastSeenAt) >= m.cfg.TouchInterval {
		seen := stamp(now)
		touched := m.db.WithContext(ctx).Model(&record{}).Where("id = ?", rec.ID).Update("last_seen_at", seen)
		if touched.Error != nil {
			return authn.Subject{}, fmt.Errorf("session %s: touch: %w: %w", rec.ID, ErrStore, touched.Error)
		}
		if touched.RowsAffected == 0 {
			// Either the session was destroyed (a logout, a password reset)
			// between the look-up and now, which must be honoured rather
			// than the stale read, or a concurrent request wrote the same
			// time, which MySQL counts as no row changed.
			exists, err := m.exists(ctx, rec.ID)
			if err != nil {
				return authn.Subject{}, fmt.Errorf("session %s: touch: %w: %w", rec.ID, ErrStore, err)
			}
			if !exists {
				return authn.Subject{}, fmt.Errorf("session %s: destroyed: %w", rec.ID, authn.ErrInvalidSession)
			}
		}
		rec.LastSeenAt = seen
	}

	return authn.Subject{
		ID:           rec.Subject,
		Method:       authn.MethodSession,
		CredentialID: rec.ID,
		ExpiresAt:    rec.expiry(m.cfg.IdleTimeout),
		// A session begins at a login and is never renewed without one.
		AuthenticatedAt: rec.CreatedAt.UTC(),
	}, nil
}

// exists reports whether the session with this id is still stored.
func (m *Manager) exists(ctx context.Context, id string) (bool, error) {
	var n int64
	if err := m.db.WithContext(ctx).Model(&record{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return false, err
	}
	return n > 0, nil
}

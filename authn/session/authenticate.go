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
// authn.ErrCSRF. A store failure gets ErrStore: no one is authenticated.
//
// The session is looked up, checked and its use recorded in one call to
// the store (Store.Touch; one round trip on Redis): its last-seen time is
// written if it is TouchInterval old or more and the request is accepted. On success
// the Subject has Method authn.MethodSession, the session's id as
// CredentialID, ExpiresAt the earlier of its absolute expiry and the moment
// it would die idle, AuthenticatedAt the session's creation, and AMR and
// ACR the methods of the login it began with, as given to Create (nil and
// "" when none were).
func (m *Manager) Authenticate(ctx context.Context, req authn.Credentials) (authn.Subject, error) {
	token, ok := req.Cookie(m.cfg.CookieName)
	if !ok || token == "" {
		return authn.Subject{}, authn.ErrNoCredentials
	}
	raw, ok := decodeToken(token)
	if !ok {
		return authn.Subject{}, fmt.Errorf("session: malformed token: %w", authn.ErrInvalidSession)
	}

	hash := hashToken(token)
	now := m.now()
	// The CSRF token is derived from the cookie, so it is checked before
	// the store is asked; a request that fails it records no activity.
	csrfOK := authn.IsSafeMethod(req.Method()) || validCSRF(raw, req.Header(m.cfg.CSRFHeader))
	use := Use{Now: now, IdleTimeout: m.cfg.IdleTimeout, TouchInterval: m.cfg.TouchInterval}
	if csrfOK {
		use.SeenAt = stamp(now)
	}
	rec, found, err := m.store.Touch(ctx, hash, use)
	if err != nil {
		return authn.Subject{}, fmt.Errorf("session: look up: %w: %w", ErrStore, err)
	}
	// The store matched the hash; this check in constant time keeps a
	// collation that compares loosely from letting another token pass,
	// and the check of the timeouts keeps a faulty store from reviving a
	// dead session.
	if !found || subtle.ConstantTimeCompare([]byte(rec.TokenHash), []byte(hash)) != 1 {
		return authn.Subject{}, fmt.Errorf("session: unknown, destroyed or expired token: %w", authn.ErrInvalidSession)
	}
	if !rec.Live(now, m.cfg.IdleTimeout) {
		return authn.Subject{}, fmt.Errorf("session %s: expired: %w", rec.ID, authn.ErrInvalidSession)
	}
	// Reported only once the session is known to be live, so that a
	// request with a dead cookie learns that, and asks for a login, rather
	// than being told to fetch a CSRF token it could never use.
	if !csrfOK {
		return authn.Subject{}, fmt.Errorf("session %s: %s %s: %w", rec.ID, req.Method(), m.cfg.CSRFHeader, authn.ErrCSRF)
	}
	amr := splitMethods(rec.Methods)
	return authn.Subject{
		ID:           rec.Subject,
		Method:       authn.MethodSession,
		CredentialID: rec.ID,
		ExpiresAt:    rec.Expiry(m.cfg.IdleTimeout).UTC(),
		// A session begins at a login and is never renewed without one.
		AuthenticatedAt: rec.CreatedAt.UTC(),
		AMR:             amr,
		ACR:             authn.ACRFor(amr),
	}, nil
}

package session

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
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
	// Methods are the authentication methods of the login, as given to
	// Create, which every request of the session carries as
	// authn.Subject.AMR; nil when none were given.
	Methods []string
}

// Create starts a new session for subject, with a new id and token: call it
// at every login. previousToken is the session cookie the login request
// carried, or "": if it names a session, that session is destroyed in the
// same atomic step, so that a session planted in the browser before login
// (session fixation) never becomes an authenticated one. A previousToken
// that names no session is ignored.
//
// methods are the authentication methods the login used (RFC 8176:
// authn.AMRPassword, and authn.AMRMultiFactor with the second factor's
// when there was one), kept with the session so that Authenticate can
// tell, through authn.Subject.AMR and ACR, whether it began with a second
// factor (authn.Subject.RequireMFA). Without them the session's methods
// are unknown, and RequireMFA refuses it.
//
// An empty subject, or one longer than 255 bytes, is refused with an error
// matching ErrInvalidSubject, and methods authn.ValidAMR refuses with one
// matching ErrInvalidMethods; then nothing changes, the previous session
// included. A store failure returns an error matching ErrStore.
func (m *Manager) Create(ctx context.Context, subject, previousToken string, methods ...string) (Session, error) {
	if err := checkSubject(subject); err != nil {
		return Session{}, fmt.Errorf("session: create: %w", err)
	}
	if !authn.ValidAMR(methods) {
		return Session{}, fmt.Errorf("session: create: %w: %q", ErrInvalidMethods, methods)
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
	rec := Record{
		ID:         id,
		TokenHash:  hashToken(token),
		Subject:    subject,
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(m.cfg.Lifetime),
		Methods:    joinMethods(methods),
	}
	// A malformed previous token cannot name a session: it costs no
	// look-up.
	var previous string
	if _, ok := decodeToken(previousToken); ok {
		previous = hashToken(previousToken)
	}
	if err := m.store.Create(ctx, rec, m.cfg.IdleTimeout, previous); err != nil {
		return Session{}, fmt.Errorf("session: create: %w: %w", ErrStore, err)
	}
	return Session{
		ID:        rec.ID,
		Subject:   subject,
		Token:     authn.Secret(token),
		CSRFToken: authn.Secret(csrfFor(raw)),
		CreatedAt: rec.CreatedAt,
		ExpiresAt: rec.ExpiresAt,
		Methods:   splitMethods(rec.Methods),
	}, nil
}

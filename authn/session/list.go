package session

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Info describes one of a subject's live sessions, for a page where users
// review where they are logged in and end the sessions they do not
// recognise (OWASP ASVS 3.3.4). It holds nothing that authenticates: no
// token, no hash of one, no CSRF token.
type Info struct {
	// ID is the session's public id, to pass to DestroyByID. It equals the
	// authn.Subject.CredentialID that Authenticate returns for the session,
	// so a page can mark the session of the request it is serving.
	ID string
	// CreatedAt is when the session began: the login, to the second.
	CreatedAt time.Time
	// LastSeenAt is when the session was last used, as recorded: activity
	// is written at most once per TouchInterval, so it may lag by that much.
	LastSeenAt time.Time
	// ExpiresAt is when the session dies unless used again: the earlier of
	// its absolute expiry and the moment it would have been idle for
	// IdleTimeout.
	ExpiresAt time.Time
	// Methods are the authentication methods of the login the session
	// began with (RFC 8176), for a page that shows which sessions had a
	// second factor; nil when unknown.
	Methods []string
}

// List returns subject's live sessions, newest first; sessions past their
// idle or absolute timeout are left out, as Authenticate refuses them
// whether or not Cleanup has deleted them yet. A subject with no sessions
// gets an empty list. Times are in UTC.
//
// List does not check who is asking: call it with the id of the subject
// Authenticate returned, not one taken from the request. An empty subject,
// or one longer than 255 bytes, is refused with an error matching
// ErrInvalidSubject; a store failure returns one matching ErrStore.
func (m *Manager) List(ctx context.Context, subject string) ([]Info, error) {
	if err := checkSubject(subject); err != nil {
		return nil, fmt.Errorf("session: list: %w", err)
	}
	now := m.now()
	recs, err := m.store.List(ctx, subject, now, m.cfg.IdleTimeout)
	if err != nil {
		return nil, fmt.Errorf("session: list: %w: %w", ErrStore, err)
	}
	infos := make([]Info, 0, len(recs))
	for _, r := range recs {
		// The line Authenticate draws, whatever the store's.
		if r.Subject != subject || !r.Live(now, m.cfg.IdleTimeout) {
			continue
		}
		infos = append(infos, Info{
			ID:         r.ID,
			CreatedAt:  r.CreatedAt.UTC(),
			LastSeenAt: r.LastSeenAt.UTC(),
			ExpiresAt:  r.Expiry(m.cfg.IdleTimeout).UTC(),
			Methods:    splitMethods(r.Methods),
		})
	}
	slices.SortFunc(infos, func(a, b Info) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return infos, nil
}

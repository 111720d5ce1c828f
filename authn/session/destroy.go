package session

import (
	"context"
	"fmt"
)

// Destroy ends the session whose cookie value is token, for logout; send
// ExpiredCookie with the response too. A token that names no session
// (malformed, unknown, already destroyed) is not an error: the outcome the
// caller wants, no such session, holds.
func (m *Manager) Destroy(ctx context.Context, token string) error {
	if _, ok := decodeToken(token); !ok {
		return nil
	}
	if err := m.store.Destroy(ctx, hashToken(token)); err != nil {
		return fmt.Errorf("session: destroy: %w: %w", ErrStore, err)
	}
	return nil
}

// DestroyByID ends one of subject's sessions by its public id (an Info.ID
// from List), for a user logging out another device (OWASP ASVS 3.3.4). It
// takes effect from the next request that session makes, and the device
// learns of it only then; its cookie is not something this response can
// clear.
//
// The session must be subject's: an id that is another subject's fails
// with ErrSessionNotFound, as an unknown or already destroyed one does,
// and the other subject's session lives on, so that a user cannot end, nor
// find out about, anyone else's sessions. Call it with the id of the
// subject Authenticate returned, not one taken from the request. A session
// past its timeouts that the store still holds (Cleanup has not run) is
// deleted without error; one the store has dropped already (redisstore
// drops sessions as they expire) fails with ErrSessionNotFound. Either
// way it is over.
//
// An id not spelt as session ids are is refused with an error matching
// ErrInvalidSessionID, and a subject Create would refuse with one matching
// ErrInvalidSubject; a store failure returns one matching ErrStore.
func (m *Manager) DestroyByID(ctx context.Context, subject, id string) error {
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("session: destroy by id: %w", err)
	}
	if !isID(id) {
		// The value is left out: it may be a token pasted by mistake, and
		// errors end up in logs.
		return fmt.Errorf("session: destroy by id: %w: %d bytes, want %q and 16 hex digits", ErrInvalidSessionID, len(id), idPrefix)
	}
	found, err := m.store.DestroyByID(ctx, subject, id)
	if err != nil {
		return fmt.Errorf("session: destroy %s: %w: %w", id, ErrStore, err)
	}
	if !found {
		return fmt.Errorf("session: destroy %s: %w", id, ErrSessionNotFound)
	}
	return nil
}

// DestroySubject ends every session of subject, on every device: call it when
// the subject's password is reset or changed, or the account is deleted or
// locked, so that a stolen cookie does not outlive the change. An empty
// subject is refused with an error matching ErrInvalidSubject; a store
// failure returns one matching ErrStore.
func (m *Manager) DestroySubject(ctx context.Context, subject string) error {
	if subject == "" {
		return fmt.Errorf("session: destroy subject: %w: empty", ErrInvalidSubject)
	}
	if err := m.store.DestroySubject(ctx, subject); err != nil {
		return fmt.Errorf("session: destroy subject: %w: %w", ErrStore, err)
	}
	return nil
}

// Cleanup deletes the sessions past their absolute or idle timeout and
// returns how many it deleted. Expired sessions are already refused; Cleanup
// only keeps the store small, so run it now and then (an hourly job will
// do). Sessions a store has dropped by itself are not counted: redisstore
// lets Redis expire them, and its Cleanup mostly prunes its per-subject
// indexes.
func (m *Manager) Cleanup(ctx context.Context) (int64, error) {
	n, err := m.store.Cleanup(ctx, m.now(), m.cfg.IdleTimeout)
	if err != nil {
		return n, fmt.Errorf("session: cleanup: %w: %w", ErrStore, err)
	}
	return n, nil
}

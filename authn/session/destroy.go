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
	if err := m.db.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Delete(&record{}).Error; err != nil {
		return fmt.Errorf("session: destroy: %w: %w", ErrStore, err)
	}
	return nil
}

// DestroySubject ends every session of subject, on every device: call it when
// the subject's password is reset or changed, or the account is deleted or
// locked, so that a stolen cookie does not outlive the change. An empty
// subject is refused with an error matching ErrInvalidSubject.
func (m *Manager) DestroySubject(ctx context.Context, subject string) error {
	if subject == "" {
		return fmt.Errorf("session: destroy subject: %w: empty", ErrInvalidSubject)
	}
	if err := m.db.WithContext(ctx).Where("subject = ?", subject).Delete(&record{}).Error; err != nil {
		return fmt.Errorf("session: destroy subject: %w: %w", ErrStore, err)
	}
	return nil
}

// Cleanup deletes the sessions past their absolute or idle timeout and
// returns how many it deleted. Expired sessions are already refused; Cleanup
// only keeps the table small, so run it now and then (an hourly job will
// do).
func (m *Manager) Cleanup(ctx context.Context) (int64, error) {
	now := stamp(m.now())
	res := m.db.WithContext(ctx).
		Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-m.cfg.IdleTimeout)).
		Delete(&record{})
	if res.Error != nil {
		return 0, fmt.Errorf("session: cleanup: %w: %w", ErrStore, res.Error)
	}
	return res.RowsAffected, nil
}

package apikey

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// lastUsedInterval is how stale last_used_at may grow before Verify writes
// it again. Writing on every request would turn each authenticated read
// into a database write; a minute is precise enough to tell a live key from
// a forgotten one.
const lastUsedInterval = time.Minute

// dummyHash stands in for the stored hash when no key has the prefix, so an
// unknown prefix costs the same comparison as a known one.
var dummyHash = strings.Repeat("0", hashLength)

// Verify checks the key plain and returns the Subject it authenticates: its
// owner, with Method authn.MethodAPIKey, the key's id as CredentialID and
// its expiry (zero if none) as ExpiresAt. The key thus carries all of its
// owner's permissions; see the package documentation.
//
// Every refusal matches authn.ErrInvalidAPIKey, and says why: a malformed
// key (including one longer than MaxKeyLength, which is refused without
// touching the database), an unknown key or wrong secret, a revoked key, or
// an expired one, which stops working at the instant of its expiry. Other
// errors come from the database; treat them as a refusal too.
//
// Verify records the time of use on the key, at most once a minute per key.
func (s *Store) Verify(ctx context.Context, plain string) (authn.Subject, error) {
	parsed, err := parseKey(plain)
	if err != nil {
		return authn.Subject{}, fmt.Errorf("apikey: %w: %w", authn.ErrInvalidAPIKey, err)
	}

	var row keyRow
	res := s.db.WithContext(ctx).Where("prefix = ?", parsed.prefix).Limit(1).Find(&row)
	if res.Error != nil {
		return authn.Subject{}, fmt.Errorf("apikey: look up key: %w", res.Error)
	}
	stored := row.Hash
	if res.RowsAffected == 0 {
		stored = dummyHash
	}
	if subtle.ConstantTimeCompare([]byte(parsed.hash), []byte(stored)) != 1 || res.RowsAffected == 0 {
		return authn.Subject{}, fmt.Errorf("apikey: unknown key or wrong secret: %w", authn.ErrInvalidAPIKey)
	}

	// Only the holder of the secret learns whether the key is revoked or
	// expired.
	now := s.now()
	if row.RevokedAt != nil {
		return authn.Subject{}, fmt.Errorf("apikey: key %s revoked: %w", row.ID, authn.ErrInvalidAPIKey)
	}
	if row.ExpiresAt != nil && !now.Before(*row.ExpiresAt) {
		return authn.Subject{}, fmt.Errorf("apikey: key %s expired: %w", row.ID, authn.ErrInvalidAPIKey)
	}
	if err := s.touch(ctx, row, now); err != nil {
		return authn.Subject{}, err
	}

	subject := authn.Subject{ID: row.OwnerID, Method: authn.MethodAPIKey, CredentialID: row.ID}
	if row.ExpiresAt != nil {
		subject.ExpiresAt = row.ExpiresAt.UTC()
	}
	return subject, nil
}

// touch records now as the key's last use when the recorded one is a
// minute old or more. The update names the value it replaces, so of several
// requests racing to record the same minute, on any number of processes,
// one writes and the rest change nothing.
func (s *Store) touch(ctx context.Context, row keyRow, now time.Time) error {
	if row.LastUsedAt != nil && now.Sub(*row.LastUsedAt) < lastUsedInterval {
		return nil
	}
	q := s.db.WithContext(ctx).Model(&keyRow{}).Where("id = ?", row.ID)
	if row.LastUsedAt == nil {
		q = q.Where("last_used_at IS NULL")
	} else {
		q = q.Where("last_used_at = ?", *row.LastUsedAt)
	}
	if err := q.Update("last_used_at", now).Error; err != nil {
		return fmt.Errorf("apikey: record use of key %s: %w", row.ID, err)
	}
	return nil
}

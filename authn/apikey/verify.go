package apikey

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// lastUsedInterval is how stale LastUsedAt may grow before Verify writes it
// again. Writing on every request would turn each authenticated read into a
// write to the store; a minute is precise enough to tell a live key from a
// forgotten one.
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
// asking the store), an unknown key or wrong secret, a revoked key, or an
// expired one, which stops working at the instant of its expiry. An error
// matching ErrStore comes from the store; treat it as a refusal too.
//
// Verify asks the store once (Store.Lookup), and records the time of use
// on the key at most once a minute per key (Store.RecordUse).
func (k *Keys) Verify(ctx context.Context, plain string) (authn.Subject, error) {
	parsed, err := parseKey(plain)
	if err != nil {
		return authn.Subject{}, fmt.Errorf("apikey: %w: %w", authn.ErrInvalidAPIKey, err)
	}

	rec, found, err := k.store.Lookup(ctx, parsed.prefix)
	if err != nil {
		return authn.Subject{}, fmt.Errorf("apikey: look up key: %w: %w", ErrStore, err)
	}
	stored := rec.Hash
	if !found {
		stored = dummyHash
	}
	// The store matched the prefix; the hash of the whole key decides, and
	// a store that matched loosely lets nothing else through.
	if subtle.ConstantTimeCompare([]byte(parsed.hash), []byte(stored)) != 1 || !found || rec.Prefix != parsed.prefix {
		return authn.Subject{}, fmt.Errorf("apikey: unknown key or wrong secret: %w", authn.ErrInvalidAPIKey)
	}

	// Only the holder of the secret learns whether the key is revoked or
	// expired.
	now := k.now()
	if !rec.RevokedAt.IsZero() {
		return authn.Subject{}, fmt.Errorf("apikey: key %s revoked: %w", rec.ID, authn.ErrInvalidAPIKey)
	}
	if !rec.ExpiresAt.IsZero() && !now.Before(rec.ExpiresAt) {
		return authn.Subject{}, fmt.Errorf("apikey: key %s expired: %w", rec.ID, authn.ErrInvalidAPIKey)
	}
	if err := k.touch(ctx, rec, now); err != nil {
		return authn.Subject{}, err
	}

	subject := authn.Subject{ID: rec.OwnerID, Method: authn.MethodAPIKey, CredentialID: rec.ID}
	if !rec.ExpiresAt.IsZero() {
		subject.ExpiresAt = rec.ExpiresAt.UTC()
	}
	return subject, nil
}

// touch records now as the key's last use when the recorded one is a
// minute old or more. The store writes only if it still finds it so, so of
// several requests racing to record the same minute, on any number of
// processes, one writes and the rest change nothing.
func (k *Keys) touch(ctx context.Context, rec Record, now time.Time) error {
	if !rec.LastUsedAt.IsZero() && now.Sub(rec.LastUsedAt) < lastUsedInterval {
		return nil
	}
	if _, err := k.store.RecordUse(ctx, rec.ID, now, now.Add(-lastUsedInterval)); err != nil {
		return fmt.Errorf("apikey: record use of key %s: %w: %w", rec.ID, ErrStore, err)
	}
	return nil
}

package apikey

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-go/gatehouse/authn"
)

// MaxNameLength is the longest key name, in characters.
const MaxNameLength = 100

// MaxOwnerIDLength is the longest owner id, in bytes.
const MaxOwnerIDLength = 255

// createAttempts bounds how often Create draws a new id and prefix after
// one collides with a stored key's.
const createAttempts = 3

// CreateFor makes a key for subject, the caller of the request asking for
// it, as Create does for subject.ID, and only if subject descends from a
// login no older than Config.MaxLoginAge (15 minutes by default). Otherwise
// it fails with subject.RequireRecentLogin's *authn.ReauthenticationError,
// which matches authn.ErrReauthenticationRequired and
// authn.ErrInvalidCredentials, and which the adapters answer with 401 and
// a challenge carrying the age allowed (RFC 9470's max_age): the client
// logs in again and retries. Nothing is stored then.
//
// A subject whose login time is unknown is refused: an API key's above
// all, so that a key cannot mint another, and one from an authenticator
// that does not set AuthenticatedAt. Handlers that create keys for the
// caller should use CreateFor; Create, which takes an owner id alone and
// checks nothing about who asks, is for administrators' tools and tests.
func (k *Keys) CreateFor(ctx context.Context, subject authn.Subject, name string, expiresAt *time.Time) (Key, authn.Secret, error) {
	if err := checkOwner(subject.ID); err != nil {
		return Key{}, "", err
	}
	if err := subject.RequireRecentLogin(k.cfg.Now(), k.cfg.MaxLoginAge); err != nil {
		return Key{}, "", fmt.Errorf("apikey: create key: %w", err)
	}
	return k.Create(ctx, subject.ID, name, expiresAt)
}

// Create makes a key for ownerID, labelled name, that expires at expiresAt
// (nil: never). It returns the key's description and the whole key, which
// is shown to the owner now and never again: the store keeps only its hash.
//
// ownerID must be non-empty (ErrInvalidOwner). name is trimmed of
// surrounding space and must then be 1 to MaxNameLength characters of UTF-8
// without control characters (ErrInvalidName). An expiry that is not after
// the current time is refused (ErrInvalidExpiry). A failing store yields an
// error matching ErrStore. Nothing is stored when Create fails.
//
// Create does not ask how recently the owner logged in; a request handler
// should call CreateFor instead, which does.
func (k *Keys) Create(ctx context.Context, ownerID, name string, expiresAt *time.Time) (Key, authn.Secret, error) {
	if err := checkOwner(ownerID); err != nil {
		return Key{}, "", err
	}
	name, err := cleanName(name)
	if err != nil {
		return Key{}, "", err
	}
	now := k.now()
	var expiry time.Time
	if expiresAt != nil {
		expiry = expiresAt.UTC().Truncate(time.Microsecond)
		if !expiry.After(now) {
			return Key{}, "", fmt.Errorf("%w: %s is not in the future", ErrInvalidExpiry, expiry.Format(time.RFC3339))
		}
	}

	for attempt := 1; ; attempt++ {
		id, err := newID()
		if err != nil {
			return Key{}, "", err
		}
		prefix, plain, err := newKey()
		if err != nil {
			return Key{}, "", err
		}
		rec := Record{
			ID: id, Prefix: prefix, Hash: hashKey(plain), OwnerID: ownerID, Name: name,
			CreatedAt: now, ExpiresAt: expiry,
		}
		err = k.store.Insert(ctx, rec)
		if err == nil {
			return rec.key(), authn.Secret(plain), nil
		}
		// A taken id or prefix is bad luck (40 bits of prefix); anything
		// else, or bad luck three times running, is the store's failure.
		if !errors.Is(err, ErrKeyExists) || attempt == createAttempts || ctx.Err() != nil {
			return Key{}, "", fmt.Errorf("apikey: create key: %w: %w", ErrStore, err)
		}
	}
}

func checkOwner(ownerID string) error {
	switch {
	case ownerID == "":
		return fmt.Errorf("%w: empty", ErrInvalidOwner)
	case len(ownerID) > MaxOwnerIDLength:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidOwner, MaxOwnerIDLength)
	}
	return nil
}

// cleanName trims name and checks it. Control characters are refused
// because names are shown in terminals and web pages, where they can
// rewrite what the user sees.
func cleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: not valid UTF-8", ErrInvalidName)
	}
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxNameLength {
		return "", fmt.Errorf("%w: must be 1 to %d characters, not %d", ErrInvalidName, MaxNameLength, n)
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", fmt.Errorf("%w: contains a control character", ErrInvalidName)
	}
	return name, nil
}

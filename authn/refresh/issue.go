package refresh

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Issue starts a new family for subject, as at login, and returns its first
// token. methods are the login's authentication methods (RFC 8176), kept
// for every token of the family. It refuses an empty subject, or one
// longer than MaxSubjectLength, with an error matching ErrInvalidSubject,
// and methods authn.ValidAMR refuses with one matching ErrInvalidMethods;
// a failing store yields one matching ErrStore.
func (t *Tokens) Issue(ctx context.Context, subject string, methods ...string) (Token, error) {
	if err := checkSubject(subject); err != nil {
		return Token{}, err
	}
	if !authn.ValidAMR(methods) {
		return Token{}, fmt.Errorf("refresh: issue: %w: %q", ErrInvalidMethods, methods)
	}
	familyID, err := newID()
	if err != nil {
		return Token{}, err
	}
	now := t.now()
	value, next, err := t.newRecord(now)
	if err != nil {
		return Token{}, err
	}
	family := Record{FamilyID: familyID, Subject: subject, FamilyExpiresAt: now.Add(t.cfg.FamilyLifetime), LoginAt: now,
		Methods: strings.Join(methods, " ")}
	rec := family.Successor(next)
	if err := t.store.Insert(ctx, rec); err != nil {
		return Token{}, fmt.Errorf("refresh: issue: %w: %w", ErrStore, err)
	}
	return rec.token(value), nil
}

// newRecord draws a fresh token and returns it with the parts of its
// record that are its own: ID, TokenHash, CreatedAt and an ExpiresAt of
// TokenTTL from now, which Record.Successor cuts down to the family's end.
func (t *Tokens) newRecord(now time.Time) (string, Record, error) {
	value, err := newValue()
	if err != nil {
		return "", Record{}, err
	}
	id, err := newID()
	if err != nil {
		return "", Record{}, err
	}
	return value, Record{ID: id, TokenHash: hashOf(value), CreatedAt: now, ExpiresAt: now.Add(t.cfg.TokenTTL)}, nil
}

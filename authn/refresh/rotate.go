package refresh

import (
	"context"
	"crypto/subtle"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Rotate exchanges a live token for a new one of the same family, which
// expires at the earlier of TokenTTL from now and the family's end. The
// presented token is dead afterwards.
//
// Errors match authn.ErrInvalidToken for a malformed or unknown token,
// authn.ErrTokenExpired for an expired token or family, authn.ErrTokenRevoked
// for a token of a revoked family, and authn.ErrTokenReused for a token that
// was already rotated: that is taken as theft, and the whole family is
// revoked before Rotate returns, so the next use of any of its tokens fails
// with authn.ErrTokenRevoked. The error of a reuse is a *ReuseError, which
// names the family. All of them match authn.ErrInvalidCredentials. A
// failing store yields an error matching ErrStore.
//
// Rotate is one call of the store (Store.Rotate), which decides and
// applies all of this atomically: of two calls racing with the same token
// exactly one succeeds; the other is reuse and revokes the family, the
// winner's new token with it. A client must not send a refresh request
// twice.
func (t *Tokens) Rotate(ctx context.Context, value string) (Token, error) {
	hash, err := parse(value)
	if err != nil {
		return Token{}, err
	}
	now := t.now()
	nextValue, next, err := t.newRecord(now)
	if err != nil {
		return Token{}, err
	}
	rot, err := t.store.Rotate(ctx, hash, next, now)
	if err != nil {
		return Token{}, fmt.Errorf("refresh: rotate: %w: %w", ErrStore, err)
	}
	presented := rot.Presented
	if rot.Outcome != NotFound && subtle.ConstantTimeCompare([]byte(presented.TokenHash), []byte(hash)) != 1 {
		return Token{}, fmt.Errorf("refresh: rotate: %w: the store answered for another token", ErrStore)
	}
	switch rot.Outcome {
	case NotFound:
		return Token{}, fmt.Errorf("refresh: unknown token: %w", authn.ErrInvalidToken)
	case Revoked:
		return Token{}, fmt.Errorf("refresh: family %s: %w", presented.FamilyID, authn.ErrTokenRevoked)
	case Reused:
		return Token{}, t.reused(ctx, presented)
	case Expired:
		if err := presented.expired(now); err != nil {
			return Token{}, err
		}
		return Token{}, fmt.Errorf("refresh: family %s: %w", presented.FamilyID, authn.ErrTokenExpired)
	case Rotated:
		if subtle.ConstantTimeCompare([]byte(rot.Next.TokenHash), []byte(next.TokenHash)) != 1 {
			return Token{}, fmt.Errorf("refresh: rotate: %w: the store stored another successor", ErrStore)
		}
		return rot.Next.token(nextValue), nil
	}
	return Token{}, fmt.Errorf("refresh: rotate: %w: %v", ErrStore, rot.Outcome)
}

// Check reports whether a token is live, as Rotate would find it, without
// using it: it returns the token's FamilyID, Subject, ExpiresAt and LoginAt
// (Value stays empty), or an error matching authn.ErrInvalidToken for a
// malformed, unknown or already used token, authn.ErrTokenExpired for an
// expired token or family and authn.ErrTokenRevoked for a revoked family.
// Unlike Rotate it never revokes anything.
//
// A token rotated while a revocation of its subject or family raced the
// rotation may be revoked by the time Rotate returns it; a caller that
// hands out something else along with the token, as an access token,
// checks it afterwards to be sure nothing it hands out outlives the
// revocation.
func (t *Tokens) Check(ctx context.Context, value string) (Token, error) {
	hash, err := parse(value)
	if err != nil {
		return Token{}, err
	}
	rec, err := t.lookup(ctx, hash)
	if err != nil {
		return Token{}, err
	}
	switch {
	case !rec.RevokedAt.IsZero():
		return Token{}, fmt.Errorf("refresh: family %s: %w", rec.FamilyID, authn.ErrTokenRevoked)
	case !rec.UsedAt.IsZero():
		return Token{}, fmt.Errorf("refresh: family %s: token already used: %w", rec.FamilyID, authn.ErrInvalidToken)
	}
	if err := rec.expired(t.now()); err != nil {
		return Token{}, err
	}
	return rec.token(""), nil
}

// lookup returns the record of the token with this hash, or an error
// matching authn.ErrInvalidToken when there is none. The store matched
// the hash; the check in constant time keeps a store that compares
// loosely from letting another token pass.
func (t *Tokens) lookup(ctx context.Context, hash string) (Record, error) {
	rec, found, err := t.store.Find(ctx, hash)
	if err != nil {
		return Record{}, fmt.Errorf("refresh: look up token: %w: %w", ErrStore, err)
	}
	if !found || subtle.ConstantTimeCompare([]byte(rec.TokenHash), []byte(hash)) != 1 {
		return Record{}, fmt.Errorf("refresh: unknown token: %w", authn.ErrInvalidToken)
	}
	return rec, nil
}

// reused logs the revocation of a family for reuse and returns its error.
func (t *Tokens) reused(ctx context.Context, rec Record) error {
	t.log.WarnContext(ctx, "refresh token reused: family revoked",
		"subject", rec.Subject, "family_id", rec.FamilyID)
	return &ReuseError{FamilyID: rec.FamilyID, Subject: rec.Subject}
}

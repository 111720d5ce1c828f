package token

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxTokenIDLength is the longest token id, in bytes, that can be revoked
// by id: what every Revocations keeps. The ids Issue draws are 22 bytes.
const MaxTokenIDLength = 255

// Revocations is the list of revoked access tokens an Issuer consults on
// every verification and stamps into every token it issues. Package token
// holds the logic (which token a revocation reaches, what to do when the
// list cannot answer); an implementation only keeps the list. Three come
// with gatehouse, each in its own package so that an application links only
// the one it uses: authn/token/memstore (one process, in memory),
// authn/token/gormstore (a SQL database, answered from memory, replicas
// kept current through a watch.Notifier) and authn/token/redisstore (a
// Redis server shared by every process). A list of one's own implements
// this contract and passes the suite of authn/token/revocationtest.
//
// A token is revoked in one of three ways: by its id, the "jti" claim
// (RevokeToken); with every other token obtained through its refresh
// family, the "sid" claim (RevokeFamily; see Family); or with every token
// its subject was issued so far (RevokeSubject). The last counts
// revocations per subject — the subject's generation — and each token
// carries the count at its issue (the "gen" claim, absent for 0): a token
// whose count is behind its subject's is revoked. A counter, unlike a
// "revoked before" timestamp, tells apart the tokens issued within the same
// second as the revocation.
//
// The contract every implementation keeps:
//
//   - Revoked reports whether a token with id jti, subject subject, refresh
//     family family ("" for none) and generation generation is revoked: its
//     id is revoked (whatever the other arguments say), or family is not ""
//     and is revoked, or generation is below the subject's (0 for a
//     subject never revoked). Ids and families are separate namespaces:
//     revoking token "x" does not revoke family "x". Verify calls it once
//     per verification, the cached path included, so it must be cheap:
//     answered from memory, or in one round trip to a server. An id,
//     family or subject no revocation could have been made with (empty,
//     too long, odd bytes) matches none: it is answered, not refused.
//     An error means the answer cannot be known (the server does not
//     answer, a replica cannot vouch for its memory); the Issuer then
//     refuses the token with an error matching authn.ErrUnavailable, never
//     accepting it: it fails closed.
//   - Generation returns the subject's generation: how many RevokeSubject
//     calls it has had, 0 for none. Issue stamps it into the token; on
//     error Issue refuses with an error matching authn.ErrUnavailable.
//   - RevokeToken, RevokeFamily and RevokeSubject first check their
//     arguments with ValidateTokenRevocation, ValidateFamilyRevocation
//     and ValidateSubjectRevocation and return those functions' errors
//     unchanged, having changed nothing; every implementation refuses the
//     same input the same way. A failure of the backend is an error
//     matching ErrStore. A revocation holds for the handle that made it as
//     soon as the call returns; other handles on the same data (other
//     processes) see it as the implementation documents.
//   - A revocation of a token or family is kept at least until MaxLeeway
//     after expiresAt, by the implementation's clock: through the longest
//     leeway with which any Issuer still accepts the token after its "exp".
//     It may be forgotten afterwards (Cleanup, a time to live). Revoking
//     the same id or family again keeps the later of the two expiry times.
//   - RevokeSubject raises the generation by exactly one, atomically:
//     concurrent calls, from any number of handles on the same data, are
//     all counted. Generations are never forgotten.
//   - Err reports, without a round trip, that the list already knows it
//     cannot answer (a replica that lost its notifier or its database), as
//     an error matching authn.ErrUnavailable; lists that ask their backend
//     on every call return nil. account.Service refuses logins and
//     refreshes early with it, before spending anything.
//   - Implementations are safe for concurrent use, and keep no memory they
//     do not own: strings they keep are copied, since callers may pass
//     strings aliasing buffers they reuse (as fasthttp's do).
//
// Revocations are never withdrawn.
type Revocations interface {
	// Revoked reports whether the token is revoked (see the contract
	// above); an error means it cannot be known.
	Revoked(ctx context.Context, jti, subject, family string, generation int64) (bool, error)
	// Generation returns subject's revocation generation, 0 before its
	// first RevokeSubject.
	Generation(ctx context.Context, subject string) (int64, error)
	// RevokeToken revokes the one token named by jti, issued to subject and
	// expiring at expiresAt (a verified Subject's CredentialID, ID and
	// ExpiresAt).
	RevokeToken(ctx context.Context, jti, subject string, expiresAt time.Time) error
	// RevokeFamily revokes every access token issued with the refresh
	// family familyID, issued to subject; expiresAt is when the last of
	// them expires (Issuer.LatestExpiry, once the family can obtain no
	// more).
	RevokeFamily(ctx context.Context, familyID, subject string, expiresAt time.Time) error
	// RevokeSubject revokes every token issued to subject so far; tokens
	// issued afterwards are good.
	RevokeSubject(ctx context.Context, subject string) error
	// Err reports, without a round trip, that the list cannot answer now;
	// nil otherwise.
	Err() error
}

// ValidateTokenRevocation returns nil when RevokeToken may keep a
// revocation of jti for subject until expiresAt, and otherwise the error
// every Revocations returns for it: ErrInvalidRevocation for a token id
// that is not 1 to MaxTokenIDLength bytes of UTF-8 without NUL, or a zero
// expiry; ErrInvalidSubject for a subject Issue would refuse (see
// ValidateSubjectRevocation). Such input could not be stored alike
// everywhere (PostgreSQL keeps no NUL and no invalid UTF-8 in text).
func ValidateTokenRevocation(jti, subject string, expiresAt time.Time) error {
	if !storable(jti, MaxTokenIDLength) {
		return fmt.Errorf("token: revoke: token id must be 1 to %d bytes of UTF-8 without NUL: %w", MaxTokenIDLength, ErrInvalidRevocation)
	}
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	if expiresAt.IsZero() {
		return fmt.Errorf("token: revoke: expiry time is required: %w", ErrInvalidRevocation)
	}
	return nil
}

// ValidateFamilyRevocation returns nil when RevokeFamily may keep a
// revocation of familyID for subject until expiresAt, and otherwise the
// error every Revocations returns for it: ErrInvalidFamily for a family id
// Family would refuse, ErrInvalidSubject for a subject Issue would refuse,
// ErrInvalidRevocation for a zero expiry.
func ValidateFamilyRevocation(familyID, subject string, expiresAt time.Time) error {
	if err := checkFamilyID(familyID); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	if expiresAt.IsZero() {
		return fmt.Errorf("token: revoke: expiry time is required: %w", ErrInvalidRevocation)
	}
	return nil
}

// ValidateSubjectRevocation returns nil when RevokeSubject may count a
// revocation of subject, and otherwise the error every Revocations returns
// for it, matching ErrInvalidSubject: a subject must be 1 to
// MaxSubjectLength bytes of UTF-8 without NUL, as Issue requires.
func ValidateSubjectRevocation(subject string) error {
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	return nil
}

func checkSubject(subject string) error {
	if !storable(subject, MaxSubjectLength) {
		return fmt.Errorf("subject must be 1 to %d bytes of UTF-8 without NUL: %w", MaxSubjectLength, ErrInvalidSubject)
	}
	return nil
}

// checkFamilyID accepts the refresh family ids a revocation can store: 1 to
// MaxSubjectLength bytes of UTF-8 without NUL.
func checkFamilyID(id string) error {
	if !storable(id, MaxSubjectLength) {
		return fmt.Errorf("family id must be 1 to %d bytes of UTF-8 without NUL: %w", MaxSubjectLength, ErrInvalidFamily)
	}
	return nil
}

// storable reports whether s is an id every Revocations can keep: 1 to limit
// bytes of UTF-8 without NUL.
func storable(s string, limit int) bool {
	return s != "" && len(s) <= limit && utf8.ValidString(s) && !strings.Contains(s, "\x00")
}

// Package revset is the in-memory set of revocations that the revocation
// lists answering from memory share: authn/token/memstore holds only it,
// authn/token/gormstore holds it in front of its database.
package revset

import (
	"strings"
	"time"
)

// Set holds revoked tokens and families with the expiry to keep them
// until, and subjects' revocation generations. It is not safe for
// concurrent use: its owner guards it with a lock, reads under a read
// lock. Every name it keeps is copied first: never a caller's memory.
type Set struct {
	tokens      map[string]time.Time // jti → the token's expiry
	families    map[string]time.Time // family id → the expiry of its last token
	generations map[string]int64     // subject → revocation generation
}

// New returns an empty Set.
func New() *Set {
	return &Set{
		tokens:      make(map[string]time.Time),
		families:    make(map[string]time.Time),
		generations: make(map[string]int64),
	}
}

// Revoked reports whether a token is revoked by its id jti, by its family
// ("" for none), or because its generation is behind its subject's: three
// map lookups, no allocation.
func (s *Set) Revoked(jti, subject, family string, generation int64) bool {
	if _, ok := s.tokens[jti]; ok {
		return true
	}
	if _, ok := s.families[family]; ok && family != "" {
		return true
	}
	return generation < s.generations[subject]
}

// Generation returns subject's revocation generation, 0 if never revoked.
func (s *Set) Generation(subject string) int64 { return s.generations[subject] }

// KeepToken records the token jti as revoked until expiresAt, or keeps the
// record already there when it lasts longer.
func (s *Set) KeepToken(jti string, expiresAt time.Time) { keepLater(s.tokens, jti, expiresAt) }

// KeepFamily records the family as revoked until expiresAt, or keeps the
// record already there when it lasts longer.
func (s *Set) KeepFamily(familyID string, expiresAt time.Time) {
	keepLater(s.families, familyID, expiresAt)
}

// RaiseGeneration raises subject's generation to at least generation:
// generations only grow, so an older reading never undoes a newer one.
func (s *Set) RaiseGeneration(subject string, generation int64) {
	if generation > s.generations[subject] {
		s.generations[strings.Clone(subject)] = generation
	}
}

// IncrementGeneration raises subject's generation by one.
func (s *Set) IncrementGeneration(subject string) {
	// Every assignment stores its key, even over an existing one.
	s.generations[strings.Clone(subject)]++
}

// ForgetBefore forgets the revoked tokens and families that expired before
// cutoff, and returns how many. Generations are never forgotten.
func (s *Set) ForgetBefore(cutoff time.Time) int64 {
	var n int64
	for _, m := range []map[string]time.Time{s.tokens, s.families} {
		for id, exp := range m {
			if exp.Before(cutoff) {
				delete(m, id)
				n++
			}
		}
	}
	return n
}

// Expiring returns how many revoked tokens and families the set holds:
// what ForgetBefore may shrink.
func (s *Set) Expiring() int { return len(s.tokens) + len(s.families) }

// Empty reports whether the set holds nothing at all.
func (s *Set) Empty() bool { return s.Expiring()+len(s.generations) == 0 }

// keepLater records id until expiresAt, or keeps the record already there
// when it lasts longer.
func keepLater(m map[string]time.Time, id string, expiresAt time.Time) {
	if kept, ok := m[id]; !ok || expiresAt.After(kept) {
		// Every assignment stores its key, even over an existing one:
		// never a caller's memory.
		m[strings.Clone(id)] = expiresAt
	}
}

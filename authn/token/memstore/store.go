package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/internal/revset"
)

// sweepFloor is the number of revoked tokens and families below which a
// revocation never sweeps the expired ones out: small lists are not worth
// a scan.
const sweepFloor = 1024

// Config configures a Store. The zero value is ready to use.
type Config struct {
	// Now returns the current time, by which expired revocations are told
	// apart. Default time.Now; tests inject a clock.
	Now func() time.Time
}

// Store is a token.Revocations held in the memory of one process. It is
// safe for concurrent use. Revocations of tokens and families are dropped
// once no Issuer could accept their tokens any more (token.MaxLeeway after
// their expiry): on Cleanup, and by the revocations themselves whenever
// the list has doubled since it was last swept, so that memory stays
// bounded by the tokens alive without anybody calling Cleanup. Subject
// generations are never dropped.
type Store struct {
	now func() time.Time

	mu      sync.RWMutex
	set     *revset.Set
	sweepAt int // the size at which a revocation sweeps
}

var _ token.Revocations = (*Store)(nil)

// New returns an empty Store.
func New(cfg Config) *Store {
	s := &Store{now: cfg.Now, set: revset.New(), sweepAt: sweepFloor}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Revoked reports whether the token is revoked by its id, its family or
// its subject's generation (see token.Revocations): three map lookups
// under a read lock. It never fails.
func (s *Store) Revoked(_ context.Context, jti, subject, family string, generation int64) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.set.Revoked(jti, subject, family, generation), nil
}

// Generation returns subject's revocation generation. It never fails.
func (s *Store) Generation(_ context.Context, subject string) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.set.Generation(subject), nil
}

// RevokeToken revokes the token named by jti until MaxLeeway after
// expiresAt; revoked again, it keeps the later expiry. Input
// token.ValidateTokenRevocation refuses is refused with its error.
func (s *Store) RevokeToken(_ context.Context, jti, subject string, expiresAt time.Time) error {
	if err := token.ValidateTokenRevocation(jti, subject, expiresAt); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set.KeepToken(jti, expiresAt)
	s.sweepIfGrown()
	return nil
}

// RevokeFamily revokes the tokens of the refresh family familyID until
// MaxLeeway after expiresAt; revoked again, it keeps the later expiry.
// Input token.ValidateFamilyRevocation refuses is refused with its error.
func (s *Store) RevokeFamily(_ context.Context, familyID, subject string, expiresAt time.Time) error {
	if err := token.ValidateFamilyRevocation(familyID, subject, expiresAt); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set.KeepFamily(familyID, expiresAt)
	s.sweepIfGrown()
	return nil
}

// RevokeSubject raises subject's generation by one, under the lock that
// every other revocation takes: concurrent calls are all counted. Input
// token.ValidateSubjectRevocation refuses is refused with its error.
func (s *Store) RevokeSubject(_ context.Context, subject string) error {
	if err := token.ValidateSubjectRevocation(subject); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set.IncrementGeneration(subject)
	return nil
}

// Err is always nil: memory always answers.
func (s *Store) Err() error { return nil }

// Cleanup forgets the revoked tokens and families whose tokens no Issuer
// can accept any more, those that expired more than token.MaxLeeway ago,
// and returns how many it forgot. It never fails.
func (s *Store) Cleanup(_ context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sweep(), nil
}

// sweepIfGrown sweeps when the list has doubled since the last sweep, so
// that each revocation pays for the sweep in constant time on average;
// s.mu must be held for writing.
func (s *Store) sweepIfGrown() {
	if s.set.Expiring() < s.sweepAt {
		return
	}
	s.sweep()
	s.sweepAt = max(sweepFloor, 2*s.set.Expiring())
}

// sweep forgets what Cleanup forgets and returns how many; s.mu must be
// held for writing.
func (s *Store) sweep() int64 {
	return s.set.ForgetBefore(s.now().Add(-token.MaxLeeway))
}

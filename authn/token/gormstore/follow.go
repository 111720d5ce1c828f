package gormstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/watch"
)

// publishTimeout bounds how long a revocation waits to tell its peers; they
// find it at their next check of the store if the message is lost.
const publishTimeout = 2 * time.Second

// revocationMessage is what a revocation publishes after it commits: the
// store it was made in, the revision it made, and one of: the token
// revoked (jti, subject, expiry), the family revoked (sid, subject,
// expiry), or the subject's new generation. It is small and holds no
// token.
type revocationMessage struct {
	Store      string     `json:"store"`
	Revision   int64      `json:"rev"`
	Subject    string     `json:"sub"`
	TokenID    string     `json:"jti,omitempty"`
	FamilyID   string     `json:"sid,omitempty"`
	ExpiresAt  *time.Time `json:"exp,omitempty"`
	Generation int64      `json:"gen,omitempty"`
}

// errResync says a message cannot be applied on its own, and memory must
// be reloaded from the store.
var errResync = errors.New("revocation message malformed or out of order")

// validate checks a message heard on the channel, which anybody able to
// publish there may have written: it must name a store and a revision, and
// hold exactly one revocation that RevokeToken, RevokeFamily or
// RevokeSubject would have accepted.
func (m revocationMessage) validate() error {
	switch {
	case m.Store == "":
		return errors.New("no store")
	case m.Revision < 1:
		return fmt.Errorf("revision %d", m.Revision)
	}
	kinds := 0
	for _, present := range []bool{m.TokenID != "", m.FamilyID != "", m.Generation != 0} {
		if present {
			kinds++
		}
	}
	var expiresAt time.Time
	if m.ExpiresAt != nil {
		expiresAt = *m.ExpiresAt
	}
	switch {
	case kinds != 1:
		return errors.New("not exactly one of a token, a family and a generation")
	case m.TokenID != "":
		return token.ValidateTokenRevocation(m.TokenID, m.Subject, expiresAt)
	case m.FamilyID != "":
		return token.ValidateFamilyRevocation(m.FamilyID, m.Subject, expiresAt)
	case m.ExpiresAt != nil:
		return errors.New("a generation with an expiry")
	case m.Generation < 0:
		return fmt.Errorf("generation %d", m.Generation)
	}
	return token.ValidateSubjectRevocation(m.Subject)
}

// publish tells peers of a committed revocation. A failure is logged, not
// returned: the revocation stands, and peers find it at their next check.
func (r *Store) publish(ctx context.Context, m revocationMessage) {
	if r.notifier == nil {
		return
	}
	payload, err := json.Marshal(m)
	if err != nil {
		r.logger.ErrorContext(ctx, "gatehouse: cannot encode a revocation for peers", "revision", m.Revision, "error", err)
		return
	}
	// The caller's request may be over once the revocation is committed;
	// its peers should hear of it all the same.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	r.mu.RLock()
	key := r.sealKey
	r.mu.RUnlock()
	if err := r.notifier.Publish(ctx, r.channel, watch.Seal(key, string(payload))); err != nil {
		r.logger.WarnContext(ctx, "gatehouse: peers not told of a revocation; they find it at their next check",
			"channel", r.channel, "revision", m.Revision, "subject", m.Subject, "token_id", m.TokenID,
			"family_id", m.FamilyID, "error", err)
	}
}

// revocationFollower lets a watch.Follower keep a Store current.
type revocationFollower struct {
	r *Store
	// lagMark is the store's revision at the last check that found memory
	// behind it; only the Follower's goroutine touches it.
	lagMark int64
}

var _ watch.State = (*revocationFollower)(nil)

// Apply applies a peer's revocation at once, whether or not it is the next
// one: revocations only ever add, so applying one early is safe, and is
// what makes a logout on one replica hold on the others within moments.
// Messages not sealed with the store's key (another store's, or forged by
// whoever can publish on the channel) are ignored and logged. A message
// that cannot be read, or that reveals a gap (a revision after the next),
// asks for a reload.
func (f *revocationFollower) Apply(_ context.Context, sealed string) error {
	f.r.mu.RLock()
	key := f.r.sealKey
	f.r.mu.RUnlock()
	payload, err := watch.Open(key, sealed)
	if err != nil {
		f.r.logger.Warn("gatehouse: ignored a revocation message not sealed with this store's key (another store's, or forged)",
			"channel", f.r.channel)
		return nil
	}
	var m revocationMessage
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		return fmt.Errorf("%w: %w", errResync, err)
	}
	r := f.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if m.Store != r.storeID {
		return nil // another store's, sharing the channel
	}
	if err := m.validate(); err != nil {
		return fmt.Errorf("%w: %w", errResync, err)
	}
	// A message arriving late, after a Cleanup, must not bring back what
	// Cleanup forgot: memory keeps what Reload would load, no more.
	expired := m.ExpiresAt != nil && m.ExpiresAt.Before(r.cleanupCutoff())
	switch {
	case m.TokenID != "":
		if !expired {
			r.set.KeepToken(m.TokenID, m.ExpiresAt.UTC())
		}
	case m.FamilyID != "":
		if !expired {
			r.set.KeepFamily(m.FamilyID, m.ExpiresAt.UTC())
		}
	default:
		r.set.RaiseGeneration(m.Subject, m.Generation)
	}
	if !r.advance(m.Revision) {
		return fmt.Errorf("%w: revision %d after %d", errResync, m.Revision, r.revision)
	}
	return nil
}

// Reload reloads every revocation from the store.
func (f *revocationFollower) Reload(ctx context.Context) error { return f.r.Reload(ctx) }

// Check reports whether memory has kept up with the store, by one read of
// the state row by its primary key: its revision counts every revocation
// ever committed, and memory knows the revision it holds. Memory may trail
// the store by the revocations whose messages are on their way, so it is
// stale only when it has not reached, by now, a revision the store already
// had at the previous check: a lost message costs two check intervals at
// most, and a message in flight costs no reload. Cleanup does not change
// the revision, so replicas never reload over rows a peer deleted, and
// memory and store, which legitimately differ there, are not compared.
func (f *revocationFollower) Check(ctx context.Context) (bool, error) {
	r := f.r
	state, found, err := readState(r.db.WithContext(ctx))
	if err != nil {
		return false, err
	}
	r.mu.RLock()
	storeID, current := r.storeID, r.revision
	r.mu.RUnlock()
	if !found || state.StoreID != storeID {
		return false, nil // the state row was lost or made again: reload
	}
	if state.Revision <= current {
		f.lagMark = 0
		return true, nil
	}
	stale := f.lagMark != 0 && current < f.lagMark
	f.lagMark = state.Revision
	if stale {
		f.lagMark = 0
	}
	return !stale, nil
}

package storetest

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// steps is the length of the random sequence.
const steps = 400

// model is the contract in plain Go: the tokens a store holds, by hash.
type model struct {
	tokens map[string]refresh.Record
}

// rotate applies Store.Rotate's rules to the model and returns what the
// store must answer.
func (m *model) rotate(hash string, next refresh.Record, now time.Time) refresh.Rotation {
	rec, ok := m.tokens[hash]
	switch {
	case !ok:
		return refresh.Rotation{Outcome: refresh.NotFound}
	case !rec.RevokedAt.IsZero():
		return refresh.Rotation{Outcome: refresh.Revoked, Presented: rec}
	case !rec.UsedAt.IsZero():
		m.revoke(func(r refresh.Record) bool { return r.FamilyID == rec.FamilyID }, now)
		return refresh.Rotation{Outcome: refresh.Reused, Presented: rec}
	case rec.Expired(now):
		return refresh.Rotation{Outcome: refresh.Expired, Presented: rec}
	}
	successor := rec.Successor(next)
	m.tokens[hash] = used(rec, now)
	m.tokens[successor.TokenHash] = successor
	return refresh.Rotation{Outcome: refresh.Rotated, Presented: rec, Next: successor}
}

// revoke revokes the tokens that match and returns how many it revoked.
func (m *model) revoke(match func(refresh.Record) bool, now time.Time) int64 {
	var n int64
	for hash, rec := range m.tokens {
		if match(rec) && rec.RevokedAt.IsZero() {
			m.tokens[hash] = revoked(rec, now)
			n++
		}
	}
	return n
}

// live returns subject's live tokens at now, by hash.
func (m *model) live(subject string, now time.Time) map[string]refresh.Record {
	out := map[string]refresh.Record{}
	for hash, rec := range m.tokens {
		if rec.Subject == subject && rec.Live(now) {
			out[hash] = normal(rec)
		}
	}
	return out
}

// cleanup deletes the families ended before cutoff and returns how many
// tokens it deleted.
func (m *model) cleanup(cutoff time.Time) int64 {
	latest := map[string]time.Time{}
	for _, rec := range m.tokens {
		if rec.ExpiresAt.After(latest[rec.FamilyID]) {
			latest[rec.FamilyID] = rec.ExpiresAt
		}
	}
	var n int64
	for hash, rec := range m.tokens {
		if rec.FamilyExpiresAt.Before(cutoff) || latest[rec.FamilyID].Before(cutoff) {
			delete(m.tokens, hash)
			n++
		}
	}
	return n
}

// A long random sequence of operations, on two handles, agrees with the
// model at every step.
func testRandomSequence(t *testing.T, fresh Fresh) {
	open := fresh(t)
	seed := rand.Uint64()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("random sequence seed %d", seed)
		}
	})
	rng := rand.New(rand.NewPCG(seed, seed))
	handles := []refresh.Store{open(t), open(t)}
	m := &model{tokens: map[string]refresh.Record{}}
	subjects := []string{"alice", "bob", "carol", "Alice"}
	now := base
	// known are every token the sequence has stored, and every family,
	// so that it also asks about revoked, used and deleted ones.
	var known []refresh.Record
	pick := func() refresh.Record { return known[rng.IntN(len(known))] }

	seen := map[refresh.Outcome]int{}
	var seenLive, seenDeleted int
	for step := range steps {
		s := handles[rng.IntN(2)]
		switch op := rng.IntN(100); {
		case op < 12: // time passes, in minutes and microseconds
			now = now.Add(time.Duration(rng.IntN(40))*time.Minute + time.Duration(rng.IntN(1000))*time.Microsecond)

		case op < 27: // a login
			rec := newFamily(t, subjects[rng.IntN(len(subjects))], now)
			require.NoError(t, s.Insert(bg, rec), "step %d: insert", step)
			m.tokens[rec.TokenHash] = rec
			known = append(known, rec)

		case op < 60: // a refresh, mostly of a family's newest token
			if len(known) == 0 {
				continue
			}
			hash := pick().TokenHash
			if rng.IntN(10) == 0 {
				hash = randomHex(t, 32)
			}
			next := newNext(t, now)
			want := m.rotate(hash, next, now)
			got, err := s.Rotate(bg, hash, next, now)
			require.NoError(t, err, "step %d: rotate", step)
			require.Equal(t, normalRotation(want), normalRotation(got), "step %d: rotate", step)
			seen[got.Outcome]++
			if got.Outcome == refresh.Rotated {
				known = append(known, got.Next)
			}

		case op < 70: // a check
			if len(known) == 0 {
				continue
			}
			rec := pick()
			got, found, err := s.Find(bg, rec.TokenHash)
			require.NoError(t, err, "step %d: find", step)
			want, ok := m.tokens[rec.TokenHash]
			require.Equal(t, ok, found, "step %d: find", step)
			if ok {
				require.Equal(t, normal(want), normal(got), "step %d: find", step)
			}

		case op < 77: // a logout, or the end of one device's login
			if len(known) == 0 {
				continue
			}
			rec := pick()
			subject := ""
			if rng.IntN(2) == 0 {
				subject = subjects[rng.IntN(len(subjects))]
			}
			found, err := s.RevokeFamily(bg, rec.FamilyID, subject, now)
			require.NoError(t, err, "step %d: revoke family", step)
			held := false
			for _, r := range m.tokens {
				if r.FamilyID == rec.FamilyID && (subject == "" || r.Subject == subject) {
					held = true
					break
				}
			}
			require.Equal(t, held, found, "step %d: revoke family", step)
			if held {
				m.revoke(func(r refresh.Record) bool { return r.FamilyID == rec.FamilyID }, now)
			}

		case op < 80: // a password reset
			subject := subjects[rng.IntN(len(subjects))]
			n, err := s.RevokeSubject(bg, subject, now)
			require.NoError(t, err, "step %d: revoke subject", step)
			require.Equal(t, m.revoke(func(r refresh.Record) bool { return r.Subject == subject }, now), n, "step %d: revoke subject %q", step, subject)

		case op < 95: // the list of one's devices
			subject := subjects[rng.IntN(len(subjects))]
			want := m.live(subject, now)
			seenLive += len(want)
			require.Equal(t, want, live(t, s, subject, now), "step %d: live tokens of %q", step, subject)

		default: // the daily job
			cutoff := now.Add(-time.Duration(rng.IntN(3)) * time.Hour)
			n, err := s.Cleanup(bg, cutoff)
			require.NoError(t, err, "step %d: cleanup", step)
			require.Equal(t, m.cleanup(cutoff), n, "step %d: cleanup", step)
			seenDeleted += int(n)
		}
	}

	// At the end, every handle agrees with the model on everything.
	for _, s := range append(handles, open(t)) {
		for _, rec := range known {
			want, ok := m.tokens[rec.TokenHash]
			got, found := find(t, s, rec.TokenHash)
			if assert.Equal(t, ok, found, "token %s", rec.ID) && ok {
				assert.Equal(t, normal(want), normal(got))
			}
		}
		for _, subject := range subjects {
			assert.Equal(t, m.live(subject, now), live(t, s, subject, now), "live tokens of %q", subject)
		}
	}
	// And the sequence was not vacuous.
	for _, o := range []refresh.Outcome{refresh.Rotated, refresh.Reused, refresh.NotFound} {
		assert.Positive(t, seen[o], "rotations %v", o)
	}
	assert.Positive(t, seen[refresh.Revoked]+seen[refresh.Expired], "rotations revoked or expired")
	assert.Positive(t, seenLive, "live tokens listed")
	assert.Positive(t, seenDeleted, "tokens cleaned up")
}

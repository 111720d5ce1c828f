package storetest

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

// steps is the length of the random sequence.
const steps = 400

// model is the contract in plain Go: the sessions a store holds, by token
// hash, and the time. A session not live at now is dead: it is found by
// no method given the time, and may or may not still be held until
// something deletes it.
type model struct {
	sessions map[string]session.Record
	now      time.Time
}

func (m *model) live(rec session.Record) bool { return rec.Live(m.now, idle) }

// liveOf returns subject's live sessions, by id.
func (m *model) liveOf(subject string) map[string]session.Record {
	out := map[string]session.Record{}
	for _, rec := range m.sessions {
		if rec.Subject == subject && m.live(rec) {
			out[rec.ID] = normal(rec)
		}
	}
	return out
}

// A long random sequence of operations, on two handles, agrees with the
// model at every step.
func testRandomSequence(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	seed := rand.Uint64()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("random sequence seed %d", seed)
		}
	})
	rng := rand.New(rand.NewPCG(seed, seed))
	handles := []session.Store{open(t), open(t)}
	m := &model{sessions: map[string]session.Record{}, now: base}
	subjects := []string{"alice", "bob", "carol", "Alice"}
	methods := []string{"pwd", "pwd otp mfa", ""}
	// known are every hash and record the sequence has created, so that
	// it also asks about destroyed ones.
	var known []session.Record
	pickKnown := func() (session.Record, bool) {
		if len(known) == 0 {
			return session.Record{}, false
		}
		return known[rng.IntN(len(known))], true
	}

	var seen struct{ liveTouches, listed int }
	for step := range steps {
		s := handles[rng.IntN(2)]
		switch op := rng.IntN(100); {
		case op < 15: // time passes, in whole minutes
			m.now = m.now.Add(time.Duration(rng.IntN(13)) * time.Minute)

		case op < 40: // a login
			rec := newRecord(t, subjects[rng.IntN(len(subjects))], m.now)
			rec.Methods = methods[rng.IntN(len(methods))]
			replace := ""
			switch r := rng.IntN(5); {
			case r < 2:
				if prev, ok := pickKnown(); ok {
					replace = prev.TokenHash
				}
			case r == 2:
				replace = randomHex(t, 32)
			}
			require.NoError(t, s.Create(bg, rec, idle, replace), "step %d: create", step)
			delete(m.sessions, replace)
			m.sessions[rec.TokenHash] = rec
			known = append(known, rec)

		case op < 65: // a request
			hash := randomHex(t, 32)
			if prev, ok := pickKnown(); ok && rng.IntN(5) > 0 {
				hash = prev.TokenHash
			}
			u := look(m.now)
			if rng.IntN(10) < 7 {
				u = use(m.now)
			}
			got, found, err := s.Touch(bg, hash, u)
			require.NoError(t, err, "step %d: touch", step)
			want, held := m.sessions[hash]
			if !held || !m.live(want) {
				require.False(t, found, "step %d: touch of a dead or unknown session found %+v", step, got)
				continue
			}
			if u.Due(want) {
				want.LastSeenAt = u.SeenAt
				m.sessions[hash] = want
			}
			seen.liveTouches++
			require.True(t, found, "step %d: touch of a live session", step)
			require.Equal(t, normal(want), normal(got), "step %d: touch", step)

		case op < 70: // a logout
			if prev, ok := pickKnown(); ok {
				require.NoError(t, s.Destroy(bg, prev.TokenHash), "step %d: destroy", step)
				delete(m.sessions, prev.TokenHash)
			}

		case op < 80: // "log out that device", sometimes someone else's
			prev, ok := pickKnown()
			if !ok {
				continue
			}
			subject := prev.Subject
			if rng.IntN(10) < 3 {
				subject = subjects[rng.IntN(len(subjects))]
			}
			found, err := s.DestroyByID(bg, subject, prev.ID)
			require.NoError(t, err, "step %d: destroy by id", step)
			rec, held := m.sessions[prev.TokenHash]
			switch {
			case !held || rec.Subject != subject:
				require.False(t, found, "step %d: destroy by id of a session not %q's", step, subject)
			case m.live(rec):
				require.True(t, found, "step %d: destroy by id of a live session", step)
				delete(m.sessions, prev.TokenHash)
			default: // dead: it may have been dropped already
				delete(m.sessions, prev.TokenHash)
			}

		case op < 83: // "log out everywhere"
			subject := subjects[rng.IntN(len(subjects))]
			require.NoError(t, s.DestroySubject(bg, subject), "step %d: destroy subject", step)
			for hash, rec := range m.sessions {
				if rec.Subject == subject {
					delete(m.sessions, hash)
				}
			}

		case op < 96: // the list of one's sessions
			subject := subjects[rng.IntN(len(subjects))]
			want := m.liveOf(subject)
			seen.listed += len(want)
			require.Equal(t, want, listed(t, s, subject, m.now), "step %d: list %q", step, subject)

		default: // the hourly job
			n, err := s.Cleanup(bg, m.now, idle)
			require.NoError(t, err, "step %d: cleanup", step)
			var dead int64
			for hash, rec := range m.sessions {
				if !m.live(rec) {
					dead++
					delete(m.sessions, hash)
				}
			}
			require.True(t, 0 <= n && n <= dead, "step %d: cleanup deleted %d, but only %d were dead", step, n, dead)
		}
	}

	// At the end, every handle agrees with the model on everything.
	for _, s := range handles {
		for _, subject := range subjects {
			assert.Equal(t, m.liveOf(subject), listed(t, s, subject, m.now), "list %q", subject)
		}
		for _, rec := range known {
			want, held := m.sessions[rec.TokenHash]
			got, found := find(t, s, rec.TokenHash, m.now)
			if held && m.live(want) {
				assert.True(t, found)
				assert.Equal(t, normal(want), normal(got))
			} else {
				assert.False(t, found)
			}
		}
	}
	// Then every session dies, and every handle says so; Cleanup deletes
	// at most the dead, and leaves nothing.
	m.now = m.now.Add(lifetime)
	var dead int64
	for _, rec := range m.sessions {
		if !m.live(rec) {
			dead++
		}
	}
	for _, s := range handles {
		for _, rec := range known {
			assertGone(t, s, rec.TokenHash, m.now)
		}
	}
	n, err := handles[0].Cleanup(bg, m.now, idle)
	require.NoError(t, err)
	assert.True(t, 0 <= n && n <= dead, "cleanup deleted %d, but only %d were held", n, dead)
	n, err = handles[1].Cleanup(bg, m.now, idle)
	require.NoError(t, err)
	assert.Zero(t, n)

	// And the sequence was not vacuous.
	assert.Positive(t, seen.liveTouches, "touches of live sessions")
	assert.Positive(t, seen.listed, "sessions listed")
}

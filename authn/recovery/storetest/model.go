package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
)

// model is the simplest store there is: each user's codes by digest, true
// once used.
type model map[string]map[[32]byte]bool

func (m model) remaining(userID string) int {
	n := 0
	for _, used := range m[userID] {
		if !used {
			n++
		}
	}
	return n
}

// testRandomSequence runs a long random sequence of calls on two handles,
// over small pools of digests and of user ids, some differing only in
// letter case or a space, so that they collide often, and checks every
// answer against the model's. The seed is logged, so that a failing
// sequence can be run again.
func testRandomSequence(t *testing.T, fresh Fresh) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	open := fresh(t)
	handles := []recovery.Store{open(t), open(t)}
	userIDs := []string{"usr_1", "usr_2", "USR_1", "usr_1 "}
	pool := newDigests(t, 8)

	m := model{}
	now := base
	const steps = 400
	for step := range steps {
		now = now.Add(time.Duration(1+rng.Int64N(int64(time.Hour/time.Microsecond))) * time.Microsecond)
		s := handles[rng.IntN(2)]
		userID := userIDs[rng.IntN(len(userIDs))]
		d := pool[rng.IntN(len(pool))]
		where := fmt.Sprintf("step %d", step)

		switch op := rng.IntN(100); {
		case op < 20:
			perm := rng.Perm(len(pool))[:rng.IntN(6)]
			digests := make([][32]byte, len(perm))
			codes := make(map[[32]byte]bool, len(perm))
			for i, j := range perm {
				digests[i] = pool[j]
				codes[pool[j]] = false
			}
			require.NoError(t, s.Replace(bg, userID, digests, now), "%s: Replace %q", where, userID)
			m[userID] = codes
		case op < 25:
			err := s.Replace(bg, userID, [][32]byte{d, pool[0], d}, now)
			require.Error(t, err, "%s: Replace with a repeated digest", where)
		case op < 60:
			used, held := m[userID][d]
			consumed, err := s.Consume(bg, userID, d, now)
			require.NoError(t, err, where)
			require.Equal(t, held && !used, consumed, "%s: Consume %q", where, userID)
			if consumed {
				m[userID][d] = true
			}
		case op < 80:
			n, err := s.Remaining(bg, userID)
			require.NoError(t, err, where)
			require.Equal(t, m.remaining(userID), n, "%s: Remaining %q", where, userID)
		case op < 88:
			n, err := s.DeleteUser(bg, userID)
			require.NoError(t, err, where)
			require.Equal(t, len(m[userID]), n, "%s: DeleteUser %q", where, userID)
			delete(m, userID)
		default:
			for _, u := range userIDs {
				if !assert.Equal(t, m.remaining(u), remaining(t, s, u), "%s: Remaining %q", where, u) {
					return
				}
			}
		}
	}
	// At the end, on a third handle: every user's codes as the model says.
	s := open(t)
	for _, userID := range userIDs {
		assert.Equal(t, m.remaining(userID), remaining(t, s, userID), userID)
		for _, d := range pool {
			used, held := m[userID][d]
			assert.Equal(t, held && !used, consume(t, s, userID, d, now), "%q", userID)
		}
	}
}

package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
)

// model is the simplest store there is: links by identity, a user's found
// by looking at each.
type model map[key]identity.Link

func (m model) byUser(userID string) map[key]identity.Link {
	links := map[key]identity.Link{}
	for k, l := range m {
		if l.UserID == userID {
			links[k] = l
		}
	}
	return links
}

// testRandomSequence runs a long random sequence of calls on two handles,
// over small pools of issuers, subjects and user ids, some differing only
// in letter case or a space, so that they collide often, and checks every
// answer against the model's. The seed is logged, so that a failing
// sequence can be run again.
func testRandomSequence(t *testing.T, fresh Fresh) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	open := fresh(t)
	handles := []identity.Store{open(t), open(t)}
	issuers := []string{"https://a.example.com", "https://A.example.com", "https://b.example.com"}
	subjects := []string{"1", "2", "s", "S", "s "}
	userIDs := []string{"usr_1", "usr_2", "USR_1", "usr_3"}
	pick := func(pool []string) string { return pool[rng.IntN(len(pool))] }

	m := model{}
	now := base
	const steps = 500
	for step := range steps {
		now = now.Add(time.Duration(1+rng.Int64N(int64(time.Hour/time.Microsecond))) * time.Microsecond)
		s := handles[rng.IntN(2)]
		k := key{pick(issuers), pick(subjects)}
		userID := pick(userIDs)
		where := fmt.Sprintf("step %d", step)

		switch op := rng.IntN(100); {
		case op < 30:
			l := identity.Link{Issuer: k.Issuer, Subject: k.Subject, UserID: userID, CreatedAt: now}
			err := s.Create(bg, l)
			if _, linked := m[k]; linked {
				require.ErrorIs(t, err, identity.ErrLinked, "%s: Create of a linked identity", where)
				continue
			}
			require.NoError(t, err, "%s: Create", where)
			m[k] = l
		case op < 55:
			want, wantFound := m[k]
			got, found, err := s.Find(bg, k.Issuer, k.Subject)
			require.NoError(t, err, where)
			require.Equal(t, wantFound, found, "%s: Find %+v", where, k)
			if found {
				require.Equal(t, normal(want), normal(got), "%s: Find %+v", where, k)
			}
		case op < 70:
			require.Equal(t, m.byUser(userID), linksOf(t, s, userID), "%s: ByUser %q", where, userID)
		case op < 85:
			_, want := m[k]
			found, err := s.Delete(bg, k.Issuer, k.Subject)
			require.NoError(t, err, where)
			require.Equal(t, want, found, "%s: Delete %+v", where, k)
			delete(m, k)
		case op < 92:
			want := m.byUser(userID)
			n, err := s.DeleteUser(bg, userID)
			require.NoError(t, err, where)
			require.Equal(t, len(want), n, "%s: DeleteUser %q", where, userID)
			for k := range want {
				delete(m, k)
			}
		default:
			if !assert.Equal(t, map[key]identity.Link(m), snapshot(t, s, userIDs...), "%s: every link", where) {
				return
			}
		}
	}
	assert.Equal(t, map[key]identity.Link(m), snapshot(t, open(t), userIDs...), "at the end, on a third handle")
}

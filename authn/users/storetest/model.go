package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// model is the simplest store there is: accounts by id, emails found by
// looking at each.
type model struct {
	byID map[string]users.Record
}

func (m *model) byEmail(email string) (users.Record, bool) {
	for _, rec := range m.byID {
		if rec.Email == email {
			return rec, true
		}
	}
	return users.Record{}, false
}

// testRandomSequence runs a long random sequence of calls on two handles,
// over small pools of ids, emails and hashes so that they collide often,
// and checks every answer against the model's. The seed is logged, so that
// a failing sequence can be run again.
func testRandomSequence(t *testing.T, fresh Fresh) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	open := fresh(t)
	handles := []users.Store{open(t), open(t)}
	var ids, emails, hashes []string
	for i := range 6 {
		ids = append(ids, fmt.Sprintf("usr_%032x", i))
	}
	for i := range 4 {
		emails = append(emails, fmt.Sprintf("user-%d@example.com", i))
	}
	for range 3 {
		hashes = append(hashes, newHash(t))
	}
	pick := func(pool []string) string { return pool[rng.IntN(len(pool))] }

	m := model{byID: map[string]users.Record{}}
	now := base
	const steps = 600
	for step := range steps {
		now = now.Add(time.Duration(1+rng.Int64N(int64(time.Hour/time.Microsecond))) * time.Microsecond)
		s := handles[rng.IntN(2)]
		id := pick(ids)
		current, exists := m.byID[id]
		where := fmt.Sprintf("step %d", step)

		switch op := rng.IntN(100); {
		case op < 20:
			rec := users.Record{
				User:         users.User{ID: id, Email: pick(emails), Name: fmt.Sprintf("Name %d", step), CreatedAt: now, UpdatedAt: now},
				PasswordHash: pick(hashes),
			}
			if rng.IntN(4) == 0 {
				rec.EmailVerifiedAt = at(now.Add(-time.Second))
			}
			err := s.Create(bg, rec)
			_, emailTaken := m.byEmail(rec.Email)
			switch {
			case emailTaken:
				require.ErrorIs(t, err, users.ErrEmailTaken, "%s: Create with a taken email", where)
			case exists:
				require.Error(t, err, "%s: Create with a taken id", where)
				require.NotErrorIs(t, err, users.ErrEmailTaken, "%s: Create with a taken id and a free email", where)
			default:
				require.NoError(t, err, "%s: Create", where)
				m.byID[id] = rec
			}
		case op < 35:
			got, found, err := s.Get(bg, id)
			require.NoError(t, err, where)
			if !assert.Equal(t, exists, found, "%s: Get", where) {
				return
			}
			if exists && !assert.Equal(t, normal(current), normal(got), "%s: Get", where) {
				return
			}
		case op < 50:
			email := pick(emails)
			want, wantFound := m.byEmail(email)
			got, found, err := s.GetByEmail(bg, email)
			require.NoError(t, err, where)
			if !assert.Equal(t, wantFound, found, "%s: GetByEmail", where) {
				return
			}
			if wantFound && !assert.Equal(t, normal(want), normal(got), "%s: GetByEmail", where) {
				return
			}
		case op < 58:
			hash := pick(hashes)
			found, err := s.SetPasswordHash(bg, id, hash, now)
			require.NoError(t, err, where)
			require.Equal(t, exists, found, "%s: SetPasswordHash", where)
			if exists {
				current.PasswordHash, current.UpdatedAt = hash, now
				m.byID[id] = current
			}
		case op < 68:
			oldHash, newHash := pick(hashes), pick(hashes)
			if exists && rng.IntN(2) == 0 {
				oldHash = current.PasswordHash
			}
			replaced, err := s.ReplacePasswordHash(bg, id, oldHash, newHash)
			require.NoError(t, err, where)
			want := exists && current.PasswordHash == oldHash
			require.Equal(t, want, replaced, "%s: ReplacePasswordHash", where)
			if want {
				current.PasswordHash = newHash
				m.byID[id] = current
			}
		case op < 80:
			locked := rng.IntN(2) == 0
			found, err := s.SetLocked(bg, id, locked, now)
			require.NoError(t, err, where)
			require.Equal(t, exists, found, "%s: SetLocked", where)
			switch {
			case !exists:
			case locked && current.LockedAt == nil:
				current.LockedAt, current.UpdatedAt = at(now), now
				m.byID[id] = current
			case !locked && current.LockedAt != nil:
				current.LockedAt, current.UpdatedAt = nil, now
				m.byID[id] = current
			}
		case op < 87:
			found, err := s.MarkEmailVerified(bg, id, now)
			require.NoError(t, err, where)
			require.Equal(t, exists, found, "%s: MarkEmailVerified", where)
			if exists && current.EmailVerifiedAt == nil {
				current.EmailVerifiedAt, current.UpdatedAt = at(now), now
				m.byID[id] = current
			}
		case op < 95:
			found, err := s.Delete(bg, id)
			require.NoError(t, err, where)
			require.Equal(t, exists, found, "%s: Delete", where)
			delete(m.byID, id)
		default:
			want := make([]users.Record, 0, len(m.byID))
			for _, rec := range m.byID {
				want = append(want, rec)
			}
			if !assert.Equal(t, byID(want...), listed(t, s), "%s: List", where) {
				return
			}
			require.Equal(t, int64(len(m.byID)), count(t, s), "%s: Count", where)
		}
	}
}

package storetest

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// steps is the length of the random sequence.
const steps = 400

// A long random sequence of operations, on two handles, agrees at every
// step with a model of the contract: a map of records by user id.
func testRandomSequence(t *testing.T, fresh Fresh) {
	open := fresh(t)
	seed := rand.Uint64()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("random sequence seed %d", seed)
		}
	})
	rng := rand.New(rand.NewPCG(seed, seed))
	handles := []totp.Store{open(t), open(t)}
	model := map[string]totp.Record{}
	users := []string{"alice", "bob", "carol", "Alice", "alice "}
	// secrets are every secret the sequence has made, so that it also
	// names secrets no longer pending or active.
	var secrets [][]byte
	pickSecret := func(user string) []byte {
		rec := model[user]
		switch r := rng.IntN(10); {
		case r < 4 && rec.Pending != nil:
			return rec.Pending
		case r < 8 && rec.Active != nil:
			return rec.Active
		case len(secrets) > 0:
			return secrets[rng.IntN(len(secrets))]
		}
		return newSealed(t)
	}
	now := base
	step := int64(67_600_000)

	var seen struct{ activated, accepted, refused, deleted int }
	for n := range steps {
		s := handles[rng.IntN(2)]
		user := users[rng.IntN(len(users))]
		switch op := rng.IntN(100); {
		case op < 10: // time passes
			d := time.Duration(rng.IntN(90))*time.Second + time.Duration(rng.IntN(1000))*time.Microsecond
			now = now.Add(d)
			step += int64(d / totp.Period)

		case op < 30: // an enrolment
			sealed := newSealed(t)
			secrets = append(secrets, sealed)
			require.NoError(t, s.SetPending(bg, user, sealed, now), "op %d: set pending", n)
			rec := model[user]
			rec.UserID, rec.Pending, rec.UpdatedAt = user, sealed, now
			model[user] = rec

		case op < 45: // a confirmation
			sealed := pickSecret(user)
			at := step + int64(rng.IntN(3)) - 1
			activated, err := s.Activate(bg, user, sealed, now, at)
			require.NoError(t, err, "op %d: activate", n)
			rec, ok := model[user]
			want := ok && rec.Pending != nil && bytes.Equal(rec.Pending, sealed)
			require.Equal(t, want, activated, "op %d: activate %q", n, user)
			if want {
				rec.Active, rec.Pending, rec.LastStep = rec.Pending, nil, at
				rec.ActivatedAt, rec.UpdatedAt = now, now
				model[user] = rec
				seen.activated++
			}

		case op < 75: // a login's code
			sealed := pickSecret(user)
			at := step + int64(rng.IntN(5)) - 2
			accepted, err := s.UseStep(bg, user, sealed, at)
			require.NoError(t, err, "op %d: use step", n)
			rec, ok := model[user]
			want := ok && rec.Active != nil && bytes.Equal(rec.Active, sealed) && rec.LastStep < at
			require.Equal(t, want, accepted, "op %d: use step %d of %q", n, at, user)
			if want {
				rec.LastStep = at
				model[user] = rec
				seen.accepted++
			} else {
				seen.refused++
			}

		case op < 80: // two-factor turned off
			found, err := s.Delete(bg, user)
			require.NoError(t, err, "op %d: delete", n)
			_, ok := model[user]
			require.Equal(t, ok, found, "op %d: delete %q", n, user)
			delete(model, user)
			if ok {
				seen.deleted++
			}

		default: // a read
			got, found, err := s.Get(bg, user)
			require.NoError(t, err, "op %d: get", n)
			want, ok := model[user]
			require.Equal(t, ok, found, "op %d: get %q", n, user)
			if ok {
				require.Equal(t, normal(want), normal(got), "op %d: get %q", n, user)
			}
		}
	}

	// At the end, every handle agrees with the model on everything.
	for _, s := range append(handles, open(t)) {
		for _, user := range users {
			want, ok := model[user]
			got, found := get(t, s, user)
			if assert.Equal(t, ok, found, "user %q", user) && ok {
				assert.Equal(t, normal(want), normal(got), "user %q", user)
			}
		}
	}
	// And the sequence was not vacuous.
	assert.Positive(t, seen.activated, "secrets activated")
	assert.Positive(t, seen.accepted, "steps accepted")
	assert.Positive(t, seen.refused, "steps refused")
	assert.Positive(t, seen.deleted, "records deleted")
}

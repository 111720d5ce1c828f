package storetest

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// steps is the length of the random sequence.
const steps = 400

// A long random sequence of operations, on two handles, agrees at every
// step with a model of the contract: a map of keys by id.
func testRandomSequence(t *testing.T, fresh Fresh) {
	open := fresh(t)
	seed := rand.Uint64()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("random sequence seed %d", seed)
		}
	})
	rng := rand.New(rand.NewPCG(seed, seed))
	handles := []apikey.Store{open(t), open(t)}
	model := map[string]apikey.Record{}
	owners := []string{"alice", "bob", "carol", "Alice"}
	now := base
	// known are every key the sequence has tried to insert, so that it
	// also asks about refused ones.
	var known []apikey.Record
	pick := func() apikey.Record { return known[rng.IntN(len(known))] }
	byPrefix := func(prefix string) (apikey.Record, bool) {
		for _, rec := range model {
			if rec.Prefix == prefix {
				return rec, true
			}
		}
		return apikey.Record{}, false
	}

	var seen struct{ found, listed, revoked, recorded int }
	for step := range steps {
		s := handles[rng.IntN(2)]
		switch op := rng.IntN(100); {
		case op < 10: // time passes, in seconds and microseconds
			now = now.Add(time.Duration(rng.IntN(120))*time.Second + time.Duration(rng.IntN(1000))*time.Microsecond)

		case op < 30: // a new key, now and then with a taken id or prefix
			rec := newRecord(t, owners[rng.IntN(len(owners))], now)
			if rng.IntN(3) == 0 {
				rec.ExpiresAt = now.Add(time.Duration(1+rng.IntN(60)) * time.Minute)
			}
			if len(known) > 0 && rng.IntN(6) == 0 {
				if rng.IntN(2) == 0 {
					rec.ID = pick().ID
				} else {
					rec.Prefix = pick().Prefix
				}
			}
			_, idTaken := model[rec.ID]
			_, prefixTaken := byPrefix(rec.Prefix)
			err := s.Insert(bg, rec)
			if idTaken || prefixTaken {
				require.True(t, errors.Is(err, apikey.ErrKeyExists), "step %d: insert of a taken key: %v", step, err)
			} else {
				require.NoError(t, err, "step %d: insert", step)
				model[rec.ID] = rec
			}
			known = append(known, rec)

		case op < 50: // a request: the key by its prefix
			if len(known) == 0 {
				continue
			}
			prefix := pick().Prefix
			got, found, err := s.Lookup(bg, prefix)
			require.NoError(t, err, "step %d: lookup", step)
			want, ok := byPrefix(prefix)
			require.Equal(t, ok, found, "step %d: lookup %s", step, prefix)
			if ok {
				seen.found++
				require.Equal(t, normal(want), normal(got), "step %d: lookup", step)
			}

		case op < 60: // a key by its id
			if len(known) == 0 {
				continue
			}
			id := pick().ID
			got, found, err := s.Get(bg, id)
			require.NoError(t, err, "step %d: get", step)
			want, ok := model[id]
			require.Equal(t, ok, found, "step %d: get %s", step, id)
			if ok {
				require.Equal(t, normal(want), normal(got), "step %d: get", step)
			}

		case op < 70: // the list of one's keys
			owner := owners[rng.IntN(len(owners))]
			want := map[string]apikey.Record{}
			for id, rec := range model {
				if rec.OwnerID == owner {
					want[id] = normal(rec)
				}
			}
			seen.listed += len(want)
			require.Equal(t, want, listed(t, s, owner), "step %d: list %q", step, owner)

		case op < 78: // revoke one key
			if len(known) == 0 {
				continue
			}
			id := pick().ID
			found, err := s.Revoke(bg, id, now)
			require.NoError(t, err, "step %d: revoke", step)
			rec, ok := model[id]
			require.Equal(t, ok, found, "step %d: revoke %s", step, id)
			if ok && rec.RevokedAt.IsZero() {
				rec.RevokedAt = now
				model[id] = rec
				seen.revoked++
			}

		case op < 81: // revoke every key of an owner
			owner := owners[rng.IntN(len(owners))]
			n, err := s.RevokeOwner(bg, owner, now)
			require.NoError(t, err, "step %d: revoke owner", step)
			var want int64
			for id, rec := range model {
				if rec.OwnerID == owner && rec.RevokedAt.IsZero() {
					rec.RevokedAt = now
					model[id] = rec
					want++
				}
			}
			require.Equal(t, want, n, "step %d: revoke owner %q", step, owner)

		default: // a use, recorded when the last is a minute old
			if len(known) == 0 {
				continue
			}
			id := pick().ID
			staleAt := now.Add(-time.Minute)
			recorded, err := s.RecordUse(bg, id, now, staleAt)
			require.NoError(t, err, "step %d: record use", step)
			rec, ok := model[id]
			want := ok && (rec.LastUsedAt.IsZero() || !rec.LastUsedAt.After(staleAt))
			require.Equal(t, want, recorded, "step %d: record use of %s", step, id)
			if want {
				rec.LastUsedAt = now
				model[id] = rec
				seen.recorded++
			}
		}
	}

	// At the end, every handle agrees with the model on everything.
	for _, s := range append(handles, open(t)) {
		for _, rec := range known {
			want, ok := model[rec.ID]
			got, found := get(t, s, rec.ID)
			if assert.Equal(t, ok, found, "key %s", rec.ID) && ok {
				assert.Equal(t, normal(want), normal(got))
			}
		}
		for _, owner := range owners {
			want := map[string]apikey.Record{}
			for id, rec := range model {
				if rec.OwnerID == owner {
					want[id] = normal(rec)
				}
			}
			assert.Equal(t, want, listed(t, s, owner), "list %q", owner)
		}
	}
	// And the sequence was not vacuous.
	assert.Positive(t, seen.found, "keys found by prefix")
	assert.Positive(t, seen.listed, "keys listed")
	assert.Positive(t, seen.revoked, "keys revoked")
	assert.Positive(t, seen.recorded, "uses recorded")
}

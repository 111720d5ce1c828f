package authz

import (
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A table answers as a map does (of hashes as its slots hold them) through long random runs of sets,
// replacements and removals, with hashes that crowd a few home slots so
// that probes wrap around and removals shift slots back; copies are not
// changed by later edits of the original.
func TestTableMatchesAMap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// hash makes a hash from a random number.
		hash func(r uint64) uint64
		keys int
	}{
		{"spread", func(r uint64) uint64 { return r }, 4000},
		{"crowded homes", func(r uint64) uint64 { return r&(3<<62) | r%64 }, 300},
		{"one home", func(r uint64) uint64 { return r % 40 }, 40},
		{"zero among them", func(r uint64) uint64 { return r % 3 }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(tc.keys)))
			keys := make([]uint64, tc.keys)
			for i := range keys {
				keys[i] = tc.hash(rng.Uint64())
			}
			for i, k := range keys {
				keys[i] = slotHash(k)
			}
			var tab table[int]
			want := map[uint64]int{}
			type snapshot struct {
				tab  table[int]
				want map[uint64]int
			}
			var snapshots []snapshot
			check := func(tab *table[int], want map[uint64]int) {
				require.Equal(t, len(want), tab.len())
				got := map[uint64]int{}
				for hash, v := range tab.all() {
					got[hash] = *v
				}
				require.Equal(t, want, got)
				for _, k := range keys {
					v := tab.get(k)
					w, ok := want[k]
					require.Equal(t, ok, v != nil, "hash %x", k)
					if ok {
						require.Equal(t, w, *v, "hash %x", k)
					}
				}
			}
			for step := 0; step < 20000; step++ {
				k := keys[rng.IntN(len(keys))]
				switch op := rng.IntN(10); {
				case op < 5:
					tab.set(k, step)
					want[k] = step
				case op < 9:
					tab.remove(k)
					delete(want, k)
				default:
					snapshots = append(snapshots, snapshot{tab.clone(), maps.Clone(want)})
				}
				if step%997 == 0 {
					check(&tab, want)
				}
			}
			check(&tab, want)
			for _, s := range snapshots {
				check(&s.tab, s.want)
			}
			for k := range want {
				tab.remove(k)
			}
			assert.Zero(t, tab.len())
			assert.Nil(t, tab.get(keys[0]))
		})
	}
}

// The zero table is empty and takes removals of what it does not hold.
func TestTableZeroValue(t *testing.T) {
	t.Parallel()
	var tab table[string]
	assert.Nil(t, tab.get(0))
	tab.remove(42)
	assert.Zero(t, tab.len())
	c := tab.clone()
	c.set(0, "zero")
	require.NotNil(t, c.get(0))
	assert.Equal(t, "zero", *c.get(0))
	require.NotNil(t, c.get(1), "hash 0 is held as 1")
	assert.Nil(t, tab.get(0), "the original is untouched")
}

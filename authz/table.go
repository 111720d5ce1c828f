package authz

import (
	"iter"
	"math/bits"
	"slices"
)

// table holds values by a 64-bit hash that the caller computed once, for
// the index's shards. A lookup reads one slot, nearly always, and then the
// value: a Go map of a million entries reads its directory, its table and
// its group before the value, and hashes the hash again, so that a
// decision in a large policy spent most of its time waiting for memory.
//
// The slots are open-addressed, probed linearly from the place the hash's
// top bits choose, and at most half used, so that a hash that is not there
// is known after a slot or two. The values are dense, in the order added,
// but for removals, which move the last value into the gap.
//
// Two values cannot share a hash: callers keep names that clash in a map of
// their own. A table is changed only before it is published, and a copy
// (clone) is changed after that; the zero table is empty.
type table[V any] struct {
	slots   []tableSlot
	entries []tableEntry[V]
	// shift turns a hash into its home slot: 64 minus the log2 of
	// len(slots).
	shift uint8
}

// tableSlot is one slot of a table: at is one more than the index of its
// entry, 0 for an empty slot.
type tableSlot struct {
	hash uint64
	at   uint32
}

type tableEntry[V any] struct {
	hash  uint64
	value V
}

// minTableSlots is the size of a table's first slots.
const minTableSlots = 8

// len returns how many values t holds.
func (t *table[V]) len() int { return len(t.entries) }

func (t *table[V]) home(hash uint64) int { return int(hash >> t.shift) }

// slot returns the index of hash's slot, -1 when t does not hold hash.
func (t *table[V]) slot(hash uint64) int {
	if len(t.slots) == 0 {
		return -1
	}
	mask := len(t.slots) - 1
	for i := t.home(hash); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.at == 0 {
			return -1
		}
		if s.hash == hash {
			return i
		}
	}
}

// get returns the value of hash, nil for none. The pointer is into t: it
// is valid while t is not changed.
func (t *table[V]) get(hash uint64) *V {
	if i := t.slot(hash); i >= 0 {
		return &t.entries[t.slots[i].at-1].value
	}
	return nil
}

// set makes v the value of hash.
func (t *table[V]) set(hash uint64, v V) {
	if i := t.slot(hash); i >= 0 {
		t.entries[t.slots[i].at-1].value = v
		return
	}
	if 2*(len(t.entries)+1) > len(t.slots) {
		t.resize(max(minTableSlots, 2*len(t.slots)))
	}
	t.entries = append(t.entries, tableEntry[V]{hash: hash, value: v})
	t.place(hash, uint32(len(t.entries)))
}

// place puts the entry at (one more than its index) in hash's first free
// slot.
func (t *table[V]) place(hash uint64, at uint32) {
	mask := len(t.slots) - 1
	i := t.home(hash)
	for t.slots[i].at != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = tableSlot{hash: hash, at: at}
}

// resize gives t size slots, a power of two, and places its entries anew.
func (t *table[V]) resize(size int) {
	t.slots = make([]tableSlot, size)
	t.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	for i, e := range t.entries {
		t.place(e.hash, uint32(i+1))
	}
}

// remove drops the value of hash, if t holds one.
func (t *table[V]) remove(hash uint64) {
	i := t.slot(hash)
	if i < 0 {
		return
	}
	// Move the last entry into the gap, and point its slot there.
	gap, last := int(t.slots[i].at-1), len(t.entries)-1
	if gap != last {
		moved := t.entries[last]
		t.entries[gap] = moved
		t.slots[t.slot(moved.hash)].at = uint32(gap + 1)
	}
	var zero tableEntry[V]
	t.entries[last] = zero
	t.entries = t.entries[:last]
	// Empty the slot, shifting back the slots after it that their probe
	// would otherwise not reach (Knuth's algorithm R).
	mask := len(t.slots) - 1
	for j := i; ; {
		j = (j + 1) & mask
		if t.slots[j].at == 0 {
			break
		}
		home := t.home(t.slots[j].hash)
		// The slot at j stays when its home lies cyclically in (i, j].
		if i <= j && i < home && home <= j || i > j && (i < home || home <= j) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = tableSlot{}
	if len(t.entries) == 0 {
		*t = table[V]{}
	}
}

// clone returns a copy of t that can be changed without changing t, with
// room for one more value.
func (t *table[V]) clone() table[V] {
	out := table[V]{slots: slices.Clone(t.slots), shift: t.shift}
	if t.entries != nil {
		out.entries = make([]tableEntry[V], len(t.entries), len(t.entries)+1)
		copy(out.entries, t.entries)
	}
	return out
}

// all yields every hash and its value, which may be changed where it
// stands (in a table not yet published).
func (t *table[V]) all() iter.Seq2[uint64, *V] {
	return func(yield func(uint64, *V) bool) {
		for i := range t.entries {
			if !yield(t.entries[i].hash, &t.entries[i].value) {
				return
			}
		}
	}
}

package authz

import (
	"iter"
	"math/bits"
)

// table holds values by a 64-bit hash that the caller computed once, for
// the index's shards. The values are kept in the slots themselves, so that
// a lookup nearly always reads one slot and nothing else: a Go map of a
// million records reads its directory, its table, a control word and the
// slot, and hashes the hash again, and a decision in a large policy spent
// most of its time waiting for that memory.
//
// The slots are open-addressed with Robin Hood hashing: probed linearly
// from the slot the hash's top bits choose (its home), and kept so that a
// value never lies further from its home than the values it passed. A
// lookup stops at the first slot whose value is nearer its own home than
// the probe has come, so that a hash the table does not hold is known after
// a few slots even at seven eighths full, the most a table is before it
// doubles.
//
// Two values cannot share a hash (and 0 is 1, see slotHash): callers keep names that clash in a map of
// their own. A table is changed only before it is published, and a copy
// (clone) is changed after that; the zero table is empty.
type table[V any] struct {
	slots []tableSlot[V]
	count int
	// shift turns a hash into its home: 64 minus the log2 of len(slots).
	shift uint8
}

// tableSlot is one slot of a table; hash is 0 for an empty slot.
type tableSlot[V any] struct {
	hash  uint64
	value V
}

// slotHash is hash as a slot holds it: not 0, which marks an empty slot.
// Hash 0 is held as 1: the two are the same hash to a table, and callers
// tell apart names with the same hash.
func slotHash(hash uint64) uint64 {
	if hash == 0 {
		return 1
	}
	return hash
}

// minTableSlots is the size of a table's first slots.
const minTableSlots = 8

// len returns how many values t holds.
func (t *table[V]) len() int { return t.count }

func (t *table[V]) home(hash uint64) int { return int(hash >> t.shift) }

// distance returns how far the value in slot i lies from its home.
func (t *table[V]) distance(i int) int {
	return (i - t.home(t.slots[i].hash)) & (len(t.slots) - 1)
}

// slot returns the index of hash's slot, -1 when t does not hold hash.
func (t *table[V]) slot(hash uint64) int {
	if len(t.slots) == 0 {
		return -1
	}
	hash = slotHash(hash)
	mask := len(t.slots) - 1
	for i, probed := t.home(hash), 0; ; i, probed = (i+1)&mask, probed+1 {
		s := &t.slots[i]
		switch {
		case s.hash == 0:
			return -1
		case s.hash == hash:
			return i
		case t.distance(i) < probed:
			return -1
		}
	}
}

// get returns the value of hash, nil for none. The pointer is into t: it
// is valid while t is not changed.
func (t *table[V]) get(hash uint64) *V {
	if i := t.slot(hash); i >= 0 {
		return &t.slots[i].value
	}
	return nil
}

// set makes v the value of hash.
func (t *table[V]) set(hash uint64, v V) {
	if i := t.slot(hash); i >= 0 {
		t.slots[i].value = v
		return
	}
	t.add(hash, v)
}

// add puts v in t as the value of hash, which t does not hold.
func (t *table[V]) add(hash uint64, v V) {
	if 8*(t.count+1) > 7*len(t.slots) {
		t.resize(max(minTableSlots, 2*len(t.slots)))
	}
	t.place(tableSlot[V]{hash: slotHash(hash), value: v})
	t.count++
}

// getOrAdd returns the value of hash and true when t holds one; else it
// makes v the value of hash and returns nil and false.
func (t *table[V]) getOrAdd(hash uint64, v V) (*V, bool) {
	if i := t.slot(hash); i >= 0 {
		return &t.slots[i].value, true
	}
	t.add(hash, v)
	return nil, false
}

// place puts s, whose hash t does not hold, in its slot, moving on the
// values nearer their homes that it passes.
func (t *table[V]) place(s tableSlot[V]) {
	mask := len(t.slots) - 1
	for i, probed := t.home(s.hash), 0; ; i, probed = (i+1)&mask, probed+1 {
		if t.slots[i].hash == 0 {
			t.slots[i] = s
			return
		}
		if d := t.distance(i); d < probed {
			s, t.slots[i] = t.slots[i], s
			probed = d
		}
	}
}

// reset empties t and makes room in it for n values without resizing,
// reusing its slots when they are enough.
func (t *table[V]) reset(n int) {
	size := minTableSlots
	for 7*size < 8*n {
		size *= 2
	}
	if size <= len(t.slots) {
		clear(t.slots)
		t.count = 0
		return
	}
	t.count = 0
	t.slots = nil
	t.resize(size)
}

// resize gives t size slots, a power of two, and places its values anew.
func (t *table[V]) resize(size int) {
	old := t.slots
	t.slots = make([]tableSlot[V], size)
	t.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	for i := range old {
		if old[i].hash != 0 {
			t.place(old[i])
		}
	}
}

// remove drops the value of hash, if t holds one.
func (t *table[V]) remove(hash uint64) {
	i := t.slot(hash)
	if i < 0 {
		return
	}
	t.count--
	if t.count == 0 {
		*t = table[V]{}
		return
	}
	// Shift back the values after it that lie away from their homes.
	mask := len(t.slots) - 1
	for j := (i + 1) & mask; t.slots[j].hash != 0 && t.distance(j) > 0; i, j = j, (j+1)&mask {
		t.slots[i] = t.slots[j]
	}
	t.slots[i] = tableSlot[V]{}
}

// clone returns a copy of t that can be changed without changing t.
func (t *table[V]) clone() table[V] {
	out := *t
	if t.slots != nil {
		out.slots = make([]tableSlot[V], len(t.slots))
		copy(out.slots, t.slots)
	}
	return out
}

// all yields every hash (0 as 1) and its value, which may be changed where it
// stands (in a table not yet published).
func (t *table[V]) all() iter.Seq2[uint64, *V] {
	return func(yield func(uint64, *V) bool) {
		for i := range t.slots {
			if t.slots[i].hash != 0 && !yield(t.slots[i].hash, &t.slots[i].value) {
				return
			}
		}
	}
}

package authz

import "hash/maphash"

// lineSet finds the lines of a policy seen before while it is read: an
// open-addressed table of the hashes of their values, each with the place
// of its line in the policy's list, whose values settle a clash. Beside
// a Go map keyed by whole Grants it is a flat array of numbers the
// garbage collector never scans, and a million lines are checked in a
// fraction of the time.
type lineSet struct {
	seed  maphash.Seed
	slots []lineSlot
	count int
}

// lineSlot is one slot of a lineSet; place is 0 for an empty one, and the
// line's place in its list plus one otherwise.
type lineSlot struct {
	hash  uint64
	place int
}

func newLineSet(lines int) lineSet {
	size := 16
	for size < 2*lines {
		size *= 2
	}
	return lineSet{seed: maphash.MakeSeed(), slots: make([]lineSlot, size)}
}

// add reports whether a line whose values hash to hash is new, and
// remembers it at place if so; same reports whether the line at a place
// has its values.
func (s *lineSet) add(hash uint64, place int, same func(place int) bool) bool {
	if 2*(s.count+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := hash & mask; ; i = (i + 1) & mask {
		slot := &s.slots[i]
		switch {
		case slot.place == 0:
			*slot = lineSlot{hash, place + 1}
			s.count++
			return true
		case slot.hash == hash && same(slot.place-1):
			return false
		}
	}
}

func (s *lineSet) grow() {
	old := s.slots
	s.slots = make([]lineSlot, 2*len(old))
	mask := uint64(len(s.slots) - 1)
	for _, slot := range old {
		if slot.place == 0 {
			continue
		}
		i := slot.hash & mask
		for s.slots[i].place != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = slot
	}
}

// hashGrant and hashRole hash the values of a line.
func (s *lineSet) hashGrant(g Grant) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	for _, v := range []string{g.Subject, g.Tenant, string(g.Permission), string(g.Scope), string(g.Effect)} {
		h.WriteString(v)
		h.WriteByte(0)
	}
	return h.Sum64() ^ uint64(g.Expires.UnixNano())
}

func (s *lineSet) hashRole(a RoleAssignment) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	for _, v := range []string{a.Member, a.Role, a.Tenant} {
		h.WriteString(v)
		h.WriteByte(0)
	}
	return h.Sum64() ^ uint64(a.Expires.UnixNano())
}

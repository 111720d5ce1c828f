package authz

// shard holds the records of the names whose hash falls in it, by that
// hash: a lookup hashes a name once, to choose both the shard and the
// record, and role links carry their role's hash, so that walking up from a
// subject hashes nothing. A shard is never changed once its index is
// published; an edit changes a copy (clone).
type shard struct {
	// records are by the hash of their name, which each record holds.
	records table[holderRecord]
	// plain are the records of the names that fit a plainRecord, by the
	// hash of their name; a name is in records or in plain, never both.
	plain table[plainRecord]
	// clashes are the records of names whose hash a name in records has.
	// Hashes have 64 bits and a seed of the process's own, so this is
	// nearly always nil; it is there so that a clash costs time, never a
	// wrong answer.
	clashes map[string]*holderRecord
}

func newShard() shard { return shard{} }

// find returns name's record where s holds it, nil for none; hash is
// name's hash. The record is not to be changed.
func (s *shard) find(hash uint64, name string) *holderRecord {
	if h := s.records.get(hash); h != nil && h.named(name) {
		return h
	}
	if s.clashes != nil {
		return s.clashes[name]
	}
	return nil
}

// findPlain returns the plain record of name, nil for none; hash is
// name's hash. The record is not to be changed.
func (s *shard) findPlain(hash uint64, name string) *plainRecord {
	if p := s.plain.get(hash); p != nil && p.named(name) {
		return p
	}
	return nil
}

// setPlain stores p as the record of name, whose hash is hash, in plain;
// false, storing nothing, when another plain name has that hash.
func (s *shard) setPlain(hash uint64, name string, p plainRecord, hashOf func(string) uint64) bool {
	if old := s.plain.get(hash); old != nil && !old.named(name) {
		return false
	}
	if s.find(hash, name) != nil {
		s.remove(hashOf, hash, name)
	}
	s.plain.set(hash, p)
	return true
}

// set stores h as the record of name, whose hash is hash.
func (s *shard) set(hash uint64, name string, h holderRecord) {
	if s.findPlain(hash, name) != nil {
		s.plain.remove(hash)
	}
	h.name = name
	h.shortName = [shortName]byte{}
	if len(name) <= shortName {
		h.shortName = pack(name)
	}
	if old := s.records.get(hash); old == nil || old.name == name {
		s.records.set(hash, h)
		return
	}
	if s.clashes == nil {
		s.clashes = map[string]*holderRecord{}
	}
	s.clashes[name] = &h
}

// remove drops the record of name, whose hash is hash; a clashing name
// with the same hash takes its place. hashOf is the index's hash.
func (s *shard) remove(hashOf func(string) uint64, hash uint64, name string) {
	if s.findPlain(hash, name) != nil {
		s.plain.remove(hash)
		return
	}
	if old := s.records.get(hash); old == nil || old.name != name {
		delete(s.clashes, name)
	} else {
		s.records.remove(hash)
		for other, h := range s.clashes {
			if slotHash(hashOf(other)) == slotHash(hash) {
				delete(s.clashes, other)
				s.records.set(hash, *h)
				break
			}
		}
	}
	if len(s.clashes) == 0 {
		s.clashes = nil
	}
}

// clone returns a copy of s that can be changed without changing s.
func (s *shard) clone() shard {
	out := shard{records: s.records.clone(), plain: s.plain.clone()}
	if s.clashes != nil {
		out.clashes = make(map[string]*holderRecord, len(s.clashes))
		for name, h := range s.clashes {
			copy := *h
			out.clashes[name] = &copy
		}
	}
	return out
}

// update calls f with every record of s but the plain ones, to change it
// where it stands (its name stays).
func (s *shard) update(f func(*holderRecord)) {
	for _, h := range s.records.all() {
		f(h)
	}
	for _, h := range s.clashes {
		f(h)
	}
}

// each calls f with every record of s but the plain ones: those have no
// grant, no expiry, and are no role, so that no caller looking for those
// needs them.
func (s *shard) each(f func(holderRecord)) {
	for _, h := range s.records.all() {
		f(*h)
	}
	for _, h := range s.clashes {
		f(*h)
	}
}

// shortName is the length up to which a record holds its name's bytes,
// as most names are (user ids, role names): the name of the record a hash
// finds is then checked without reading the name from elsewhere in
// memory, which for a subject among millions is a cache miss.
const shortName = 16

// pack returns the bytes of a name of at most shortName bytes, padded
// with zeros.
func pack(name string) (b [shortName]byte) {
	copy(b[:], name)
	return b
}

// named reports whether h is the record of name.
func (h *holderRecord) named(name string) bool {
	if len(name) != len(h.name) {
		return false
	}
	if len(name) <= shortName {
		return pack(name) == h.shortName
	}
	return h.name == name
}

// plainRecord is the record of a name that has no grant, is no role, and
// holds one or two roles without a tenant and without an expiry: nearly
// every user of a policy without tenants. It is four words with no
// pointer, beside the others' twenty: a decision for such a name reads
// one cache line, and the garbage collector never scans them.
type plainRecord struct {
	// name is the name's bytes, and its length in the last byte: plain
	// names are shorter than shortName.
	name [shortName]byte
	// first and second are the ids of the roles the name holds, in the
	// order it was given them; second is 0 when it holds one.
	first, second uint32
}

// packPlain returns name as a plainRecord holds it; ok is false when it is
// too long.
func packPlain(name string) (b [shortName]byte, ok bool) {
	if len(name) >= shortName {
		return b, false
	}
	copy(b[:], name)
	b[shortName-1] = byte(len(name))
	return b, true
}

// named reports whether p is the record of name.
func (p *plainRecord) named(name string) bool {
	// The bytes after the name are zero (packPlain): its length and its
	// bytes tell it, without packing name.
	n := len(name)
	return n < shortName && int(p.name[shortName-1]) == n && string(p.name[:n]) == name
}

package authz

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
)

// The relation index keeps, per resource, the relations held on it and its
// parent, so that a decision about one resource looks up that resource and
// its parents — a lookup each — rather than scanning relations; and, per
// subject, the relations it holds, for the reverse queries and list
// filters. Like the decision index it is immutable: an edit copies the
// shards and records it touches and shares the rest.

// relationEntry is one relation on a resource, in its resource's record.
type relationEntry struct {
	// subject is interned, as the decision index's roles are: comparing it
	// with a group's name compares pointers.
	subject string
	// subjectHash is the hash of subject: entries are sorted by it, so
	// that finding a holder's relations compares numbers.
	subjectHash uint64
	role        string
	// roleHash is the hash of role, which finds its record in the decision
	// index.
	roleHash uint64
	expires  int64 // Unix seconds, 0 for never
	// seq orders relations as they were added, for explanations that name
	// the first.
	seq uint64
}

// resourceRecord is everything the index knows about one resource. The
// fields a decision reads come first.
type resourceRecord struct {
	// short holds name's bytes when it has at most shortName, as most
	// resource names do: a lookup checks it without reading the name
	// from elsewhere in memory.
	short [shortName]byte
	// parentHash is the hash of parent.
	parentHash uint64
	// relations are sorted by subject, then as they were added.
	relations []relationEntry
	name      string
	// parent is the resource this one is inside, "" for none: the
	// parent's own name, so that finding its record compares pointers
	// rather than reading the name's bytes from elsewhere in memory.
	parent string
}

func (r *resourceRecord) empty() bool {
	return r.parent == "" && len(r.relations) == 0
}

// heldBy returns the run of r's relations whose subject is subject, whose
// hash is hash.
func (r *resourceRecord) heldBy(hash uint64, subject string) []relationEntry {
	return run(r.relations, func(e *relationEntry) bool { return e.subjectHash == hash && e.subject == subject },
		func(e relationEntry) int { return compareSubject(e, hash, subject) })
}

func compareSubject(e relationEntry, hash uint64, subject string) int {
	if c := cmp.Compare(e.subjectHash, hash); c != 0 {
		return c
	}
	return strings.Compare(e.subject, subject)
}

// heldRelation is a relation as its subject's list keeps it.
type heldRelation struct {
	resource, role string
	// hash is the hash of resource.
	hash    uint64
	expires int64
}

// resourceShard holds the records of the resources whose hash falls in it,
// by that hash, as the decision index's shards do.
type resourceShard struct {
	records table[resourceRecord]
	clashes map[string]*resourceRecord
}

func (s *resourceShard) get(hash uint64, matches func(string) bool) *resourceRecord {
	if r := s.records.get(hash); r != nil && matches(r.name) {
		return r
	}
	for name, r := range s.clashes {
		if matches(name) {
			return r
		}
	}
	return nil
}

// set stores a copy of r.
func (s *resourceShard) set(hash uint64, r *resourceRecord) {
	r.short = [shortName]byte{}
	if len(r.name) <= shortName {
		r.short = pack(r.name)
	}
	if old := s.records.get(hash); old == nil || old.name == r.name {
		s.records.set(hash, *r)
		return
	}
	if s.clashes == nil {
		s.clashes = map[string]*resourceRecord{}
	}
	copy := *r
	s.clashes[r.name] = &copy
}

func (s *resourceShard) remove(hashOf func(string) uint64, hash uint64, name string) {
	if old := s.records.get(hash); old == nil || old.name != name {
		delete(s.clashes, name)
	} else {
		s.records.remove(hash)
		for other, r := range s.clashes {
			if slotHash(hashOf(other)) == slotHash(hash) {
				delete(s.clashes, other)
				s.records.set(hash, *r)
				break
			}
		}
	}
	if len(s.clashes) == 0 {
		s.clashes = nil
	}
}

func (s *resourceShard) clone() resourceShard {
	out := resourceShard{records: s.records.clone()}
	if s.clashes != nil {
		out.clashes = cloneMap(s.clashes)
	}
	return out
}

// each calls f with every record of s.
func (s *resourceShard) each(f func(*resourceRecord)) {
	for _, r := range s.records.all() {
		f(r)
	}
	for _, r := range s.clashes {
		f(r)
	}
}

// relationIndex is the relations and parents of one policy.
type relationIndex struct {
	seed      maphash.Seed
	resources [shardCount]resourceShard
	// held are the relations each subject holds, in the order added.
	held [shardCount]map[string][]heldRelation
	// relations and parents count the lines.
	relations, parents int
	// next numbers the next relation added, after every other.
	next uint64
	// expiring counts the relations that expire.
	expiring int
	// roles count the relations that give each role.
	roles map[string]int
	// children are the resources inside each resource that has some,
	// sorted: kept apart from the records, which decisions read, and
	// which a resource that holds no relation and is in no other does
	// not need.
	children map[string][]string
	// childTypes count the resources of each type that are inside
	// another: a list filter walks down from the resources a subject
	// holds relations on only when the type it lists has some.
	childTypes map[string]int
}

func newRelationIndex(seed maphash.Seed) *relationIndex {
	ix := &relationIndex{seed: seed, roles: map[string]int{}, children: map[string][]string{}, childTypes: map[string]int{}}
	for i := range ix.resources {
		ix.held[i] = map[string][]heldRelation{}
	}
	return ix
}

func (ix *relationIndex) hash(name string) uint64 { return maphash.String(ix.seed, name) }

// resource returns the record of the resource named name, nil for none.
func (ix *relationIndex) resource(name string) *resourceRecord {
	return ix.resourceHashed(ix.hash(name), name)
}

func (ix *relationIndex) resourceHashed(hash uint64, name string) *resourceRecord {
	return ix.resources[hash%shardCount].get(hash, func(n string) bool { return n == name })
}

// nameBuffer is the length up to which resourceOf puts a resource's name
// together on the stack, as most are, to hash it in one call.
const nameBuffer = 64

// resourceOf returns the record of the resource of type typ with id id,
// without building its name.
func (ix *relationIndex) resourceOf(typ, id string) *resourceRecord {
	size := len(typ) + 1 + len(id)
	var hash uint64
	if size <= nameBuffer {
		// The name's bytes, hashed at once, hash as the name does.
		var buf [nameBuffer]byte
		copy(buf[copy(buf[:], typ)+1:], id)
		buf[len(typ)] = ':'
		hash = maphash.Bytes(ix.seed, buf[:size])
	} else {
		var h maphash.Hash
		h.SetSeed(ix.seed)
		h.WriteString(typ)
		h.WriteByte(':')
		h.WriteString(id)
		hash = h.Sum64()
	}
	if size <= shortName {
		var short [shortName]byte
		copy(short[copy(short[:], typ)+1:], id)
		short[len(typ)] = ':'
		r := ix.resources[hash%shardCount].records.get(hash)
		if r != nil && r.short == short && len(r.name) == size {
			return r
		}
	}
	return ix.resources[hash%shardCount].get(hash, func(n string) bool {
		return len(n) == size && n[:len(typ)] == typ && n[len(typ)] == ':' && n[len(typ)+1:] == id
	})
}

// chain appends to out the record of the resource typ:id and those of its
// parents, nearest first, at most 1+MaxParentDepth; none when the resource
// is unknown.
func (ix *relationIndex) chain(typ, id string, out []*resourceRecord) []*resourceRecord {
	r := ix.resourceOf(typ, id)
	for r != nil && len(out) <= MaxParentDepth {
		out = append(out, r)
		if r.parent == "" {
			break
		}
		r = ix.resourceHashed(r.parentHash, r.parent)
	}
	return out
}

// ancestors returns name and its parents, nearest first, at most
// 1+MaxParentDepth.
func (ix *relationIndex) ancestors(name string) []string {
	out := []string{name}
	for r := ix.resource(name); r != nil && r.parent != "" && len(out) <= MaxParentDepth; r = ix.resource(r.parent) {
		out = append(out, r.parent)
	}
	return out
}

// heldBy returns the relations subject holds, in the order they were added.
func (ix *relationIndex) heldBy(subject string) []heldRelation {
	return ix.held[ix.hash(subject)%shardCount][subject]
}

// buildRelations indexes the relations and parents of p, numbering
// relations in policy order. roleHash hashes a role as the decision index
// does.
func buildRelations(seed maphash.Seed, p Policy, roleHash func(string) uint64) *relationIndex {
	ix := newRelationIndex(seed)
	records := map[string]*resourceRecord{}
	record := func(name string) *resourceRecord {
		r, ok := records[name]
		if !ok {
			r = &resourceRecord{name: name}
			records[name] = r
		}
		return r
	}
	for i, rel := range p.Relations {
		r := record(rel.Resource)
		r.relations = append(r.relations, newRelationEntry(rel, uint64(i), roleHash))
		ix.roles[rel.Role]++
		if !rel.Expires.IsZero() {
			ix.expiring++
		}
		n := ix.hash(rel.Subject) % shardCount
		ix.held[n][rel.Subject] = append(ix.held[n][rel.Subject], heldRelation{resource: rel.Resource, role: intern(rel.Role), hash: ix.hash(rel.Resource), expires: expiryUnix(rel.Expires)})
	}
	for _, link := range p.Parents {
		parent := record(link.Parent)
		child := record(link.Resource)
		child.parent, child.parentHash = parent.name, ix.hash(link.Parent)
		ix.children[parent.name] = append(ix.children[parent.name], link.Resource)
		ix.childTypes[resourceType(link.Resource)]++
	}
	for _, children := range ix.children {
		slices.Sort(children)
	}
	for name, r := range records {
		if r.empty() {
			continue
		}
		slices.SortStableFunc(r.relations, compareRelations)
		hash := ix.hash(name)
		ix.resources[hash%shardCount].set(hash, r)
	}
	ix.relations, ix.parents = len(p.Relations), len(p.Parents)
	ix.next = uint64(len(p.Relations))
	return ix
}

// newRelationEntry makes rel an entry of its resource's record; hash is
// the index's hash, of subjects and roles alike.
func newRelationEntry(rel Relation, seq uint64, hash func(string) uint64) relationEntry {
	role := intern(rel.Role)
	return relationEntry{subject: intern(rel.Subject), subjectHash: hash(rel.Subject), role: role, roleHash: hash(role),
		expires: expiryUnix(rel.Expires), seq: seq}
}

func compareRelations(a, b relationEntry) int {
	if c := compareSubject(a, b.subjectHash, b.subject); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// apply returns a new relation index with c's relations and parents
// applied, sharing what it does not touch. New relations are numbered
// after every other.
func (ix *relationIndex) apply(c Change, roleHash func(string) uint64) *relationIndex {
	out := *ix
	copiedShards := map[uint64]bool{}
	copied := map[string]*resourceRecord{}
	edit := func(name string) *resourceRecord {
		if r, ok := copied[name]; ok {
			return r
		}
		hash := out.hash(name)
		n := hash % shardCount
		if !copiedShards[n] {
			out.resources[n] = ix.resources[n].clone()
			copiedShards[n] = true
		}
		r := &resourceRecord{name: name}
		if old := out.resources[n].get(hash, func(s string) bool { return s == name }); old != nil {
			copy := *old
			r = &copy
		}
		copied[name] = r
		return r
	}
	if len(c.RemoveRelations)+len(c.AddRelations) > 0 {
		out.roles = cloneMap(ix.roles)
	}
	countRole := func(role string, delta int) {
		if out.roles[role] += delta; out.roles[role] <= 0 {
			delete(out.roles, role)
		}
	}
	copiedHeld := map[uint64]bool{}
	// ownHeld are the subjects whose lists this apply copied already, and
	// may append to in place.
	ownHeld := map[string]bool{}
	held := func(subject string) []heldRelation {
		n := out.hash(subject) % shardCount
		if !copiedHeld[n] {
			out.held[n] = cloneMap(ix.held[n])
			copiedHeld[n] = true
		}
		if !ownHeld[subject] {
			ownHeld[subject] = true
			out.held[n][subject] = slices.Clone(out.held[n][subject])
		}
		return out.held[n][subject]
	}
	setHeld := func(subject string, list []heldRelation) {
		n := out.hash(subject) % shardCount
		if len(list) == 0 {
			delete(out.held[n], subject)
		} else {
			out.held[n][subject] = list
		}
	}
	for _, rel := range c.RemoveRelations {
		r := edit(rel.Resource)
		r.relations = slices.DeleteFunc(slices.Clone(r.relations), func(e relationEntry) bool {
			return e.subject == rel.Subject && e.role == rel.Role
		})
		setHeld(rel.Subject, slices.DeleteFunc(held(rel.Subject), func(h heldRelation) bool {
			return h.resource == rel.Resource && h.role == rel.Role
		}))
		out.relations--
		countRole(rel.Role, -1)
		if !rel.Expires.IsZero() {
			out.expiring--
		}
	}
	if len(c.RemoveParents)+len(c.AddParents) > 0 {
		out.children = cloneMap(ix.children)
		out.childTypes = cloneMap(ix.childTypes)
	}
	countChild := func(child string, delta int) {
		typ := resourceType(child)
		if out.childTypes[typ] += delta; out.childTypes[typ] <= 0 {
			delete(out.childTypes, typ)
		}
	}
	for _, link := range c.RemoveParents {
		child := edit(link.Resource)
		child.parent, child.parentHash = "", 0
		if children := slices.DeleteFunc(slices.Clone(out.children[link.Parent]), func(s string) bool { return s == link.Resource }); len(children) > 0 {
			out.children[link.Parent] = children
		} else {
			delete(out.children, link.Parent)
		}
		countChild(link.Resource, -1)
		out.parents--
	}
	for _, rel := range c.AddRelations {
		r := edit(rel.Resource)
		e := newRelationEntry(rel, out.next, roleHash)
		out.next++
		i, _ := slices.BinarySearchFunc(r.relations, e, compareRelations)
		r.relations = slices.Insert(slices.Clone(r.relations), i, e)
		setHeld(rel.Subject, append(held(rel.Subject), heldRelation{resource: rel.Resource, role: e.role, hash: out.hash(rel.Resource), expires: e.expires}))
		out.relations++
		countRole(e.role, +1)
		if e.expires != 0 {
			out.expiring++
		}
	}
	for _, link := range c.AddParents {
		parentName := link.Parent
		if parent := out.resource(link.Parent); parent != nil {
			parentName = parent.name
		}
		child := edit(link.Resource)
		child.parent, child.parentHash = parentName, out.hash(link.Parent)
		children := out.children[link.Parent]
		i, _ := slices.BinarySearch(children, link.Resource)
		out.children[link.Parent] = slices.Insert(slices.Clone(children), i, link.Resource)
		countChild(link.Resource, +1)
		out.parents++
	}
	for name, r := range copied {
		hash := out.hash(name)
		s := &out.resources[hash%shardCount]
		if r.empty() {
			s.remove(out.hash, hash, name)
		} else {
			s.set(hash, r)
		}
	}
	return &out
}

// policy returns the relations and parents ix holds: relations in the
// order they were added, parents by resource.
func (ix *relationIndex) policy() (relations []Relation, parents []ResourceParent) {
	type numbered struct {
		seq uint64
		rel Relation
	}
	var all []numbered
	for i := range ix.resources {
		ix.resources[i].each(func(r *resourceRecord) {
			for _, e := range r.relations {
				all = append(all, numbered{e.seq, Relation{Subject: e.subject, Role: e.role, Resource: r.name, Expires: unixExpiry(e.expires)}})
			}
			if r.parent != "" {
				parents = append(parents, ResourceParent{Resource: r.name, Parent: r.parent})
			}
		})
	}
	slices.SortFunc(all, func(a, b numbered) int { return cmp.Compare(a.seq, b.seq) })
	for _, n := range all {
		relations = append(relations, n.rel)
	}
	slices.SortFunc(parents, func(a, b ResourceParent) int { return strings.Compare(a.Resource, b.Resource) })
	return relations, parents
}

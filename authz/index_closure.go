package authz

import (
	"cmp"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Role closures resolve ahead of decisions what each role grants together
// with every role it inherits, under a model without tenants. A subject
// that has no grant of its own — nearly every user — is then decided from
// its record and the closure of each role it holds: a few reads of memory
// however deep the hierarchy and however large the policy, instead of a
// walk over the record of every role on the way up.
//
// A closure is kept per role, not per subject: an edit to a role that
// millions of users hold recomputes the closures of the roles that inherit
// it, never touches a user.

// idPool hands out ids from 1: small numbers, reused once free, so that
// what they name is found by position in a slice — a role's closure, a
// grant a closure refers to. It is a value that never writes to memory it
// may share with an earlier index.
type idPool struct {
	// last is the highest id handed out.
	last uint32
	free []uint32
}

// take returns an id nobody uses.
func (r *idPool) take() uint32 {
	if n := len(r.free); n > 0 {
		id := r.free[n-1]
		r.free = r.free[: n-1 : n-1]
		return id
	}
	r.last++
	return r.last
}

// give makes id free.
func (r *idPool) give(id uint32) { r.free = append(slices.Clip(r.free), id) }

// roleID returns role's id, 0 when nobody holds role.
func (ix *index) roleID(role string) uint32 {
	return ix.members[ix.hash(role)%shardCount][role].id
}

// roleClosure is what one role grants with the roles it inherits, as a
// decision reads it: one cache line, holding no pointer, for most roles.
// What edits need of a role is apart, in its roleInfo. Without pointers,
// the closures of a hundred thousand roles are copied by an edit as plain
// memory, and the garbage collector never reads them.
type roleClosure struct {
	// timed is set when a line the closure was made from expires: its
	// holders are then decided by the walk, which reads the clock.
	timed bool
	// wildcards is set when an entry is a wildcard's: without, a decision
	// looks its permission up alone.
	wildcards bool
	// n is how many of inline are entries, or manyEntries when they are
	// more than closureInline, in the role's roleInfo.
	n      uint8
	inline [closureInline]closureEntry
}

// closureFilter is what a decision needs to know of a closure to tell that
// none of its entries can match: for each entry a bit chosen by the hash of
// its key (a permission, or the resource of a wildcard), and every bit
// (mustRead) when the closure has wildcards or is timed. A request whose
// permission's bit is clear learns from eight bytes that the role grants
// nothing for it, without reading the closure or looking up the
// permission's id; another reads the closure. At a million lines the
// filters of ninety thousand roles take 700 KiB, which stays in a core's
// cache where their closures (5.6 MiB) do not.
type closureFilter uint64

// mustRead is the filter that sends every decision to the closure: it has
// wildcards, whose resource is looked up apart, or is timed.
const mustRead = ^closureFilter(0)

// keyBit is the bit in a closureFilter of the key whose hash is hash.
func keyBit(hash uint64) closureFilter { return 1 << (hash >> 58) }

// closureInline is how many entries a closure holds in itself: a role
// with a grant or two, inheriting a chain of two or three such roles, as
// most roles are.
const closureInline = 3

// manyEntries is roleClosure.n for a closure of more than closureInline
// entries.
const manyEntries = 255

// roleInfo is what the index knows of a role by its id, beside its
// closure.
type roleInfo struct {
	// name is the role's name; hash its hash.
	name string
	hash uint64
	// entries are the closure's entries, sorted by key, when there are
	// more than closureInline.
	entries []closureEntry
}

// closureEntry is what the grants under one key (see indexedGrant) come
// to: the first deny and the first allow in policy order, among the
// grants of scope any and among those of scope own, each by its ref in
// the index's grantAt (0 for none).
type closureEntry struct {
	// key is the id of the grants' key (see grantKeys): a permission, or
	// a resource for a wildcard, which no permission can be.
	key                                  uint32
	anyDeny, anyAllow, ownDeny, ownAllow uint32
}

// grantKeys are the ids of the keys of grants, from 1, so that a closure
// compares numbers: a permission ("posts:read") or the resource of a
// wildcard ("posts"). An id is never taken back; the index is made
// afresh on every load. It is a value that never writes to memory it may
// share with an earlier index.
type grantKeys struct {
	ids  map[string]uint32
	last uint32
}

// with returns k with key, copying its map when owned is false and key is
// new.
func (k grantKeys) with(key string, owned bool) grantKeys {
	if _, ok := k.ids[key]; ok {
		return k
	}
	if !owned || k.ids == nil {
		k.ids = cloneMap(k.ids)
	}
	k.last++
	k.ids[key] = k.last
	return k
}

// closure works out the closure of role from ix's records, and its
// filter.
func (ix *index) closure(role string) (roleClosure, *roleInfo, closureFilter) {
	var c roleClosure
	var f closureFilter
	info := &roleInfo{name: role, hash: ix.hash(role)}
	var buf [holdersBuffer]holder
	holders, timed := ix.holdersWithin(role, MaxRoleDepth-1, buf[:0])
	c.timed = timed
	var grantsBuf [2 * holdersBuffer]*indexedGrant
	grants := grantsBuf[:0]
	for _, h := range holders {
		for i, g := range h.rec.grants() {
			if g.expires != 0 {
				c.timed = true
			}
			grants = append(grants, &h.rec.rules.grants[i])
		}
	}
	slices.SortFunc(grants, func(a, b *indexedGrant) int { return compareGrantKey(*a, b.key, b.wildcard) })
	var entriesBuf [closureInline]closureEntry
	entries := entriesBuf[:0]
	for i := 0; i < len(grants); {
		first := grants[i]
		var anyDeny, anyAllow, ownDeny, ownAllow *indexedGrant
		for ; i < len(grants) && grants[i].key == first.key && grants[i].wildcard == first.wildcard; i++ {
			g := grants[i]
			switch {
			case g.grant.Scope == permissions.Own && g.grant.Effect == Deny:
				ownDeny = earlier(ownDeny, g)
			case g.grant.Scope == permissions.Own:
				ownAllow = earlier(ownAllow, g)
			case g.grant.Effect == Deny:
				anyDeny = earlier(anyDeny, g)
			default:
				anyAllow = earlier(anyAllow, g)
			}
		}
		entries = append(entries, closureEntry{key: first.keyID, anyDeny: refOf(anyDeny), anyAllow: refOf(anyAllow), ownDeny: refOf(ownDeny), ownAllow: refOf(ownAllow)})
		c.wildcards = c.wildcards || first.wildcard
		f |= keyBit(ix.hash(first.key))
	}
	if c.timed || c.wildcards {
		f |= mustRead
	}
	slices.SortFunc(entries, func(a, b closureEntry) int { return cmp.Compare(a.key, b.key) })
	if len(entries) > closureInline {
		c.n, info.entries = manyEntries, slices.Clone(entries)
	} else {
		c.n = uint8(copy(c.inline[:], entries))
	}
	return c, info, f
}

// refOf returns g's ref, 0 for nil.
func refOf(g *indexedGrant) uint32 {
	if g == nil {
		return 0
	}
	return g.ref
}

// earlier returns the one of a and b that comes first in policy order; a
// may be nil.
func earlier(a, b *indexedGrant) *indexedGrant {
	if a == nil || b.seq < a.seq {
		return b
	}
	return a
}

// holdersWithin is holders for a role under a model without tenants,
// whatever the time, within depth assignments; timed reports whether an
// assignment it followed expires.
func (ix *index) holdersWithin(role string, depth int, out []holder) (_ []holder, timed bool) {
	out = append(out, ix.holder(ix.hash(role), role))
	for level, start := 0, 0; level < depth && start < len(out); level++ {
		end := len(out)
		for i := start; i < end; i++ {
			rec := &out[i].rec
			for k := range rec.parentCount() {
				p := rec.parent(k)
				if p.expires != 0 {
					timed = true
				}
				if !slices.ContainsFunc(out, func(h holder) bool { return h.name == p.role }) {
					out = append(out, ix.holder(p.roleHash, p.role))
				}
			}
		}
		start = end
	}
	return out, timed
}

// nameRoles makes the roles' infos, each with its role's name only, so
// that plain records can be read while the index is built.
func (ix *index) nameRoles() {
	ix.closures = make([]roleClosure, ix.roleIDs.last+1)
	ix.roles = make([]*roleInfo, ix.roleIDs.last+1)
	ix.filters = make([]closureFilter, ix.roleIDs.last+1)
	for i := range ix.members {
		for name, r := range ix.members[i] {
			ix.roles[r.id] = &roleInfo{name: name, hash: ix.hash(name)}
		}
	}
}

// buildClosures works out the closure of every role, once the records
// are built (see nameRoles).
func (ix *index) buildClosures() {
	inParallel(func(half int) {
		for i := half * shardCount / 2; i < (half+1)*shardCount/2; i++ {
			for name, r := range ix.members[i] {
				ix.closures[r.id], ix.roles[r.id], ix.filters[r.id] = ix.closure(name)
			}
		}
	})
}

// updateClosures brings the closures ix shares with old, the index it
// was made from by applying c, up to date: those of the roles given an id
// (taken, by name) are made, those of the roles left without members
// (freed) dropped, and those that reach a name whose grants or roles c
// changed made again.
func (ix *index) updateClosures(old *index, c Change, freed []uint32, taken []string) {
	var marked []uint32
	mark := func(id uint32) {
		if id != 0 {
			marked = append(marked, id)
		}
	}
	for _, g := range c.RemoveGrants {
		mark(old.roleID(g.Subject))
	}
	for _, g := range c.AddGrants {
		mark(old.roleID(g.Subject))
	}
	for _, a := range c.RemoveRoles {
		mark(old.roleID(a.Member))
	}
	for _, a := range c.AddRoles {
		mark(old.roleID(a.Member))
	}
	for _, id := range freed {
		mark(id)
	}
	redo := old.reaching(marked)
	if len(redo)+len(freed)+len(taken) == 0 {
		return
	}
	size := max(len(old.roles), int(ix.roleIDs.last)+1)
	closures, roles, filters := make([]roleClosure, size), make([]*roleInfo, size), make([]closureFilter, size)
	// Each half of the ids on a goroutine of its own: copied, and made
	// again where they reach the edit. An edit to a role that a tenth of
	// a million users inherit remakes thousands of closures.
	inParallel(func(half int) {
		from, to := half*len(old.roles)/2, (half+1)*len(old.roles)/2
		copy(closures[from:to], old.closures[from:to])
		copy(roles[from:to], old.roles[from:to])
		copy(filters[from:to], old.filters[from:to])
		for _, id := range redo {
			if int(id) >= from && int(id) < to && roles[id] != nil {
				closures[id], roles[id], filters[id] = ix.closure(roles[id].name)
			}
		}
	})
	for _, id := range freed {
		closures[id], roles[id], filters[id] = roleClosure{}, nil, 0
	}
	for _, role := range taken {
		id := ix.roleID(role)
		closures[id], roles[id], filters[id] = ix.closure(role)
	}
	ix.closures, ix.roles, ix.filters = closures, roles, filters
}

// reaching returns the ids of the roles whose closures in ix hold the
// grants of a role of ids: each of them, and every role that inherits one
// within MaxRoleDepth-1 assignments, once. They are found down from ids,
// through the roles among each one's members, so that an edit to a role
// reads the roles below it, not the closures of all.
func (ix *index) reaching(ids []uint32) []uint32 {
	if len(ids) == 0 {
		return nil
	}
	seen := make([]uint64, len(ix.roles)/64+1)
	var out, next []uint32
	level := ids
	for depth := 0; len(level) > 0; depth++ {
		next = next[:0]
		for _, id := range level {
			if int(id) >= len(ix.roles) || ix.roles[id] == nil || seen[id/64]&(1<<(id%64)) != 0 {
				continue
			}
			seen[id/64] |= 1 << (id % 64)
			out = append(out, id)
			if depth == MaxRoleDepth-1 {
				continue
			}
			for _, member := range ix.roleMembers(ix.roles[id].name) {
				next = append(next, ix.roleID(member))
			}
		}
		level = append(level[:0:0], next...)
	}
	return out
}

// entry returns the entry for key of the closure of the role whose id is
// id, nil for none.
func (ix *index) entry(id uint32, c *roleClosure, key uint32) *closureEntry {
	if c.n != manyEntries {
		for i := range c.inline[:c.n] {
			if e := &c.inline[i]; e.key == key {
				return e
			}
		}
		return nil
	}
	entries := ix.roles[id].entries
	if i, ok := slices.BinarySearchFunc(entries, key, func(e closureEntry, k uint32) int { return cmp.Compare(e.key, k) }); ok {
		return &entries[i]
	}
	return nil
}

// closureDecision gathers, from the closures of the roles a subject
// holds, the first matching deny and allow in policy order.
type closureDecision struct {
	ix   *index
	perm permissions.Permission
	own  bool
	// keyBit is the permission's bit in a closureFilter.
	keyBit closureFilter
	// key and resource are the ids of the permission and of its
	// resource (see grantKeys), 0 for one no grant names; each is looked
	// up when a closure first needs it (keyKnown, resourceKnown).
	key, resource           uint32
	keyKnown, resourceKnown bool
	deny, allow             *indexedGrant
}

func (ix *index) newClosureDecision(perm permissions.Permission, own bool) closureDecision {
	return closureDecision{ix: ix, perm: perm, own: own, keyBit: keyBit(ix.hash(string(perm)))}
}

// add takes the closure of the role whose id is id; false when it is
// timed, and the walk must decide.
func (d *closureDecision) add(id uint32) bool {
	if d.ix.filters[id]&d.keyBit == 0 {
		return true // no entry under the key, no wildcard, nothing timed
	}
	c := &d.ix.closures[id]
	if c.timed {
		return false
	}
	if !d.keyKnown {
		d.key, d.keyKnown = d.ix.keys.ids[string(d.perm)], true
	}
	if d.key != 0 {
		d.take(d.ix.entry(id, c, d.key))
	}
	if c.wildcards {
		if !d.resourceKnown {
			d.resource, d.resourceKnown = d.ix.keys.ids[d.perm.Resource()], true
		}
		if d.resource != 0 {
			d.take(d.ix.entry(id, c, d.resource))
		}
	}
	return true
}

// take takes the grants of e, nil for none.
func (d *closureDecision) take(e *closureEntry) {
	if e != nil {
		at := d.ix.grantAt
		if e.anyDeny != 0 {
			d.deny = earlier(d.deny, at[e.anyDeny])
		}
		if e.anyAllow != 0 {
			d.allow = earlier(d.allow, at[e.anyAllow])
		}
		if d.own && e.ownDeny != 0 {
			d.deny = earlier(d.deny, at[e.ownDeny])
		}
		if d.own && e.ownAllow != 0 {
			d.allow = earlier(d.allow, at[e.ownAllow])
		}
	}
}

// result is the decision: the first deny, else the first allow; rule is
// nil when none matched.
func (d *closureDecision) result() (allowed bool, rule *indexedGrant) {
	switch {
	case d.deny != nil:
		return false, d.deny
	case d.allow != nil:
		return true, d.allow
	}
	return false, nil
}

// decideByClosures decides for a subject whose record is rec, who has no
// grant of its own, from the closures of the roles it holds; ok is false
// when one of them is timed, and the walk must decide.
func (ix *index) decideByClosures(rec *holderRecord, perm permissions.Permission, own bool, now int64) (allowed bool, rule *indexedGrant, ok bool) {
	d := ix.newClosureDecision(perm, own)
	take := func(p *parentLink) bool {
		return !live(p.expires, now) || d.add(p.roleID)
	}
	if rec.firstParent.role != "" {
		if !take(&rec.firstParent) {
			return false, nil, false
		}
		if rec.secondParent.role != "" && !take(&rec.secondParent) {
			return false, nil, false
		}
		for i := range rec.moreParents {
			if !take(&rec.moreParents[i]) {
				return false, nil, false
			}
		}
	}
	allowed, rule = d.result()
	return allowed, rule, true
}

// decidePlain is decideByClosures for a plain record.
func (ix *index) decidePlain(p *plainRecord, perm permissions.Permission, own bool) (allowed bool, rule *indexedGrant, ok bool) {
	d := ix.newClosureDecision(perm, own)
	if !d.add(p.first) || p.second != 0 && !d.add(p.second) {
		return false, nil, false
	}
	allowed, rule = d.result()
	return allowed, rule, true
}

// plainOf returns h, the record of name, as a plainRecord when it fits
// one (see plainRecord).
func (ix *index) plainOf(name string, h *holderRecord) (plainRecord, bool) {
	packed, ok := packPlain(name)
	if !ok || ix.closures == nil || h.rules != nil || h.moreParents != nil || h.firstParent.role == "" || ix.memberCount(name) > 0 {
		return plainRecord{}, false
	}
	plainLink := func(l *parentLink) bool { return l.tenant == "" && l.expires == 0 && l.roleID != 0 }
	if !plainLink(&h.firstParent) || h.secondParent.role != "" && !plainLink(&h.secondParent) {
		return plainRecord{}, false
	}
	return plainRecord{name: packed, first: h.firstParent.roleID, second: h.secondParent.roleID}, true
}

// expand returns p, the plain record of name, in the shape of the others.
func (ix *index) expand(name string, p *plainRecord) holderRecord {
	h := holderRecord{name: name, shortName: pack(name), firstParent: ix.linkTo(p.first)}
	if p.second != 0 {
		h.secondParent = ix.linkTo(p.second)
	}
	return h
}

// linkTo returns the link, without a tenant or an expiry, to the role
// whose id is id.
func (ix *index) linkTo(id uint32) parentLink {
	r := ix.roles[id]
	return parentLink{role: r.name, roleHash: r.hash, roleID: id}
}

// place stores h as the record of name, whose hash is hash, in s: plain
// when it fits.
func (ix *index) place(s *shard, hash uint64, name string, h *holderRecord) {
	if p, ok := ix.plainOf(name, h); ok && s.setPlain(hash, name, p, ix.hash) {
		return
	}
	s.set(hash, name, *h)
}

// sameClosures reports how ix's closures differ from those made afresh
// from its records, "" when they do not: a test's check that edits keep
// them up to date.
func (ix *index) sameClosures() string {
	if ix.closures == nil {
		return ""
	}
	var diffs strings.Builder
	for i := range ix.members {
		for name, r := range ix.members[i] {
			if int(r.id) >= len(ix.closures) {
				diffs.WriteString("no closure for " + name + "\n")
				continue
			}
			got, gotInfo := ix.closures[r.id], ix.roles[r.id]
			want, wantInfo, wantFilter := ix.closure(name)
			if ix.filters[r.id] != wantFilter {
				diffs.WriteString("stale filter of " + name + "\n")
			}
			// The ids the links carry, the grants' key ids and refs, are
			// the ones the names and grants have.
			holders, _ := ix.holdersWithin(name, MaxRoleDepth-1, nil)
			for _, h := range holders {
				for _, l := range h.rec.parents() {
					if l.roleID != ix.roleID(l.role) {
						diffs.WriteString("stale role id in a link of " + h.name + "\n")
					}
				}
				for i, g := range h.rec.grants() {
					if g.keyID != ix.keys.ids[g.key] {
						diffs.WriteString("stale key id of a grant of " + h.name + "\n")
					}
					if g.ref == 0 || int(g.ref) >= len(ix.grantAt) || ix.grantAt[g.ref] != &h.rec.rules.grants[i] {
						diffs.WriteString("stale ref of a grant of " + h.name + "\n")
					}
				}
			}
			if got.timed != want.timed || got.wildcards != want.wildcards || got.n != want.n || got.inline != want.inline ||
				gotInfo.name != wantInfo.name || gotInfo.hash != wantInfo.hash || !slices.EqualFunc(gotInfo.entries, wantInfo.entries, sameEntry) {
				diffs.WriteString("stale closure of " + name + "\n")
			}
		}
	}
	return diffs.String()
}

func sameEntry(a, b closureEntry) bool { return a == b }

package authz

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unique"

	"github.com/casbin/casbin/v2/model"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The decision index answers a request with a few reads of memory instead
// of Casbin's scan of every policy line, for models whose matcher is
// gatehouse's own (see indexable); it is then the engine's only copy of the
// policy. It keeps one record per holder (a subject or a role): its grants
// by permission and by wildcard resource, and the roles it holds directly —
// a plain record for most users (index_shard.go) — and, per role, its
// members and its closure (index_closure.go). It is immutable: an edit
// builds a new index that shares every shard and record it does not touch,
// and swaps it in atomically, so decisions never wait for edits and never
// see half of one.

// shardCount spreads the records so that an edit copies one small shard,
// not a whole policy: 100,000 rules make shards of a few hundred records.
const shardCount = 256

// indexedGrant is a grant with its position in the policy: when several
// match, Casbin explains a decision by the first in policy order, and so
// does the index.
type indexedGrant struct {
	seq uint64
	// tenantHash is the hash of grant.Tenant with the index's seed: grants
	// are sorted by it first, so that finding a tenant's grants among
	// thousands compares numbers, not names that share their first bytes.
	tenantHash uint64
	grant      Grant
	// key is where the grant is found within its tenant: its permission, or
	// its resource for a wildcard ("posts" for "posts:*"), so a lookup
	// builds no string.
	key      string
	wildcard bool
	// keyID is the id of key (see grantKeys), which closures hold.
	keyID uint32
	// ref finds the grant in the index's grantAt, where closures refer to
	// it; 0 under a model with tenants.
	ref uint32
	// expires is grant.Expires in Unix seconds, 0 for never.
	expires int64
}

// newIndexedGrant returns g as the index holds it, its tenant and key
// made the one copy every record shares with name (intern, or a cache of
// it while an index is built).
func newIndexedGrant(seed maphash.Seed, seq uint64, g Grant, name func(string) string) indexedGrant {
	g.Tenant = name(g.Tenant)
	e := indexedGrant{seq: seq, tenantHash: maphash.String(seed, g.Tenant), grant: g, key: name(string(g.Permission)), expires: expiryUnix(g.Expires)}
	if g.Permission.IsWildcard() {
		e.key, e.wildcard = name(g.Permission.Resource()), true
	}
	return e
}

// parentLink is a role its holder holds directly, and the tenant it holds
// it in ("" under a model without tenants).
type parentLink struct {
	role, tenant string
	// roleHash is the hash of role, which finds its record.
	roleHash uint64
	// expires is when the holder stops holding role, in Unix seconds; 0
	// for never.
	expires int64
	// roleID is role's id (see roleEntry), which finds its closure.
	roleID uint32
}

func (ix *index) newParentLink(a RoleAssignment) parentLink {
	return parentLink{role: intern(a.Role), tenant: intern(a.Tenant), roleHash: ix.hash(a.Role), expires: expiryUnix(a.Expires), roleID: ix.roleID(a.Role)}
}

// intern returns the one copy of s that every record of every index
// shares. Roles and tenants are few and named on many lines: a decision
// then reads one copy of each name, likely in cache, instead of the copy
// of the line it was found on, and comparing two names that are one copy
// stops at their address. The copies are dropped when no index uses them.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// holderName is name as the key of its record: shared with its role links
// when it is a role, as it is; users, by far the most names, are not
// interned, which would cost memory and find nothing to share.
func (ix *index) holderName(name string) string {
	if ix.memberCount(name) > 0 {
		return intern(name)
	}
	return name
}

// holderRecord is everything decisions need to know about one name, stored
// by value in its shard so that a decision touches as little memory as it
// can: records are few words, and most holders have one or two grants.
type holderRecord struct {
	// name is the holder's name; shortName its bytes, when it has at most
	// shortName (see named).
	name      string
	shortName [shortName]byte
	// The roles the holder holds directly (parents) are sorted by tenant
	// and, within a tenant, in the order they were assigned. The first two
	// are kept in the record itself: most names are users who hold a role
	// or two (a base role and a team), and a decision then finds them
	// without reading more memory.
	firstParent  parentLink   // the zero link when the holder holds no role
	secondParent parentLink   // the zero link when it holds one
	moreParents  []parentLink // the others
	// rules are the holder's grants, nil for the users who have none.
	rules *holderGrants
}

// holderGrants are the grants of one holder.
type holderGrants struct {
	// grants are sorted by tenant (its hash, then its name), then by key:
	// the permission for a grant of one action ("posts:read"), the
	// resource for a wildcard ("posts" for "posts:*"), so a lookup builds
	// no string; then in policy order.
	grants []indexedGrant
	// tenants finds the run of grants of one tenant without a search
	// among them, for a holder whose grants span more than scanLimit
	// tenants (a role given a grant or two in each of thousands of
	// tenants): an open-addressed table of the runs by tenant hash, whose
	// size is a power of two at least twice their number. Nil otherwise.
	tenants []tenantRun
}

// parentCount returns how many roles h holds directly.
func (h *holderRecord) parentCount() int {
	switch {
	case h.firstParent.role == "":
		return 0
	case h.secondParent.role == "":
		return 1
	}
	return 2 + len(h.moreParents)
}

// parent returns the kth role h holds directly, where h keeps it, for k
// below parentCount: parents without a slice of their own.
func (h *holderRecord) parent(k int) *parentLink {
	switch k {
	case 0:
		return &h.firstParent
	case 1:
		return &h.secondParent
	}
	return &h.moreParents[k-2]
}

// parents returns the roles h holds directly, in a slice of their own.
func (h *holderRecord) parents() []parentLink {
	if h.firstParent.role == "" {
		return nil
	}
	out := []parentLink{h.firstParent}
	if h.secondParent.role != "" {
		out = append(out, h.secondParent)
	}
	return append(out, h.moreParents...)
}

// setParents makes parents, sorted, the roles h holds directly.
func (h *holderRecord) setParents(parents []parentLink) {
	h.firstParent, h.secondParent, h.moreParents = parentLink{}, parentLink{}, nil
	if len(parents) > 0 {
		h.firstParent = parents[0]
	}
	if len(parents) > 1 {
		h.secondParent = parents[1]
	}
	if len(parents) > 2 {
		h.moreParents = slices.Clip(parents[2:])
	}
}

// grants returns h's grants; they are shared, not to be changed.
func (h *holderRecord) grants() []indexedGrant {
	if h.rules == nil {
		return nil
	}
	return h.rules.grants
}

// setGrants makes grants, sorted and not shared, h's grants.
func (h *holderRecord) setGrants(grants []indexedGrant) {
	h.rules = nil
	if len(grants) > 0 {
		h.rules = &holderGrants{grants: slices.Clip(grants)}
		h.rules.index()
	}
}

// tenantRun is where one tenant's grants are in a holder's grants, in its
// tenant table; the zero tenantRun is an empty slot.
type tenantRun struct {
	hash       uint64
	start, end uint32
}

// index builds h's tenant table from its sorted grants, when they span
// enough tenants to need one.
func (h *holderGrants) index() {
	h.tenants = nil
	runs := 0
	for i := range h.grants {
		if i == 0 || compareTenant(h.grants[i], tenantKey{h.grants[i-1].tenantHash, h.grants[i-1].grant.Tenant}) != 0 {
			runs++
		}
	}
	if runs <= scanLimit {
		return
	}
	size := 1
	for size < 2*runs {
		size *= 2
	}
	table := make([]tenantRun, size)
	mask := uint64(size - 1)
	for start := 0; start < len(h.grants); {
		first := h.grants[start]
		end := start + 1
		for end < len(h.grants) && compareTenant(h.grants[end], tenantKey{first.tenantHash, first.grant.Tenant}) == 0 {
			end++
		}
		i := first.tenantHash & mask
		for table[i].end != 0 {
			i = (i + 1) & mask
		}
		table[i] = tenantRun{hash: first.tenantHash, start: uint32(start), end: uint32(end)}
		start = end
	}
	h.tenants = table
}

// grantsIn returns the run of h's grants made in tenant t.
func (h *holderGrants) grantsIn(t tenantKey) []indexedGrant {
	if h.tenants != nil {
		mask := uint64(len(h.tenants) - 1)
		for i := t.hash & mask; ; i = (i + 1) & mask {
			r := h.tenants[i]
			if r.end == 0 {
				return nil
			}
			if r.hash == t.hash && h.grants[r.start].grant.Tenant == t.name {
				return h.grants[r.start:r.end]
			}
		}
	}
	return run(h.grants, func(e *indexedGrant) bool { return e.tenantHash == t.hash && e.grant.Tenant == t.name },
		func(e indexedGrant) int { return compareTenant(e, t) })
}

// run returns the run of sorted whose elements are equal, the run compare
// finds (0 within it, negative before it); short lists, the most, are
// scanned with the cheaper test equal.
func run[E any](sorted []E, equal func(*E) bool, compare func(E) int) []E {
	start := 0
	if len(sorted) > scanLimit {
		start, _ = slices.BinarySearchFunc(sorted, 0, func(e E, _ int) int { return compare(e) })
	} else {
		for start < len(sorted) && !equal(&sorted[start]) {
			start++
		}
	}
	end := start
	for end < len(sorted) && equal(&sorted[end]) {
		end++
	}
	return sorted[start:end]
}

func (h *holderRecord) empty() bool { return h.firstParent.role == "" && h.rules == nil }

// Edits build new slices: the old ones are shared with the index they were
// made from.

// add inserts e, keeping grants sorted.
func (h *holderRecord) add(e indexedGrant) {
	grants := slices.Clone(h.grants())
	i, _ := slices.BinarySearchFunc(grants, e, compareGrants)
	h.setGrants(slices.Insert(grants, i, e))
}

// remove removes g, whatever its expiry, and returns the refs of the
// grants it removed (see indexedGrant.ref).
func (h *holderRecord) remove(g Grant) (refs []uint32) {
	g = g.key()
	h.setGrants(slices.DeleteFunc(slices.Clone(h.grants()), func(e indexedGrant) bool {
		if e.grant.key() == g {
			refs = append(refs, e.ref)
			return true
		}
		return false
	}))
	return refs
}

// addParent inserts p after the links of its tenant.
func (h *holderRecord) addParent(p parentLink) {
	parents := h.parents()
	i, _ := slices.BinarySearchFunc(parents, p.tenant, func(l parentLink, t string) int {
		if l.tenant <= t {
			return -1
		}
		return 1
	})
	h.setParents(slices.Insert(parents, i, p))
}

// removeParent removes the link to role in tenant.
func (h *holderRecord) removeParent(role, tenant string) {
	h.setParents(slices.DeleteFunc(h.parents(), func(l parentLink) bool { return l.role == role && l.tenant == tenant }))
}

func compareGrants(a, b indexedGrant) int {
	if c := compareKey(a, tenantKey{b.tenantHash, b.grant.Tenant}, b.key, b.wildcard); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// tenantKey is a tenant with its hash under the index's seed.
type tenantKey struct {
	hash uint64
	name string
}

// compareTenant orders e's tenant against t.
func compareTenant(e indexedGrant, t tenantKey) int {
	if c := cmp.Compare(e.tenantHash, t.hash); c != 0 {
		return c
	}
	return strings.Compare(e.grant.Tenant, t.name)
}

// compareKey orders e's tenant and key against (t, key, wildcard).
func compareKey(e indexedGrant, t tenantKey, key string, wildcard bool) int {
	if c := compareTenant(e, t); c != 0 {
		return c
	}
	return compareGrantKey(e, key, wildcard)
}

// compareGrantKey orders e's key against (key, wildcard), within a tenant.
func compareGrantKey(e indexedGrant, key string, wildcard bool) int {
	if c := strings.Compare(e.key, key); c != 0 {
		return c
	}
	switch {
	case e.wildcard == wildcard:
		return 0
	case e.wildcard:
		return 1
	}
	return -1
}

type index struct {
	seed maphash.Seed
	// tenanted is set under a model with tenants.
	tenanted bool
	shards   [shardCount]shard
	// members counts, per role, the names that hold it directly, in any
	// tenant: a name with members is a role (Engine.IsRole), and has an
	// id. Apart from the records, so that decisions, which do not read it,
	// touch less memory.
	members [shardCount]map[string]roleEntry
	// roleIDs hands out the ids of roles.
	roleIDs idPool
	// nextRoleSeq is the place in the policy's order of the next role
	// assignment (see memberLink).
	nextRoleSeq uint64
	// closures are what each role grants with the roles it inherits, and
	// roles the rest of what the index knows of each role, by role id,
	// under a model without tenants (see roleClosure); nil under one with
	// tenants. A role's info is held by pointer, nil for an id nobody
	// uses, so that an edit that makes closures again copies a word for
	// each role, not its info.
	closures []roleClosure
	roles    []*roleInfo
	// grantAt holds, by ref, the grants of roles that closures refer to,
	// where their records hold them; grantIDs hands out the refs. Nil
	// under a model with tenants.
	grantAt  []*indexedGrant
	grantIDs idPool
	// filters summarize the closures, by role id (see closureFilter): from
	// a word per role a decision tells that the role grants nothing for
	// its permission without reading the closure.
	filters []closureFilter
	// keys are the ids of the keys of grants, which closures hold.
	keys grantKeys
	// rel holds the relations and resource parents; nil while the policy
	// has none, so that decisions about a resource cost nothing more.
	rel *relationIndex
	// expiring counts the grants and role assignments that expire: while
	// there are none, decisions do not read the clock.
	expiring int
	// grantees are the holders of grants by resource type, for the
	// reverse queries.
	grantees grantees
	// lazy holds what the reverse queries work out from the index when
	// first asked; every new index starts a new one.
	lazy *lazyIndex
}

// lazyIndex is what is worked out from an index when first needed.
type lazyIndex struct {
	once       sync.Once
	inheritors map[string][]string
}

// clocked reports whether decisions need the time: some line may expire.
func (ix *index) clocked() bool { return ix.expiring > 0 || ix.rel != nil && ix.rel.expiring > 0 }

// memberCount returns how many names hold name directly.
func (ix *index) memberCount(name string) int {
	return ix.members[ix.hash(name)%shardCount][name].count
}

// hash is the hash of name, which finds its record.
func (ix *index) hash(name string) uint64 { return maphash.String(ix.seed, name) }

// record returns the record of name.
func (ix *index) record(name string) (holderRecord, bool) {
	return ix.recordOf(ix.hash(name), name)
}

// recordOf returns the record of name, whose hash is hash: a copy of a
// plain one's in the shape of the others'.
func (ix *index) recordOf(hash uint64, name string) (holderRecord, bool) {
	s := &ix.shards[hash%shardCount]
	if h := s.find(hash, name); h != nil {
		return *h, true
	}
	if p := s.findPlain(hash, name); p != nil {
		return ix.expand(name, p), true
	}
	return holderRecord{}, false
}

// buildIndex indexes a whole policy; grants are numbered in policy order.
//
// It reads each line's names as few times as it can — a role or a tenant
// is looked up once per line, and a member once — and builds the records
// and closures on two goroutines, each with half of the shards or of the
// roles: a million lines load in a second or two.
func buildIndex(p Policy, tenanted bool) *index {
	ix := &index{seed: maphash.MakeSeed(), tenanted: tenanted, lazy: &lazyIndex{}, nextRoleSeq: uint64(len(p.Roles))}
	for i := range ix.shards {
		ix.shards[i] = newShard()
	}
	// Roles and tenants are few and named on many lines: each is hashed
	// once, and its first copy is the one every record shares.
	type role struct {
		entry roleEntry
		name  string
		hash  uint64
	}
	roles := map[string]*role{}
	// canonical returns the first copy of a tenant or a role's name.
	names := map[string]string{}
	canonical := func(s string) string {
		if s == "" {
			return ""
		}
		c, ok := names[s]
		if !ok {
			c = s
			if r := roles[s]; r != nil {
				c = r.name
			}
			names[s] = c
		}
		return c
	}
	// lineRole is the role of each assignment.
	lineRole := make([]*role, len(p.Roles))
	for i, a := range p.Roles {
		r := roles[a.Role]
		if r == nil {
			r = &role{name: a.Role, hash: ix.hash(a.Role)}
			r.entry.id = ix.roleIDs.take()
			roles[a.Role] = r
		}
		r.entry.count++
		r.entry.list = r.entry.list.with(memberLink{a.Member, canonical(a.Tenant), uint64(i)}, true)
		lineRole[i] = r
		if !a.Expires.IsZero() {
			ix.expiring++
		}
	}
	// memberRole is the role each assignment's member is, nil for a name
	// nobody holds.
	memberRole := make([]*role, len(p.Roles))
	for i, a := range p.Roles {
		if m := roles[a.Member]; m != nil {
			memberRole[i] = m
			lineRole[i].entry.roles = append(lineRole[i].entry.roles, m.name)
		}
	}
	for i := range ix.members {
		ix.members[i] = map[string]roleEntry{}
	}
	for name, r := range roles {
		ix.members[r.hash%shardCount][name] = r.entry
	}
	ix.grantees = grantees{}
	copied := map[any]bool{}
	for _, g := range p.Grants {
		if !g.Expires.IsZero() {
			ix.expiring++
		}
		ix.grantees.count(ix.seed, g, +1, copied)
	}
	// While building, a record's rules and moreParents are its own, and
	// moreParents holds every parent, in policy order.
	for i, g := range p.Grants {
		g.Tenant = canonical(g.Tenant)
		name := g.Subject
		if r := roles[name]; r != nil {
			name = r.name
		}
		hash := ix.hash(name)
		s := &ix.shards[hash%shardCount]
		h := s.find(hash, name)
		if h == nil {
			s.set(hash, name, holderRecord{rules: &holderGrants{}})
			h = s.find(hash, name)
		} else if h.rules == nil {
			h.rules = &holderGrants{}
		}
		e := newIndexedGrant(ix.seed, uint64(i), g, canonical)
		ix.keys = ix.keys.with(e.key, true)
		e.keyID = ix.keys.ids[e.key]
		h.rules.grants = append(h.rules.grants, e)
	}
	if !tenanted {
		ix.nameRoles()
	}
	tenants := make([]string, len(p.Roles))
	for i, a := range p.Roles {
		tenants[i] = canonical(a.Tenant)
	}
	// The links, then the records' order, by halves of the shards.
	inParallel(func(half int) {
		for i, a := range p.Roles {
			name, r := a.Member, memberRole[i]
			if r != nil {
				name = r.name
			}
			hash := ix.hash(name)
			if int(hash%shardCount)*2/shardCount != half {
				continue
			}
			to := lineRole[i]
			link := parentLink{role: to.name, tenant: tenants[i], roleHash: to.hash, expires: expiryUnix(a.Expires), roleID: to.entry.id}
			ix.buildLink(hash, name, r != nil, link)
		}
		for i := half * shardCount / 2; i < (half+1)*shardCount/2; i++ {
			ix.shards[i].update(func(h *holderRecord) {
				parents := h.moreParents
				slices.SortStableFunc(parents, func(a, b parentLink) int { return strings.Compare(a.tenant, b.tenant) })
				h.setParents(parents)
				if h.rules != nil {
					slices.SortStableFunc(h.rules.grants, compareGrants)
					h.rules.index()
				}
			})
		}
	})
	if len(p.Relations) > 0 || len(p.Parents) > 0 {
		ix.rel = buildRelations(ix.seed, p, ix.hash)
	}
	if !tenanted {
		ix.referGrants()
		ix.buildClosures()
	}
	return ix
}

// referGrants gives every grant of ix a ref, where grantAt finds it, once
// the records are built.
func (ix *index) referGrants() {
	ix.grantAt = []*indexedGrant{nil}
	for i := range ix.shards {
		ix.shards[i].update(func(h *holderRecord) {
			for j := range h.grants() {
				g := &h.rules.grants[j]
				g.ref = ix.grantIDs.take()
				ix.grantAt = append(ix.grantAt, g)
			}
		})
	}
}

// inParallel calls f(0) and f(1) at once, and returns when both have; a
// panic in either is raised again here, where the load that called it
// contains it.
func inParallel(f func(half int)) {
	var wg sync.WaitGroup
	var panicked any
	var once sync.Once
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				once.Do(func() { panicked = r })
			}
		}()
		f(1)
	}()
	func() {
		defer func() {
			if r := recover(); r != nil {
				once.Do(func() { panicked = r })
			}
		}()
		f(0)
	}()
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// buildLink adds link to the parents of name, whose hash is hash, while
// building: to its record, whose moreParents hold every parent then, or to
// its plain record while it fits one. role is whether name is a role.
func (ix *index) buildLink(hash uint64, name string, role bool, link parentLink) {
	s := &ix.shards[hash%shardCount]
	if h := s.find(hash, name); h != nil {
		h.moreParents = append(h.moreParents, link)
		return
	}
	if p := s.findPlain(hash, name); p != nil {
		if p.second == 0 && link.tenant == "" && link.expires == 0 {
			p.second = link.roleID
			return
		}
		// A third role, or one in a tenant or for a time: no longer plain.
		h := ix.expand(name, p)
		parents := []parentLink{h.firstParent}
		if h.secondParent.role != "" {
			parents = append(parents, h.secondParent)
		}
		s.set(hash, name, holderRecord{moreParents: append(parents, link)})
		return
	}
	if !role {
		if p, ok := ix.plainOf(name, &holderRecord{firstParent: link}); ok && s.setPlain(hash, name, p, ix.hash) {
			return
		}
	}
	s.set(hash, name, holderRecord{moreParents: []parentLink{link}})
}

// apply returns a new index with c applied, sharing every untouched shard
// and record with ix. New grants are numbered from next on, after every
// grant ix has, as Casbin appends them after the others.
func (ix *index) apply(c Change, next uint64) *index {
	out := *ix
	out.lazy = &lazyIndex{}
	copiedShards := map[uint64]bool{}
	copiedRecords := map[string]*holderRecord{}
	edit := func(name string) *holderRecord {
		if h, ok := copiedRecords[name]; ok {
			return h
		}
		hash := out.hash(name)
		n := hash % shardCount
		if !copiedShards[n] {
			out.shards[n] = ix.shards[n].clone()
			copiedShards[n] = true
		}
		h, _ := out.recordOf(hash, name)
		copiedRecords[name] = &h
		return &h
	}
	copiedMembers := map[uint64]bool{}
	counted := map[string]bool{}
	count := func(a RoleAssignment, delta int) {
		role := a.Role
		n := out.hash(role) % shardCount
		if !copiedMembers[n] {
			out.members[n] = cloneMap(ix.members[n])
			copiedMembers[n] = true
		}
		r := out.members[n][role]
		r.count += delta
		if delta > 0 {
			r.list = r.list.with(memberLink{a.Member, intern(a.Tenant), out.nextRoleSeq}, false)
			out.nextRoleSeq++
		} else {
			r.list = r.list.without(memberLink{member: a.Member, tenant: a.Tenant})
		}
		out.members[n][role] = r
		counted[role] = true
	}
	expiring := func(t time.Time, delta int) {
		if !t.IsZero() {
			out.expiring += delta
		}
	}
	if len(c.RemoveGrants)+len(c.AddGrants) > 0 {
		out.grantees = make(grantees, len(ix.grantees)+1)
		for typ, t := range ix.grantees {
			out.grantees[typ] = t
		}
	}
	copiedGrantees := map[any]bool{}
	// Under closures every grant has a ref: those of the grants removed
	// are given back, new grants take one, and every record copied has
	// its grants found again where the copy holds them.
	referred, grantAtCopied := out.closures != nil, false
	// referTo makes out.grantAt[ref] g, copying grantAt once and growing
	// it to hold ref.
	referTo := func(ref uint32, g *indexedGrant) {
		if !grantAtCopied {
			out.grantAt, grantAtCopied = slices.Clone(ix.grantAt), true
		}
		if int(ref) >= len(out.grantAt) {
			out.grantAt = append(out.grantAt, make([]*indexedGrant, int(ref)+1-len(out.grantAt))...)
		}
		out.grantAt[ref] = g
	}
	for _, g := range c.RemoveGrants {
		for _, ref := range edit(g.Subject).remove(g) {
			if referred {
				referTo(ref, nil)
				out.grantIDs.give(ref)
			}
		}
		expiring(g.Expires, -1)
		out.grantees.count(out.seed, g, -1, copiedGrantees)
	}
	for _, a := range c.RemoveRoles {
		edit(a.Member).removeParent(a.Role, a.Tenant)
		count(a, -1)
		expiring(a.Expires, -1)
	}
	for _, g := range c.AddGrants {
		expiring(g.Expires, +1)
		out.grantees.count(out.seed, g, +1, copiedGrantees)
	}
	for _, a := range c.AddRoles {
		count(a, +1)
		expiring(a.Expires, +1)
	}
	// Roles left without members lose their id, new ones get one, before
	// the links to them are made.
	var freed []uint32
	var taken, dropped []string
	for role := range counted {
		m := out.members[out.hash(role)%shardCount]
		switch r := m[role]; {
		case r.count <= 0:
			if r.id != 0 {
				freed = append(freed, r.id)
				dropped = append(dropped, role)
			}
			delete(m, role)
		case r.id == 0:
			r.id = out.roleIDs.take()
			m[role] = r
			taken = append(taken, role)
		}
	}
	for _, id := range freed {
		out.roleIDs.give(id)
	}
	keysCopied := false
	for _, g := range c.AddGrants {
		e := newIndexedGrant(out.seed, next, g, intern)
		if _, known := out.keys.ids[e.key]; !known {
			out.keys, keysCopied = out.keys.with(e.key, keysCopied), true
		}
		e.keyID = out.keys.ids[e.key]
		if referred {
			e.ref = out.grantIDs.take()
		}
		edit(out.holderName(g.Subject)).add(e)
		next++
	}
	for _, a := range c.AddRoles {
		edit(out.holderName(a.Member)).addParent(out.newParentLink(a))
	}
	// A name that became a role, or stopped being one, may move between
	// plain records and the others.
	for _, name := range taken {
		edit(name)
	}
	for _, name := range dropped {
		edit(name)
	}
	for name, h := range copiedRecords {
		hash := out.hash(name)
		s := &out.shards[hash%shardCount]
		if h.empty() {
			s.remove(out.hash, hash, name)
		} else {
			out.place(s, hash, name, h)
		}
		if referred {
			for i := range h.grants() {
				if g := &h.rules.grants[i]; int(g.ref) >= len(out.grantAt) || out.grantAt[g.ref] != g {
					referTo(g.ref, g)
				}
			}
		}
	}
	// The roles among the members of a role: one for each assignment whose
	// member is a role, counted when the assignment is made or removed, or
	// when its member becomes a role or stops being one.
	roleMember := func(role, member string, delta int) {
		n := out.hash(role) % shardCount
		r, ok := out.members[n][role]
		if !ok {
			return
		}
		if !copiedMembers[n] {
			out.members[n] = cloneMap(ix.members[n])
			copiedMembers[n] = true
		}
		if delta > 0 {
			r.roles = append(slices.Clip(r.roles), member)
		} else if i := slices.Index(r.roles, member); i >= 0 {
			r.roles = slices.Delete(slices.Clone(r.roles), i, i+1)
		}
		out.members[n][role] = r
	}
	for _, a := range c.RemoveRoles {
		if ix.memberCount(a.Member) > 0 && !slices.Contains(dropped, a.Member) {
			roleMember(a.Role, a.Member, -1)
		}
	}
	for _, a := range c.AddRoles {
		if out.memberCount(a.Member) > 0 && !slices.Contains(taken, a.Member) {
			roleMember(a.Role, a.Member, +1)
		}
	}
	for _, name := range dropped {
		old, _ := ix.record(name)
		for _, l := range old.parents() {
			roleMember(l.role, name, -1)
		}
	}
	for _, name := range taken {
		h, _ := out.record(name)
		for _, l := range h.parents() {
			roleMember(l.role, name, +1)
		}
	}
	if len(c.RemoveRelations)+len(c.AddRelations)+len(c.RemoveParents)+len(c.AddParents) > 0 {
		rel := out.rel
		if rel == nil {
			rel = newRelationIndex(out.seed)
		}
		if out.rel = rel.apply(c, out.hash); out.rel.relations == 0 && out.rel.parents == 0 {
			out.rel = nil
		}
	}
	if out.closures != nil {
		out.updateClosures(ix, c, freed, taken)
	}
	return &out
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// scanLimit is how long a sorted list is scanned rather than searched:
// most holders have a grant or two, which a scan finds sooner.
const scanLimit = 8

// matching returns the run of grants under key among the grants of one
// tenant (sorted by compareGrants).
func matching(grants []indexedGrant, key string, wildcard bool) []indexedGrant {
	return run(grants, func(e *indexedGrant) bool { return e.wildcard == wildcard && e.key == key },
		func(e indexedGrant) int { return compareGrantKey(e, key, wildcard) })
}

// parentsIn returns the run of parents (sorted by tenant) held in tenant.
func parentsIn(parents []parentLink, tenant string) []parentLink {
	return run(parents, func(l *parentLink) bool { return l.tenant == tenant },
		func(l parentLink) int { return strings.Compare(l.tenant, tenant) })
}

// holdersBuffer is how many holders a decision collects without allocating:
// a subject and the roles it holds within MaxRoleDepth.
const holdersBuffer = 32

// holder is a name a decision follows, with a copy of its record: the
// zero record for a name the policy does not mention.
type holder struct {
	name string
	rec  holderRecord
}

// holder returns name, whose hash is hash, with its record.
func (ix *index) holder(hash uint64, name string) holder {
	h, _ := ix.recordOf(hash, name)
	return holder{name, h}
}

// holders appends sub and every role it holds within MaxRoleDepth
// assignments made in one of tenants to out, each once, nearest first —
// the names Casbin's g(r.sub, p.sub, r.dom) matches, with Casbin's
// matching of tenants.
//
// Each comes with its record, the zero record for a name the policy does
// not mention.
func (ix *index) holders(sub string, tenants []string, now int64, out []holder) []holder {
	out = append(out, ix.holder(ix.hash(sub), sub))
	for depth, start := 0, 0; depth < MaxRoleDepth && start < len(out); depth++ {
		end := len(out)
		visit := func(p *parentLink) {
			if live(p.expires, now) && !slices.ContainsFunc(out, func(h holder) bool { return h.name == p.role }) {
				out = append(out, ix.holder(p.roleHash, p.role))
			}
		}
		for i := start; i < end; i++ {
			r := &out[i].rec
			if r.firstParent.role == "" {
				continue
			}
			first, second, more := &r.firstParent, &r.secondParent, r.moreParents
			for _, tenant := range tenants {
				if first.tenant == tenant {
					visit(first)
				}
				if second.role != "" && second.tenant == tenant {
					visit(second)
				}
				for j, run := 0, parentsIn(more, tenant); j < len(run); j++ {
					visit(&run[j])
				}
			}
		}
		start = end
	}
	return out
}

// decide answers a validated request as Casbin's Enforce would on the same
// policy: allowed when a grant allows and none denies, and the deciding
// rule is the first matching deny, else the first matching allow, in
// policy order.
//
// now is the time in Unix seconds: lines that expire by then are ignored.
func (ix *index) decide(sub, tenant string, perm permissions.Permission, owner string, now int64) (allowed bool, rule Grant) {
	allowed, found := ix.decideGrant(sub, tenant, perm, owner, now)
	if found != nil {
		rule = found.grant
	}
	return allowed, rule
}

// decideGrant is decide with the deciding grant where the index holds it,
// nil for none: the caller copies it once, where it is returned.
func (ix *index) decideGrant(sub, tenant string, perm permissions.Permission, owner string, now int64) (allowed bool, rule *indexedGrant) {
	if ix.closures != nil {
		hash := ix.hash(sub)
		s := &ix.shards[hash%shardCount]
		own := owner != "" && owner == sub
		if p := s.findPlain(hash, sub); p != nil {
			if allowed, rule, ok := ix.decidePlain(p, perm, own); ok {
				return allowed, rule
			}
		} else if r := s.find(hash, sub); r == nil {
			return false, nil // a name the policy does not mention
		} else if r.rules == nil {
			if allowed, rule, ok := ix.decideByClosures(r, perm, own, now); ok {
				return allowed, rule
			}
		}
	}
	var tenantsBuf [tenantBuffer]string
	tenants := visibleTenants(ix.tenanted, tenant, tenantsBuf[:0])
	var buf [holdersBuffer]holder
	holders := ix.holders(sub, tenants, now, buf[:0])
	deny, allow := ix.matchingGrants(holders, tenants, perm, owner != "" && owner == sub, now)
	switch {
	case deny.entry != nil:
		return false, deny.entry
	case allow.entry != nil:
		return true, allow.entry
	}
	return false, nil
}

// found is a matching grant and the holder it is a grant of.
type found struct {
	entry  *indexedGrant
	holder int
}

// matchingGrants returns the first matching deny and allow among the
// grants of holders, in policy order.
func (ix *index) matchingGrants(holders []holder, tenants []string, perm permissions.Permission, own bool, now int64) (deny, allow found) {
	var keysBuf [tenantBuffer]tenantKey
	keys := keysBuf[:0]
	for _, t := range tenants {
		keys = append(keys, tenantKey{maphash.String(ix.seed, t), t})
	}
	resource := perm.Resource()
	consider := func(entries []indexedGrant, holder int) {
		for i := range entries {
			e := &entries[i]
			if e.grant.Scope == permissions.Own && !own || !live(e.expires, now) {
				continue
			}
			if e.grant.Effect == Deny {
				if deny.entry == nil || e.seq < deny.entry.seq {
					deny = found{e, holder}
				}
			} else if allow.entry == nil || e.seq < allow.entry.seq {
				allow = found{e, holder}
			}
		}
	}
	for i := range holders {
		rules := holders[i].rec.rules
		if rules == nil {
			continue
		}
		for _, t := range keys {
			if run := rules.grantsIn(t); len(run) > 0 {
				consider(matching(run, string(perm), false), i)
				consider(matching(run, resource, true), i)
			}
		}
	}
	return deny, allow
}

// member reports whether sub has a rule of its own, a role it holds or a
// grant, that applies in tenant.
func (ix *index) member(sub, tenant string) bool {
	h, ok := ix.record(sub)
	if !ok {
		return false
	}
	var tenantsBuf [tenantBuffer]string
	for _, t := range visibleTenants(ix.tenanted, tenant, tenantsBuf[:0]) {
		if h.firstParent.role != "" && h.firstParent.tenant == t || h.secondParent.role != "" && h.secondParent.tenant == t || len(parentsIn(h.moreParents, t)) > 0 {
			return true
		}
		if h.rules != nil && len(h.rules.grantsIn(tenantKey{maphash.String(ix.seed, t), t})) > 0 {
			return true
		}
	}
	return false
}

// grantExpiry returns the expiry of the grant with g's key.
func (ix *index) grantExpiry(g Grant) time.Time {
	h, _ := ix.record(g.Subject)
	g = g.key()
	for _, e := range h.grants() {
		if e.grant.key() == g {
			return e.grant.Expires
		}
	}
	return time.Time{}
}

// roleExpiry returns the expiry of the assignment with a's key.
func (ix *index) roleExpiry(a RoleAssignment) time.Time {
	h, _ := ix.record(a.Member)
	for _, l := range h.parents() {
		if l.role == a.Role && l.tenant == a.Tenant {
			return unixExpiry(l.expires)
		}
	}
	return time.Time{}
}

// defaultMatcher and tenantMatcher are the matchers of gatehouse's
// embedded models, as Casbin stores them, without spacing.
var (
	defaultMatcher = matcherOf(gatehouse.DefaultModel())
	tenantMatcher  = matcherOf(gatehouse.TenantModel())
)

func matcherOf(text string) string {
	m, err := model.NewModelFromString(text)
	if err != nil {
		return "" // cannot happen: the embedded models are tested; and "" indexes nothing
	}
	return withoutSpacing(m["m"]["m"].Value)
}

// indexable reports whether decisions under m can come from the index: its
// shape was checked by loadModel, so it can exactly when its matcher is
// gatehouse's own for that shape. Any other matcher — a superuser shortcut,
// another function — is decided by Casbin's Enforce. This is detected, not
// guessed: a matcher that differs in anything but spacing outside string
// literals is another matcher.
func indexable(m model.Model, tenanted bool) bool {
	want := defaultMatcher
	if tenanted {
		want = tenantMatcher
	}
	a, ok := m["m"]["m"]
	return ok && want != "" && withoutSpacing(a.Value) == want
}

// withoutSpacing drops white space outside double-quoted literals.
func withoutSpacing(expr string) string {
	var b strings.Builder
	quoted := false
	for _, r := range expr {
		if r == '"' {
			quoted = !quoted
		}
		if !quoted && unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// policy returns the policy ix holds, grants and role assignments each in
// policy order, as Casbin would list them.
func (ix *index) policy() Policy {
	var grants []indexedGrant
	var p Policy
	for i := range ix.shards {
		ix.shards[i].each(func(h holderRecord) {
			grants = append(grants, h.grants()...)
		})
	}
	type numbered struct {
		a   RoleAssignment
		seq uint64
	}
	var roles []numbered
	for role, m := range ix.everyAssignment() {
		roles = append(roles, numbered{RoleAssignment{Member: m.member, Role: role, Tenant: m.tenant}, m.seq})
	}
	slices.SortFunc(roles, func(a, b numbered) int { return cmp.Compare(a.seq, b.seq) })
	for _, r := range roles {
		if ix.expiring > 0 {
			r.a.Expires = ix.roleExpiry(r.a)
		}
		p.Roles = append(p.Roles, r.a)
	}
	slices.SortFunc(grants, func(a, b indexedGrant) int { return cmp.Compare(a.seq, b.seq) })
	for _, g := range grants {
		p.Grants = append(p.Grants, g.grant)
	}
	if ix.rel != nil {
		p.Relations, p.Parents = ix.rel.policy()
	}
	return p
}

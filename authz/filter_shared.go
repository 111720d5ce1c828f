package authz

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Shared resources in list filters. A subject may see resources beyond its
// own, or beyond none, through relations: the posts shared with it or with
// its groups, the documents inside a folder shared with it. Filter lists
// their ids in ListFilter.Shared, and WhereShared turns the filter into
// one condition: "owner = ? OR id IN (?)".

// sharedIDs decides the resources of perm's type that relations held by
// holders, the subject's live global holders, reach: whether the subject
// may act on each, owned by another and owned by itself. It answers as
// Decide would,
// but shares the work: the verdict of each role a relation gives is found
// once, and only when some such role denies does it decide resource by
// resource.
func (ix *index) sharedIDs(subject string, perm permissions.Permission, holders []holder, now int64) (out []sharedAnswer) {
	typ := perm.Resource()
	// A role's verdict: whether its grants, and those of the roles it
	// holds everywhere, allow or deny perm; and whether any of them holds
	// relations, which may reach further on the resource's chain.
	type verdict struct{ allowOther, allowOwn, deny, nested bool }
	verdicts := map[string]verdict{}
	var lastRole string
	var last verdict
	roleVerdict := func(role string) verdict {
		if role == lastRole {
			return last
		}
		if v, ok := verdicts[role]; ok {
			lastRole, last = role, v
			return v
		}
		var buf [holdersBuffer]holder
		closure := ix.holders(role, noTenant, now, buf[:0])
		var v verdict
		for _, h := range closure {
			v.nested = v.nested || len(ix.rel.heldBy(h.name)) > 0
		}
		for _, own := range []bool{false, true} {
			deny, allow := ix.matchingGrants(closure, noTenant, perm, own, now)
			v.deny = v.deny || deny.entry != nil
			if own {
				v.allowOwn = allow.entry != nil
			} else {
				v.allowOther = allow.entry != nil
			}
		}
		verdicts[role] = v
		lastRole, last = role, v
		return v
	}
	// Each resource once, in out, with the role the first relation met
	// gives on it (roles) and those the others give (more, for the few
	// reached more than once). Resources are told apart by their hashes,
	// which the subject's relations carry, and then by their ids.
	size := 0
	for i := range holders {
		size += len(ix.rel.heldBy(holders[i].name))
	}
	out = make([]sharedAnswer, 0, size)
	scratch := sharedScratchPool.Get().(*sharedScratch)
	defer sharedScratchPool.Put(scratch)
	scratch.seen.reset(size)
	seen, roles := &scratch.seen, scratch.roles[:0]
	defer func() { clear(roles); scratch.roles = roles[:0] }()
	var more map[int][]string
	// clashes are the ids whose hash an earlier, other id has.
	var clashes map[string]int
	add := func(hash uint64, id, role string) {
		if at, known := seen.getOrAdd(hash, int32(len(out))); known {
			i := int(*at)
			if out[i].id != id {
				i, known = clashes[id]
			}
			if known {
				if more == nil {
					more = map[int][]string{}
				}
				more[i] = append(more[i], role)
				return
			}
			if clashes == nil {
				clashes = map[string]int{}
			}
			clashes[id] = len(out)
		}
		out = append(out, sharedAnswer{id: id})
		roles = append(roles, role)
	}
	var below func(name, role string, depth int)
	below = func(name, role string, depth int) {
		if depth > MaxParentDepth {
			return
		}
		for _, child := range ix.rel.children[name] {
			if t, id, ok := cutResource(child); ok && t == typ {
				add(ix.rel.hash(child), id, role)
			}
			below(child, role, depth+1)
		}
	}
	walkDown := ix.rel.childTypes[typ] > 0
	for i := range holders {
		for _, h := range ix.rel.heldBy(holders[i].name) {
			if !live(h.expires, now) {
				continue
			}
			if t, id, ok := cutResource(h.resource); ok && t == typ {
				add(h.hash, id, h.role)
			}
			if walkDown {
				below(h.resource, h.role, 1)
			}
		}
	}
	denyOther, allowOther := ix.matchingGrants(holders, noTenant, perm, false, now)
	denyOwn, allowOwn := ix.matchingGrants(holders, noTenant, perm, true, now)
	for i := range out {
		a := &out[i]
		exact := false
		for j, others := -1, more[i]; j < len(others) && !exact; j++ {
			role := roles[i]
			if j >= 0 {
				role = others[j]
			}
			v := roleVerdict(role)
			if v.deny || v.nested {
				exact = true
				break
			}
			// No relation denies, nor reaches further: the resource is
			// allowed when nothing the subject holds everywhere denies
			// and a role it holds on the resource, or everywhere, allows.
			a.other = a.other || denyOther.entry == nil && (v.allowOther || allowOther.entry != nil)
			a.owned = a.owned || denyOwn.entry == nil && (v.allowOwn || allowOwn.entry != nil)
		}
		if exact {
			// Decide the resource as Decide does, every relation on its
			// chain at once.
			a.other, _, _ = ix.decideOn(subject, "", perm, "", typ, a.id, now)
			a.owned, _, _ = ix.decideOn(subject, "", perm, subject, typ, a.id, now)
		}
	}
	return out
}

// sharedScratch is what sharedIDs needs only while it runs, kept for the
// next call: a list filter of ten thousand shared resources would
// otherwise take fresh memory for it each time.
type sharedScratch struct {
	// seen finds each resource reached by its hash.
	seen  table[int32]
	roles []string
}

var sharedScratchPool = sync.Pool{New: func() any { return &sharedScratch{} }}

// sharedAnswer is the decision on one resource a relation reaches, for a
// row the subject does not own (other) and for one it owns.
type sharedAnswer struct {
	id           string
	other, owned bool
}

// noTenant is the tenants of every rule under the model without tenants,
// which relations need.
var noTenant = []string{""}

// resourceType returns the type of the resource named name.
func resourceType(name string) string {
	typ, _, _ := cutResource(name)
	return typ
}

// cutResource splits a resource's name into its type and id.
func cutResource(name string) (typ, id string, ok bool) {
	for i := 0; i < len(name); i++ {
		if name[i] == ':' {
			return name[:i], name[i+1:], true
		}
	}
	return "", "", false
}

// WhereShared is Where for resources shared, or withheld, through
// relations: the condition also admits the rows whose id, in idColumn, is
// in f.Shared, and no row in f.Excluded — "(author_id = ? OR id IN (?))",
// with each list of ids as one argument, which GORM and database/sql
// expand. Both column names are written into the SQL and must come from
// the program; anything but a plain or table-qualified identifier is
// refused.
//
// A list of ids is fast to build and to query into the tens of thousands
// (see docs/PERFORMANCE.md); drivers bound the arguments of one statement
// (SQLite 32,766, PostgreSQL and MySQL 65,535), so a subject with more
// shared resources than that is better listed a page at a time, each row
// checked with AllowsResource.
func (f ListFilter) WhereShared(ownerColumn, idColumn string) (string, []any, error) {
	if !columnPattern.MatchString(idColumn) {
		return "", nil, fmt.Errorf("%w: id column %q is not an identifier", ErrInvalidRequest, idColumn)
	}
	plain := f
	plain.Shared, plain.Excluded, plain.SharedIfOwned, plain.SharedIfNotOwned = nil, nil, nil, nil
	query, args, err := plain.Where(ownerColumn)
	if err != nil || !f.overridden() {
		return query, args, err
	}
	owned := ownerColumn + " = ?"
	notOwned := "(" + ownerColumn + " IS NULL OR " + ownerColumn + " <> ?)"
	var parts []string
	var out []any
	if f.Kind != FilterNone {
		// Rows relations decide otherwise than ownership are left to the
		// parts below.
		if withheld := slices.Concat(f.Excluded, f.SharedIfOwned, f.SharedIfNotOwned); len(withheld) > 0 {
			query = "(" + query + " AND " + idColumn + " NOT IN ?)"
			args = append(args, withheld)
		}
		parts = append(parts, query)
		out = append(out, args...)
	}
	if len(f.Shared) > 0 {
		parts = append(parts, idColumn+" IN ?")
		out = append(out, f.Shared)
	}
	if len(f.SharedIfOwned) > 0 {
		parts = append(parts, "("+idColumn+" IN ? AND "+owned+")")
		out = append(out, f.SharedIfOwned, f.Subject)
	}
	if len(f.SharedIfNotOwned) > 0 {
		parts = append(parts, "("+idColumn+" IN ? AND "+notOwned+")")
		out = append(out, f.SharedIfNotOwned, f.Subject)
	}
	if len(parts) == 0 {
		return "1 = 0", nil, nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", out, nil
}

// AllowsResource reports whether the filter admits the resource with id
// id owned by owner ("" for none), as Decide would: by its relations when
// they decide it otherwise than ownership does, by Allows when not.
func (f ListFilter) AllowsResource(id, owner string) bool {
	own := owner != "" && owner == f.Subject
	var kind int8
	var ok bool
	if f.decided != nil {
		kind, ok = f.decided.kind(id)
	} else {
		kind, ok = f.lookUp(id)
	}
	if !ok || kind == asKind {
		return f.Allows(owner)
	}
	switch kind {
	case sharedAlways:
		return true
	case sharedIfOwned:
		return own
	case sharedIfNotOwned:
		return !own
	}
	return false
}

// How relations decide a resource, in ListFilter.decided.
const (
	asKind int8 = iota - 1
	excluded
	sharedAlways
	sharedIfOwned
	sharedIfNotOwned
)

// lookUp finds id in the lists of a filter built by hand, without the
// map Filter builds.
func (f ListFilter) lookUp(id string) (int8, bool) {
	lists := [...]struct {
		kind int8
		ids  []string
	}{{sharedAlways, f.Shared}, {excluded, f.Excluded}, {sharedIfOwned, f.SharedIfOwned}, {sharedIfNotOwned, f.SharedIfNotOwned}}
	for _, l := range lists {
		if slices.Contains(l.ids, id) {
			return l.kind, true
		}
	}
	return 0, false
}

// overridden reports whether relations decide some resource otherwise
// than ownership does.
func (f ListFilter) overridden() bool {
	return len(f.Shared)+len(f.Excluded)+len(f.SharedIfOwned)+len(f.SharedIfNotOwned) > 0
}

// setOverrides sorts the answers that differ from what f's Kind says into
// f's lists.
func (f *ListFilter) setOverrides(answers []sharedAnswer) {
	kindOther := f.Kind == FilterAll || f.Kind == FilterNotOwn
	kindOwned := f.Kind == FilterAll || f.Kind == FilterOwn
	f.decided = &sharedKinds{answers: answers, kinds: make([]int8, len(answers))}
	kinds := f.decided.kinds
	var counts [4]int
	for i, a := range answers {
		kinds[i] = asKind
		if a.other != kindOther || a.owned != kindOwned {
			kinds[i] = answerKind(a)
			counts[kinds[i]]++
		}
	}
	lists := [...]*[]string{excluded: &f.Excluded, sharedAlways: &f.Shared, sharedIfOwned: &f.SharedIfOwned, sharedIfNotOwned: &f.SharedIfNotOwned}
	for kind, list := range lists {
		*list = nil
		if counts[kind] > 0 {
			*list = make([]string, 0, counts[kind])
		}
	}
	for i, a := range answers {
		if kinds[i] != asKind {
			*lists[kinds[i]] = append(*lists[kinds[i]], a.id)
		}
	}
}

// answerKind returns how a decides its resource, as a list of a filter
// that admits nothing else.
func answerKind(a sharedAnswer) int8 {
	switch {
	case a.other && a.owned:
		return sharedAlways
	case a.other:
		return sharedIfNotOwned
	case a.owned:
		return sharedIfOwned
	}
	return excluded
}

// sharedKinds finds, for AllowsResource, how relations decide the ids
// they reach. Its map is built on first use: a filter turned into a query
// condition, as most are, never needs it.
type sharedKinds struct {
	answers []sharedAnswer
	kinds   []int8
	once    sync.Once
	at      map[string]int
}

// kind returns how relations decide id; false when they do not reach it.
func (s *sharedKinds) kind(id string) (int8, bool) {
	s.once.Do(func() {
		s.at = make(map[string]int, len(s.answers))
		for i, a := range s.answers {
			s.at[a.id] = i
		}
	})
	i, ok := s.at[id]
	if !ok {
		return 0, false
	}
	return s.kinds[i], true
}

package authz

import (
	"fmt"
	"slices"
	"strings"

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
func (ix *index) sharedIDs(subject string, perm permissions.Permission, holders []holderRecord, now int64) (out []sharedAnswer) {
	typ := perm.Resource()
	// A role's verdict: whether its grants, and those of the roles it
	// holds everywhere, allow or deny perm; and whether any of them holds
	// relations, which may reach further on the resource's chain.
	type verdict struct{ allowOther, allowOwn, deny, nested bool }
	verdicts := map[string]verdict{}
	roleVerdict := func(role string) verdict {
		if v, ok := verdicts[role]; ok {
			return v
		}
		var buf [holdersBuffer]holderRecord
		closure := ix.holders(role, visibleTenants(false, "", nil), now, buf[:0])
		var v verdict
		for _, h := range closure {
			v.nested = v.nested || len(ix.rel.heldBy(h.name)) > 0
		}
		for _, own := range []bool{false, true} {
			deny, allow := ix.matchingGrants(closure, []string{""}, perm, own, now)
			v.deny = v.deny || deny.entry != nil
			if own {
				v.allowOwn = allow.entry != nil
			} else {
				v.allowOther = allow.entry != nil
			}
		}
		verdicts[role] = v
		return v
	}
	type candidate struct {
		id   string
		role string
	}
	var candidates []candidate
	var below func(name, role string, depth int)
	below = func(name, role string, depth int) {
		r := ix.rel.resource(name)
		if r == nil || depth > MaxParentDepth {
			return
		}
		for _, child := range r.children {
			if t, id, ok := cutResource(child); ok && t == typ {
				candidates = append(candidates, candidate{id, role})
			}
			below(child, role, depth+1)
		}
	}
	for i := range holders {
		for _, h := range ix.rel.heldBy(holders[i].name) {
			if !live(h.expires, now) {
				continue
			}
			if t, id, ok := cutResource(h.resource); ok && t == typ {
				candidates = append(candidates, candidate{id, h.role})
			}
			below(h.resource, h.role, 1)
		}
	}
	tenants := []string{""}
	denyOther, allowOther := ix.matchingGrants(holders, tenants, perm, false, now)
	denyOwn, allowOwn := ix.matchingGrants(holders, tenants, perm, true, now)
	roles := map[string][]string{}
	order := []string{}
	for _, c := range candidates {
		if _, known := roles[c.id]; !known {
			order = append(order, c.id)
		}
		roles[c.id] = append(roles[c.id], c.role)
	}
	type answer struct{ other, owned bool }
	answers := make(map[string]answer, len(order))
	for _, id := range order {
		var a answer
		exact := false
		for _, role := range roles[id] {
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
			a.other, _, _ = ix.decideOn(subject, "", perm, "", typ, id, now)
			a.owned, _, _ = ix.decideOn(subject, "", perm, subject, typ, id, now)
		}
		answers[id] = a
	}
	for _, id := range order {
		a := answers[id]
		out = append(out, sharedAnswer{id: id, other: a.other, owned: a.owned})
	}
	return out
}

// sharedAnswer is the decision on one resource a relation reaches, for a
// row the subject does not own (other) and for one it owns.
type sharedAnswer struct {
	id           string
	other, owned bool
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
	if f.Kind != FilterNone {
		overridden := slices.Concat(f.Shared, f.Excluded, f.SharedIfOwned, f.SharedIfNotOwned)
		parts = append(parts, "("+query+" AND "+idColumn+" NOT IN ?)")
		out = append(out, append(args, overridden)...)
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
	switch {
	case contains(f.Shared, id):
		return true
	case contains(f.Excluded, id):
		return false
	case contains(f.SharedIfOwned, id):
		return own
	case contains(f.SharedIfNotOwned, id):
		return !own
	}
	return f.Allows(owner)
}

// overridden reports whether relations decide some resource otherwise
// than ownership does.
func (f ListFilter) overridden() bool {
	return len(f.Shared)+len(f.Excluded)+len(f.SharedIfOwned)+len(f.SharedIfNotOwned) > 0
}

// contains reports whether sorted holds id.
func contains(sorted []string, id string) bool {
	_, found := slices.BinarySearch(sorted, id)
	return found
}

// setOverrides sorts the answers that differ from what f's Kind says into
// f's lists.
func (f *ListFilter) setOverrides(answers []sharedAnswer) {
	kindOther := f.Kind == FilterAll || f.Kind == FilterNotOwn
	kindOwned := f.Kind == FilterAll || f.Kind == FilterOwn
	for _, a := range answers {
		if a.other == kindOther && a.owned == kindOwned {
			continue
		}
		switch {
		case a.other && a.owned:
			f.Shared = append(f.Shared, a.id)
		case a.other:
			f.SharedIfNotOwned = append(f.SharedIfNotOwned, a.id)
		case a.owned:
			f.SharedIfOwned = append(f.SharedIfOwned, a.id)
		default:
			f.Excluded = append(f.Excluded, a.id)
		}
	}
	for _, list := range [][]string{f.Shared, f.Excluded, f.SharedIfOwned, f.SharedIfNotOwned} {
		slices.Sort(list)
	}
}

package authz

import "hash/maphash"

// grantees finds, per resource type, the holders that have grants on it
// and the actions grants name, for the reverse queries: "who can update
// post 42" asks only the holders with grants on posts, not every name in
// the policy. It is immutable, as the index is: an edit copies the type
// and the part of its holders it changes.
type grantees map[string]*typeGrants

// granteeShards splits a type's holders so that an edit copies a part.
const granteeShards = 64

// typeGrants is what grantees know of one resource type.
type typeGrants struct {
	// holders count, per holder, its grants on the type.
	holders [granteeShards]map[string]int
	// actions count the grants that name each permission of the type, not
	// its wildcard.
	actions map[string]int
}

// count adds delta to the grants of g's holder and permission, copying
// what it changes from the index being edited; copied remembers what is
// a copy already.
func (gs grantees) count(seed maphash.Seed, g Grant, delta int, copied map[any]bool) {
	typ := g.Permission.Resource()
	t := gs[typ]
	if t == nil {
		t = &typeGrants{actions: map[string]int{}}
		for i := range t.holders {
			t.holders[i] = map[string]int{}
		}
		gs[typ] = t
		copied[t] = true
	} else if !copied[t] {
		clone := *t
		t = &clone
		gs[typ] = t
		copied[t] = true
	}
	n := maphash.String(seed, g.Subject) % granteeShards
	if !copied[shardKey{t, n}] {
		t.holders[n] = cloneMap(t.holders[n])
		copied[shardKey{t, n}] = true
	}
	if t.holders[n][g.Subject] += delta; t.holders[n][g.Subject] <= 0 {
		delete(t.holders[n], g.Subject)
	}
	if !g.Permission.IsWildcard() {
		if !copied[actionsKey{t}] {
			t.actions = cloneMap(t.actions)
			copied[actionsKey{t}] = true
		}
		if t.actions[string(g.Permission)] += delta; t.actions[string(g.Permission)] <= 0 {
			delete(t.actions, string(g.Permission))
		}
	}
}

type shardKey struct {
	t *typeGrants
	n uint64
}

type actionsKey struct{ t *typeGrants }

// holdersOf returns the holders with grants on typ.
func (gs grantees) holdersOf(typ string) []string {
	t := gs[typ]
	if t == nil {
		return nil
	}
	var out []string
	for i := range t.holders {
		for name := range t.holders[i] {
			out = append(out, name)
		}
	}
	return out
}

// actionsOf returns the permissions of typ that grants name.
func (gs grantees) actionsOf(typ string) []string {
	t := gs[typ]
	if t == nil {
		return nil
	}
	out := make([]string, 0, len(t.actions))
	for p := range t.actions {
		out = append(out, p)
	}
	return out
}

package authz

import (
	"fmt"
	"iter"
	"slices"
	"strings"
)

// The index keeps, beside each role's record, what it knows of the role
// as the names that hold it see it: how many they are, its id, the roles
// among them, and all of them (memberList).

// roleEntry is what the index keeps of a role beside its record.
type roleEntry struct {
	// count is how many names hold the role directly.
	count int
	// id finds the role's closure; never 0.
	id uint32
	// roles are the members of the role that are roles themselves, once
	// for each assignment (in any tenant): the edges an edit's depth check
	// follows down, without asking the users below for their members.
	roles []string
	// list are the role's members, never nil for a role.
	list *memberList
}

// roleMembers returns the roles that hold role directly, in any tenant,
// each once for every tenant it holds it in.
func (ix *index) roleMembers(role string) []string {
	return ix.members[ix.hash(role)%shardCount][role].roles
}

// memberList is the names that hold one role directly, with the tenant
// each holds it in, in the order they were given it: the other direction
// of the records' links, for listing a role's members and removing a role
// without a scan of the policy. It is immutable, and in chunks, so that an
// edit to a role of a hundred thousand members copies one chunk.
type memberList struct {
	chunks [][]memberLink
}

// memberLink is one assignment of a role, seen from the role.
type memberLink struct {
	member, tenant string
	// seq is the assignment's place in the policy's order.
	seq uint64
}

// same reports whether l and m are links of the same member in the same
// tenant.
func (l memberLink) same(m memberLink) bool { return l.member == m.member && l.tenant == m.tenant }

// memberChunk is how many links a chunk of a memberList holds at most.
const memberChunk = 256

// with returns l and m, l being nil for no links. While building an index
// (owned), l is changed in place.
func (l *memberList) with(m memberLink, owned bool) *memberList {
	if l == nil {
		return &memberList{chunks: [][]memberLink{{m}}}
	}
	out := l
	if !owned {
		out = &memberList{chunks: slices.Clone(l.chunks)}
	}
	last := len(out.chunks) - 1
	if len(out.chunks[last]) < memberChunk {
		if owned {
			out.chunks[last] = append(out.chunks[last], m)
		} else {
			out.chunks[last] = append(slices.Clip(out.chunks[last]), m)
		}
		return out
	}
	out.chunks = append(out.chunks, []memberLink{m})
	return out
}

// without returns l less m; nil when nothing is left.
func (l *memberList) without(m memberLink) *memberList {
	if l == nil {
		return nil
	}
	for i, chunk := range l.chunks {
		j := slices.IndexFunc(chunk, m.same)
		if j < 0 {
			continue
		}
		out := &memberList{chunks: slices.Clone(l.chunks)}
		if len(chunk) == 1 {
			out.chunks = slices.Delete(out.chunks, i, i+1)
		} else {
			out.chunks[i] = slices.Delete(slices.Clone(chunk), j, j+1)
		}
		if len(out.chunks) == 0 {
			return nil
		}
		return out
	}
	return l
}

// all yields the links of l, nil for none, in the order they were made.
func (l *memberList) all() iter.Seq[memberLink] {
	return func(yield func(memberLink) bool) {
		if l == nil {
			return
		}
		for _, chunk := range l.chunks {
			for _, m := range chunk {
				if !yield(m) {
					return
				}
			}
		}
	}
}

// membersOf yields the assignments of role, seen from the role.
func (ix *index) membersOf(role string) iter.Seq[memberLink] {
	return ix.members[ix.hash(role)%shardCount][role].list.all()
}

// everyAssignment yields every role assignment of the policy, by role,
// each role's in the order they were made.
func (ix *index) everyAssignment() iter.Seq2[string, memberLink] {
	return func(yield func(string, memberLink) bool) {
		for i := range ix.members {
			for role, r := range ix.members[i] {
				for m := range r.list.all() {
					if !yield(role, m) {
						return
					}
				}
			}
		}
	}
}

// assignmentsOf returns the assignments of role, in the order they were
// made, with their expiry.
func (ix *index) assignmentsOf(role string) []RoleAssignment {
	var out []RoleAssignment
	for m := range ix.membersOf(role) {
		a := RoleAssignment{Member: m.member, Role: role, Tenant: m.tenant}
		if ix.expiring > 0 {
			a.Expires = ix.roleExpiry(a)
		}
		out = append(out, a)
	}
	return out
}

// sameRoleMembers reports how the role members ix keeps differ from those
// found from its records, "" when they do not.
func (ix *index) sameRoleMembers() string {
	want := map[string][]string{}
	for i := range ix.shards {
		ix.shards[i].each(func(h holderRecord) {
			if ix.memberCount(h.name) == 0 {
				return
			}
			for _, l := range h.parents() {
				want[l.role] = append(want[l.role], h.name)
			}
		})
	}
	var diffs strings.Builder
	for i := range ix.members {
		for name, r := range ix.members[i] {
			got := slices.Sorted(slices.Values(r.roles))
			if w := slices.Sorted(slices.Values(want[name])); !slices.Equal(got, w) {
				fmt.Fprintf(&diffs, "role members of %s: %q, want %q\n", name, got, w)
			}
		}
	}
	return diffs.String()
}

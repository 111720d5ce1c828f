package authz

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// AccessKind says how a subject comes to be allowed something, in the
// answers of WhoCan.
type AccessKind string

const (
	// AccessOwner: the subject owns the resource, and a grant with scope
	// own allows it.
	AccessOwner AccessKind = "owner"
	// AccessRelation: the subject, or a group it is in, holds a role on
	// the resource or on a parent of it (Access.Relation says which).
	AccessRelation AccessKind = "relation"
	// AccessRole: the subject is a role whose grants, its own or those of
	// the roles it inherits, allow it on every resource of the type; its
	// members may, unless a deny of their own applies to them.
	AccessRole AccessKind = "role"
	// AccessGrant: the subject is allowed on every resource of the type by
	// grants of its own.
	AccessGrant AccessKind = "grant"
)

// Access is one answer to WhoCan: Subject may, and why.
type Access struct {
	// Subject is a subject or a role.
	Subject string
	Kind    AccessKind
	// Rule is the grant that allows it, as Decide would name it.
	Rule Grant
	// Relation is the relation through which Rule applies, for
	// AccessRelation: its Subject is Subject or a group Subject is in,
	// its Resource the resource or a parent of it.
	Relation Relation
}

// String describes a: "carol may, through relation "g2, carol, editor,
// posts:42"".
func (a Access) String() string {
	switch a.Kind {
	case AccessRelation:
		return fmt.Sprintf("%s may, through relation %q, by rule %q", a.Subject, a.Relation.String(), a.Rule.String())
	case AccessOwner:
		return fmt.Sprintf("%s may, as the owner, by rule %q", a.Subject, a.Rule.String())
	case AccessRole:
		return fmt.Sprintf("members of %s may, by rule %q", a.Subject, a.Rule.String())
	}
	return fmt.Sprintf("%s may, by rule %q", a.Subject, a.Rule.String())
}

// WhoCan answers "who may perform perm on resource": the owner, when a
// grant lets owners; each subject that holds a relation on the resource or
// on one of its parents, and each member of a group that holds one (of a
// group of at most MaxListedMembers), when the relation's role allows it; each role whose grants allow it on every
// resource of the type; and each subject allowed so by grants of its own.
// Every answer is a decision Decide would make, denies included: a member
// a deny applies to is not listed. Members of roles are not listed one by
// one (Members lists them). Answers come sorted by kind — owner, relations,
// roles, grants — then by subject. Expired lines are ignored.
//
// It needs gatehouse's matcher and the model without tenants; otherwise it
// fails with ErrUnsupportedModel.
func (e *Engine) WhoCan(ctx context.Context, perm permissions.Permission, resource Resource) (answers []Access, err error) {
	defer e.contain(&err, "answering who can")
	ix, err := e.reverseReady(ctx, "gatehouse-probe", perm, resource)
	if err != nil {
		return nil, err
	}
	typ := cmp.Or(resource.Type, perm.Resource())
	now := e.now()
	var candidates []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			candidates = append(candidates, name)
		}
	}
	if resource.Owner != "" {
		add(resource.Owner)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	if ix.rel != nil && resource.ID != "" {
		var chainBuf [chainBuffer]*resourceRecord
		for _, r := range ix.rel.chain(typ, resource.ID, chainBuf[:0]) {
			for _, entry := range r.relations {
				if live(entry.expires, now) {
					add(entry.subject)
					e.eachMember(ix, entry.subject, add)
				}
			}
		}
	}
	holders := ix.grantees.holdersOf(typ)
	slices.Sort(holders)
	inheritors := ix.inheritors()
	for _, h := range holders {
		add(h)
		// Roles that inherit a role with grants hold them too.
		level := []string{h}
		for depth := 0; depth < MaxRoleDepth && len(level) > 0; depth++ {
			var next []string
			for _, role := range level {
				for _, r := range inheritors[role] {
					if !seen[r] {
						add(r)
						next = append(next, r)
					}
				}
			}
			level = next
		}
	}
	answers = []Access{}
	for _, name := range candidates {
		owner := resource.Owner
		allowed, rule, via := ix.decideOn(name, "", perm, owner, typ, resource.ID, now)
		if !allowed {
			continue
		}
		a := Access{Subject: name, Rule: rule, Relation: via}
		switch {
		case via.Subject != "":
			a.Kind = AccessRelation
		case rule.Scope == permissions.Own:
			a.Kind = AccessOwner
		case ix.isRole(name):
			a.Kind = AccessRole
		default:
			a.Kind = AccessGrant
		}
		answers = append(answers, a)
	}
	order := map[AccessKind]int{AccessOwner: 0, AccessRelation: 1, AccessRole: 2, AccessGrant: 3}
	slices.SortStableFunc(answers, func(a, b Access) int {
		if c := cmp.Compare(order[a.Kind], order[b.Kind]); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
	return answers, nil
}

// WhatCan answers "what may subject do to resource": a decision for each
// permission of the resource's type that some grant of the policy names,
// those that allow, sorted by permission, each with its rule and relation.
// A wildcard grant ("posts:*") shows in the permissions the policy names.
// Expired lines are ignored. It needs what WhoCan needs.
func (e *Engine) WhatCan(ctx context.Context, subject string, resource Resource) (allowed []Decision, err error) {
	defer e.contain(&err, "answering what can")
	if resource.Type == "" {
		return nil, fmt.Errorf("%w: WhatCan needs the resource's type", ErrInvalidRequest)
	}
	probe := permissions.Permission(resource.Type + ":read")
	ix, err := e.reverseReady(ctx, subject, probe, resource)
	if err != nil {
		return nil, err
	}
	actions := ix.grantees.actionsOf(resource.Type)
	slices.Sort(actions)
	now := e.now()
	allowed = []Decision{}
	for _, action := range actions {
		perm := permissions.Permission(action)
		ok, rule, via := ix.decideOn(subject, "", perm, resource.Owner, resource.Type, resource.ID, now)
		if ok {
			allowed = append(allowed, Decision{Allowed: true, Rule: rule, Relation: via,
				Request: Request{Subject: subject, Permission: perm, Resource: resource}})
		}
	}
	return allowed, nil
}

// reverseReady checks what the reverse queries need and returns the index
// to answer from.
func (e *Engine) reverseReady(ctx context.Context, subject string, perm permissions.Permission, resource Resource) (*index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validateRequest(Request{Subject: subject, Permission: perm, Resource: resource}); err != nil {
		return nil, err
	}
	if resource.ID != "" {
		if err := validateResourceID(resource.ID); err != nil {
			return nil, err
		}
	}
	if resource.Owner != "" {
		if err := validateName("owner", resource.Owner); err != nil {
			return nil, err
		}
	}
	if err := e.checkRelationsSupported(); err != nil {
		return nil, err
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	return e.index.Load(), nil
}

// MaxListedMembers bounds the members of a group WhoCan lists one by one,
// for a relation given to the group: a group with more is answered as the
// group alone, whose members Members lists.
const MaxListedMembers = 1000

// eachMember calls f with every subject and role that holds role, directly
// or through other roles, within MaxRoleDepth; none when role has more
// than MaxListedMembers direct members. The caller holds e.mu.
func (e *Engine) eachMember(ix *index, role string, f func(string)) {
	if n := ix.memberCount(role); n == 0 || n > MaxListedMembers {
		return
	}
	seen := map[string]bool{role: true}
	level := []string{role}
	for depth := 0; depth < MaxRoleDepth && len(level) > 0; depth++ {
		var next []string
		for _, name := range level {
			for _, m := range e.directMembersIn(name, "") {
				if !seen[m] {
					seen[m] = true
					f(m)
					next = append(next, m)
				}
			}
		}
		level = next
	}
}

// isRole reports whether the policy uses name as a role: some name holds
// it, or some relation gives it.
func (ix *index) isRole(name string) bool {
	return ix.memberCount(name) > 0 || ix.rel != nil && ix.rel.roles[name] > 0
}

// inheritors returns, for each role, the roles that hold it directly: the
// roles that inherit its grants. It is worked out once per index, when
// first asked, from the role assignments of the policy without tenants.
func (ix *index) inheritors() map[string][]string {
	if ix.lazy == nil {
		ix = &index{seed: ix.seed, shards: ix.shards, members: ix.members, rel: ix.rel, lazy: &lazyIndex{}}
	}
	ix.lazy.once.Do(func() {
		out := map[string][]string{}
		for i := range ix.shards {
			ix.shards[i].each(func(h holderRecord) {
				if !ix.isRole(h.name) {
					return
				}
				for _, l := range h.parents() {
					if !slices.Contains(out[l.role], h.name) {
						out[l.role] = append(out[l.role], h.name)
					}
				}
			})
		}
		for _, members := range out {
			slices.Sort(members)
		}
		ix.lazy.inheritors = out
	})
	return ix.lazy.inheritors
}

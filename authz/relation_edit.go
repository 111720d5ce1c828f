package authz

import (
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
)

// AddRelation gives r.Subject, a subject or a group, the role r.Role on the
// resource r.Resource alone (and on whatever is inside it), until
// r.Expires if it is set. A relation the policy already has with another
// expiry is given the new one, in one edit. It returns an error matching
// ErrExists if the policy has r as it is, ErrInvalidExpiry for an expiry
// not after now, ErrCycle or ErrTooDeep as AssignRole does, a validation
// error for a malformed r, and ErrUnsupportedModel under a model relations
// do not fit (see relationsSupported).
func (e *Engine) AddRelation(ctx context.Context, r Relation) error {
	r.Expires = normalExpiry(r.Expires)
	if err := e.validRelation(r); err != nil {
		return err
	}
	if !r.Expires.IsZero() && r.Expires.Unix() <= e.now() {
		return fmt.Errorf("%w: %s has expired already", ErrInvalidExpiry, r)
	}
	return e.edit(ctx, func() (Change, error) {
		var c Change
		if old, ok := e.relation(r); ok {
			if old == r {
				return Change{}, fmt.Errorf("%w: %s", ErrExists, r)
			}
			c.RemoveRelations = []Relation{old}
		}
		if err := e.checkAssignable(RoleAssignment{Member: r.Subject, Role: r.Role}); err != nil {
			return Change{}, err
		}
		c.AddRelations = []Relation{r}
		return c, nil
	})
}

// RemoveRelation takes r.Role on r.Resource away from r.Subject, whatever
// its expiry (r.Expires is not compared). It returns an error matching
// ErrNotFound if the policy has no such relation.
func (e *Engine) RemoveRelation(ctx context.Context, r Relation) error {
	r = r.key()
	if err := e.validRelation(r); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		old, ok := e.relation(r)
		if !ok {
			return Change{}, fmt.Errorf("%w: %s", ErrNotFound, r)
		}
		return Change{RemoveRelations: []Relation{old}}, nil
	})
}

// SetParent puts resource inside parent, replacing the parent it had, in
// one edit: relations on parent, and on the resources parent is inside,
// then reach resource. It returns an error matching ErrExists if parent is
// resource's parent already, ErrCycle if parent is inside resource, and
// ErrTooDeep if a chain of parents would grow longer than MaxParentDepth.
func (e *Engine) SetParent(ctx context.Context, resource, parent string) error {
	link := ResourceParent{Resource: resource, Parent: parent}
	if err := e.validParent(link); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		var c Change
		ix := e.relations()
		if r := ix.resource(resource); r != nil && r.parent != "" {
			if r.parent == parent {
				return Change{}, fmt.Errorf("%w: %s", ErrExists, link)
			}
			c.RemoveParents = []ResourceParent{{Resource: resource, Parent: r.parent}}
		}
		above := ix.ancestors(parent)
		if slices.Contains(above, resource) {
			return Change{}, parentCycle(fmt.Sprintf("%q is inside %q already, so %q cannot be inside %q", parent, resource, resource, parent))
		}
		if depth := len(above) + ix.levelsBelow(resource, map[string]bool{}); depth > MaxParentDepth {
			return Change{}, fmt.Errorf("%w: %s would make a chain of %d parents; at most %d are followed", ErrTooDeep, link, depth, MaxParentDepth)
		}
		c.AddParents = []ResourceParent{link}
		return c, nil
	})
}

// RemoveParent takes resource out of its parent. It returns an error
// matching ErrNotFound if resource has none.
func (e *Engine) RemoveParent(ctx context.Context, resource string) error {
	if err := ValidateResourceName(resource); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		r := e.relations().resource(resource)
		if r == nil || r.parent == "" {
			return Change{}, fmt.Errorf("%w: %q has no parent", ErrNotFound, resource)
		}
		return Change{RemoveParents: []ResourceParent{{Resource: resource, Parent: r.parent}}}, nil
	})
}

// RemoveResource removes every relation on resource and its links to its
// parent and its children, in one edit. Use it when the resource is
// deleted, so that a later resource reusing the id inherits nothing.
// Removing a resource the policy does not mention is not an error.
func (e *Engine) RemoveResource(ctx context.Context, resource string) error {
	if err := ValidateResourceName(resource); err != nil {
		return err
	}
	if err := e.checkRelationsSupported(); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		var c Change
		rel := e.relations()
		if r := rel.resource(resource); r != nil {
			for _, entry := range r.relations {
				c.RemoveRelations = append(c.RemoveRelations, Relation{Subject: entry.subject, Role: entry.role, Resource: r.name, Expires: unixExpiry(entry.expires)})
			}
			if r.parent != "" {
				c.RemoveParents = append(c.RemoveParents, ResourceParent{Resource: r.name, Parent: r.parent})
			}
		}
		for _, child := range rel.children[resource] {
			c.RemoveParents = append(c.RemoveParents, ResourceParent{Resource: child, Parent: resource})
		}
		return c, nil
	})
}

// Relations returns the relations held on resource itself, expired ones
// included, sorted by subject, then as they were added; never nil.
// Relations on its parents, which reach it too, are the parents' own:
// WhoCan answers with all of them.
func (e *Engine) Relations(ctx context.Context, resource string) (relations []Relation, err error) {
	defer e.contain(&err, "listing relations")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := ValidateResourceName(resource); err != nil {
		return nil, err
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	relations = []Relation{}
	if ix := e.index.Load(); ix != nil && ix.rel != nil {
		if r := ix.rel.resource(resource); r != nil {
			for _, entry := range r.relations {
				relations = append(relations, Relation{Subject: entry.subject, Role: entry.role, Resource: r.name, Expires: unixExpiry(entry.expires)})
			}
		}
	}
	return relations, nil
}

// Parent returns the resource resource is inside, "" for none.
func (e *Engine) Parent(ctx context.Context, resource string) (parent string, err error) {
	defer e.contain(&err, "reading a parent")
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := ValidateResourceName(resource); err != nil {
		return "", err
	}
	if err := e.Err(); err != nil {
		return "", err
	}
	if ix := e.index.Load(); ix != nil && ix.rel != nil {
		if r := ix.rel.resource(resource); r != nil {
			return r.parent, nil
		}
	}
	return "", nil
}

// relation returns the relation of the policy with r's key; the caller
// holds editMu.
func (e *Engine) relation(r Relation) (Relation, bool) {
	res := e.relations().resource(r.Resource)
	if res == nil {
		return Relation{}, false
	}
	for _, entry := range res.heldBy(e.relations().hash(r.Subject), r.Subject) {
		if entry.role == r.Role {
			return Relation{Subject: entry.subject, Role: entry.role, Resource: res.name, Expires: unixExpiry(entry.expires)}, true
		}
	}
	return Relation{}, false
}

// relations returns the relation index, empty when the policy has none.
func (e *Engine) relations() *relationIndex {
	if ix := e.index.Load(); ix != nil && ix.rel != nil {
		return ix.rel
	}
	return emptyRelations
}

var emptyRelations = newRelationIndex(maphash.MakeSeed())

// levelsBelow returns the longest chain of children below name.
func (ix *relationIndex) levelsBelow(name string, onPath map[string]bool) int {
	if onPath[name] {
		return 0
	}
	onPath[name] = true
	defer delete(onPath, name)
	longest := 0
	for _, child := range ix.children[name] {
		longest = max(longest, 1+ix.levelsBelow(child, onPath))
	}
	return longest
}

// checkRelationsSupported refuses relations under a model they do not fit:
// they need gatehouse's own matcher (Casbin's Enforce, which decides under
// any other, knows nothing of them) and, for now, the model without
// tenants.
func (e *Engine) checkRelationsSupported() error {
	switch {
	case e.tenanted:
		return fmt.Errorf("%w: relations and resource parents need the model without tenants", ErrUnsupportedModel)
	case !e.indexed:
		return fmt.Errorf("%w: relations and resource parents need gatehouse's matcher", ErrUnsupportedModel)
	}
	return nil
}

// validRelation validates r for e's model.
func (e *Engine) validRelation(r Relation) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return e.checkRelationsSupported()
}

// validParent validates p for e's model.
func (e *Engine) validParent(p ResourceParent) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return e.checkRelationsSupported()
}

// checkPolicyLines validates what the lines of p, a policy to load, need
// beyond each line's own validation: expiries and relations only under a
// model whose decisions the index makes; each grant, role assignment and
// relation given once, whatever its expiry; one parent per resource, and
// no cycle of parents.
func (e *Engine) checkPolicyLines(source string, p Policy) error {
	fail := func(text string, err error) error { return &PolicyError{Source: source, Text: text, Err: err} }
	if err := e.checkExpiringLines(p, fail); err != nil {
		return err
	}
	if len(p.Relations) == 0 && len(p.Parents) == 0 {
		return nil
	}
	if err := e.checkRelationsSupported(); err != nil {
		if len(p.Relations) > 0 {
			return fail(p.Relations[0].String(), err)
		}
		return fail(p.Parents[0].String(), err)
	}
	seen := make(map[Relation]bool, len(p.Relations))
	for _, r := range p.Relations {
		if err := r.Validate(); err != nil {
			return fail(r.String(), err)
		}
		if seen[r.key()] {
			return fail(r.String(), fmt.Errorf("%w: %q holds %q on %q on another line too", ErrExists, r.Subject, r.Role, r.Resource))
		}
		seen[r.key()] = true
	}
	parents := make(map[string]string, len(p.Parents))
	for _, link := range p.Parents {
		if err := link.Validate(); err != nil {
			return fail(link.String(), err)
		}
		if other, ok := parents[link.Resource]; ok {
			return fail(link.String(), fmt.Errorf("%w: %q is inside %q on another line; a resource has one parent", ErrExists, link.Resource, other))
		}
		parents[link.Resource] = link.Parent
	}
	for _, link := range p.Parents {
		depth := 0
		for at := link.Resource; parents[at] != ""; at = parents[at] {
			if depth++; depth > MaxParentDepth {
				return fail(link.String(), fmt.Errorf("%w: %q has more than %d parents above it, or is inside itself", ErrTooDeep, link.Resource, MaxParentDepth))
			}
		}
	}
	return nil
}

// checkExpiringLines refuses expiring grants and role assignments under a
// model the index does not serve, and a grant or assignment given twice
// with different expiries.
func (e *Engine) checkExpiringLines(p Policy, fail func(string, error) error) error {
	expiring := false
	for _, g := range p.Grants {
		if !g.Expires.IsZero() {
			expiring = true
			if !e.indexed {
				return fail(g.String(), e.checkExpiry(g.Expires, g))
			}
		}
	}
	for _, a := range p.Roles {
		if !a.Expires.IsZero() {
			expiring = true
			if !e.indexed {
				return fail(a.String(), e.checkExpiry(a.Expires, a))
			}
		}
	}
	if !expiring {
		return nil
	}
	grants := make(map[Grant]bool, len(p.Grants))
	for _, g := range p.Grants {
		if grants[g.key()] {
			return fail(g.String(), fmt.Errorf("%w: the grant is on another line too", ErrExists))
		}
		grants[g.key()] = true
	}
	roles := make(map[RoleAssignment]bool, len(p.Roles))
	for _, a := range p.Roles {
		if roles[a.key()] {
			return fail(a.String(), fmt.Errorf("%w: the assignment is on another line too", ErrExists))
		}
		roles[a.key()] = true
	}
	return nil
}

// relationsNaming returns the relations whose subject or role is name.
func (ix *relationIndex) relationsNaming(name string) []Relation {
	var out []Relation
	for _, h := range ix.heldBy(name) {
		out = append(out, Relation{Subject: name, Role: h.role, Resource: h.resource, Expires: unixExpiry(h.expires)})
	}
	for i := range ix.resources {
		ix.resources[i].each(func(r *resourceRecord) {
			for _, entry := range r.relations {
				if entry.role == name && entry.subject != name {
					out = append(out, Relation{Subject: entry.subject, Role: entry.role, Resource: r.name, Expires: unixExpiry(entry.expires)})
				}
			}
		})
	}
	slices.SortFunc(out, func(a, b Relation) int {
		return strings.Compare(a.String(), b.String())
	})
	return out
}

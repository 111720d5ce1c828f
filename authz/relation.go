package authz

import (
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Relations. Grants reach every resource of a type (scope any) or the
// subject's own (scope own); a relation reaches one resource. "g2, carol,
// editor, posts:42" makes carol hold the role editor on the post 42 only:
// every grant of editor, and of the roles editor inherits, applies to
// carol's requests about that post, as if she held editor there and
// nowhere else. A relation may name a group rather than a subject ("g2,
// red, viewer, folders:7": every member of the group red, a role their
// "g" lines give them, views folder 7), and it may expire.
//
// Resources may have a parent: "g3, docs:9, folders:7" puts the document 9
// in the folder 7, and a relation on the folder then reaches the document,
// and whatever is inside the document, to MaxParentDepth levels.
//
// Both lines are Casbin's policy format: "g2" is a role held in a domain,
// the resource (Casbin's RBAC with domains), and "g3" a resource's group
// (Casbin's RBAC with resource roles). Casbin's Enforce decides the same
// as gatehouse on Casbin's model of that shape when its role manager also
// sees gatehouse's role assignments in every domain; parents, which
// Casbin's matcher cannot follow, are checked against a reference
// implementation instead.

// MaxParentDepth is how many parents a decision follows up from a resource:
// "g3, docs:9, folders:7", "g3, folders:7, folders:1" puts docs:9 two
// levels below folders:1, and a relation on folders:1 reaches it. Each
// level costs a decision one more lookup. Edits that would make a longer
// chain are refused with ErrTooDeep.
const MaxParentDepth = 8

// Relation is one "g2" line: Subject, a subject or a group, holds Role on
// Resource alone, until Expires if it is set.
type Relation struct {
	Subject string
	Role    string
	// Resource is the resource's type and id, "posts:42": the type as the
	// permissions name it, the id as requests give it (Resource.ID).
	Resource string
	// Expires, when set, is the instant the relation stops applying:
	// decisions from then on ignore it, and Engine.SweepExpired removes it.
	// It is kept to the second, in UTC.
	Expires time.Time
}

// Validate reports a malformed name, resource or role held on itself.
func (r Relation) Validate() error {
	if err := validateName("subject", r.Subject); err != nil {
		return err
	}
	if err := validateName("role", r.Role); err != nil {
		return err
	}
	if r.Subject == r.Role {
		return fmt.Errorf("%w: %q cannot hold itself", ErrCycle, r.Role)
	}
	return ValidateResourceName(r.Resource)
}

// String returns r as a policy line: "g2, carol, editor, posts:42", with
// its expiry last when it has one.
func (r Relation) String() string { return "g2, " + strings.Join(r.Rule(), ", ") }

// Rule returns r as Casbin's values of a "g2" line: subject, role,
// resource, and its expiry (see ExpiryValue) when it has one.
// RelationFromRule reads it back.
func (r Relation) Rule() []string {
	return withExpiry([]string{r.Subject, r.Role, r.Resource}, r.Expires)
}

// key is r without its expiry: a subject holds a role on a resource once.
func (r Relation) key() Relation { r.Expires = time.Time{}; return r }

// RelationFromRule converts the values of a "g2" line back, as Rule writes
// them. It does not validate; a malformed expiry or a wrong number of
// values gives the zero Relation.
func RelationFromRule(rule []string) Relation {
	rule, expires, ok := splitExpiry(rule)
	if !ok || len(rule) != 3 {
		return Relation{}
	}
	return Relation{Subject: rule[0], Role: rule[1], Resource: rule[2], Expires: expires}
}

// ResourceParent is one "g3" line: Resource is inside Parent, and a
// relation on Parent reaches it.
type ResourceParent struct {
	Resource string
	Parent   string
}

// Validate reports a malformed resource name or a resource inside itself.
func (p ResourceParent) Validate() error {
	if err := ValidateResourceName(p.Resource); err != nil {
		return err
	}
	if err := ValidateResourceName(p.Parent); err != nil {
		return err
	}
	if p.Resource == p.Parent {
		return parentCycle(fmt.Sprintf("%q cannot be inside itself", p.Resource))
	}
	return nil
}

// String returns p as a policy line: "g3, docs:9, folders:7".
func (p ResourceParent) String() string { return "g3, " + p.Resource + ", " + p.Parent }

// Rule returns p as Casbin's values of a "g3" line: resource, parent.
func (p ResourceParent) Rule() []string { return []string{p.Resource, p.Parent} }

// ParentFromRule converts the values of a "g3" line back. It does not
// validate; a wrong number of values gives the zero ResourceParent.
func ParentFromRule(rule []string) ResourceParent {
	if len(rule) != 2 {
		return ResourceParent{}
	}
	return ResourceParent{Resource: rule[0], Parent: rule[1]}
}

// ResourceName returns the name relations give the resource of type
// resourceType with id id: "posts:42".
func ResourceName(resourceType, id string) string { return resourceType + ":" + id }

// ValidateResourceName checks a resource's name as relations and parents
// write it: a resource type as permissions name it, a colon and an id that
// is valid as a subject's name and has no "*", which Casbin's tools read as
// a pattern; at most MaxNameLength bytes in all, the width of the policy
// tables' columns.
func ValidateResourceName(name string) error {
	if len(name) > MaxNameLength {
		return fmt.Errorf("%w: resource name longer than %d bytes", ErrInvalidResource, MaxNameLength)
	}
	typ, id, ok := strings.Cut(name, ":")
	if !ok {
		return fmt.Errorf("%w: resource %q: want type:id, such as \"posts:42\"", ErrInvalidResource, name)
	}
	if err := permissions.Permission(typ + ":read").Validate(); err != nil {
		return fmt.Errorf("%w: resource %q: type %q: %w", ErrInvalidResource, name, typ, err)
	}
	return validateResourceID(id)
}

// validateResourceID checks the id of a resource a relation can name.
func validateResourceID(id string) error {
	if err := validateName("resource id", id); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidResource, err)
	}
	if strings.Contains(id, "*") {
		return fmt.Errorf("%w: id %q contains \"*\"", ErrInvalidResource, id)
	}
	return nil
}

// requestResource returns the name of the resource req is about, "" when it
// names none (no id): relations apply only to a request with one.
func requestResource(req Request) string {
	if req.Resource.ID == "" {
		return ""
	}
	typ := req.Resource.Type
	if typ == "" {
		typ = req.Permission.Resource()
	}
	return typ + ":" + req.Resource.ID
}

// parentCycle is ErrCycle for resources inside one another, worded for
// them.
type parentCycle string

func (e parentCycle) Error() string { return "resource parent cycle: " + string(e) }

// Is makes a parentCycle match ErrCycle.
func (e parentCycle) Is(target error) bool { return target == ErrCycle }

package authz

import (
	"fmt"
	"strings"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Effect says whether a grant allows or denies.
type Effect string

const (
	// Allow lets the subject perform the permission, unless a Deny matches too.
	Allow Effect = "allow"
	// Deny forbids the permission whatever else allows it.
	Deny Effect = "deny"
)

// Validate reports whether e is Allow or Deny.
func (e Effect) Validate() error {
	switch e {
	case Allow, Deny:
		return nil
	}
	return fmt.Errorf("%w: %q: want %q or %q", ErrInvalidEffect, string(e), Allow, Deny)
}

// Grant is one policy line: Subject (a subject or a role) may, or may not,
// perform Permission on resources within Scope.
type Grant struct {
	Subject    string
	Permission permissions.Permission
	Scope      permissions.Scope
	// Effect is Allow or Deny. Editing methods treat the zero value as Allow.
	Effect Effect
}

// withDefaults returns g with the zero Effect replaced by Allow.
func (g Grant) withDefaults() Grant {
	if g.Effect == "" {
		g.Effect = Allow
	}
	return g
}

// Validate reports the first malformed field of g. The zero Effect is
// invalid here; editing methods default it to Allow before validating.
func (g Grant) Validate() error {
	if err := validateName("subject", g.Subject); err != nil {
		return err
	}
	if err := g.Permission.Validate(); err != nil {
		return err
	}
	if err := g.Scope.Validate(); err != nil {
		return err
	}
	return g.Effect.Validate()
}

// String returns g as a policy line: "p, moderator, posts:delete, any, allow".
func (g Grant) String() string {
	return "p, " + strings.Join(g.rule(), ", ")
}

// rule returns g as Casbin's policy values (sub, perm, scope, eft).
func (g Grant) rule() []string {
	return []string{g.Subject, string(g.Permission), string(g.Scope), string(g.Effect)}
}

// grantFromRule converts Casbin's policy values back. It does not validate.
func grantFromRule(rule []string) Grant {
	var g Grant
	if len(rule) == 4 {
		g = Grant{Subject: rule[0], Permission: permissions.Permission(rule[1]),
			Scope: permissions.Scope(rule[2]), Effect: Effect(rule[3])}
	}
	return g
}

// RoleAssignment is one role line: Member (a subject or a role) holds Role
// and so inherits every grant of Role and of the roles Role holds.
type RoleAssignment struct {
	Member string
	Role   string
}

// Validate reports a malformed name or a role assigned to itself.
func (a RoleAssignment) Validate() error {
	if err := validateName("member", a.Member); err != nil {
		return err
	}
	if err := validateName("role", a.Role); err != nil {
		return err
	}
	if a.Member == a.Role {
		return fmt.Errorf("%w: %q cannot hold itself", ErrCycle, a.Role)
	}
	return nil
}

// String returns a as a policy line: "g, moderator, user".
func (a RoleAssignment) String() string {
	return "g, " + a.Member + ", " + a.Role
}

func (a RoleAssignment) rule() []string { return []string{a.Member, a.Role} }

// Policy is a whole policy: its grants and role assignments, each in the
// order the engine evaluates them.
type Policy struct {
	Grants []Grant
	Roles  []RoleAssignment
}

// String returns p in Casbin's CSV policy format, one line each, grants
// first; ParsePolicy reads it back.
func (p Policy) String() string {
	var b strings.Builder
	for _, g := range p.Grants {
		b.WriteString(g.String())
		b.WriteByte('\n')
	}
	for _, a := range p.Roles {
		b.WriteString(a.String())
		b.WriteByte('\n')
	}
	return b.String()
}

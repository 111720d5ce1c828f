package blog

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/stack"
)

// Admin is what administrators do at runtime: list the users, set their
// roles, delete them, and edit the policy. Every edit governs the next
// request, on every replica, with the credentials already held. Who may do
// each is the guards' to decide before these run.
type Admin struct {
	auth *stack.Stack
}

// User is an account as administrators see it, with the roles assigned
// to it.
type User struct {
	ID    string   `json:"id"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// Users returns every account and the roles it is assigned.
func (a *Admin) Users(ctx context.Context) ([]User, error) {
	all, err := a.auth.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]User, len(all))
	for i, u := range all {
		roles, err := a.auth.Engine.AssignedRoles(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		out[i] = User{ID: u.ID, Email: u.Email, Name: u.Name, Roles: roles}
	}
	return out, nil
}

// RolesInput is the body of a role assignment: the roles, all of them.
type RolesInput struct {
	Roles *[]string `json:"roles"`
}

// SetRoles makes the roles of the user id exactly those of in, and returns
// them as the policy now holds them. Only the names the policy uses as
// roles may be assigned (see knownRoles). The policy's history names
// actor, the caller's id, as who made the change.
func (a *Admin) SetRoles(ctx context.Context, actor, id string, in RolesInput) ([]string, error) {
	ctx = AsActor(ctx, actor)
	if in.Roles == nil {
		return nil, invalid(`field "roles" is required`)
	}
	if _, err := a.auth.Users.Get(ctx, id); err != nil {
		return nil, userError(err)
	}
	known, err := a.knownRoles(ctx)
	if err != nil {
		return nil, err
	}
	for _, role := range *in.Roles {
		if !known[role] {
			return nil, invalid(fmt.Sprintf("unknown role %q", role))
		}
	}
	if err := a.auth.Engine.SetRoles(ctx, id, *in.Roles); err != nil {
		if errors.Is(err, authz.ErrCycle) || errors.Is(err, authz.ErrInvalidSubject) || errors.Is(err, authz.ErrTooDeep) {
			return nil, invalidFor(err)
		}
		return nil, err
	}
	return a.auth.Engine.AssignedRoles(ctx, id)
}

// knownRoles are the names the policy uses as roles: holders of grants or
// of other roles' membership, that are not accounts. Assigning anything
// else is a typo (or an attempt to make a user inherit another user).
func (a *Admin) knownRoles(ctx context.Context) (map[string]bool, error) {
	p, err := a.auth.Engine.Policy(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, g := range p.Grants {
		names[g.Subject] = true
	}
	for _, r := range p.Roles {
		names[r.Role] = true
	}
	for name := range names {
		if _, err := a.auth.Users.Get(ctx, name); err == nil {
			delete(names, name)
		}
	}
	return names, nil
}

// DeleteUser deletes the user id: every credential of the user stops
// working at once, the account is deleted, and the policy forgets it, in
// an edit the history says actor made.
func (a *Admin) DeleteUser(ctx context.Context, actor, id string) error {
	ctx = AsActor(ctx, actor)
	if err := a.auth.Accounts.DeleteUser(ctx, id); err != nil {
		return userError(err)
	}
	return a.auth.Engine.RemoveSubject(ctx, id)
}

func userError(err error) error {
	if errors.Is(err, users.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// Grant is a grant of the policy: Subject (a role or a user id) may, or
// may not (Effect deny), use Permission on the resources of Scope.
type Grant struct {
	Subject    string `json:"subject"`
	Permission string `json:"permission"`
	Scope      string `json:"scope"`
	Effect     string `json:"effect"`
}

func grantOf(g authz.Grant) Grant {
	return Grant{g.Subject, string(g.Permission), string(g.Scope), string(g.Effect)}
}

// RoleAssignment is a member (a user id or a role) holding a role.
type RoleAssignment struct {
	Member string `json:"member"`
	Role   string `json:"role"`
}

// Policy is the whole policy: every grant, role assignment and relation.
type Policy struct {
	Grants []Grant          `json:"grants"`
	Roles  []RoleAssignment `json:"roles"`
	// Relations are the roles users hold on single posts: their editors.
	Relations []Relation `json:"relations"`
}

// Policy returns every grant, role assignment and relation.
func (a *Admin) Policy(ctx context.Context) (Policy, error) {
	p, err := a.auth.Engine.Policy(ctx)
	if err != nil {
		return Policy{}, err
	}
	out := Policy{Grants: make([]Grant, len(p.Grants)), Roles: make([]RoleAssignment, len(p.Roles)),
		Relations: make([]Relation, len(p.Relations))}
	for i, g := range p.Grants {
		out.Grants[i] = grantOf(g)
	}
	for i, r := range p.Roles {
		out.Roles[i] = RoleAssignment{r.Member, r.Role}
	}
	for i, r := range p.Relations {
		out.Relations[i] = Relation{r.Subject, r.Role, r.Resource}
	}
	return out, nil
}

// GrantInput is a grant as clients write it: every field is required but
// effect, which defaults to allow.
type GrantInput struct {
	Subject    *string `json:"subject"`
	Permission *string `json:"permission"`
	Scope      *string `json:"scope"`
	Effect     *string `json:"effect"`
}

// grant validates in.
func (in GrantInput) grant() (authz.Grant, error) {
	if in.Subject == nil || in.Permission == nil || in.Scope == nil {
		return authz.Grant{}, invalid(`fields "subject", "permission" and "scope" are required`)
	}
	g := authz.Grant{Subject: *in.Subject, Permission: permissions.Permission(*in.Permission),
		Scope: permissions.Scope(*in.Scope), Effect: authz.Allow}
	if in.Effect != nil {
		g.Effect = authz.Effect(*in.Effect)
	}
	if err := g.Validate(); err != nil {
		return authz.Grant{}, invalidFor(err)
	}
	return g, nil
}

// AddGrant adds the grant of in to the policy, in an edit the history
// says actor made, and returns it.
func (a *Admin) AddGrant(ctx context.Context, actor string, in GrantInput) (Grant, error) {
	ctx = AsActor(ctx, actor)
	g, err := in.grant()
	if err != nil {
		return Grant{}, err
	}
	if err := a.auth.Engine.AddGrant(ctx, g); err != nil {
		if errors.Is(err, authz.ErrExists) {
			return Grant{}, &Error{Kind: ErrConflict, Reason: "the policy has this grant already", Cause: err}
		}
		return Grant{}, err
	}
	return grantOf(g), nil
}

// RemoveGrant removes the grant of in from the policy, in an edit the
// history says actor made.
func (a *Admin) RemoveGrant(ctx context.Context, actor string, in GrantInput) error {
	ctx = AsActor(ctx, actor)
	g, err := in.grant()
	if err != nil {
		return err
	}
	if err := a.auth.Engine.RemoveGrant(ctx, g); err != nil {
		if errors.Is(err, authz.ErrNotFound) {
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return err
	}
	return nil
}

// AsActor returns ctx naming actor, the id of the caller, as who makes the
// policy edits made with it, through the blog's API: the policy's history
// records it (authz.WithActor).
func AsActor(ctx context.Context, actor string) context.Context {
	return authz.WithActor(ctx, authz.Actor{ID: actor, Source: authz.SourceAPI})
}

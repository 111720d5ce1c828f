package blog

import (
	"context"
	"errors"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

type userJSON struct {
	ID    string   `json:"id"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// ListUsers answers GET /admin/users with every account and the roles it
// is assigned.
func (a *App) ListUsers(ctx context.Context, _ Request) Response {
	all, err := a.Auth.Users.List(ctx)
	if err != nil {
		return fail(err)
	}
	out := make([]userJSON, len(all))
	for i, u := range all {
		roles, err := a.Auth.Engine.AssignedRoles(ctx, u.ID)
		if err != nil {
			return fail(err)
		}
		out[i] = userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Roles: roles}
	}
	return ok(http.StatusOK, map[string]any{"users": out})
}

type rolesInput struct {
	Roles *[]string `json:"roles"`
}

// SetUserRoles answers PUT /admin/users/{id}/roles: the user's roles become
// exactly those given, at once — the user's next request, with the token
// already held, is judged by them.
func (a *App) SetUserRoles(ctx context.Context, r Request) Response {
	var in rolesInput
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return fail(err)
	}
	if in.Roles == nil {
		return fail(guard.BadRequest(`field "roles" is required`))
	}
	if _, err := a.Auth.Users.Get(ctx, r.ID); err != nil {
		return fail(userError(err))
	}
	known, err := a.knownRoles(ctx)
	if err != nil {
		return fail(err)
	}
	for _, role := range *in.Roles {
		if !known[role] {
			return fail(guard.BadRequest("unknown role " + quote(role)))
		}
	}
	if err := a.Auth.Engine.SetRoles(ctx, r.ID, *in.Roles); err != nil {
		if errors.Is(err, authz.ErrCycle) || errors.Is(err, authz.ErrInvalidSubject) || errors.Is(err, authz.ErrTooDeep) {
			return fail(guard.BadRequest(err.Error()))
		}
		return fail(err)
	}
	roles, err := a.Auth.Engine.AssignedRoles(ctx, r.ID)
	if err != nil {
		return fail(err)
	}
	return ok(http.StatusOK, map[string]any{"id": r.ID, "roles": roles})
}

// knownRoles are the names the policy uses as roles: holders of grants or
// of other roles' membership, that are not accounts. Assigning anything
// else is a typo (or an attempt to make a user inherit another user).
func (a *App) knownRoles(ctx context.Context) (map[string]bool, error) {
	p, err := a.Auth.Engine.Policy(ctx)
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
		if _, err := a.Auth.Users.Get(ctx, name); err == nil {
			delete(names, name)
		}
	}
	return names, nil
}

// DeleteUser answers DELETE /admin/users/{id}: every credential of the user
// stops working at once, the account is deleted, and the policy forgets it.
func (a *App) DeleteUser(ctx context.Context, r Request) Response {
	if err := a.Auth.Accounts.DeleteUser(ctx, r.ID); err != nil {
		return fail(userError(err))
	}
	if err := a.Auth.Engine.RemoveSubject(ctx, r.ID); err != nil {
		return fail(err)
	}
	return Response{Status: http.StatusNoContent}
}

func userError(err error) error {
	if errors.Is(err, users.ErrNotFound) {
		return guard.ErrNotFound
	}
	return err
}

type grantJSON struct {
	Subject    string `json:"subject"`
	Permission string `json:"permission"`
	Scope      string `json:"scope"`
	Effect     string `json:"effect"`
}

type roleJSON struct {
	Member string `json:"member"`
	Role   string `json:"role"`
}

// Policy answers GET /admin/policy with every grant and role assignment.
func (a *App) Policy(ctx context.Context, _ Request) Response {
	p, err := a.Auth.Engine.Policy(ctx)
	if err != nil {
		return fail(err)
	}
	grants := make([]grantJSON, len(p.Grants))
	for i, g := range p.Grants {
		grants[i] = grantJSON{g.Subject, string(g.Permission), string(g.Scope), string(g.Effect)}
	}
	roles := make([]roleJSON, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = roleJSON{r.Member, r.Role}
	}
	return ok(http.StatusOK, map[string]any{"grants": grants, "roles": roles})
}

type grantInput struct {
	Subject    *string `json:"subject"`
	Permission *string `json:"permission"`
	Scope      *string `json:"scope"`
	Effect     *string `json:"effect"`
}

// grant validates the body of the grant endpoints.
func (a *App) grant(body []byte) (authz.Grant, error) {
	var in grantInput
	if err := endpoint.DecodeJSON(body, &in); err != nil {
		return authz.Grant{}, err
	}
	if in.Subject == nil || in.Permission == nil || in.Scope == nil {
		return authz.Grant{}, guard.BadRequest(`fields "subject", "permission" and "scope" are required`)
	}
	g := authz.Grant{Subject: *in.Subject, Permission: permissions.Permission(*in.Permission),
		Scope: permissions.Scope(*in.Scope), Effect: authz.Allow}
	if in.Effect != nil {
		g.Effect = authz.Effect(*in.Effect)
	}
	if err := g.Validate(); err != nil {
		return authz.Grant{}, guard.BadRequest(err.Error())
	}
	return g, nil
}

// AddGrant answers POST /admin/policy/grants.
func (a *App) AddGrant(ctx context.Context, r Request) Response {
	g, err := a.grant(r.Body)
	if err != nil {
		return fail(err)
	}
	if err := a.Auth.Engine.AddGrant(ctx, g); err != nil {
		if errors.Is(err, authz.ErrExists) {
			return fail(conflict("the policy has this grant already"))
		}
		return fail(err)
	}
	return ok(http.StatusCreated, grantJSON{g.Subject, string(g.Permission), string(g.Scope), string(g.Effect)})
}

// RemoveGrant answers DELETE /admin/policy/grants.
func (a *App) RemoveGrant(ctx context.Context, r Request) Response {
	g, err := a.grant(r.Body)
	if err != nil {
		return fail(err)
	}
	if err := a.Auth.Engine.RemoveGrant(ctx, g); err != nil {
		if errors.Is(err, authz.ErrNotFound) {
			return fail(guard.ErrNotFound)
		}
		return fail(err)
	}
	return Response{Status: http.StatusNoContent}
}

func quote(s string) string { return `"` + s + `"` }

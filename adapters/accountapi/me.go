package accountapi

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Me answers GET /me: the caller's account with its effective roles and
// permissions, after inheritance.
func (a *API) Me(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	u, err := a.cfg.Users.Get(ctx, r.Subject.ID)
	if errors.Is(err, users.ErrNotFound) {
		return endpoint.Fail(authn.ErrNoCredentials) // the account is gone
	}
	if err != nil {
		return endpoint.Fail(err)
	}
	roles, err := a.cfg.Engine.Roles(ctx, u.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	grants, err := a.cfg.Engine.Permissions(ctx, u.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.JSON(http.StatusOK, map[string]any{
		"id": u.ID, "email": u.Email, "name": u.Name,
		"roles": roles, "permissions": effectivePermissions(grants),
	})
}

// effectivePermissions lists, sorted, the permissions some grant allows
// and no deny with scope any takes away.
func effectivePermissions(grants []authz.Grant) []string {
	denied := map[permissions.Permission]bool{}
	for _, g := range grants {
		if g.Effect == authz.Deny && g.Scope == permissions.Any {
			denied[g.Permission] = true
		}
	}
	out := []string{}
	for _, g := range grants {
		p := string(g.Permission)
		if g.Effect == authz.Allow && !denied[g.Permission] && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// passwordChange is the body of POST /me/password.
type passwordChange struct {
	CurrentPassword *string `json:"current_password"`
	NewPassword     *string `json:"new_password"`
}

// ChangePassword answers POST /me/password with 204 once the caller's
// password is changed. The current one is checked like a login: a wrong
// one is 403 invalid_credentials, since the caller's own credential is
// good, and counts towards the throttle. A weak or breached new one is
// 400. Afterwards every credential the caller held, the one of this
// request included, is dead: the client logs in again.
func (a *API) ChangePassword(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	var in passwordChange
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return endpoint.Fail(err)
	}
	if in.CurrentPassword == nil || in.NewPassword == nil {
		return endpoint.Fail(guard.BadRequest("current_password and new_password are required"))
	}
	leave, err := a.passwords.enter(ctx)
	if err != nil {
		return endpoint.Fail(err)
	}
	err = a.cfg.Accounts.ChangePassword(ctx, r.Subject.ID, *in.CurrentPassword, *in.NewPassword, r.ClientIP)
	leave()
	switch {
	case errors.Is(err, password.ErrInvalidPassword):
		return endpoint.Fail(guard.BadRequestFor(err, err.Error()))
	case errors.Is(err, users.ErrNotFound):
		return endpoint.Fail(authn.ErrNoCredentials) // the account is gone
	case errors.Is(err, authn.ErrInvalidCredentials) && !errors.Is(err, authn.ErrThrottled):
		return endpoint.Fail(&guard.Error{Status: http.StatusForbidden, Code: CodeInvalidCredentials,
			Message: "the current password is wrong", Cause: err})
	case err != nil:
		return endpoint.Fail(err)
	}
	return endpoint.NoContent()
}

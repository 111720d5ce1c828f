package blog

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Me answers GET /me: the caller's account with its effective roles and
// permissions, after inheritance.
func (a *App) Me(ctx context.Context, r Request) Response {
	u, err := a.users.Get(ctx, r.Subject.ID)
	if errors.Is(err, users.ErrNotFound) {
		return fail(authn.ErrNoCredentials) // the account is gone
	}
	if err != nil {
		return fail(err)
	}
	roles, err := a.engine.Roles(ctx, u.ID)
	if err != nil {
		return fail(err)
	}
	grants, err := a.engine.Permissions(ctx, u.ID)
	if err != nil {
		return fail(err)
	}
	return ok(http.StatusOK, map[string]any{
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

type keyInput struct {
	Name *string `json:"name"`
}

// keyJSON is an API key as lists show it: never the secret.
type keyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// CreateAPIKey answers POST /api-keys; the key appears in this response
// only.
func (a *App) CreateAPIKey(ctx context.Context, r Request) Response {
	var in keyInput
	if err := decode(r.Body, &in); err != nil {
		return fail(err)
	}
	if in.Name == nil {
		return fail(guard.BadRequest(`field "name" is required`))
	}
	// A key outlives the login that made it: only a recent login makes one,
	// and an API key makes none (a stolen token must not mint a key that
	// stays when the token is revoked).
	k, plain, err := a.keys.CreateFor(ctx, r.Subject, *in.Name, nil)
	if errors.Is(err, apikey.ErrInvalidName) {
		return fail(guard.BadRequest(err.Error()))
	}
	if err != nil {
		return fail(err)
	}
	return ok(http.StatusCreated, map[string]string{"id": k.ID, "name": k.Name, "key": plain.Reveal()})
}

// ListAPIKeys answers GET /api-keys with the caller's keys.
func (a *App) ListAPIKeys(ctx context.Context, r Request) Response {
	keys, err := a.keys.List(ctx, r.Subject.ID)
	if err != nil {
		return fail(err)
	}
	out := make([]keyJSON, len(keys))
	for i, k := range keys {
		out[i] = keyJSON{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt,
			ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
	}
	return ok(http.StatusOK, map[string]any{"api_keys": out})
}

// DeleteAPIKey answers DELETE /api-keys/{id}: revoked for its owner, or for
// whoever may manage other users (users:write).
func (a *App) DeleteAPIKey(ctx context.Context, r Request) Response {
	k, err := a.keys.Get(ctx, r.ID)
	if errors.Is(err, apikey.ErrNotFound) {
		return fail(guard.ErrNotFound)
	}
	if err != nil {
		return fail(err)
	}
	if k.OwnerID != r.Subject.ID {
		d, err := a.engine.Decide(ctx, authz.Request{Subject: r.Subject.ID, Permission: permissions.UsersWrite,
			Resource: authz.Resource{Type: "users", ID: k.OwnerID, Owner: k.OwnerID}})
		if err != nil {
			return fail(err)
		}
		if !d.Allowed {
			return fail(&guard.Error{Status: http.StatusForbidden, Code: guard.CodeForbidden, Message: "you may not revoke another user's key"})
		}
	}
	if err := a.keys.Revoke(ctx, k.ID); err != nil {
		return fail(err)
	}
	return Response{Status: http.StatusNoContent}
}

package accountapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authz"
)

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

// CreateAPIKey answers POST /api-keys with 201 and the key, which appears
// in this response only. A key outlives the login that made it, so only a
// recent login makes one, and an API key makes none: a stolen token must
// not mint a key that stays when the token is revoked (401
// insufficient_user_authentication otherwise).
func (a *API) CreateAPIKey(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	var in keyInput
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return endpoint.Fail(err)
	}
	if in.Name == nil {
		return endpoint.Fail(guard.BadRequest(`field "name" is required`))
	}
	k, plain, err := a.cfg.APIKeys.CreateFor(ctx, r.Subject, *in.Name, nil)
	if errors.Is(err, apikey.ErrInvalidName) {
		return endpoint.Fail(guard.BadRequestFor(err, err.Error()))
	}
	if err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.JSON(http.StatusCreated, map[string]string{"id": k.ID, "name": k.Name, "key": plain.Reveal()})
}

// ListAPIKeys answers GET /api-keys with the caller's keys, without their
// secrets.
func (a *API) ListAPIKeys(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	keys, err := a.cfg.APIKeys.List(ctx, r.Subject.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	out := make([]keyJSON, len(keys))
	for i, k := range keys {
		out[i] = keyJSON{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt,
			ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
	}
	return endpoint.JSON(http.StatusOK, map[string]any{"api_keys": out})
}

// DeleteAPIKey answers DELETE /api-keys/{id} with 204: the key is revoked,
// for its owner or for a caller granted Config.ManageKeys on the owner.
func (a *API) DeleteAPIKey(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	k, err := a.cfg.APIKeys.Get(ctx, r.Param("id"))
	if errors.Is(err, apikey.ErrNotFound) {
		return endpoint.Fail(guard.ErrNotFound)
	}
	if err != nil {
		return endpoint.Fail(err)
	}
	if k.OwnerID != r.Subject.ID {
		d, err := a.cfg.Engine.Decide(ctx, authz.Request{Subject: r.Subject.ID, Permission: a.cfg.ManageKeys,
			Resource: authz.Resource{Type: a.cfg.ManageKeys.Resource(), ID: k.OwnerID, Owner: k.OwnerID}})
		if err != nil {
			return endpoint.Fail(err)
		}
		if !d.Allowed {
			return endpoint.Fail(&guard.Error{Status: http.StatusForbidden, Code: guard.CodeForbidden, Message: "you may not revoke another user's key"})
		}
	}
	if err := a.cfg.APIKeys.Revoke(ctx, k.ID); err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.NoContent()
}

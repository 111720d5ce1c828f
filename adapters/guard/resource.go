package guard

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Loaded is what a resource loader returns: the resource as authz sees it
// (its Owner above all) and the application's own value, which the adapter
// hands to the handler so it is not loaded twice.
type Loaded struct {
	Resource authz.Resource
	Value    any
}

// Authorize runs the ownership checks of a route in the order clients
// expect: 401 for an anonymous caller; then the loader, whose ErrNotFound is
// a 404 (before any 403, and only to authenticated callers); then the
// decision on the loaded resource, 403 when refused. load runs only for an
// authenticated caller and, with Config.Tenant, only for a member of the
// tenant EnterTenant admitted it to, whose decision is made there.
func (g *Guard) Authorize(ctx context.Context, subject authn.Subject, perm permissions.Permission,
	load func(context.Context) (Loaded, error)) (Loaded, *Error) {
	if subject.IsZero() {
		return Loaded{}, g.unauthorized(CodeUnauthorized, "authentication required", authn.ErrNoCredentials, false)
	}
	if _, e := g.tenantOf(ctx, subject); e != nil {
		return Loaded{}, e
	}
	loaded, err := load(ctx)
	if err != nil {
		return Loaded{}, g.ErrorFor(err)
	}
	if loaded.Resource.Type == "" {
		loaded.Resource.Type = perm.Resource()
	}
	if e := g.CheckResource(ctx, subject, perm, loaded.Resource); e != nil {
		return Loaded{}, e
	}
	return loaded, nil
}

// loadedKey is the context key of a loaded resource.
type loadedKey struct{}

// WithLoaded returns a copy of ctx carrying v, a resource a loader produced.
func WithLoaded(ctx context.Context, v any) context.Context {
	return context.WithValue(ctx, loadedKey{}, v)
}

// LoadedFrom returns the resource WithLoaded stored in ctx, as a T.
func LoadedFrom[T any](ctx context.Context) (T, bool) {
	v, ok := ctx.Value(loadedKey{}).(T)
	return v, ok
}

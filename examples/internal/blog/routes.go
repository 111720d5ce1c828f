package blog

import (
	"context"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Route is one endpoint of the API, for the glue of each framework to
// mount: Method and Path (with {id} for the path parameter), the guard
// before it, and the endpoint.
type Route struct {
	Method, Path string
	// Permission, when set, is required of the caller (RequirePermission).
	Permission permissions.Permission
	// Owner, when set, guards the route with an ownership check of this
	// permission on the post {id} (RequireOwnership with LoadPost); the
	// endpoint finds the post in Request.Loaded.
	Owner permissions.Permission
	// Handle is the endpoint.
	Handle func(context.Context, Request) Response
}

// Routes are the blog's own endpoints; the account API's are
// a.Auth.Routes(). Every endpoint's database work is bounded by a timeout.
func (a *App) Routes() []Route {
	routes := []Route{
		{Method: "GET", Path: "/healthz", Handle: a.Health},
		{Method: "GET", Path: "/posts", Handle: a.ListPosts},
		{Method: "POST", Path: "/posts", Permission: permissions.PostsWrite, Handle: a.CreatePost},
		{Method: "GET", Path: "/posts/{id}", Handle: a.GetPost},
		{Method: "PUT", Path: "/posts/{id}", Owner: permissions.PostsUpdate, Handle: a.UpdatePost},
		{Method: "DELETE", Path: "/posts/{id}", Owner: permissions.PostsDelete, Handle: a.DeletePost},
		{Method: "GET", Path: "/admin/users", Permission: permissions.UsersRead, Handle: a.ListUsers},
		{Method: "PUT", Path: "/admin/users/{id}/roles", Permission: permissions.UsersWrite, Handle: a.SetUserRoles},
		{Method: "DELETE", Path: "/admin/users/{id}", Permission: permissions.UsersDelete, Handle: a.DeleteUser},
		{Method: "GET", Path: "/admin/policy", Permission: permissions.PolicyRead, Handle: a.Policy},
		{Method: "POST", Path: "/admin/policy/grants", Permission: permissions.PolicyWrite, Handle: a.AddGrant},
		{Method: "DELETE", Path: "/admin/policy/grants", Permission: permissions.PolicyWrite, Handle: a.RemoveGrant},
	}
	for i := range routes {
		handle := routes[i].Handle
		routes[i].Handle = func(ctx context.Context, r Request) Response {
			ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
			defer cancel()
			return handle(ctx, r)
		}
	}
	return routes
}

// LoadPost is the loader of the ownership-guarded routes.
func (a *App) LoadPost(ctx context.Context, id string) (guard.Loaded, error) {
	p, err := a.Posts.Get(ctx, id)
	if err != nil {
		return guard.Loaded{}, HTTPError(err)
	}
	return guard.Loaded{Resource: p.Resource(), Value: p}, nil
}

func result(status int, body any, err error) Response {
	if err != nil {
		return fail(HTTPError(err))
	}
	return ok(status, body)
}

func decoded[T any](body []byte) (T, error) {
	var in T
	err := endpoint.DecodeJSON(body, &in)
	return in, err
}

// ListPosts answers GET /posts.
func (a *App) ListPosts(ctx context.Context, r Request) Response {
	filter := authz.ListFilter{Kind: authz.FilterNone}
	if !r.Subject.IsZero() {
		var err error
		if filter, err = a.Auth.Engine.Filter(ctx, r.Subject.ID, permissions.PostsRead); err != nil {
			return fail(err)
		}
	}
	posts, err := a.Posts.ListVisible(ctx, filter)
	if r.Subject.IsZero() {
		return result(http.StatusOK, map[string]any{"posts": Titles(posts)}, err)
	}
	return result(http.StatusOK, map[string]any{"posts": posts}, err)
}

// GetPost answers GET /posts/{id}.
func (a *App) GetPost(ctx context.Context, r Request) Response {
	p, err := a.Posts.Read(ctx, r.Subject, r.ID)
	return result(http.StatusOK, p, err)
}

// CreatePost answers POST /posts.
func (a *App) CreatePost(ctx context.Context, r Request) Response {
	in, err := decoded[PostInput](r.Body)
	if err != nil {
		return fail(err)
	}
	p, err := a.Posts.Create(ctx, r.Subject.ID, in)
	return result(http.StatusCreated, p, err)
}

// UpdatePost answers PUT /posts/{id}.
func (a *App) UpdatePost(ctx context.Context, r Request) Response {
	in, err := decoded[PostInput](r.Body)
	if err != nil {
		return fail(err)
	}
	p, err := a.Posts.Update(ctx, r.Loaded, in)
	return result(http.StatusOK, p, err)
}

// DeletePost answers DELETE /posts/{id}.
func (a *App) DeletePost(ctx context.Context, r Request) Response {
	return result(http.StatusNoContent, nil, a.Posts.Delete(ctx, r.Loaded))
}

// ListUsers answers GET /admin/users.
func (a *App) ListUsers(ctx context.Context, _ Request) Response {
	users, err := a.Admin.Users(ctx)
	return result(http.StatusOK, map[string]any{"users": users}, err)
}

// SetUserRoles answers PUT /admin/users/{id}/roles.
func (a *App) SetUserRoles(ctx context.Context, r Request) Response {
	in, err := decoded[RolesInput](r.Body)
	if err != nil {
		return fail(err)
	}
	roles, err := a.Admin.SetRoles(ctx, r.ID, in)
	return result(http.StatusOK, map[string]any{"id": r.ID, "roles": roles}, err)
}

// DeleteUser answers DELETE /admin/users/{id}.
func (a *App) DeleteUser(ctx context.Context, r Request) Response {
	return result(http.StatusNoContent, nil, a.Admin.DeleteUser(ctx, r.ID))
}

// Policy answers GET /admin/policy.
func (a *App) Policy(ctx context.Context, _ Request) Response {
	p, err := a.Admin.Policy(ctx)
	return result(http.StatusOK, p, err)
}

// AddGrant answers POST /admin/policy/grants.
func (a *App) AddGrant(ctx context.Context, r Request) Response {
	in, err := decoded[GrantInput](r.Body)
	if err != nil {
		return fail(err)
	}
	g, err := a.Admin.AddGrant(ctx, in)
	return result(http.StatusCreated, g, err)
}

// RemoveGrant answers DELETE /admin/policy/grants.
func (a *App) RemoveGrant(ctx context.Context, r Request) Response {
	in, err := decoded[GrantInput](r.Body)
	if err != nil {
		return fail(err)
	}
	return result(http.StatusNoContent, nil, a.Admin.RemoveGrant(ctx, in))
}

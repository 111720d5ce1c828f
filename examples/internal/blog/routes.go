package blog

import (
	"context"

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
			ctx, cancel := context.WithTimeout(ctx, requestTimeout)
			defer cancel()
			return handle(ctx, r)
		}
	}
	return routes
}

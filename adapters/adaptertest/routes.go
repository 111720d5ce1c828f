package adaptertest

import (
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Route is one route of the suite's application. An adapter's test mounts
// every route of Routes behind one authentication middleware configured
// with Fixture.Guard, adds the route's own guard, and answers with Reply.
type Route struct {
	// Method and Path of the route; Path is written in net/http's
	// ServeMux syntax ("/posts/{id}"), which adapters translate.
	Method, Path string
	// Require, when set, guards the route (RequirePermission, RequireAll,
	// RequireAny or RequireRole).
	Require *guard.Requirement
	// Owner, when set, guards the route with an ownership check of this
	// permission on the post named by the {id} parameter, loaded with
	// Fixture.LoadPost; the reply names the loaded post.
	Owner permissions.Permission
	// Filter, when set, makes the reply carry the caller's list filter for
	// this permission.
	Filter permissions.Permission
	// Throttled makes the handler refuse with a *authn.ThrottledError of 90
	// seconds, through the adapter's error helper, as a login handler does.
	Throttled bool
	// Edit, when set, makes the handler edit the policy with Fixture.Edit,
	// passing this kind and the route's {org}, {subject} and {name}
	// parameters ("" for a parameter the route does not have) as
	// the framework hands them out (Fiber's alias its request buffer), and
	// answer 204, or, on error, what the adapter's error helper makes of
	// it.
	Edit string
}

// The kinds of Route.Edit.
const (
	EditAssign   = "assign"   // AssignRole(subject, name)
	EditUnassign = "unassign" // UnassignRole(subject, name)
	EditGrant    = "grant"    // AddGrant: subject may do permission name to any resource
	EditRevoke   = "revoke"   // RemoveGrant of the same
	EditRemove   = "remove"   // RemoveSubject(subject)
)

func require(r guard.Requirement) *guard.Requirement { return &r }

// Routes is the suite's application.
var Routes = []Route{
	{Method: "GET", Path: "/healthz"},
	{Method: "GET", Path: "/public/info"},
	{Method: "GET", Path: "/me"},
	{Method: "POST", Path: "/me"},
	{Method: "GET", Path: "/feed"},
	{Method: "GET", Path: "/users", Require: require(guard.Permission(permissions.UsersRead))},
	{Method: "DELETE", Path: "/users", Require: require(guard.All(permissions.UsersRead, permissions.UsersDelete))},
	{Method: "GET", Path: "/reports", Require: require(guard.Any(permissions.PolicyRead, permissions.UsersRead))},
	{Method: "GET", Path: "/admin", Require: require(guard.Role("admin"))},
	{Method: "GET", Path: "/staff", Require: require(guard.AnyRole("admin", "moderator"))},
	{Method: "PUT", Path: "/posts/{id}", Owner: permissions.PostsUpdate},
	{Method: "GET", Path: "/posts", Filter: permissions.PostsRead},
	{Method: "POST", Path: "/public/login", Throttled: true},
	{Method: "PUT", Path: "/public/roles/{subject}/{name}", Edit: EditAssign},
	{Method: "DELETE", Path: "/public/roles/{subject}/{name}", Edit: EditUnassign},
	{Method: "PUT", Path: "/public/grants/{subject}/{name}", Edit: EditGrant},
	{Method: "DELETE", Path: "/public/grants/{subject}/{name}", Edit: EditRevoke},
	{Method: "DELETE", Path: "/public/subjects/{subject}", Edit: EditRemove},
}

// TenantRoutes is the suite's application with tenants, whose Guard reads
// the tenant from {org}. The requirements, ownership checks and filters
// are made in the tenant, for its members only; the edits under
// /public/orgs change roles in the tenant {org}.
var TenantRoutes = []Route{
	{Method: "GET", Path: "/me"},
	{Method: "POST", Path: "/me"},
	{Method: "GET", Path: "/orgs/{org}/posts", Require: require(guard.Permission(permissions.PostsRead))},
	{Method: "GET", Path: "/orgs/{org}/admin", Require: require(guard.Role("admin"))},
	{Method: "DELETE", Path: "/orgs/{org}/posts/{id}", Owner: permissions.PostsDelete},
	{Method: "GET", Path: "/orgs/{org}/feed", Filter: permissions.PostsRead},
	{Method: "PUT", Path: "/public/orgs/{org}/roles/{subject}/{name}", Edit: EditAssign},
	{Method: "DELETE", Path: "/public/orgs/{org}/roles/{subject}/{name}", Edit: EditUnassign},
}

// Reply is the JSON body every route's handler answers with on success.
type Reply struct {
	// Subject is the authenticated subject's id, "" for anonymous.
	Subject string `json:"subject"`
	// Method is how it authenticated.
	Method string `json:"method"`
	// Post is the id of the post the ownership guard loaded.
	Post string `json:"post,omitempty"`
	// Filter is the list filter's kind ("all", "own", "not-own", "none").
	Filter string `json:"filter,omitempty"`
	// Tenant is the tenant the adapter admitted the caller to, on the
	// guarded routes of TenantRoutes.
	Tenant string `json:"tenant,omitempty"`
}

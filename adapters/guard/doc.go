// To set how routes are guarded — which credentials are accepted
// (Config.Authenticator), which engine decides (Config.Engine), which paths
// need no credentials or may go without (Config.PublicPaths,
// Config.OptionalPaths), which proxies to trust for the client's address
// (Config.TrustedProxies) — fill in a Config and give it to the adapter of
// net/http, Gin or Fiber; package stack fills one in for its whole stack
// (Stack.Guard). To guard routes in a framework with no adapter, build a
// Guard with New and call its ModeFor, Authenticate, Check and ErrorFor
// from the framework's middleware. Package guard is what the framework
// adapters share: the decisions a middleware makes about a request, made
// once and without a framework.
//
// A Guard authenticates a request's credentials through an
// authn.Authenticator, checks requirements (permissions, all or any of
// several, a role, a permission on a loaded resource) through an
// authz.Engine, and turns every refusal into an *Error: the HTTP status,
// the JSON body {"error": code, "message": text} and the headers
// (WWW-Authenticate on 401, Retry-After on 429) that every adapter writes
// the same way. The adapters in adapters/nethttp, adapters/gin and
// adapters/fiber only read the request and write the response.
//
// Under a model with tenants (gatehouse.TenantModel), Config.Tenant says
// once where requests name their tenant: a path parameter, a header, the
// host's subdomain or a claim of the caller's token. On every guarded
// route the adapters first admit the caller to the tenant (EnterTenant):
// a caller who is no member of it is answered as if the resource did not
// exist (404), so tenant names do not leak; a member's requirements are
// then decided in the tenant, and the handler finds it with TenantFrom.
//
// Refusals are ordered as clients expect: 401 for an anonymous caller, then
// 404 for a tenant the caller is not in or a resource that does not exist,
// then 403 for one the caller may not touch. Anything the Guard cannot decide (a store that is down, a
// cancelled request) is a 503, never an allow.
package guard

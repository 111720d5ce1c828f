// Package adaptertest is the conformance suite of gatehouse's framework
// adapters: one table of HTTP requests and the responses every adapter must
// give them, status, error code and headers alike. An adapter's test builds
// the suite's application in its framework from the Fixture it is given
// (the routes of Fixture.Routes) and calls Run; any difference between
// frameworks is a failing test.
//
// The Fixture behind the application is real: JWT access tokens from
// authn/token with revocations held in memory (authn/token/memstore), API
// keys from authn/apikey and cookie sessions from authn/session over a
// SQLite file, chained as an account.Service would; decisions come from an
// authz.Engine on the default policy, persisted in the same file.
//
// Besides the table, Run edits the policy at runtime through the
// application, with names its handlers take straight from the framework,
// for a few hundred rounds interleaved with requests that make the
// framework reuse its buffers (large bodies, long paths and headers), then
// checks that memory, the store and every decision agree with the edits,
// and that no subject a handler kept has changed since.
//
// Run also builds the application with tenants (NewTenantFixture,
// TenantRoutes, TenantPolicy: gatehouse's model with tenants) four times,
// reading the tenant from the path, a header, the host's subdomain and a
// claim of the caller's access token (issued by authn/token with
// token.Claim, the way an application names where a caller works). Its
// cases hold every adapter to the rule that a caller who is no member of a
// tenant gets the same 404 as for a tenant that does not exist, after the
// 401 of an anonymous caller, and that members are decided in the tenant,
// nested tenants and platform-wide roles included; a churn of role edits
// in tenants named by the request's path checks that the engine and the
// handlers keep the tenants' names, not the framework's buffers.
package adaptertest

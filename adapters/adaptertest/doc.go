// Package adaptertest is the conformance suite of gatehouse's framework
// adapters: one table of HTTP requests and the responses every adapter must
// give them, status, error code and headers alike. An adapter's test builds
// the suite's application in its framework (see Routes) and calls Run; any
// difference between frameworks is a failing test.
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
package adaptertest

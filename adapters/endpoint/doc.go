// Package endpoint describes an HTTP endpoint once, without a framework,
// so that every adapter mounts it the same way: the account API of package
// accountapi is made of such endpoints, and httpadapter, ginadapter and
// fiberadapter each mount them in one line.
//
// An endpoint is a Route: a method, a path with {name} parameters, and a
// Handler from a Request (the authenticated subject, the JSON body, path
// parameters, cookies, the client's address) to a Response (a status, a
// JSON body, cookies, or an error that the adapter answers as the JSON
// error of package guard). The adapter reads the body (at most
// MaxBodyBytes, declared as JSON) before the handler runs, and writes every
// response of a mounted endpoint with Cache-Control: no-store, since these
// answers carry credentials (an application's own handlers set their own
// caching headers).
package endpoint

// Package blogtest is the end-to-end contract test of the blog example
// API (issue 5), shared by its three servers: net/http, Gin and Fiber.
//
// Each example's test hands Run a Start function that starts the
// example's own server, with its real wiring, on a free port; Run then
// drives every endpoint of the contract over real HTTP, restarts the server
// on the same SQLite file and checks that what should persist did. All
// three examples pass the same table of steps, so any difference between
// frameworks is a failing test.
//
// The steps share state (a login's token is used by later steps), so they
// run in order, not in parallel. Every response is also held to the rules
// the contract states for all of them: no 5xx, JSON bodies, the error body
// {"error", "message"} with a code that matches the status, a
// WWW-Authenticate challenge on every 401 and a Retry-After on every 429.
package blogtest

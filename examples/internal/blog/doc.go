// Package blog is the application behind gatehouse's example servers: a
// small blog whose users register, log in with tokens or a cookie
// session, write posts, and are administered at runtime.
//
// App builds it from the environment: its database, gatehouse's whole
// stack on it (App.Auth, whose account API serves /auth/*, /me and
// /api-keys), and its own domain: Posts and Admin, operations that take
// and return values and the blog's errors, with no HTTP in them. The
// servers in examples/nethttp, examples/gin and examples/fiber route
// requests to these operations the way each framework's users write
// routes, each behind its gatehouse guard; HTTPError, Serve and the
// refusals in serve.go are what they share to answer alike.
package blog

// Package blog is the application behind gatehouse's example servers: a
// small blog API whose users register, log in with tokens or a cookie
// session, write posts, and are administered at runtime. Its endpoints are
// framework-neutral functions from a Request to a Response; the example
// servers in examples/nethttp, examples/gin and examples/fiber mount them
// with their framework's router and gatehouse adapter, so the three serve
// exactly the same HTTP contract.
package blog

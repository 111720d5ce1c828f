// Package bench compares gatehouse's decisions with other policy engines'
// on one policy: Casbin's Enforcer and CachedEnforcer on gatehouse's own
// model, Cedar (cedar-go) and OPA (embedded Rego), each given the policy of
// package internal/benchworld in its own language. It is a module of its
// own, so that gatehouse does not depend on the engines it is measured
// against.
//
//	cd bench && go test -run TestPeersAgree ./...             # the same answers everywhere
//	cd bench && go test -run '^$' -bench BenchmarkPeers ./... # the figures of docs/PERFORMANCE.md
package bench

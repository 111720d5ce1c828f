// Package watchtest holds what tests of watch.Notifier implementations
// share: Run, the conformance suite every Notifier passes; Recorder, which
// keeps the events a subscription hears and checks their order; and Proxy,
// a loopback TCP proxy that plays the network failures a live server
// cannot, such as a connection that goes silent without closing.
//
// The suite publishes on channels of its own, named by Channel, so that
// tests running at the same time against one server never hear each
// other.
package watchtest

// Package storetest is the conformance suite of throttle.Store: every
// store of this module runs it, and a store of one's own should too.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			backend := newEmptyBackend(t) // a database, a key prefix: the test's own
//			return func(t *testing.T) throttle.Store {
//				return myStoreOn(t, backend) // a new handle, as another process would open
//			}
//		})
//	}
//
// Run checks every method against the contract written on throttle.Store
// (what counts, what each end of an attempt leaves, what "not found" and
// bad arguments return), with times given by the test rather than read
// from a clock; racing reservations from two handles, of which exactly
// the limit must win; a long random sequence of calls against a simple
// model; hostile keys and ids; that a store keeps copies of its arguments
// rather than their memory; and a Limiter's scenarios on the store, as
// several replicas would run them.
package storetest

// Package storetest is the conformance suite of apikey.Store: every store
// gatehouse ships passes it, and a store of one's own should too, once per
// backend it supports.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			db := newTestDatabase(t) // empty, this test's own, dropped at its end
//			return func(t *testing.T) apikey.Store {
//				return mystore.New(db.Connect(t)) // another handle on the same data
//			}
//		})
//	}
//
// It checks, case by case, every method and every documented answer of the
// contract in apikey.Store's documentation: not found is not an error,
// Insert refuses a taken id or prefix and changes nothing then, Revoke
// keeps the first revocation time, RevokeOwner counts what it revokes,
// RecordUse writes only over a use at or before the stale time it is
// given, and a done context changes nothing. Then it races goroutines on
// two handles against the atomic operations (exactly one winner, exact
// counts), replays a long random sequence against a model of the
// contract, feeds hostile strings (long, NUL, invalid UTF-8, SQL and glob
// syntax) that must come back byte for byte or be refused with an error,
// changes the bytes behind strings it passed to check that the store kept
// copies, and runs apikey.Keys on the store from two handles.
//
// The suite never sleeps: its clock is the times it passes, whole seconds
// and microseconds after a fixed start.
package storetest

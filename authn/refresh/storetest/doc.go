// Package storetest is the conformance suite of refresh.Store: every store
// gatehouse ships passes it, and a store of one's own should too, once per
// backend it supports.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			db := newTestDatabase(t) // empty, this test's own, dropped at its end
//			return func(t *testing.T) refresh.Store {
//				return mystore.New(db.Connect(t)) // another handle on the same data
//			}
//		})
//	}
//
// It checks, case by case, every method and every documented answer of the
// contract in refresh.Store's documentation: not found is not an error,
// Rotate's five outcomes in their order (revoked before used, reuse found
// even after expiry, expiry at its instant), the successor Rotate stores,
// revocations that keep their first time, live tokens, Cleanup deleting
// whole ended families only, a done context changing nothing. Then it
// races goroutines on two handles against the atomic operations: racing
// rotations of one token have exactly one winner and the losers revoke the
// family; a revocation, or a reuse, reaches every successor that rotations
// racing it store; racing revocations count each token once. It replays a
// long random sequence against a model of the contract, feeds hostile
// strings (long, NUL, invalid UTF-8, SQL and glob syntax) that must come
// back byte for byte or be refused with an error, changes the bytes behind
// strings it passed to check that the store kept copies, and runs
// refresh.Tokens on the store from two handles.
//
// The suite never sleeps: its clock is the times it passes.
package storetest

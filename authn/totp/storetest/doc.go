// Package storetest is the conformance suite of totp.Store: every store
// gatehouse ships passes it, and a store of one's own should too, once per
// backend it supports.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			db := newTestDatabase(t) // empty, this test's own, dropped at its end
//			return func(t *testing.T) totp.Store {
//				return mystore.New(db.Connect(t)) // another handle on the same data
//			}
//		})
//	}
//
// It checks, case by case, every method and every documented answer of the
// contract in totp.Store's documentation: records round-trip byte for byte
// and to the microsecond, not found is not an error, a pending secret
// becomes active only through Activate naming it, UseStep accepts only a
// later step of the active secret, ids compare exactly, arguments no
// record can have are refused or not found, a done context changes
// nothing, and the store keeps and gives back copies. Then it races
// goroutines on two handles against the atomic operations (of sixteen
// uses of one step exactly one is accepted), replays a long random
// sequence against a model of the contract, and runs totp.Manager on the
// store from two handles.
//
// The suite never sleeps: its clock is the times it passes, whole seconds
// and microseconds after a fixed start.
package storetest

// Package storetest is the conformance suite of recovery.Store: every store
// gatehouse ships passes it, and a store of one's own should too, once per
// backend it supports.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			db := newTestDatabase(t) // empty, this test's own, dropped at its end
//			return func(t *testing.T) recovery.Store {
//				return mystore.New(db.Connect(t)) // another handle on the same data
//			}
//		})
//	}
//
// It checks, case by case, every point of the contract in recovery.Store's
// documentation: codes stored are counted and consumed, each once; Replace
// drops every earlier code of the user, used or not, and no other user's,
// and refuses repeated digests without changing anything; user ids and
// digests compare byte for byte (no folding of letter case, accents or
// spaces, no pattern syntax), and one digest under two users is two codes;
// not found is not an error; a user id no user can have is refused by
// Replace with ErrInvalidUserID and found by nothing else; a second handle
// sees what the first wrote; a done context changes nothing; and the store
// keeps copies of the user ids and digests it is given.
//
// Then it races goroutines on two handles: Consumes of one code (exactly
// one wins), of many, Replaces of one user's codes (exactly one set is
// left, whole), and Replaces against Consumes (every code consumed at most
// once, and only the last set left); and it replays a long random sequence
// against a model of the contract.
//
// The suite never sleeps: its clock is the times it passes.
package storetest

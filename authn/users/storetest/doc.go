// Package storetest is the conformance suite of users.Store: every store
// gatehouse ships passes it, and a store of one's own should too, once per
// backend it supports.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			db := newTestDatabase(t) // empty, this test's own, dropped at its end
//			return func(t *testing.T) users.Store {
//				return mystore.New(db.Connect(t)) // another handle on the same data
//			}
//		})
//	}
//
// It checks, case by case, every method and every documented answer of the
// contract in users.Store's documentation: not found is not an error, a
// taken email is ErrEmailTaken and a taken id another error, ids and emails
// compare byte for byte (no letter case, accent or trailing-space folding),
// times are the caller's and kept to the microsecond, each conditional
// change keeps its first time, and a second handle sees what the first
// wrote. Then it races goroutines on two handles against the atomic
// operations (exactly one registration of an email wins, exactly one rehash
// or delete), drives two users.Directory values on two handles through
// racing registrations and an account's whole life, replays a long random
// sequence against a model of the contract, feeds hostile strings (long,
// NUL, invalid UTF-8, SQL) that must come back byte for byte or be refused
// with an error, and changes the memory behind strings and times it passed
// to check that the store kept copies.
//
// Accounts do not expire, so the suite has no clock but the times it
// passes, and never sleeps.
package storetest

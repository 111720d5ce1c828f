// Package storetest is the conformance suite of session.Store: every store
// gatehouse ships passes it, and a store of one's own should too, once per
// backend it supports.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			db := newTestDatabase(t) // empty, this test's own, dropped at its end
//			return func(t *testing.T) session.Store {
//				return mystore.New(db.Connect(t)) // another handle on the same data
//			}
//		})
//	}
//
// It checks, case by case, every method and every documented answer of the
// contract in session.Store's documentation: not found is not an error,
// expiry follows the times passed and only those, Touch slides a live
// session and never revives or rewinds one, Create replaces the previous
// session atomically and refuses a taken id or hash, DestroyByID never
// touches another subject's session, and a session's authentication
// methods come back, as stored, from every method that returns it. Then it races goroutines on two
// handles against the atomic operations (exactly one winner, exact
// counts), replays a long random sequence against a model of the
// contract, feeds hostile strings (long, NUL, invalid UTF-8, glob and key
// syntax) that must come back byte for byte or be refused with an error,
// and changes the bytes behind strings it passed to check that the store
// kept copies.
//
// The suite never sleeps: its clock is the times it passes. Its times are
// whole minutes apart, save a few a millisecond short of an expiry, after
// which it expects nothing more of that session; so a store that expires
// keys in real time by the durations those times imply (as redisstore
// does) keeps every key the suite still looks for at least a minute.
package storetest

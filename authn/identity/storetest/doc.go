// Package storetest is the conformance suite of identity.Store: every store
// gatehouse ships passes it, and a store of one's own should too, once per
// backend it supports.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			db := newTestDatabase(t) // empty, this test's own, dropped at its end
//			return func(t *testing.T) identity.Store {
//				return mystore.New(db.Connect(t)) // another handle on the same data
//			}
//		})
//	}
//
// It checks, case by case, every point of the contract in identity.Store's
// documentation: a link comes back as it was stored, byte for byte and
// CreatedAt to the microsecond; an identity is linked once, and a second
// Create is ErrLinked and writes nothing; issuers, subjects and user ids
// compare byte for byte (no folding of letter case, accents, Unicode forms
// or spaces, no pattern syntax); not found is not an error; ByUser lists
// exactly a user's links, and Delete and DeleteUser report and count what
// they remove; a second handle sees what the first wrote; and a done
// context changes nothing.
//
// It holds every store to one line between valid and invalid links: an
// empty field, one over its Max…Length by a byte, one that is not UTF-8 or
// that holds a NUL byte (which PostgreSQL refuses in text), or no
// CreatedAt is refused with ErrInvalidLink and writes nothing, and a field
// at exactly its limit, in bytes of any width, is kept. Lookups given such
// strings, or SQL and pattern syntax, answer not found without an error.
//
// Then it races goroutines on two handles: creates of one identity
// (exactly one wins, and the store holds only its link), of many, deletes
// of one link, DeleteUser against creates for the same user (every link
// counted once or left), and creates against deletes of one identity; it
// replays a long random sequence against a model of the contract, and it
// changes the bytes behind the strings it passed to check that the store
// kept copies.
//
// The suite never sleeps: its clock is the times it passes.
package storetest

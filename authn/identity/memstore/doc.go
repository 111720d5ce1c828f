// Package memstore keeps the links of external identities to local users
// in the memory of one process: for tests, and for applications that run
// as a single process and whose links may be lost at a restart (a demo, a
// tool seeded at start).
//
//	store := memstore.New()
//
// Links never expire, so nothing is ever dropped but what Delete and
// DeleteUser remove. The store copies every string it keeps, and refuses
// the links every gatehouse store refuses (an empty field, one over its
// limit, one that is not UTF-8 or holds a NUL byte, no CreatedAt) with
// identity.ErrInvalidLink, so that tests on it meet what a database would
// say. It keeps CreatedAt in UTC, to the microsecond, as the databases do.
//
// To keep links elsewhere, implement identity.Store, whose documentation is
// the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does.
package memstore

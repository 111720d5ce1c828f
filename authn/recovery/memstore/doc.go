// Package memstore keeps the digests of recovery codes in the memory of
// one process: for tests, and for applications that run as a single
// process and whose codes may be lost at a restart (a demo, a tool).
//
//	codes, err := recovery.New(memstore.New(), recovery.Config{})
//
// The store copies the user ids and digests it keeps, and answers every
// user id no user can have (empty, over recovery.MaxUserIDLength bytes,
// not UTF-8, holding a NUL byte) as the databases' store does, so that
// tests on it meet what a database would say.
//
// To keep codes elsewhere, implement recovery.Store, whose documentation
// is the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does.
package memstore

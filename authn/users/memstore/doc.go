// Package memstore keeps user accounts in the memory of one process: for
// tests, and for applications that run as a single process and whose
// accounts may be lost at a restart (a demo, a tool seeded at start).
//
//	directory, err := users.New(memstore.New(), users.Config{})
//
// Accounts never expire, so nothing is ever dropped but what Delete
// removes. The store copies every string and time it keeps, and hands out
// copies.
//
// To keep accounts elsewhere, implement users.Store, whose documentation is
// the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does.
package memstore

// Package memstore keeps the API keys of package apikey in the memory of
// one process: for tests, and for applications that run as a single
// process and accept that a restart forgets every key.
//
//	keys, err := apikey.New(memstore.New(), apikey.Config{})
//
// Keys are never dropped, expired and revoked ones included, as in every
// store: their owners see them listed. The store copies every string it
// keeps.
//
// To keep keys elsewhere, implement apikey.Store, whose documentation is
// the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does.
package memstore

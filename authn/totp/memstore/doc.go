// Package memstore keeps the second factors of package totp in the memory
// of one process: for tests, and for applications that run as a single
// process and accept that a restart turns every user's second factor off.
//
//	mfa, err := totp.New(memstore.New(), totp.Config{Issuer: "Example", Key: key})
//
// The store copies every string and slice it keeps and gives back. Its
// zero value is an empty store, ready to use.
//
// To keep records elsewhere, implement totp.Store, whose documentation is
// the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does.
package memstore

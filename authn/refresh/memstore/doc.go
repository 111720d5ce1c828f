// Package memstore keeps the refresh tokens of package refresh in the
// memory of one process: for tests, and for applications that run as a
// single process and accept that a restart logs every client out.
//
//	refreshes, err := refresh.New(memstore.New(), refresh.Config{})
//
// One mutex serialises every method, so a rotation (find the token, mark
// it used, store its successor, or revoke its family on reuse) is atomic
// as the contract asks, and a revocation reaches every successor stored
// before it. Families that have ended are dropped by Tokens.Cleanup, as
// in every store. The store copies every string it keeps.
//
// To keep refresh tokens elsewhere, implement refresh.Store, whose
// documentation is the contract, and run storetest.Run against it in its
// tests, as this package's TestConformance does.
package memstore

// Package memstore keeps sessions in the memory of one process: for tests,
// and for applications that run as a single process and accept that a
// restart logs everyone out.
//
//	sessions, err := session.New(memstore.New(), session.Config{})
//
// Sessions that expire are refused at once, and their memory is given back
// lazily: Manager.Cleanup drops them all, and Create drops them whenever
// the store has doubled in size since the last sweep, so a process that
// never runs Cleanup holds at most about twice its live sessions.
// The store copies every string it keeps.
//
// To keep sessions elsewhere, implement session.Store, whose documentation
// is the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does.
package memstore

// Package memstore keeps a throttle.Limiter's counts in memory: for tests,
// and for an application that runs as a single process and accepts that a
// restart forgets the failures counted so far. Processes do not share it;
// use gormstore or redisstore for several replicas.
//
//	limiter, err := throttle.New(memstore.New(), throttle.Config{})
//
// Reserve counts and reserves under one lock, so racing attempts never get
// past the limit. Entries that have left the window are dropped as the
// keys they are under are used, every key is swept once a window, and
// Limiter.Cleanup drops the rest at once.
//
// It is also the simplest example of a throttle.Store: a store of one's
// own implements the same methods, keeps the contract written on
// throttle.Store, and passes storetest.Run, as this package's test shows.
package memstore

// Package gormstore keeps a throttle.Limiter's counts in a SQL database
// through GORM: SQLite, PostgreSQL or MySQL/MariaDB. Every process using
// the database shares the counts, and they survive restarts.
//
//	store, err := gormstore.New(ctx, db) // creates the tables if missing
//	if err != nil { … }
//	limiter, err := throttle.New(store, throttle.Config{})
//
// The counts are rows of gatehouse_login_failures, one per key (account or
// address) and attempt. Reserve counts and writes in one transaction that
// first locks a row per key in gatehouse_login_attempt_locks, so that the
// attempts on one key are counted one after another by every process;
// keys are locked in one order, so two attempts cannot wait for each
// other. A transaction a server rolls back to break a deadlock is run
// again. Limiter.Cleanup deletes the rows that have left the window and
// the locks unused for as long; run it now and then.
//
// Databases created by earlier versions of gatehouse, whose
// authn/throttle kept these same tables itself, are used as they are.
//
// A store of one's own implements throttle.Store and passes the
// conformance suite of package throttle/storetest, as this one does.
package gormstore

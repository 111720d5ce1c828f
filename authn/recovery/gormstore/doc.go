// Package gormstore keeps the digests of recovery codes in a SQL database
// through GORM, in the table gatehouse_recovery_codes: SQLite, PostgreSQL
// and MySQL/MariaDB.
//
//	store, err := gormstore.New(ctx, db) // creates the table if missing
//	if err != nil {
//		return err
//	}
//	codes, err := recovery.New(store, recovery.Config{})
//
// A row is one code: user_id, digest (the 32 bytes of the SHA-256 that
// recovery computes, never the code), used_at (NULL while unused) and
// created_at. The primary key, (user_id, digest), finds a code in one
// lookup, and a user's codes by its first column. Digests are bytes,
// compared exactly on every database; on MySQL and MariaDB user ids
// compare exactly too (a binary collation), so that "usr_a" and "USR_A",
// or an id and the same with a trailing space, are two users, as they are
// on PostgreSQL and SQLite.
//
// Consume is one UPDATE that sets used_at only where it is NULL: of racing
// uses of one code, from every process of the application, the database
// lets one change the row. Replace is one transaction that deletes the
// user's rows and inserts the new ones, and it and DeleteUser hold a lock
// of the user while they run, so that racing Replaces leave one set rather
// than two: an advisory lock of the transaction on PostgreSQL, a named
// lock (GET_LOCK, whose name includes the database's) on MySQL and
// MariaDB; SQLite has one writer at a time. Deadlocks that MySQL or
// PostgreSQL break are retried. User ids no user can have (see
// recovery.Store) are answered without a query.
//
// To keep codes elsewhere, implement recovery.Store, whose documentation
// is the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does on every database it supports.
package gormstore

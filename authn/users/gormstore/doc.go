// Package gormstore keeps user accounts in a SQL database through GORM, in
// the table gatehouse_users: SQLite, PostgreSQL and MySQL/MariaDB. It is
// the store users.Directory used before stores could be chosen, with the
// same table, columns and indexes, so an existing database keeps its
// accounts.
//
//	store, err := gormstore.New(ctx, db) // creates the table if missing
//	if err != nil {
//		return err
//	}
//	directory, err := users.New(store, users.Config{})
//
// Emails are unique by a unique index, which decides racing registrations
// from every process of the application; on MySQL and MariaDB the table
// compares text exactly (a binary collation), so that no two emails differ
// only in letter case, accents or trailing spaces. The table holds password
// hashes, never passwords.
//
// To keep accounts elsewhere, implement users.Store, whose documentation
// is the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does on every database it supports.
package gormstore

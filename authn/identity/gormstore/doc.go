// Package gormstore keeps the links of external identities to local users
// in a SQL database through GORM, in the table gatehouse_identities:
// SQLite, PostgreSQL and MySQL/MariaDB.
//
//	store, err := gormstore.New(ctx, db) // creates the table if missing
//	if err != nil {
//		return err
//	}
//
// The table's primary key, (issuer, subject), links an identity once: of
// creates racing from every process of the application, the database lets
// one in and the others are told identity.ErrLinked. user_id is indexed,
// for ByUser and DeleteUser. On MySQL and MariaDB the table compares text
// exactly (a binary collation), so that "Alice" and "alice", or a subject
// and the same with a trailing space, are two identities, as they are on
// PostgreSQL and SQLite. Each call is one statement, Find a lookup by the
// primary key.
//
// Create refuses, before it reaches the database, the links every
// gatehouse store refuses with identity.ErrInvalidLink: an empty field,
// one over its limit in bytes, one that is not UTF-8 or holds a NUL byte
// (which PostgreSQL refuses in text), and a CreatedAt that is zero or
// outside the years 1000 to 9999 (MySQL's DATETIME). Lookups and deletes
// of strings no link can have answer not found without a query.
//
// To keep links elsewhere, implement identity.Store, whose documentation
// is the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does on every database it supports.
package gormstore

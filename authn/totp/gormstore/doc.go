// Package gormstore keeps the second factors of package totp in a SQL
// database through GORM, in the table gatehouse_totp: SQLite, PostgreSQL
// and MySQL/MariaDB.
//
//	store, err := gormstore.New(ctx, db) // creates the table if missing
//	if err != nil {
//		return err
//	}
//	mfa, err := totp.New(store, totp.Config{Issuer: "Example", Key: key})
//
// A row per user holds the pending and active secrets as the Manager
// sealed them (bytes no one opens without totp.Config.Key), the last time
// step accepted, and when the secret was activated and the row last
// changed. user_id is the primary key; on MySQL and MariaDB it compares
// exactly (a binary collation), so "Alice" and "alice" are two users, as
// on PostgreSQL and SQLite.
//
// Every method is one statement, so every process of an application may
// open a Store on one database: SetPending is an upsert, Activate and
// UseStep conditional updates whose WHERE clause names the secret and, for
// UseStep, a last step lower than the one being used. Of processes racing
// to accept one code, the database lets one update through and the others
// match no row.
//
// To keep records elsewhere, implement totp.Store, whose documentation is
// the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does on every database it supports.
package gormstore

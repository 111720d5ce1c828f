// Package gormstore keeps the API keys of package apikey in a SQL database
// through GORM, in the table gatehouse_api_keys: SQLite, PostgreSQL and
// MySQL/MariaDB. It is the store apikey used before stores could be chosen,
// with the same table, columns and indexes, so an existing database keeps
// its keys.
//
//	store, err := gormstore.New(ctx, db) // creates the table if missing
//	if err != nil {
//		return err
//	}
//	keys, err := apikey.New(store, apikey.Config{})
//
// The table holds the SHA-256 of each key, never the key. Every process of
// an application may open a Store on one database: the unique indexes on
// id and prefix decide between racing inserts, and revocation and the
// record of a key's last use are single conditional updates, so racing
// processes revoke a key once and record a minute's use once.
//
// To keep keys elsewhere, implement apikey.Store, whose documentation is
// the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does on every database it supports.
package gormstore
